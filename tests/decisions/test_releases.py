"""Releasing a closed decision (issue 18, part 6): an appended, attributed record that widens who reads
the decision, now or at a moment to come (an embargo), and leaves the sealed decision as it was."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alliance.models import Alliance
from decisions import services
from decisions.models import Decision, Recusal, Release, Vote
from roles.access import access_for
from roles.standing import SYSTEM
from tests.helpers import actor_for, refused_watching, viewer_of
from tests.scenes import CLOSED

pytestmark = pytest.mark.django_db

refused = refused_watching(Decision, Release, Vote, Recusal)
PUBLIC_READER = None  # access_for(None): an anonymous visitor


@pytest.fixture
def published(scene):
    Alliance.objects.filter(pk=scene.alliance.pk).update(publish_register=True)
    return scene


def closed(scene, visibility="CONFIDENTIAL", **fields):
    decision = scene.open(visibility=visibility, **fields)
    for i in range(len(scene.members)):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def secretary_actor(scene):
    return actor_for(scene.secretary)


def readable(decision, user=PUBLIC_READER) -> bool:
    return Decision.objects.restrict(access_for(user)).filter(pk=decision.pk).exists()


def later(monkeypatch, moment):
    monkeypatch.setattr(timezone, "now", lambda: moment)


# Allowed ------------------------------------------------------------------------------------


def test_secretary_releases_a_closed_confidential_decision_to_the_public(published):
    decision = closed(published)
    history = Decision.history.filter(id=decision.pk).count()
    assert not readable(decision)

    release = services.release_decision(
        actor=secretary_actor(published), decision=decision, to_visibility="PUBLIC", reason="Announced at the AGM."
    )

    assert (release.from_visibility, release.to_visibility) == ("CONFIDENTIAL", "PUBLIC")
    assert release.released_by == published.secretary and release.released_by_user == published.secretary.user
    assert release.reason == "Announced at the AGM." and release.in_effect
    assert release.history.count() == 1
    # The sealed decision is left as it was: its own visibility and its history are unchanged.
    decision.refresh_from_db()
    assert decision.visibility == "CONFIDENTIAL" and decision.effective_visibility == "PUBLIC"
    assert Decision.history.filter(id=decision.pk).count() == history
    assert readable(decision)
    # What is read through the decision follows it.
    assert Vote.objects.restrict(access_for(None)).filter(decision=decision).count() == len(published.members)


def test_release_to_members_lets_members_read_but_not_the_public(published):
    decision = closed(published)
    viewer = viewer_of(published.alliance)
    assert not readable(decision, viewer)
    services.release_decision(actor=SYSTEM, decision=decision, to_visibility="MEMBERS", reason="Shared with members.")
    assert readable(decision, viewer)
    assert not readable(decision)
    assert access_for(viewer).can_read(Decision.objects.get(pk=decision.pk))
    assert not access_for(None).can_read(Decision.objects.get(pk=decision.pk))


def test_a_members_decision_released_to_the_public_then_and_a_second_wider_release(published):
    decision = closed(published)
    services.release_decision(actor=SYSTEM, decision=decision, to_visibility="MEMBERS", reason="First to members.")
    release = services.release_decision(actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Now public.")
    assert release.from_visibility == "MEMBERS"
    assert readable(decision)


def test_embargo_changes_nothing_before_its_moment_and_publishes_at_it(published, monkeypatch):
    decision = closed(published)
    moment = timezone.now() + timedelta(days=3)
    release = services.release_decision(
        actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Embargoed until the press release.",
        takes_effect_at=moment,
    )  # fmt: skip
    assert release.scheduled and not release.in_effect
    assert not readable(decision)
    assert not access_for(None).can_read(Decision.objects.get(pk=decision.pk))
    assert Decision.objects.get(pk=decision.pk).effective_visibility == "CONFIDENTIAL"

    later(monkeypatch, moment)
    assert readable(decision)
    assert access_for(None).can_read(Decision.objects.get(pk=decision.pk))


def test_scheduled_release_of_an_open_decision_takes_effect_once_it_is_closed(published, monkeypatch):
    decision = published.open(visibility="CONFIDENTIAL")
    moment = timezone.now() + timedelta(hours=1)
    services.release_decision(
        actor=SYSTEM,
        decision=decision,
        to_visibility="PUBLIC",
        reason="Publish after the vote.",
        takes_effect_at=moment,
    )
    later(monkeypatch, moment + timedelta(hours=1))
    assert not readable(decision)  # its moment came, but it is still open
    for i in range(len(published.members)):
        published.vote(decision, i)
    services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    assert readable(decision)


def test_scheduled_release_is_cancelled_before_its_moment(published, monkeypatch):
    decision = closed(published)
    moment = timezone.now() + timedelta(days=1)
    release = services.release_decision(
        actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Embargo.", takes_effect_at=moment
    )
    cancelled = services.cancel_release(
        actor=secretary_actor(published), release=release, reason="The announcement was postponed."
    )
    assert (
        cancelled.cancelled_by == published.secretary and cancelled.cancel_reason == "The announcement was postponed."
    )
    assert cancelled.history.count() == 2
    later(monkeypatch, moment + timedelta(hours=1))
    assert not readable(decision)
    # Once cancelled, another release to the same visibility may be scheduled.
    services.release_decision(
        actor=SYSTEM,
        decision=decision,
        to_visibility="PUBLIC",
        reason="New date.",
        takes_effect_at=moment + timedelta(days=1),
    )


# Refused ------------------------------------------------------------------------------------


def test_only_the_bodys_secretary_or_staff_releases(published):
    decision = closed(published)
    rep = actor_for(published.reps[0])
    refused(
        "not_permitted", services.release_decision, actor=rep, decision=decision, to_visibility="PUBLIC", reason="x"
    )
    viewer = access_for(viewer_of(published.alliance))
    refused(
        "not_permitted", services.release_decision, actor=viewer, decision=decision, to_visibility="PUBLIC", reason="x"
    )


def test_a_draft_is_not_released_its_visibility_is_set_on_the_draft(published):
    draft = published.draft(visibility="CONFIDENTIAL")
    error = refused("release_draft", services.release_decision, actor=SYSTEM, decision=draft, to_visibility="PUBLIC",
                    reason="x")  # fmt: skip
    assert "set its visibility" in error.message


def test_an_open_decision_is_not_released_now(published):
    decision = published.open(visibility="CONFIDENTIAL")
    error = refused(
        "release_not_closed", services.release_decision, actor=SYSTEM, decision=decision, to_visibility="PUBLIC",
        reason="x",
    )  # fmt: skip
    assert "not closed yet" in error.message and "schedule the release" in error.message


def test_a_release_never_narrows(published):
    decision = closed(published, visibility="MEMBERS")
    error = refused(
        "release_narrowing", services.release_decision, actor=SYSTEM, decision=decision, to_visibility="CONFIDENTIAL",
        reason="Hide it again.",
    )  # fmt: skip
    assert "never makes a record less visible" in error.message


def test_a_release_after_a_wider_one_is_narrowing(published):
    decision = closed(published)
    services.release_decision(actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Published.")
    refused("release_narrowing", services.release_decision, actor=SYSTEM, decision=decision, to_visibility="MEMBERS",
            reason="x")  # fmt: skip


def test_release_to_the_visibility_it_already_has_is_refused(published):
    decision = closed(published, visibility="PUBLIC")
    error = refused(
        "release_already_at_level", services.release_decision, actor=SYSTEM, decision=decision,
        to_visibility="PUBLIC", reason="x",
    )  # fmt: skip
    assert "already public" in error.message


def test_a_second_scheduled_release_to_the_same_visibility_is_refused(published):
    decision = closed(published)
    moment = timezone.now() + timedelta(days=2)
    services.release_decision(
        actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Embargo.", takes_effect_at=moment
    )
    refused(
        "release_already_scheduled", services.release_decision, actor=SYSTEM, decision=decision,
        to_visibility="PUBLIC", reason="Sooner.", takes_effect_at=moment - timedelta(days=1),
    )  # fmt: skip


def test_a_release_moment_in_the_past_is_refused(published):
    decision = closed(published)
    refused(
        "release_moment_passed", services.release_decision, actor=SYSTEM, decision=decision, to_visibility="PUBLIC",
        reason="x", takes_effect_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip


def test_a_release_says_why(published):
    decision = closed(published)
    refused("release_reason_required", services.release_decision, actor=SYSTEM, decision=decision,
            to_visibility="PUBLIC", reason="  ")  # fmt: skip


def test_a_release_in_effect_is_never_cancelled(published):
    decision = closed(published)
    release = services.release_decision(actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Published.")
    error = refused("release_in_effect", services.cancel_release, actor=SYSTEM, release=release, reason="Oops.")
    assert "never undone" in error.message


def test_a_cancelled_release_is_not_cancelled_again(published):
    decision = closed(published)
    release = services.release_decision(
        actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Embargo.",
        takes_effect_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    services.cancel_release(actor=SYSTEM, release=release, reason="Postponed.")
    refused("release_already_cancelled", services.cancel_release, actor=SYSTEM, release=release, reason="Again.")


def test_only_the_secretary_cancels_and_says_why(published):
    decision = closed(published)
    release = services.release_decision(
        actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Embargo.",
        takes_effect_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    refused("not_permitted", services.cancel_release, actor=actor_for(published.reps[0]), release=release, reason="x")
    refused("release_cancel_reason_required", services.cancel_release, actor=SYSTEM, release=release, reason="")


# The read rule stays one query per list ------------------------------------------------------


def test_restricted_decision_list_is_one_query_with_releases(published, django_assert_num_queries):
    for _ in range(3):
        decision = closed(published)
        services.release_decision(actor=SYSTEM, decision=decision, to_visibility="PUBLIC", reason="Published.")
    public = access_for(None)
    with django_assert_num_queries(1):
        assert len(list(Decision.objects.restrict(public))) == 3


def test_loaded_decisions_with_prefetched_releases_are_judged_without_a_query(published, django_assert_num_queries):
    from decisions.queries import decision_log

    for _ in range(3):
        decision = closed(published)
        services.release_decision(actor=SYSTEM, decision=decision, to_visibility="MEMBERS", reason="Shared.")
    viewer = access_for(viewer_of(published.alliance))
    loaded = list(decision_log(published.alliance))
    with django_assert_num_queries(0):
        assert all(viewer.can_read(d) for d in loaded)
        assert {d.effective_visibility for d in loaded} == {"MEMBERS"}


# Recusal details --------------------------------------------------------------------------------


def test_recusal_details_are_made_public_after_close_with_history(published):
    decision = published.open(visibility="PUBLIC")
    recusal = services.record_recusal(
        actor=SYSTEM, decision=decision, membership=published.members[0], reason="Its chief executive chairs a bidder."
    )
    for i in (1, 2):
        published.vote(decision, i)
    services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    assert not recusal.details_public
    assert not recusal.details_shown_to(access_for(None))
    assert recusal.details_shown_to(access_for(viewer_of(published.alliance)))

    recusal = services.set_recusal_details_public(
        actor=secretary_actor(published), recusal=recusal, public=True, reason="The member agreed."
    )
    assert recusal.details_public and recusal.details_shown_to(access_for(None))
    latest = recusal.history.latest()
    assert latest.details_public and "made public" in latest.history_change_reason
    # Nothing else of the sealed record can change with it.
    recusal.reason = "Changed"
    with pytest.raises(Exception, match="closed"):
        recusal.save()


def test_recusal_details_refusals(published):
    decision = published.open()
    recusal = services.record_recusal(
        actor=SYSTEM, decision=decision, membership=published.members[0], reason="An interest."
    )
    refused("not_permitted", services.set_recusal_details_public, actor=actor_for(published.reps[1]), recusal=recusal,
            public=True)  # fmt: skip
    refused("recusal_details_unchanged", services.set_recusal_details_public, actor=SYSTEM, recusal=recusal,
            public=False)  # fmt: skip
