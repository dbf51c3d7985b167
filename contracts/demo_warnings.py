"""The demo's warning before a contract runs out (issue 21, part 4): a service bought from a provider outside
the alliance before the alliance began, ending on 31 March 2024 with the alliance itself, is inside its
nine-month notice period in the demo's week and no decision on its future is recorded. The forward plan
announces "Decision on the future of ..." so that its provider, outside the alliance and so in the review's
"no-man's land", can see when it is due; the week's inbox warns the secretary and the Oversight Group.

A WEEK-stage demo part, imported at the end of contracts/demo.py. Idempotent.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from alliance import services as alliance_services
from alliance.formatting import day
from alliance.models import Organisation
from alliance.registry import DemoStage, register
from alliance.services import save_checked
from contracts import services
from contracts.models import Contract, ServiceCategory
from roles.standing import SYSTEM

TITLE = "Supported flats for families"
PROVIDER = ("Tarbet Lodge Housing", "Tarbet Lodge")
# The demo's week (alliance.demo_forward_plan.DEMO_NOW): the contract entered its notice period on 30 June 2023.
WEEK_OF = date(2023, 9, 20)


@register("demo_parts", stage=DemoStage.WEEK)
def load(ctx: dict, stdout) -> None:
    alliance = ctx["alliance"]
    contract = Contract.objects.filter(alliance=alliance, title=TITLE).first()
    if contract is None:
        provider = Organisation.objects.filter(name=PROVIDER[0]).first() or alliance_services.save_organisation(
            name=PROVIDER[0], short_name=PROVIDER[1], kind=Organisation.Kind.EXTERNAL_PROVIDER
        )
        contract = Contract(
            alliance=alliance,
            title=TITLE,
            service_category=ServiceCategory.SUPPORTED_ACCOMMODATION,
            provider=provider,
            annual_value=Decimal("265000.00"),
            starts_on=date(2019, 4, 1),
            ends_on=date(2024, 3, 31),
            in_scope=True,
        )
        save_checked(contract, "A purchased service the alliance inherited, recorded in its contract register")
    if contract.forward_plan_entry_id is None and contract.future_decision_id is None:
        entry = services.announce_future_decision(actor=SYSTEM, contract=contract, on=WEEK_OF)
        stdout.write(
            f"{contract} ends {day(contract.ends_on)} with no decision on its future: the forward plan shows "
            f"'{entry.title}', expected {day(entry.expected_on)}."
        )
