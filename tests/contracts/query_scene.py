"""The scene of oversight's formal queries: the decision scene (Dunmarrow and its ALT, whose
secretary is Morag), an Oversight Group body, an oversight member (``auditor``, a login with
oversight standing), the ALT's secretary and chair with logins, and a viewer."""

from dataclasses import dataclass
from datetime import date

from alliance.models import GoverningBody
from roles.models import AccessGrant, Role
from tests.factories import GoverningBodyFactory, PersonFactory, RoleAssignmentFactory, RoleFactory, UserFactory
from tests.helpers import viewer_of

SINCE = date(2000, 1, 1)


@dataclass
class QueryScene:
    scene: object
    og: GoverningBody
    auditor: object
    secretary: object
    chair: object
    viewer: object

    @property
    def alliance(self):
        return self.scene.alliance

    @property
    def alt(self):
        return self.scene.body


def oversight_user(alliance, username="auditor"):
    user = UserFactory(username=username)
    AccessGrant.objects.create(user=user, alliance=alliance, standing="oversight", starts_on=SINCE)
    return user


def make_query_scene(scene) -> QueryScene:
    og = GoverningBodyFactory(alliance=scene.alliance, name="Oversight Group", code="OG", kind="oversight")
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    chair = PersonFactory(name="Ailsa Chair", user=UserFactory(username="chair"))
    RoleAssignmentFactory(
        role=RoleFactory(alliance=scene.alliance, title="ALT chair", kind=Role.Kind.CHAIR, body=scene.body),
        person=chair,
        starts_on=SINCE,
    )
    return QueryScene(
        scene=scene,
        og=og,
        auditor=oversight_user(scene.alliance),
        secretary=scene.secretary.user,
        chair=chair.user,
        viewer=viewer_of(scene.alliance),
    )
