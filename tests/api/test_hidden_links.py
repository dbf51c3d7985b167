"""Lists and links never leak what the caller cannot read: related decisions, the
decisions a record links to, the OCDS package and a meeting's decision count, in the API and on
the pages, for a viewer, a voting member's representative and an anonymous visitor."""

from types import SimpleNamespace

import pytest

from contracts.models import AwardProcess
from decisions import services
from roles.standing import SYSTEM
from tests.factories import MeetingFactory, UserFactory
from tests.helpers import shared_data, token_client, viewer_of
from tests.scenes import CLOSED, make_award_scene, make_scene

pytestmark = pytest.mark.django_db

URL = "/api/v1/decisions/"
SECRET = "Street outreach budget cut"


def published_scene():
    scene = make_scene()
    scene.alliance.publish_register = True
    scene.alliance.save()
    return scene


def representative(scene):
    """A user who holds a voting member's representative role: reads confidential records."""
    user = UserFactory(username="rep")
    scene.reps[0].user = user
    scene.reps[0].save()
    return user


@pytest.fixture
def scene():
    return published_scene()


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


@pytest.fixture
def rep(scene):
    return representative(scene)


class Shared:
    """Tests that only read: the published scene, its viewer, its representative and what the class's
    ``build`` adds are built once for the class (tests.helpers.shared_data). Its tests take ``built``,
    not ``scene``."""

    @staticmethod
    def build(scene):
        raise NotImplementedError

    @pytest.fixture(scope="class")
    @classmethod
    def shared(cls, django_db_setup, django_db_blocker):
        with shared_data(django_db_blocker):
            scene = published_scene()
            yield SimpleNamespace(built=cls.build(scene), viewer=viewer_of(scene.alliance), rep=representative(scene))

    @pytest.fixture
    def built(self, shared):
        return shared.built

    @pytest.fixture
    def viewer(self, shared):
        return shared.viewer

    @pytest.fixture
    def rep(self, shared):
        return shared.rep


def agreed(scene, **fields):
    decision = scene.open(**fields)
    for i in range(len(scene.members)):
        scene.vote(decision, i)
    return services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)


def related_ids(client, decision):
    response = client.get(f"{URL}{decision.pk}/related/")
    assert response.status_code == 200
    return [d["id"] for d in response.json()]


class TestRelatedDecisions(Shared):
    @staticmethod
    def build(scene):
        """A PUBLIC decision and a CONFIDENTIAL one on the same matter."""
        public = agreed(scene, title="Street outreach redesign", tags=["outreach"], visibility="PUBLIC")
        secret = agreed(scene, title=SECRET, tags=["outreach"], visibility="CONFIDENTIAL")
        return public, secret

    @pytest.fixture
    def pair(self, built):
        return built

    def test_viewer_does_not_see_a_confidential_related_decision(self, viewer_api, pair):
        public, secret = pair
        assert secret.pk not in related_ids(viewer_api, public)
        assert viewer_api.get(f"{URL}{secret.pk}/").status_code == 404

    def test_voting_representative_sees_a_confidential_related_decision(self, rep, pair):
        public, secret = pair
        assert related_ids(token_client(rep), public) == [secret.pk]

    def test_decision_page_hides_confidential_related_from_a_viewer(self, client, viewer, pair):
        public, _ = pair
        client.force_login(viewer)
        content = client.get(f"/alliances/dunmarrow/decisions/{public.pk}/").content.decode()
        assert SECRET not in content

    def test_decision_page_shows_confidential_related_to_a_voting_representative(self, client, rep, pair):
        public, _ = pair
        client.force_login(rep)
        assert SECRET in client.get(f"/alliances/dunmarrow/decisions/{public.pk}/").content.decode()

    def test_public_page_shows_no_confidential_related_to_anonymous(self, client, pair):
        public, _ = pair
        response = client.get(f"/public/dunmarrow/decisions/{public.pk}/")
        assert response.status_code == 200
        assert SECRET not in response.content.decode()

    def test_anonymous_cannot_ask_for_related_decisions(self, anon_api, pair):
        public, _ = pair
        assert anon_api.get(f"{URL}{public.pk}/related/").status_code in (401, 403)


class TestLinksBetweenDecisions(Shared):
    @staticmethod
    def build(scene):
        """A PUBLIC agreed decision that a CONFIDENTIAL draft supersedes."""
        old = agreed(scene, title="Street outreach redesign", visibility="PUBLIC")
        new = services.supersede_decision(actor=SYSTEM, decision=old, title=SECRET, visibility="CONFIDENTIAL")
        return old, new

    @pytest.fixture
    def superseded(self, built):
        return built

    def test_anonymous_does_not_see_a_hidden_draft_that_supersedes(self, anon_api, superseded):
        old, _ = superseded
        response = anon_api.get(f"{URL}{old.pk}/")
        assert response.status_code == 200
        assert response.json()["superseded_by"] == []
        assert SECRET not in response.content.decode()

    def test_viewer_does_not_see_a_confidential_decision_that_supersedes(self, viewer_api, superseded):
        old, _ = superseded
        for body in (viewer_api.get(f"{URL}{old.pk}/").json(), viewer_api.get(URL).json()["results"][0]):
            assert body["superseded_by"] == []

    def test_voting_representative_sees_the_confidential_decision_that_supersedes(self, rep, superseded):
        old, new = superseded
        assert [d["id"] for d in token_client(rep).get(f"{URL}{old.pk}/").json()["superseded_by"]] == [new.pk]

    def test_decision_page_hides_links_to_hidden_decisions(self, client, viewer, rep, superseded):
        old, _ = superseded
        client.force_login(viewer)
        assert SECRET not in client.get(f"/alliances/dunmarrow/decisions/{old.pk}/").content.decode()
        assert SECRET not in client.get("/alliances/dunmarrow/decisions/").content.decode()
        client.force_login(rep)
        assert SECRET in client.get(f"/alliances/dunmarrow/decisions/{old.pk}/").content.decode()

    def test_a_record_as_it_stood_shows_no_later_link_the_reader_may_not_read(
        self, viewer_api, anon_api, rep, superseded
    ):
        """``?as_of=`` reads the links from the relation, not the log's prefetched lists: still by the rule."""
        from django.utils import timezone

        old, new = superseded
        moment = timezone.now().isoformat()
        for client in (viewer_api, anon_api):
            body = client.get(f"{URL}{old.pk}/", {"as_of": moment})
            assert body.status_code == 200
            assert body.json()["superseded_by"] == []
            assert SECRET not in body.content.decode()
        seen = token_client(rep).get(f"{URL}{old.pk}/", {"as_of": moment}).json()["superseded_by"]
        assert [d["id"] for d in seen] == [new.pk]


def test_link_to_a_hidden_earlier_decision_shows_null(viewer_api, rep, scene):
    old = agreed(scene, title=SECRET, visibility="CONFIDENTIAL")
    new = services.amend_decision(actor=SYSTEM, decision=old, title="Public amendment", visibility="MEMBERS")
    assert viewer_api.get(f"{URL}{new.pk}/").json()["amends"] is None
    assert token_client(rep).get(f"{URL}{new.pk}/").json()["amends"]["id"] == old.pk


# The OCDS package


def test_ocds_package_leaves_out_draft_awards_for_anonymous(anon_api):
    award = make_award_scene()
    award.alliance.publish_register = True
    award.alliance.save()
    draft = award.process(visibility="PUBLIC")
    published = award.process(visibility="PUBLIC")
    AwardProcess.objects.filter(pk=published.pk).update(stage=AwardProcess.Stage.SUBMISSIONS)
    body = anon_api.get("/api/v1/awards/ocds/", {"alliance": award.alliance.slug}).json()
    assert [r["tender"]["id"] for r in body["releases"]] == [published.reference]
    assert draft.reference not in str(body)


class TestMeetingDecisionCounts(Shared):
    @staticmethod
    def build(scene):
        meeting = MeetingFactory(body=scene.body)
        scene.draft(meeting=meeting, visibility="MEMBERS")
        scene.draft(meeting=meeting, visibility="CONFIDENTIAL", title=SECRET)
        return meeting

    @pytest.fixture
    def meeting(self, built):
        return built

    def test_meeting_count_leaves_out_confidential_decisions_for_a_viewer(self, viewer_api, meeting):
        [listed] = viewer_api.get("/api/v1/meetings/").json()["results"]
        assert listed["decision_count"] == 1
        assert viewer_api.get(f"/api/v1/meetings/{meeting.pk}/").json()["decision_count"] == 1

    def test_meeting_count_includes_confidential_decisions_for_a_voting_representative(self, rep, meeting):
        [listed] = token_client(rep).get("/api/v1/meetings/").json()["results"]
        assert listed["decision_count"] == 2

    def test_meeting_list_page_counts_only_readable_decisions(self, client, viewer, rep, meeting):
        client.force_login(viewer)
        page = client.get("/alliances/dunmarrow/meetings/")
        assert [m.decision_count for m in page.context["page"]] == [1]
        client.force_login(rep)
        page = client.get("/alliances/dunmarrow/meetings/")
        assert [m.decision_count for m in page.context["page"]] == [2]

    def test_meeting_count_for_a_user_of_no_alliance_does_not_fail(self, meeting):
        outsider = token_client(UserFactory(username="outsider"))
        assert outsider.get("/api/v1/meetings/").json()["count"] == 0
