"""The measures tests' shared scene: the decision scene's agreed framework decision and a measure defined
through the service (quarterly, higher is better, reported by the first member), any field overridden."""

from datetime import UTC, date, datetime

from contracts import services
from decisions.models import Decision
from roles.standing import SYSTEM
from tests.factories import DecisionFactory

NOW = datetime(2021, 4, 1, 9, 0, tzinfo=UTC)


def adopting_decision(scene) -> Decision:
    return DecisionFactory(
        body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-009", decided_on=date(2021, 3, 25)
    )


def define_measure(scene, adopted, **fields):
    values = {
        "actor": SYSTEM,
        "alliance": scene.alliance,
        "name": "People moved on",
        "definition": "People who left emergency accommodation for a settled home.",
        "unit": "people",
        "direction": "higher",
        "target": 40,
        "frequency": "quarterly",
        "first_period_starts_on": date(2021, 4, 1),
        "service_category": "emergency_accommodation",
        "reported_by": scene.members[0].organisation,
        "adopted_by": adopted,
        "now": NOW,
    }
    values.update(fields)
    return services.define_measure(**values)
