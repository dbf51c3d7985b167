"""The layer rule binds every domain module (CONVENTIONS.md, where code goes).

`.importlinter` names the modules each contract binds. A module it does not name is not checked at
all, so a new domain module would slip past the rule unnoticed: every module of the four apps must
be bound by a contract, or be one of the pages and wiring that may import any app.
"""

import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("alliance", "roles", "decisions", "contracts")

# Pages, forms, filtersets, admin and the project's wiring sit on top and may import any app.
PAGES_AND_WIRING = {
    "admin", "apps", "asgi", "context_processors", "dashboard_urls", "dashboard_views", "filtersets", "forms",
    "lockout", "middleware", "public", "public_urls", "settings", "startup", "urls", "views", "web", "wsgi",
    "plan_views", "interest_views", "views_releases", "record_views", "document_views", "views_agenda",
    "views_governing",
    "scope_views", "scope_forms",
    "views_registers",
    "read_log_views", "checkpoint_views",
    "search_views",
    "oversight_query_views",
    "delivery_views", "delivery_forms", "delivery_urls", "delivery_charts", "filtersets_delivery",
    "warning_views",
    "measure_views", "measure_forms", "measure_urls", "measure_filtersets",
    "sso",
    "views_imports",
    "downloads", "download_views", "views_downloads",
}  # fmt: skip


def bound_modules() -> set[str]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    return {module for section in config.sections() for module in config[section].get("source_modules", "").split()}


def modules_of(app: str) -> list[str]:
    found = []
    for path in (ROOT / app).rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "migrations" in parts or parts[-1] == "__init__":
            continue  # a package's __init__ only names what its modules hold
        found.append(".".join(parts))
    return sorted(found)


def test_every_domain_module_is_bound_by_a_layer_contract():
    bound = bound_modules()
    loose = [
        module
        for app in APPS
        for module in modules_of(app)
        if not any(module == b or module.startswith(f"{b}.") for b in bound)
        and module.rsplit(".", 1)[-1] not in PAGES_AND_WIRING
        and ".templatetags." not in module
    ]
    assert not loose, (
        "modules that no contract of .importlinter binds: add each to its app's contract there, "
        "or, if it is a page or wiring that may import any app, to PAGES_AND_WIRING here:\n" + "\n".join(loose)
    )


def test_the_contracts_name_only_modules_that_exist():
    for module in bound_modules():
        path = ROOT.joinpath(*module.split("."))
        assert path.with_suffix(".py").exists() or (path / "__init__.py").exists(), module
