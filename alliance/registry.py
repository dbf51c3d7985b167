"""The one registry of what a higher app adds to a lower one (modelled on NetBox's netbox/registry.py).

Dependencies point one way (alliance <- roles <- decisions <- contracts). Where a lower app runs
something a higher app supplies, the higher app registers it here, with :func:`register`, from a
module of its own that ``AllianceConfig.ready()`` imports with ``autodiscover_modules`` (as
django.contrib.admin finds ``admin`` modules; see :data:`DISCOVERED_MODULES`):

``notification_producers``
    ``(now) -> Iterable[Planned]``, from ``<app>/notifications.py``; alliance.notifications
    collects what they plan.
``handover_sections``
    ``(role, on, access) -> {"title", "items", "empty"}``, from ``roles/queries.py`` and
    ``<app>/handover.py``; roles.queries.handover_pack renders them.
``home_sections``
    ``(ctx: alliance.home.HomeContext) -> HomeSection | None``, from ``<app>/home.py``; alliance.home
    groups what they answer by alliance for the home page and ``/api/v1/home/`` (None: the section is
    not for the caller's standing).
``demo_parts``
    ``load(ctx, stdout)``, from ``<app>/demo.py``, ``<app>/demo_week.py`` and
    ``alliance/demo_forward_plan.py``, each at its :class:`DemoStage`; ``manage.py load_demo`` runs them.
``search_sources``
    :class:`alliance.search.SearchSource`, from ``<app>/search_index.py``: what the search finds of
    each searchable record and which changes bring its entry up to date.

The stores are fixed when the registry is made: one cannot be added, replaced or removed. Each lists
its items by stage, then by their app's place in INSTALLED_APPS, then as registered, whatever order
the modules happen to be imported in.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, NamedTuple

from django.apps import apps

__all__ = ["DISCOVERED_MODULES", "DemoStage", "Registry", "register", "registered", "registry"]

# The modules of every installed app that AllianceConfig.ready() imports so that they register.
DISCOVERED_MODULES = (
    "notifications",
    "handover",
    "home",
    "demo",
    "demo_week",
    "demo_forward_plan",
    "demo_papers",
    "search_index",
)


class DemoStage(IntEnum):
    """When a demo part loads: each stage reads what the earlier ones built."""

    STORY = 1  # <app>/demo.py: each app's story, the alliance first
    WEEK = 2  # <app>/demo_week.py: the week around the demo's "now", which fills the inbox
    FORWARD_PLAN = 3  # alliance/demo_forward_plan.py: reads the decisions and roles above


class Registration(NamedTuple):
    stage: int
    app: int  # the item's app's place in INSTALLED_APPS (after them all if it is in none)
    item: Any


class Registry(dict):
    """A dictionary whose stores are fixed at creation; each store's list is filled by :func:`register`."""

    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            raise KeyError(f"'{key}' is not a store of the registry; use one of {', '.join(self)}.") from None

    def __setitem__(self, key, value):
        raise TypeError("The registry's stores are fixed when it is made; register items in them instead.")

    def __delitem__(self, key):
        raise TypeError("The registry's stores cannot be removed.")

    def _refuse(self, *args, **kwargs):
        raise TypeError("The registry's stores are fixed when it is made; register items in them instead.")

    clear = pop = popitem = setdefault = update = __ior__ = _refuse


registry = Registry(
    {
        "notification_producers": [],
        "handover_sections": [],
        "home_sections": [],
        "demo_parts": [],
        "search_sources": [],
    }
)


def _app_position(item) -> int:
    configs = list(apps.get_app_configs())
    config = apps.get_containing_app_config(getattr(item, "__module__", "") or "")
    return configs.index(config) if config is not None else len(configs)


def register(store: str, *, stage: int = 0):
    """A decorator that adds its function to ``store`` once (registering it again changes nothing)."""
    entries: list[Registration] = registry[store]

    def add(item):
        if item not in registered(store):
            entries.append(Registration(stage, _app_position(item), item))
            entries.sort(key=lambda entry: (entry.stage, entry.app))  # stable: as registered within an app
        return item

    return add


def registered(store: str) -> list:
    """The items of ``store``, in order."""
    return [entry.item for entry in registry[store]]
