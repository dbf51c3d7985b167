"""`/health/`: whether this web server can answer, for a load balancer or a monitor (docs/production.md).

One cheap query per database (a row of the migrations table: the database answers and holds this
product's tables). It needs no login, sets no cookie, is never redirected to HTTPS and says nothing
but which check failed: no error text, host, version or count. The database is the only thing a
request cannot do without; mail and the file storage are used outside most requests and have their
own failures.

- The database (``default``) failing answers 503 ``{"status": "fail", "checks": {"database": "fail"}}``:
  take this server out of the pool.
- A read replica (``DATABASE_REPLICA_URL``) failing answers 200 with ``"status": "degraded"``: the
  server still signs people in and writes; only the public register and exports, which read the
  replica, fail. Every server shares the replica, so taking them all out would turn a partial outage
  into a whole one; a monitor should alert on anything but ``"ok"``.
"""

import logging

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

QUERY = "SELECT 1 FROM django_migrations LIMIT 1"


def database_answers(alias: str) -> bool:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(QUERY)
            return cursor.fetchone() is not None
    except DatabaseError:
        # The reason goes to the log, never to the caller.
        logger.exception("Health check: the database %r did not answer", alias)
        return False


# Not inside the request's transaction (ATOMIC_REQUESTS): with the database down, opening it would
# fail before the check could say so.
@transaction.non_atomic_requests
@never_cache
@require_safe
def health(request):
    checks = {"database": "ok" if database_answers("default") else "fail"}
    if settings.READ_REPLICA:
        checks["replica"] = "ok" if database_answers(settings.READ_REPLICA) else "fail"
    if checks["database"] != "ok":
        status, code = "fail", 503
    else:
        status, code = ("ok", 200) if all(v == "ok" for v in checks.values()) else ("degraded", 200)
    return JsonResponse({"status": status, "checks": checks}, status=code)
