"""The one registry: fixed stores, idempotent registration, and what autodiscover_modules fills."""

import pytest

from alliance.registry import DemoStage, register, registered, registry
from tests.helpers import registry_store

STORES = {"notification_producers", "handover_sections", "home_sections", "demo_parts", "search_sources"}


def _names(store: str) -> list[str]:
    return [f"{item.__module__}.{item.__name__}" for item in registered(store)]


def test_the_stores_are_fixed_when_the_registry_is_made():
    assert set(registry) == STORES
    for change in (
        lambda: registry.__setitem__("plugins", []),
        lambda: registry.__setitem__("demo_parts", []),
        lambda: registry.__delitem__("demo_parts"),
        lambda: registry.update(plugins=[]),
        lambda: registry.pop("demo_parts"),
        lambda: registry.setdefault("plugins", []),
        registry.clear,
    ):
        with pytest.raises(TypeError):
            change()
    assert set(registry) == STORES


def test_an_unknown_store_is_named_in_the_error():
    with pytest.raises(KeyError, match="'plugins' is not a store of the registry"):
        register("plugins")


def test_registering_twice_registers_once():
    def producer(now):
        return []

    with registry_store("notification_producers"):
        before = len(registered("notification_producers"))
        assert register("notification_producers")(producer) is producer
        register("notification_producers")(producer)
        assert registered("notification_producers").count(producer) == 1
        assert len(registered("notification_producers")) == before + 1
    assert producer not in registered("notification_producers")


def test_items_are_ordered_by_stage_then_app_whatever_the_order_of_registration():
    def late(ctx, stdout):
        pass

    with registry_store("demo_parts"):
        register("demo_parts", stage=DemoStage.STORY)(late)  # registered last, from no app: last of its stage
        names = _names("demo_parts")
    assert names.index("tests.alliance.test_registry.late") == names.index("contracts.demo_queries.load") + 1


def test_autodiscover_registers_the_producers_of_roles_then_decisions_then_contracts():
    assert _names("notification_producers") == [
        "roles.notifications.checkpoint_taken",
        "decisions.notifications.decision_opened",
        "decisions.notifications.decision_closing",
        "decisions.notifications.decision_outcome",
        "decisions.notifications.action_due",
        "decisions.notifications.minutes_circulated",
        "decisions.notifications.review_due",
        "decisions.notifications.role_ending",
        "decisions.notifications.agenda_published",
        "decisions.notifications.agenda_changed",
        "contracts.notifications.award_approved",
        "contracts.query_notifications.oversight_query_raised",
        "contracts.query_notifications.oversight_query_answered",
        "contracts.query_notifications.oversight_query_overdue",
        "contracts.notifications.contract_notice",
        "contracts.notifications.milestone_past_due",
        "contracts.notifications.return_missing",
    ]


def test_handover_sections_are_roles_then_decisions():
    assert _names("handover_sections") == [
        "roles.queries._description_section",
        "roles.queries._delegations_section",
        "roles.queries._principles_section",
        "roles.queries._previous_holders_section",
        "decisions.handover.decisions_section",
        "decisions.handover.action_items_section",
    ]


def test_home_sections_are_decisions_then_contracts():
    assert _names("home_sections") == [
        "decisions.home.meetings_section",
        "decisions.home.papers_section",
        "decisions.home.positions_section",
        "decisions.home.advice_asked_section",
        "decisions.home.advice_response_section",
        "decisions.home.actions_section",
        "decisions.home.drafts_section",
        "decisions.home.overdue_decisions_section",
        "decisions.home.past_meetings_section",
        "decisions.home.minutes_section",
        "contracts.home.awards_approved_section",
        "contracts.home_queries.oversight_queries_section",
        "contracts.home.delivery_warnings_section",
    ]


def test_demo_parts_are_every_story_then_every_week_then_the_forward_plan():
    assert _names("demo_parts") == [
        "alliance.demo.load",
        "roles.demo.load",
        "decisions.demo.load",
        "contracts.demo.load",
        "contracts.demo_scope.load",
        "contracts.demo_delivery.load",
        "contracts.demo_measures.load",
        "contracts.demo_queries.load",
        "decisions.demo_governing.load",  # at the week's stage: it reads the award policies' decisions
        "decisions.demo_week.load",
        "contracts.demo_warnings.load",  # imported by contracts/demo.py, before contracts/demo_week.py
        "contracts.demo_week.load",
        "contracts.demo_week.agenda",
        "contracts.demo_week.oversight_note",
        "alliance.demo_forward_plan.load",
        "contracts.demo_papers.load",
    ]
