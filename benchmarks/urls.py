"""The benchmark's URLconf: the product's URLs unchanged, plus the floor and peer views beside them.

Only ``override_settings(ROOT_URLCONF="benchmarks.urls")`` (the measurer) or ``benchmarks.settings`` (the
gunicorn of the HTTP figures) mounts it, so ``__floor__/`` and ``__peer__/`` are never reachable in
production. Floor and peer go through the same resolver, middleware and session login as the product.
"""

from django.urls import include, path

from alliance.urls import urlpatterns as product
from benchmarks import floor

floors = [
    path("empty/", floor.empty, name="floor-empty"),
    path("decisions/", floor.decision_list, name="floor-decision-list"),
    path("decisions/<int:pk>/", floor.decision_detail, name="floor-decision-detail"),
    path("decision-log/", floor.decision_log, name="floor-decision-log"),
    path("directory/", floor.directory, name="floor-directory"),
    path("role-assignments/", floor.role_timeline, name="floor-role-timeline"),
    path("awards/<int:pk>/audit/", floor.award_trail, name="floor-award-trail"),
    path("audit/", floor.audit_feed, name="floor-audit-feed"),
    path("exports/decisions/", floor.export, name="floor-export"),
    path("public/<slug:slug>/", floor.public_register, name="floor-public-register"),
    path("public/<slug:slug>/decisions/<int:pk>/", floor.public_decision, name="floor-public-decision"),
    path("public/<slug:slug>/calendar.ics", floor.calendar, name="floor-calendar"),
]

urlpatterns = [
    path("__floor__/", include(floors)),
    path("__peer__/", include("benchmarks.peer")),
    *product,
]
