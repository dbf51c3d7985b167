"""Settings for the alliance governance tracker.

One file, read from the environment (as healthchecks does). Every value that differs between
a developer's machine and production comes from an environment variable with a safe default
for the demo.
"""

import importlib.util
import os
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS, FALSE_WORDS = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def envbool(name: str, default: str) -> bool:
    """A true/false setting; anything else is refused, so a typo never silently means "off"."""
    value = os.environ.get(name, default).strip().lower()
    if value not in TRUE_WORDS | FALSE_WORDS:
        raise ImproperlyConfigured(
            f"{name}={os.environ.get(name)!r} is neither true nor false: set it to true or false "
            "(1/0, yes/no and on/off are read too), or leave it unset."
        )
    return value in TRUE_WORDS


def envint(name: str, default: str) -> int:
    return int(os.environ.get(name, default))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless set: a server started without DEBUG=true is a production one. `make run` (the demo),
# the browser tests' demo server and the test suite (tests/settings.py) set it.
DEBUG = envbool("DEBUG", "false")
# The demo key only ever serves DEBUG runs: with DEBUG off, SECRET_KEY must come from the
# environment, and the demo's own key counts as none. Without one the server refuses to start
# (alliance/startup.py, called by wsgi.py and asgi.py) and Django refuses anything that signs;
# commands that need no key (makemigrations, migrate, check) still run.
DEMO_SECRET_KEY = "demo-only-insecure-key-set-SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not DEBUG and SECRET_KEY == DEMO_SECRET_KEY:
    SECRET_KEY = ""
SECRET_KEY = SECRET_KEY or (DEMO_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "alliance",
    "roles",
    "decisions",
    "contracts",
    "api",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files need no policy; every page and API answer gets one.
    "alliance.csp.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the acting user on every history row written during a request.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Names the source of each change (web, api, admin) on its audit-chain link.
    "alliance.audit.source.AuditSourceMiddleware",
    # Pages of an alliance are for those with a standing in it (roles/access.py).
    "roles.middleware.AllianceStandingMiddleware",
    # Sends the reads of the public register and of the exports to the read replica, if there is one.
    "alliance.replica.ReplicaReadsMiddleware",
    # Locks out a username from an address after repeated failed logins (web, admin and the token
    # endpoint alike); keep it last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "30"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "alliance.lockout.lockout_response"
AXES_IPWARE_PROXY_COUNT = envint("AXES_PROXY_COUNT", "0")
# A refused single sign-on is counted against the login it resolved to (roles/sso.py).
AXES_USERNAME_CALLABLE = "roles.sso.axes_username"

# Single sign-on with OpenID Connect beside the password login (docs/sso.md): on when OIDC_RP_CLIENT_ID
# is set; the provider's issuer, endpoints and the client's secret must then be set too.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
SSO_PROVIDER_NAME = os.environ.get("SSO_PROVIDER_NAME", "your organisation's account")
SSO_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_USE_PKCE = True
OIDC_TIMEOUT = envint("OIDC_TIMEOUT_SECONDS", "10")
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
if SSO_ENABLED:
    _missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_ISSUER",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(
            f"Single sign-on is on (OIDC_RP_CLIENT_ID is set) but {', '.join(_missing)} is not set: set it, "
            "or unset OIDC_RP_CLIENT_ID to turn single sign-on off (docs/sso.md)."
        )
    AUTHENTICATION_BACKENDS.append("roles.sso.PersonOIDCBackend")

ROOT_URLCONF = "alliance.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alliance.context_processors.notifications",
            ],
            # The product's formats in every template: |day, |day_time, |money (alliance/formatting.py).
            "builtins": ["alliance.templatetags.formatting"],
        },
    },
]

WSGI_APPLICATION = "alliance.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("CONN_MAX_AGE", "0"),
    )
}
# Every request runs in one transaction: a refused or failed write leaves nothing behind.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database serves several users at once (tests/test_concurrent_writes.py):
    # - WAL: readers never wait for the writer, nor the writer for readers; synchronous=NORMAL is
    #   WAL's safe setting (a power cut may lose the last commits, never corrupt the file);
    # - IMMEDIATE: each transaction (every request, with ATOMIC_REQUESTS) takes the write lock when
    #   it begins, so two writers queue instead of one failing with "database is locked" when its
    #   read turns into a write (SQLite cannot wait there: the other's commit made its snapshot stale);
    # - timeout: how many seconds a transaction waits for the lock before giving up.
    # Requests therefore take turns in the database (with ATOMIC_REQUESTS a reading view holds the
    # lock too, until its transaction ends), which suits a tracker's load; for heavier use, use
    # PostgreSQL (DATABASE_URL).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )

# A read replica of the database (a PostgreSQL hot standby): the public register and the exports read
# from it (alliance/replica.py); everything else, every write and every login stays on default.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
READ_REPLICA = "replica" if DATABASE_REPLICA_URL else ""
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=envint("CONN_MAX_AGE", "0"))
DATABASE_ROUTERS = ["alliance.replica.ReplicaRouter"]
# Behind a pooler in transaction mode (PgBouncer's pool_mode = transaction) a server connection serves
# one transaction, then another client: nothing may outlive a transaction on it. Django's server-side
# cursors do (a streamed export reads its rows after the view's transaction, through a WITH HOLD
# cursor the next transaction may not find), so they are turned off: rows are then fetched whole, and
# the exports' memory grows with the register (docs/performance.md, "Beyond one machine").
DATABASE_TRANSACTION_POOLING = envbool("DATABASE_TRANSACTION_POOLING", "false")
if DATABASE_TRANSACTION_POOLING:
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
# PostgreSQL plans a statement each time it runs unless it is prepared: the decision list's page query
# takes 2.5 ms to plan and 0.2 ms to run (docs/performance-plans.md). Prepared on its second run on a
# connection (psycopg's prepare_threshold, which Django leaves off; it needs server-side binding), a
# statement is planned once per connection: with CONN_MAX_AGE above 0, once for many requests. A pooler in
# transaction mode hands a client another server connection, where the statement was never prepared, so
# there they stay off unless asked for (PgBouncer 1.21 and later can keep them: max_prepared_statements).
DATABASE_PREPARED_STATEMENTS = envbool(
    "DATABASE_PREPARED_STATEMENTS", "false" if DATABASE_TRANSACTION_POOLING else "true"
)
if DATABASE_PREPARED_STATEMENTS:
    for _database in DATABASES.values():
        if _database["ENGINE"] == "django.db.backends.postgresql":
            _database.setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 1})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `collectstatic` gathers the files WhiteNoise serves in production.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Until collectstatic has run, WhiteNoise serves from the finders and need not warn about it.
warnings.filterwarnings("ignore", message="No directory at")


def boto3_installed() -> bool:
    return importlib.util.find_spec("boto3") is not None


def file_storage(environ) -> dict:
    """Where papers' files are kept (STORAGES["default"]), from the environment: local files under
    MEDIA_ROOT unless FILE_STORAGE=s3, then an S3-compatible store through django-storages (which
    needs boto3: `pip install boto3`; without it, refused here). Nothing here opens a connection."""
    kind = environ.get("FILE_STORAGE", "local").strip().lower() or "local"
    if kind == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if kind != "s3":
        raise ImproperlyConfigured(
            f"FILE_STORAGE={kind!r} is neither local nor s3: set one of them, or leave it unset."
        )
    bucket = environ.get("S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("FILE_STORAGE=s3 needs S3_BUCKET: the name of the bucket papers are kept in.")
    if not boto3_installed():
        raise ImproperlyConfigured(
            "FILE_STORAGE=s3 needs boto3, the library django-storages reaches S3 with: `pip install boto3`."
        )
    options = {
        "bucket_name": bucket,
        # Papers are never public: every download is signed for a short while, after the read rule.
        "default_acl": "private",
        "querystring_auth": True,
        "querystring_expire": int(environ.get("S3_URL_EXPIRE_SECONDS", "300")),
        # A stored file is never replaced: each version has a name of its own (alliance/documents.py).
        "file_overwrite": False,
    }
    for setting, option in (
        ("S3_ENDPOINT_URL", "endpoint_url"),
        ("S3_REGION", "region_name"),
        ("S3_PREFIX", "location"),
        ("S3_ACCESS_KEY_ID", "access_key"),
        ("S3_SECRET_ACCESS_KEY", "secret_key"),
    ):
        if environ.get(setting, "").strip():
            options[option] = environ[setting].strip()
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


# Papers' files (alliance/documents.py) and the cached board packs: local files here unless
# FILE_STORAGE=s3. They are served only through the download view, after the read rule: never put
# MEDIA_ROOT behind the web server.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
MEDIA_URL = "/media/"
STORAGES = {
    "default": file_storage(os.environ),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# What a paper may be: its size in bytes (25 MB unless set) and its types, by extension (the types
# alliance/documents.py knows: pdf, doc, docx, xls, xlsx, ppt, pptx, odt, ods, odp, txt, csv, png,
# jpg, jpeg).
DOCUMENT_MAX_BYTES = envint("DOCUMENT_MAX_BYTES", str(25 * 1024 * 1024))
DOCUMENT_ALLOWED_TYPES = envlist(
    "DOCUMENT_ALLOWED_TYPES", "pdf,doc,docx,xls,xlsx,ppt,pptx,odt,ods,odp,txt,csv,png,jpg,jpeg"
)

# Signed checkpoints of the audit chains (alliance/audit/checkpoint.py). The signing key lives outside
# the database: AUDIT_SIGNING_KEY holds it (PRIVATE+KEY+<name>+<id>+<key>, as `manage.py make_audit_key`
# prints it), or AUDIT_SIGNING_KEY_FILE names a file holding it. Without one the server refuses to
# sign and says how to make one. AUDIT_VERIFIER_KEYS lists older verifier keys (comma-separated), so
# checkpoints signed before a key rotation still verify. AUDIT_LOG_ORIGIN names this deployment in
# each checkpoint's origin line; keep it for the deployment's life.
# The demo (DEBUG) signs with a published key when none is set: never trust a checkpoint it signed.
DEMO_AUDIT_SIGNING_KEY = "PRIVATE+KEY+demo.alliance-tracker+a764b08e+AbR3XZUgGrdGfFNkxW6OCWz77V+DpR6QJAo5r08vy8ki"
AUDIT_SIGNING_KEY = os.environ.get("AUDIT_SIGNING_KEY", "")
AUDIT_SIGNING_KEY_FILE = os.environ.get("AUDIT_SIGNING_KEY_FILE", "")
if DEBUG and not AUDIT_SIGNING_KEY and not AUDIT_SIGNING_KEY_FILE:
    AUDIT_SIGNING_KEY = DEMO_AUDIT_SIGNING_KEY
AUDIT_VERIFIER_KEYS = envlist("AUDIT_VERIFIER_KEYS", "")
AUDIT_LOG_ORIGIN = os.environ.get("AUDIT_LOG_ORIGIN", "") or (
    ALLOWED_HOSTS[0] if ALLOWED_HOSTS and ALLOWED_HOSTS[0] not in ("*", "") else "alliance-tracker"
).lstrip(".")
# A verification oversight asks for from the audit page (or the API) is queued, then run outside the
# request by `manage.py run_audit_verifications`: the scheduler runs it every minute, and with this
# setting on (the default) the request also starts it at once in a detached background process.
# Turn it off where the web server may not start processes; the scheduler then runs it.
AUDIT_VERIFY_IN_BACKGROUND = envbool("AUDIT_VERIFY_IN_BACKGROUND", "true")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Production hardening: on whenever DEBUG is off, so `check --deploy` is clean.
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "true")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
# A load balancer's health check (alliance/health.py) asks over plain HTTP, inside the network.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
# Behind a proxy that terminates HTTPS, name the header it sets for the scheme, e.g.
# SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO: a request carrying "https" in it is then taken as
# secure. Only when configured: without such a proxy, any client could send the header and pass
# for HTTPS; the proxy must set it on every request and drop the client's own.
if os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"].strip().upper(), "https")

# Content-Security-Policy on every response (django-csp): scripts, styles, images, fonts and
# requests come from this site only, with no inline code; pages load their scripts with
# <script src> (a page that needs an inline one gives it nonce="{{ request.csp_nonce }}").
# The API docs use drf-spectacular's split view, whose start-up script is its own URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # Swagger UI draws its icons as data: images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous call gets 401 with a WWW-Authenticate header, not 403.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.AllianceAccessPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "api.renderers.BrowsableAPIRenderer"],
    # A JSON body must be an object (or what the view says it takes): api/parsers.py.
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONObjectParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The hot GETs of the API answer from plain rows with orjson (api/lean.py), each held equal to its
# serializer's output by a test. Off: every read goes through the serializers (the benchmark measures both).
API_LEAN_READS = envbool("API_LEAN_READS", "true")

SPECTACULAR_SETTINGS = {
    "TITLE": "Alliance governance and decision-log API",
    "DESCRIPTION": (
        "Members, roles, meetings, decisions, votes, delegations, interests and award "
        "processes of public-service alliances, with every change kept as an audit trail."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Every operation also documents the shared error answers (api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_error_responses"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from this site (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name per choice set, so the schema stays readable as apps add their own "kind"s.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "alliance.models.Organisation.Kind",
        "BodyKindEnum": "alliance.models.GoverningBody.Kind",
        "MembershipStatusEnum": "alliance.models.Membership.Status",
        "MembershipCapacityEnum": "alliance.models.Membership.Capacity",
        "DecisionRuleEnum": "alliance.models.GoverningBody.DecisionRule",
        "RoleKindEnum": "roles.models.Role.Kind",
        "AssignmentEndReasonEnum": "roles.models.RoleAssignment.EndReason",
        "SeatKindEnum": "roles.models.Seat.Kind",
        "ApprovalOutcomeEnum": "decisions.approval_models.DecisionApproval.Outcome",
        "DecisionKindEnum": "alliance.choices.DecisionKind",
        "ImportKindEnum": "alliance.import_models.ImportRun.Kind",
        "MeetingStatusEnum": "decisions.models.Meeting.Status",
        "AttendanceCapacityEnum": "decisions.models.Attendance.Capacity",
        "ActionItemStatusEnum": "decisions.models.ActionItem.Status",
        "DecisionStatusEnum": "decisions.models.Decision.Status",
        "DecisionVisibilityEnum": "decisions.models.Decision.Visibility",
        "VotePositionEnum": "decisions.models.Vote.Position",
        "RecusalSourceEnum": "decisions.models.Recusal.Source",
        "ServiceCategoryEnum": "contracts.models.ServiceCategory",
        "AwardRouteEnum": "contracts.models.Route",
        "AwardStageEnum": "contracts.models.AwardProcess.Stage",
        "ContractStatusEnum": "contracts.models.Contract.Status",
        "NotificationKindEnum": "alliance.models.NotificationKind",
        "NotificationModeEnum": "alliance.models.NotificationPreference.Mode",
        "DocumentKindEnum": "alliance.document_models.Document.Kind",
        "GoverningDocumentKindEnum": "decisions.governing_models.GoverningDocument.Kind",
        "GoverningDocumentStatusEnum": "decisions.governing_models.GoverningDocument.Status",
        "OversightQueryKindEnum": "contracts.query_models.OversightQuery.Kind",
        "OversightQueryStatusEnum": "contracts.query_models.OversightQuery.Status",
        "OversightQueryResponseEnum": "contracts.query_models.OversightQuery.Response",
        "MeasureDirectionEnum": "contracts.measure_models.Measure.Direction",
        "MeasureFrequencyEnum": "contracts.measure_models.Measure.Frequency",
        "WorkstreamStatusEnum": "contracts.delivery_models.Workstream.Status",
        "MilestoneRagEnum": "contracts.delivery_models.Milestone.Rag",
    },
}

# Open Contracting Data Standard: the prefix of every ocid this deployment publishes. Register one
# with the Open Contracting Partnership before publishing for real.
OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-alliance-")

# Notifications (manage.py send_notifications, run by a scheduler). The console backend prints the
# emails, so the demo needs nothing; set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# and the EMAIL_* values for real mail.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Alliance governance <noreply@example.org>")
# The address of this site, for the links that emails and calendar entries carry.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# A written procedure closing within this many hours reminds members whose vote is missing.
NOTIFY_CLOSING_WITHIN_HOURS = envint("NOTIFY_CLOSING_WITHIN_HOURS", "48")
# Events older than this many days are not announced when the command first runs (or after a gap).
NOTIFY_LOOKBACK_DAYS = envint("NOTIFY_LOOKBACK_DAYS", "7")
# A contract enters its notice period this many months before its end: with no decision on its future, its owner
# and the Oversight Group are warned, and the forward plan announces the decision due (issue 21, part 4).
CONTRACT_NOTICE_MONTHS = envint("CONTRACT_NOTICE_MONTHS", "9")
# The decision on a contract's future is due this many months before its end, so its provider has that much notice.
CONTRACT_DECISION_DUE_MONTHS = envint("CONTRACT_DECISION_DUE_MONTHS", "6")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Refused actions (403, 401, rule refusals) and django-axes' failed logins.
    "loggers": {
        "alliance.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# History tables: one index on (history_date, object id) instead of history_date alone, for the
# audit feed's date ranges and an object's versions in order (the object id keeps its own index).
# History is never pruned: no pruning command runs anywhere (a test keeps it so).
SIMPLE_HISTORY_DATE_INDEX = "composite"
# A change reason is the user's own words (why a meeting was cancelled, a role ended...): a text
# column keeps all of them; varchar(100) cut nothing on SQLite but failed with a 500 on PostgreSQL.
# (The name simple-history reads is HISTORY_CHANGE_REASON, not HISTORICAL_CHANGE_REASON.)
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
