"""Every route of the URLconf as a template, and the URLs that fill it with real ids of the smoke scene.

A route's kwargs are filled from tables kept here: ``{slug}`` with each alliance's slug, ``{pk}`` with
ids of the model named by the path segment before it (``decisions/{pk}/`` -> Decision), and nested ids
(``advice/{advice_pk}``) with children of that record. A route this module cannot fill raises
:class:`Unfillable`; ``test_every_route_is_walked`` then fails naming it, so whoever adds a route
extends the tables below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_filters import ModelChoiceFilter, ModelMultipleChoiceFilter

from alliance.import_models import ImportRun
from alliance.models import (
    Alliance,
    AuditCheckpoint,
    AuditVerification,
    BodyRule,
    Document,
    DocumentVersion,
    ForwardPlanEntry,
    GoverningBody,
    Membership,
    Notification,
    Organisation,
)
from contracts.delivery_models import Milestone, Workstream, WorkstreamContract
from contracts.models import AwardPolicy, AwardProcess, Contract, Measure, MeasureReturn, OversightNote, OversightQuery
from contracts.scope_models import BudgetEnvelope, SavingsRecord, ServiceLine
from decisions.governing_models import GoverningDocument
from decisions.models import (
    ActionItem,
    AdviceRequest,
    AdvisoryInput,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Recusal,
    Release,
    Vote,
)
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment, Seat

# The model whose id follows each path segment: "decisions/{pk}/" names a Decision.
SEGMENT_MODELS = {
    # pages
    "roles": Role,
    "people": Person,
    "delegations": DelegatedAuthority,
    "members": Membership,
    "decisions": Decision,
    "meetings": Meeting,
    "actions": ActionItem,
    "awards": AwardProcess,
    "queries": OversightQuery,  # alliances/{slug}/oversight/queries/{pk}/
    "inbox": Notification,
    "forward-plan": ForwardPlanEntry,
    "papers": Document,
    # the upload page names its record's kind before its id: papers/new/decision/{pk}/
    "decision": Decision,
    "awardprocess": AwardProcess,
    "governing-documents": GoverningDocument,
    "governingdocument": GoverningDocument,
    "meeting": Meeting,
    "agendaitem": AgendaItem,
    "workstreams": Workstream,  # pages and API alike
    "milestones": Milestone,
    "measures": Measure,
    "lines": ServiceLine,
    # API
    "organisations": Organisation,
    "memberships": Membership,
    "bodies": GoverningBody,
    "role-assignments": RoleAssignment,
    "interests": InterestDeclaration,
    "action-items": ActionItem,
    "agenda-items": AgendaItem,
    "votes": Vote,
    "award-policies": AwardPolicy,
    "contracts": Contract,
    "oversight-notes": OversightNote,
    "oversight-queries": OversightQuery,
    "measure-returns": MeasureReturn,
    "service-lines": ServiceLine,
    "budget-envelopes": BudgetEnvelope,
    "savings": SavingsRecord,
    "notifications": Notification,
    "seats": Seat,
    "documents": Document,
    "verifications": AuditVerification,
    "checkpoints": AuditCheckpoint,  # alliances/{slug}/audit/checkpoints/{pk}.txt
    "imports": ImportRun,  # pages and API alike
}
# Kwargs that name a child of the record before them: (parent model, child model).
CHILD_KWARGS = {
    "advice_pk": AdvisoryInput,
    "advice_id": AdvisoryInput,
    "recusal_pk": Recusal,
    "recusal_id": Recusal,
    "attendance_pk": Attendance,
    "attendance_id": Attendance,
    "seat_pk": Seat,
    "rule_pk": BodyRule,
    "request_pk": AdviceRequest,
    "request_id": AdviceRequest,
    "release_pk": Release,
    "item_pk": AgendaItem,
    "return_pk": MeasureReturn,
    "release_id": Release,
    "link_pk": WorkstreamContract,
    # a version by its number (the scene pairs each paper with its versions' numbers)
    "number": DocumentVersion,
}
# Kwargs that are not ids, walked with each of these values (an unknown one too).
FIXED_KWARGS = {
    "stage": ["submissions", "recommended", "contracted", "cancelled", "no-such-stage"],
    "owner_kind": ["decision", "awardprocess", "governingdocument", "meeting", "agendaitem"],
    "import_kind": ["decisions", "roles", "interests", "members", "no-such-kind"],
}
# Segments before {slug} that name an alliance.
SLUG_SEGMENTS = {"alliances", "public"}

# Query strings each route is also walked with. ``{slug}`` is each alliance's slug; ``{Model}`` each id of
# the scene's records of that model. "" is the bare route. Routes not listed are walked bare (API lists
# also with the variants of API_LIST_VARIANTS and their filters).
TODAY = date.today().isoformat()
QUERIES = {
    "alliances/{slug}/": ["", "?on=2021-03-01"],
    "alliances/{slug}/roles/": ["", "?on=2021-03-01"],
    "alliances/{slug}/actions/": ["", "?on=2023-12-01"],
    "alliances/{slug}/decisions/": ["", "?q=cnry", "?visibility=CONFIDENTIAL", "?status=DRAFT"],
    "alliances/{slug}/decisions/download.csv": ["", "?q=cnry", "?visibility=CONFIDENTIAL", "?decided_after=soon"],
    "alliances/{slug}/decisions/download.xlsx": ["", "?status=AGREED&kind=KEY", "?visibility=CONFIDENTIAL"],
    "alliances/{slug}/roles/download.csv": ["", "?on=2021-03-01", "?on=nonsense"],
    "alliances/{slug}/roles/download.xlsx": ["", "?on=2021-03-01"],
    "alliances/{slug}/delegations/download.xlsx": ["", "?on=2021-03-01"],
    "alliances/{slug}/interests/download.xlsx": ["", "?on=2021-03-01"],
    "alliances/{slug}/awards/download.csv": ["", "?q=cnry", "?route=DIRECT_AWARD", "?min_value=lots"],
    "alliances/{slug}/awards/download.xlsx": ["", "?stage=CONTRACTED", "?q=cnry"],
    "alliances/{slug}/contracts/download.xlsx": ["", "?on=2021-03-01"],
    "alliances/{slug}/audit/": ["", "?model=oversightnote", "?page=2"],
    "alliances/{slug}/audit/verifications/": ["", "?page=2"],
    "alliances/{slug}/oversight/notes/": [""],
    "alliances/{slug}/oversight/queries/": ["", "?overdue=true", "?kind=recommendation&status=answered", "?to_body=0"],
    "alliances/{slug}/oversight/queries.csv": ["", "?overdue=false", "?to_body=0"],
    "alliances/{slug}/oversight/queries.xlsx": ["", "?status=open"],
    "alliances/{slug}/read-log/": ["", "?kind=page&who=secretary", "?record=decisions.decision", "?since=nonsense"],
    "api/v1/read-log/": ["?alliance={slug}", "?alliance={slug}&kind=download&format=api", "?who=oversight"],
    "public/{slug}/": ["", "?year=2023", "?body=ALT"],
    "alliances/{slug}/search/": ["", "?q=cnry", "?q=cnry&kind=decision", "?q=cnyr&kind=document", "?kind=x&q=a"],
    "api/v1/search/": ["?q=cnry", "?q=cnry&alliance={slug}", "?q=cnry&kind=award", "?q=cnyr&format=api", ""],
    "public/{slug}/search/": ["", "?q=cnry", "?q=cnry&kind=award", "?q=cnry&kind=meeting"],
    "public/{slug}/calendar.ics": ["", "?body=ALT", "?body=KLT"],
    "api/v1/audit/": ["?page_size=200", "?alliance={slug}&page_size=200", "?alliance={slug}&format=api"],
    "api/v1/audit/csv/": ["", "?alliance={slug}"],
    "api/v1/audit/verifications/": ["", "?alliance={slug}", "?alliance={slug}&format=api"],
    "api/v1/audit/xlsx/": ["", "?alliance={slug}", "?alliance={slug}&change_type=created&user=a"],
    "api/v1/audit/checkpoints/": ["", "?alliance={slug}", "?alliance={slug}&format=api"],
    "api/v1/audit/checkpoints/latest/": ["?alliance={slug}", "?alliance={slug}&format=api"],
    "api/v1/audit/proof/": [
        "",
        "?alliance={slug}&seq=1",
        "?alliance={slug}&seq=2&format=api",
        "?alliance={slug}&seq=99999",
    ],
    "api/v1/audit/consistency/": ["", "?alliance={slug}&from=1&to=2", "?alliance={slug}&from=2&to=1"],
    "api/v1/exports/decisions/": ["", "?alliance={slug}"],
    "api/v1/delivery-overview/": [
        "",
        "?alliance={slug}",
        "?alliance={slug}&on=2022-01-01",
        "?alliance={slug}&on=nonsense",
    ],
    "alliances/{slug}/oversight/delivery/": ["", "?on=2022-01-01", "?on=nonsense"],
    "api/v1/exports/popolo/": ["", "?alliance={slug}"],
    "api/v1/exports/calendar/": ["", "?alliance={slug}", "?alliance={slug}&body=KLT"],
    "api/v1/awards/ocds/": ["", "?alliance={slug}", "?alliance={slug}&format=api"],
    "api/v1/directory/": ["?alliance={slug}", "?alliance={slug}&on=2021-03-01", "?alliance={slug}&format=api"],
    "api/v1/delegations/check/": [
        "?role={Role}&kind=OPERATIONAL&value=1000",
        "?person={Person}&kind=OPERATIONAL&value=1000",
        "?role={Role}&kind=OPERATIONAL&value=1000&format=api",
    ],
    "api/v1/notification-preferences/": ["", "?format=api"],
    "alliances/{slug}/measures/": ["", "?off_target=true", "?late=true&service_category=day_services", "?late=nah"],
    "alliances/{slug}/measures/returns.csv": ["", "?late=true", "?measure={Measure}", "?off_target=maybe"],
    "alliances/{slug}/measures/returns.xlsx": ["", "?off_target=true", "?measure={Measure}"],
    "api/v1/measures/": ["?alliance={slug}&page_size=200", "?off_target=true&late=true", "?format=api"],
    "api/v1/measure-returns/": ["?alliance={slug}&page_size=200", "?late=true", "?format=api"],
    "api/v1/": ["", "?format=api"],
}
API_LIST_VARIANTS = ["?page_size=200", "?format=api", "?search=cnry&page_size=200"]
API_DETAIL_VARIANTS = ["", "?format=api"]
AS_OF = ["?as_of=2022-03-01", f"?as_of={TODAY}", "?as_of=2023-09-20T12:00:00Z"]
AS_OF_MODELS = {Membership, Decision, AwardProcess}
# Routes never walked: signing out ends the session the walk needs (the matrix tests it).
SKIPPED = {"accounts/logout/"}


class Unfillable(Exception):
    pass


@dataclass(frozen=True)
class Route:
    template: str  # "alliances/{slug}/decisions/{pk}/vote/"
    name: str | None
    callback: object

    @property
    def kwargs(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.template)

    @property
    def is_api(self) -> bool:
        return self.template.startswith("api/v1/")

    @property
    def view_class(self):
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def actions(self) -> dict:
        return getattr(self.callback, "actions", None) or {}


def _template(route: str) -> str:
    """A route as a template: path converters and DRF's regex groups become ``{name}``."""
    t = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", route)
    t = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", t)
    return t.replace("^", "").replace("$", "")


def every_route() -> list[Route]:
    """Every route of the URLconf but the admin's (walked by ADMIN_URLS) and DRF's format-suffix twins
    (the walk asks for formats with ``?format=``)."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p

    routes = []
    for raw, pattern in walk(get_resolver().url_patterns):
        if raw.startswith("admin/") or "(?P<format>" in raw or "<drf_format_suffix:" in raw:
            continue
        template = _template(raw)
        if template in SKIPPED:
            continue
        routes.append(Route(template, pattern.name, pattern.callback))
    return routes


def model_for(route: Route, kwarg: str):
    if kwarg in FIXED_KWARGS:
        return None
    if kwarg in CHILD_KWARGS:
        return CHILD_KWARGS[kwarg]
    parts = route.template.split("/")
    # the id may end its segment with a file's extension: checkpoints/{pk}.txt
    index = next(i for i, part in enumerate(parts) if re.fullmatch(rf"\{{{kwarg}\}}(\.\w+)?", part))
    segment = parts[index - 1] if index else ""
    if kwarg == "slug" and segment in SLUG_SEGMENTS | {"api", "v1", "alliances"}:
        return Alliance
    if kwarg == "pk" and segment in SEGMENT_MODELS:
        return SEGMENT_MODELS[segment]
    raise Unfillable(f"{route.template}: no model for {{{kwarg}}} after '{segment}' (extend tests/smoke/routes.py)")


def check_fillable(route: Route) -> None:
    if re.search(r"[()\\<>?*+\[\]]", route.template):
        raise Unfillable(f"{route.template}: a pattern the walk cannot turn into a URL (extend tests/smoke/routes.py)")
    fixed = next((k for k in route.kwargs if k in FIXED_KWARGS), None)
    if fixed is not None:  # a value of it may name the model of the id after it (papers/new/decision/{pk}/)
        for value in FIXED_KWARGS[fixed]:
            check_fillable(Route(route.template.replace(f"{{{fixed}}}", value), route.name, route.callback))
        return
    for kwarg in route.kwargs:
        model_for(route, kwarg)


def _expand_query(query: str, scene) -> list[str]:
    names = re.findall(r"\{(\w+)\}", query)
    if not names:
        return [query]
    out = [query]
    for name in names:
        expanded = []
        for q in out:
            if name == "slug":
                values = list(scene.slugs)
            else:
                model = {m.__name__: m for m in scene.ids}[name]
                values = [pk for _, pk in scene.ids[model] if (model, pk) in scene.canary_records]
            expanded += [q.replace(f"{{{name}}}", str(v), 1) for v in values]
        out = expanded
    return out


# How many ids a route is walked with: "all" the scene's records of the model (its canary records and demo
# samples), "canary" its canary records, "key" the first two canary records of each alliance (the most
# restricted: the scene adds them first). Detail routes take "all"; forms and POST-only routes, whose GET
# shows the same form whatever the record, take "key".
KEY_ROUTES = {
    "decision-open", "decision-close", "decision-extend", "decision-withdraw", "decision-defer", "decision-recusal",
    "decision-approval",
    "decision-action", "recusal-dispensation", "advice-respond", "meeting-attendance", "meeting-held",
    "meeting-cancel", "meeting-minutes", "meeting-approve-minutes", "meeting-attendance-correct",
    "meeting-attendance-remove", "meeting-edit", "decision-edit", "action-complete", "action-cancel",
    "inbox-read", "body-seat-add", "body-seat-end", "body-seating", "body-rule-set", "body-rule-remove",
    "body-advice-rule",
    "advice-ask", "advice-without", "advice-exclude",
    "decision-release", "release-cancel", "recusal-publicity",
    "award-move", "award-submission", "award-score", "award-approval", "interest-end",
    "forward-plan-edit", "forward-plan-withdraw",
    "meeting-item-minute", "meeting-action", "meeting-minutes-circulate", "meeting-minutes-draft-approval",
    "document-upload", "document-add-version", "document-withdraw",
    "meeting-agenda-add", "meeting-agenda-publish", "agenda-item-edit", "agenda-item-move", "agenda-item-withdraw",
    "governing-document-status", "governing-document-version", "governing-document-review",
    "meeting-attendance-register", "decision-positions",
    "workstream-adopt", "workstream-change", "workstream-complete", "workstream-close", "milestone-add",
    "workstream-link", "workstream-unlink", "milestone-target", "milestone-rag", "milestone-achieved",
}  # fmt: skip


def tier(route: Route) -> str:
    if route.is_api:
        get = route.actions.get("get")
        if get == "retrieve":
            return "all"
        return "canary" if get else "key"
    if route.name in KEY_ROUTES:
        return "key"
    return "all" if route.template.endswith("{pk}/") else "canary"


def ids(scene, model, which: str) -> list[tuple[str, int]]:
    records = scene.ids.get(model, [])
    if which == "all":
        return records
    canary = [(slug, pk) for slug, pk in records if (model, pk) in scene.canary_records]
    if which == "canary":
        return canary
    return [r for slug in scene.slugs for r in [c for c in canary if c[0] == slug][:2]]


def _paths(route: Route, scene) -> list[str]:
    """The route's paths with every combination of real ids the scene has for it."""
    kwargs = route.kwargs
    fixed = next((k for k in kwargs if k in FIXED_KWARGS), None)
    if fixed is not None:
        return [
            path
            for value in FIXED_KWARGS[fixed]
            for path in _paths(Route(route.template.replace(f"{{{fixed}}}", value), route.name, route.callback), scene)
        ]
    if not kwargs:
        return ["/" + route.template]
    models = {k: model_for(route, k) for k in kwargs}
    child = next((k for k in kwargs if k in CHILD_KWARGS), None)
    if child is not None:
        parent = models["pk"]
        pairs = scene.pairs.get((parent, models[child]), [])
        if tier(route) == "key":
            pairs = [p for slug in scene.slugs for p in [q for q in pairs if q[0] == slug][:1]]
        return ["/" + route.template.format(**{"slug": s, "pk": p, child: c}) for s, p, c in pairs]
    if kwargs == ["slug"]:
        return ["/" + route.template.format(slug=s) for s in scene.slugs]
    paths = []
    which = tier(route)
    for slug, pk in ids(scene, models["pk"], which):
        if "slug" in kwargs:
            paths.append(route.template.format(slug=slug, pk=pk))
            if slug != "dunmarrow" and which == "all":  # another alliance's record through the demo's address
                paths.append(route.template.format(slug="dunmarrow", pk=pk))
        else:
            paths.append(route.template.format(pk=pk))
    return ["/" + p for p in paths]


def _filter_variants(route: Route, scene) -> list[str]:
    """?<filter>=<id> for each filter of an API list that takes a record, with the scene's canary records."""
    view = route.view_class
    filterset = getattr(view, "filterset_class", None)
    if filterset is None:
        return []
    queries = []
    model_ids = {m: [pk for _, pk in ids(scene, m, "key")] for m in scene.ids}
    for name, f in filterset.base_filters.items():
        target = None
        if isinstance(f, ModelChoiceFilter | ModelMultipleChoiceFilter):
            qs = f.queryset
            target = getattr(qs, "model", None)
        if target is None and name == "alliance":
            queries += [f"?alliance={s}&page_size=200" for s in scene.slugs]
            continue
        if target is None:
            try:
                base = view.queryset.model if getattr(view, "queryset", None) is not None else None
                field = base._meta.get_field(f.field_name.split("__")[0]) if base is not None else None
                target = getattr(field, "related_model", None)
            except Exception:  # a filter on a computed value: nothing to fill it with
                target = None
        if target in model_ids:
            queries += [f"?{name}={pk}&page_size=200" for pk in model_ids[target]]
    return queries


def urls(route: Route, scene) -> list[str]:
    """Every URL the walk asks for on ``route``."""
    check_fillable(route)
    paths = _paths(route, scene)
    if route.template in QUERIES:
        return [p + v for p in paths for q in QUERIES[route.template] for v in _expand_query(q, scene)]
    if not route.is_api:
        return paths
    get = route.actions.get("get")
    if get == "list":
        return [p + v for p in paths for v in API_LIST_VARIANTS + _filter_variants(route, scene)]
    if get == "retrieve" and "pk" not in route.kwargs:  # an alliance, by its slug
        return paths + [p + "?format=api" for p in paths]
    if get == "retrieve":
        model = model_for(route, "pk")
        found = list(paths)
        key = set(_paths_of(route, scene, "key"))
        found += [p + "?format=api" for p in paths if p in key]
        canary = set(_paths_of(route, scene, "canary"))
        found += [p + v for p in paths if p in canary for v in (AS_OF if model in AS_OF_MODELS else [])]
        return found
    if get:  # history, related, submissions...: the data, and the browsable API's page of it
        return [p + v for p in paths for v in API_DETAIL_VARIANTS]
    return [p + "?format=api" for p in paths]  # POST-only: a GET answers 405, but the browsable API renders the form


def _paths_of(route: Route, scene, which: str) -> list[str]:
    return ["/" + route.template.format(pk=pk) for _, pk in ids(scene, model_for(route, "pk"), which)]


def admin_urls(scene, *, full: bool) -> list[str]:
    """The admin's index, and per registered model its changelist (and, with ``full``, its add page and the
    change and history pages of the scene's records of that model, or its first record)."""
    found = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        found.append(reverse("admin:{}_{}_changelist".format(*info)))
        if not full:
            continue
        found.append(reverse("admin:{}_{}_changelist".format(*info)) + "?q=cnry")
        if model_admin.has_add_permission(_StaffRequest()):
            found.append(reverse("admin:{}_{}_add".format(*info)))
        pks = [pk for _, pk in scene.ids.get(model, [])][:2]
        if not pks:
            first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
            pks = [first] if first is not None else []
        for pk in pks:
            found.append(reverse("admin:{}_{}_change".format(*info), args=[pk]))
            found.append(reverse("admin:{}_{}_history".format(*info), args=[pk]))
    return found


class _StaffRequest:
    class user:
        is_active = is_staff = is_superuser = True

        @staticmethod
        def has_perm(perm, obj=None):
            return True
