"""A synthetic dataset at ``scale``, inserted in bulk with its history rows and audit-chain links.

Scale 1 is a national body's worth: 10 alliances of 12 member organisations, each with ten years
(2016-2025) of monthly meetings, 2,000 decisions, their votes, advice and recusals, 100 roles held
by 5,000 assignments in turn, and 500 award processes with their submissions, scores, stage
transitions and contracts. Scale grows the number of alliances (a national body hosting more of
them); below 0.1 one alliance is thinned, for a quick look and for the tests.

Every row gets the history rows that creating it through the services would leave (a decision:
drafted, opened, closed; an award: one per stage reached), and every history row a link in its
alliance's chain, made by the chain's one link writer (``alliance.audit.chain.new_link``) as the
``post_create_historical_record`` receiver makes it, so ``verify_audit`` passes on the result. Links
are appended in the order the rows are inserted, model by model.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, models, transaction

from alliance.audit.chain import GENESIS, NO_ALLIANCE, new_link
from alliance.models import (
    Alliance,
    AuditChainHead,
    AuditLink,
    GoverningBody,
    Membership,
    MembershipStatusChange,
    Organisation,
)
from contracts.models import (
    AwardPolicy,
    AwardProcess,
    Contract,
    EvaluationScore,
    RouteRule,
    StageTransition,
    Submission,
)
from decisions.models import AdvisoryInput, Decision, Meeting, Recusal, Vote
from roles.models import Person, Role, RoleAssignment

FIRST_DAY = date(2016, 1, 1)
YEARS = 10
DAYS = 3652
SOURCE = "command:benchmark"
BATCH = 2000

MEMBERS = 12  # per alliance: 10 voting, 2 advisory
VOTING = 10
PEOPLE = 200
DECISIONS = 2000
ROLES = 100
TERMS = 50  # assignments per role, one after another
AWARDS = 500
MEETINGS = 120  # monthly, ten years

CRITERIA = ("Quality", "Price")
STAGES = ["DRAFT", "SUBMISSIONS", "EVALUATION", "RECOMMENDED", "APPROVED", "CONTRACTED"]
POLICY_RULES = [
    {"route": "DIRECT_AWARD", "max_value": Decimal("500000.00"), "justification_must_cover": ["value for money"]},
    {
        "route": "MINI_COMPETITION",
        "max_value": Decimal("5000000.00"),
        "min_submissions": 2,
        "scored_evaluation_required": True,
        "justification_must_cover": ["value for money"],
        "criteria": [{"name": "Quality", "weight": 60}, {"name": "Price", "weight": 40}],
    },
    {"route": "EXTERNAL_PROCUREMENT", "min_value": Decimal("100000.00"), "justification_must_cover": ["why not"]},
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=UTC)


def _day(n: int) -> date:
    return FIRST_DAY + timedelta(days=n % DAYS)


@dataclass
class Shape:
    """How many of each thing a scale means."""

    alliances: int
    density: float

    @classmethod
    def of(cls, scale: float) -> Shape:
        alliances = max(1, round(10 * scale))
        return cls(alliances, min(1.0, 10 * scale / alliances))

    def per_alliance(self, full: int, least: int) -> int:
        return max(least, round(full * self.density))


@dataclass
class Version:
    """One history row of an object: when, which change, and the values that differed then."""

    at: datetime
    kind: str = "+"
    reason: str | None = None
    values: dict = field(default_factory=dict)


class Inserter:
    """Plain multi-row INSERTs with primary keys given here, bypassing the ORM's per-value compilation.

    The dataset is several hundred thousand rows; ``bulk_create`` spends most of its time compiling
    each value. Values that need the backend's adaptation (dates, moments, decimals, JSON) still go
    through the field's ``get_db_prep_save``; the rest are passed as they are. Sequences are reset
    at the end so later inserts through the ORM get fresh keys.
    """

    PLAIN = {
        "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "EmailField", "ForeignKey",
        "IntegerField", "OneToOneField", "PositiveBigIntegerField", "PositiveIntegerField",
        "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField", "URLField",
    }  # fmt: skip

    def __init__(self):
        self.next_ids: dict = {}
        self.used: set = set()

    def _prep(self, f: models.Field):
        if f.get_internal_type() in self.PLAIN:
            return None
        return lambda value: f.get_db_prep_save(value, connection)

    def __call__(self, model, objs: list) -> None:
        if not objs:
            return
        pk = model._meta.pk
        if model not in self.next_ids:
            last = model._default_manager.aggregate(last=models.Max(pk.attname))["last"] or 0
            self.next_ids[model] = last + 1
        start = self.next_ids[model]
        fields = list(model._meta.concrete_fields)
        preps = [self._prep(f) for f in fields]
        rows = []
        for n, obj in enumerate(objs):
            setattr(obj, pk.attname, start + n)
            obj._state.adding, obj._state.db = False, connection.alias
            values = [getattr(obj, f.attname) for f in fields]
            rows.append(tuple(v if p is None or v is None else p(v) for v, p in zip(values, preps, strict=True)))
        self.next_ids[model] = start + len(objs)
        self.used.add(model)
        qn = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields), ", ".join(["%s"] * len(fields))
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.used))
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Chains:
    """The audit chains' heads, kept in memory while links are appended in bulk."""

    def __init__(self, insert: Inserter):
        self.insert = insert
        self.heads: dict[str, tuple[int, str]] = {}
        self.pending: list[AuditLink] = []
        self.count = 0
        # Chains the application has already begun (the benchmark's own account is tracked): their
        # links follow on from the head, which is then moved rather than made.
        self.begun: dict[str, tuple[int, str]] = {}

    def append(self, chain: str, history_row, object_model, object_id) -> None:
        seq, prev = self.heads.get(chain) or self.begun_head(chain)
        link = new_link(
            chain=chain,
            seq=seq + 1,
            prev_hash=prev,
            row=history_row,
            object_model=object_model,
            object_id=object_id,
            user_id=None,
            source=SOURCE,
        )
        self.pending.append(link)
        self.heads[chain] = (link.seq, link.hash)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        self.insert(AuditLink, self.pending)
        self.count += len(self.pending)
        self.pending = []

    def begun_head(self, chain: str) -> tuple[int, str]:
        if chain not in self.begun:
            head = AuditChainHead.objects.filter(chain=chain).values_list("last_seq", "last_hash").first()
            self.begun[chain] = head or (0, GENESIS)
        return self.begun[chain]

    def save_heads(self) -> None:
        self.flush()
        for chain, (seq, last) in sorted(self.heads.items()):
            if self.begun.get(chain, (0,))[0]:
                AuditChainHead.objects.filter(chain=chain).update(last_seq=seq, last_hash=last)
        self.insert(
            AuditChainHead,
            [
                AuditChainHead(chain=c, last_seq=s, last_hash=h)
                for c, (s, h) in sorted(self.heads.items())
                if not self.begun.get(c, (0,))[0]
            ],
        )


class Builder:
    """Inserts the dataset; ``counts`` says how many rows of each model (and of history) it wrote."""

    def __init__(self, scale: float, progress: Callable[[str, int], None] | None = None):
        self.shape = Shape.of(scale)
        self.progress = progress or (lambda label, n: None)
        self.raw = Inserter()
        self.chains = Chains(self.raw)
        self.counts: dict[str, int] = {}

    # Bulk insertion with history ------------------------------------------------------------

    def insert(self, model, objs: Iterable, chain: Callable, versions: Callable | None = None) -> list:
        """Insert ``objs`` in batches, each with its history rows and links; return them."""
        objs = list(objs)
        for start in range(0, len(objs), BATCH):
            batch = objs[start : start + BATCH]
            self.raw(model, batch)
            if versions is not None:
                self.history(model, batch, chain, versions)
        self.counts[model.__name__] = self.counts.get(model.__name__, 0) + len(objs)
        self.progress(model._meta.verbose_name_plural, len(objs))
        return objs

    def history(self, model, objs: list, chain: Callable, versions: Callable) -> None:
        """Bulk-create each object's history rows (oldest first) and append their links."""
        history_model = model.history.model
        tracked = [f.attname for f in model._meta.concrete_fields if hasattr(history_model, f.attname)]
        pk_name = model._meta.pk.attname
        rows, owners = [], []
        for obj in objs:
            current = {name: getattr(obj, name) for name in tracked}
            for version in versions(obj):
                values = {**current, **version.values}
                rows.append(
                    history_model(
                        **values,
                        history_date=version.at,
                        history_type=version.kind,
                        history_change_reason=version.reason,
                        history_user_id=None,
                    )
                )
                owners.append(obj)
        self.raw(history_model, rows)
        for row, obj in zip(rows, owners, strict=True):
            self.chains.append(chain(obj), row, model, getattr(obj, pk_name))
        key = f"{model.__name__}.history"
        self.counts[key] = self.counts.get(key, 0) + len(rows)

    # The dataset ----------------------------------------------------------------------------

    @transaction.atomic
    def build(self) -> dict[str, int]:
        user = get_user_model().objects.create_user("benchmark", is_staff=True, is_superuser=True)
        self.user = user
        self.counts["User.history"] = user.history.count()  # accounts keep a history (and links) of their own
        for n in range(self.shape.alliances):
            self.alliance(n)
        self.chains.save_heads()
        self.raw.reset_sequences()
        # The links the builder appended, and those the application made (the benchmark's own account).
        self.counts["AuditLink"] = AuditLink.objects.count()
        return self.counts

    def alliance(self, n: int) -> None:
        s = self.shape
        created = _at(FIRST_DAY, 9)
        orgs = self.insert(
            Organisation,
            [
                Organisation(
                    name=f"Alliance {n + 1} member {i + 1}",
                    short_name=f"A{n + 1}M{i + 1}",
                    kind="commissioner" if i == 0 else "network" if i >= VOTING else "provider",
                )
                for i in range(MEMBERS)
            ],
            lambda o: NO_ALLIANCE,
            lambda o: [Version(created)],
        )
        alliance = self.insert(
            Alliance,
            [
                # It publishes its register, so the public pages are measured (issue 23).
                Alliance(
                    name=f"Alliance {n + 1}",
                    slug=f"alliance-{n + 1}",
                    commissioner=orgs[0],
                    purpose="Benchmark.",
                    publish_register=True,
                )
            ],  # fmt: skip
            lambda a: f"alliance:{a.pk}",
            lambda a: [Version(created)],
        )[0]
        chain = f"alliance:{alliance.pk}"
        in_alliance = lambda obj: chain  # noqa: E731 - every row below belongs to this alliance
        once = lambda obj: [Version(created)]  # noqa: E731
        body = self.insert(
            GoverningBody,
            [
                GoverningBody(
                    alliance=alliance,
                    name="Alliance Leadership Team",
                    code="ALT",
                    kind="leadership",
                    decision_rule="UNANIMOUS",
                    quorum_fraction=Decimal("0.500"),
                    abstention_blocks=True,
                    established_on=FIRST_DAY,
                )
            ],  # fmt: skip
            in_alliance,
            once,
        )[0]
        members = self.insert(
            Membership,
            [
                Membership(
                    alliance=alliance,
                    organisation=org,
                    status="VOTING" if i < VOTING else "ADVISORY",
                    is_signatory=i < VOTING,
                    capacities=["commissioner" if i == 0 else "provider"],
                    joined_on=FIRST_DAY,
                )
                for i, org in enumerate(orgs)
            ],  # fmt: skip
            in_alliance,
            once,
        )
        self.insert(
            MembershipStatusChange,
            [MembershipStatusChange(membership=m, status=m.status, effective_on=FIRST_DAY) for m in members],
            in_alliance,
            once,
        )
        people = self.insert(
            Person,
            [
                Person(
                    name=f"Person {n + 1}.{i + 1}", email=f"p{n + 1}.{i + 1}@example.org", employer=orgs[i % MEMBERS]
                )
                for i in range(s.per_alliance(PEOPLE, 30))
            ],
            lambda p: NO_ALLIANCE,
            once,
        )
        roles = self.roles(alliance, body, orgs, in_alliance, once)
        self.assignments(roles, people, in_alliance)
        meetings = self.meetings(body, in_alliance)
        decisions = self.decisions(alliance, body, meetings, members, people, in_alliance)
        self.awards(alliance, body, orgs, members, people, decisions, in_alliance)

    def roles(self, alliance, body, orgs, in_alliance, once) -> list[Role]:
        roles = [Role(alliance=alliance, title="Chair", kind="chair", body=body)]
        roles.append(Role(alliance=alliance, title="Secretary", kind="secretary", body=body))
        for org in orgs[:VOTING]:
            roles.append(
                Role(alliance=alliance, title=f"Representative of {org.short_name}", kind="member_representative",
                     body=body, organisation=org)
            )  # fmt: skip
            roles.append(
                Role(alliance=alliance, title=f"Deputy of {org.short_name}", kind="deputy_representative",
                     body=body, organisation=org)
            )  # fmt: skip
        extra = self.shape.per_alliance(ROLES, len(roles) + 2) - len(roles)
        roles += [Role(alliance=alliance, title=f"Lead {i + 1}", kind="other") for i in range(extra)]
        return self.insert(Role, roles, in_alliance, once)

    def assignments(self, roles, people, in_alliance) -> None:
        """Each role held by ``TERMS`` people in turn over ten years; the last term is still open."""
        terms = self.shape.per_alliance(TERMS, 2)
        length = DAYS // terms
        rows = []
        for r, role in enumerate(roles):
            for t in range(terms):
                starts = _day(t * length)
                last = t == terms - 1
                rows.append(
                    RoleAssignment(
                        role=role, person=people[(r * 7 + t) % len(people)], starts_on=starts,
                        ends_on=None if last else starts + timedelta(days=length - 1),
                        end_reason="" if last else "term_ended",
                    )
                )  # fmt: skip

        def versions(a):
            start = Version(_at(a.starts_on, 9), values={"ends_on": None, "end_reason": ""})
            if a.ends_on is None:
                return [start]
            return [start, Version(_at(a.ends_on, 17), "~", "Term ended")]

        self.insert(RoleAssignment, rows, in_alliance, versions)

    def meetings(self, body, in_alliance) -> list[Meeting]:
        count = self.shape.per_alliance(MEETINGS, 4)
        step = DAYS // count
        rows = [
            Meeting(body=body, title=f"ALT meeting {i + 1}", starts_at=_at(_day(i * step), 14), status="held")
            for i in range(count)
        ]
        return self.insert(
            Meeting,
            rows,
            in_alliance,
            lambda m: [
                Version(m.starts_at - timedelta(days=20), values={"status": "scheduled"}),
                Version(m.starts_at, "~"),
            ],
        )

    def decisions(self, alliance, body, meetings, members, people, in_alliance) -> list[Decision]:
        count = self.shape.per_alliance(DECISIONS, 20)
        per_year: dict[int, int] = {}
        rows = []
        for i in range(count):
            opened = _day(i * DAYS // count)
            per_year[opened.year] = per_year.get(opened.year, 0) + 1
            status = "NOT_AGREED" if i % 10 == 9 else "AGREED"
            kind = "AWARD" if i % 4 == 0 else ("KEY", "OPERATIONAL", "POLICY")[i % 3]
            votes = {"AGREE": VOTING - (2 if kind == "AWARD" else 0), "OBJECT": 0, "ABSTAIN": 0}
            if status == "NOT_AGREED":
                votes["AGREE"] -= 1
                votes["OBJECT"] = 1
            rows.append(
                Decision(
                    alliance=alliance, body=body, meeting=meetings[(i * len(meetings)) // count] if i % 5 else None,
                    reference=f"ALT-{opened.year}-{per_year[opened.year]:03d}",
                    title=f"Decision {i + 1} of {alliance.name}", proposal="That the alliance does the thing. " * 6,
                    rationale="Because it is best for people using services.", kind=kind,
                    visibility=("PUBLIC", "MEMBERS", "CONFIDENTIAL")[i % 3], tags=[f"topic {i % 40}"], status=status,
                    value=Decimal(f"{(i % 50) * 10000}.00") if i % 2 else None, opened_at=_at(opened, 9),
                    closed_at=_at(opened + timedelta(days=14), 17), decided_on=opened + timedelta(days=14),
                    agree_count=votes["AGREE"], object_count=votes["OBJECT"], abstain_count=0, not_voted_count=0,
                    recused_count=2 if kind == "AWARD" else 0, eligible_count=votes["AGREE"] + votes["OBJECT"],
                    quorum_needed=VOTING, quorum_present=VOTING,
                    outcome_explanation="Agreed by all." if status == "AGREED" else "One objection.",
                )
            )  # fmt: skip

        def versions(d):
            opened = {
                "status": "OPEN", "closed_at": None, "decided_on": None, "agree_count": None, "object_count": None,
                "abstain_count": None, "not_voted_count": None, "recused_count": None, "eligible_count": None,
                "quorum_needed": None, "quorum_present": None, "outcome_explanation": "",
            }  # fmt: skip
            draft = {**opened, "status": "DRAFT", "reference": "", "opened_at": None}
            return [
                Version(d.opened_at - timedelta(days=3), values=draft),
                Version(d.opened_at, "~", "Opened for votes", opened),
                Version(d.closed_at, "~", "Closed", {}),
            ]

        decisions = self.insert(Decision, rows, in_alliance, versions)
        self.votes(decisions, members, people, in_alliance)
        return decisions

    def votes(self, decisions, members, people, in_alliance) -> None:
        votes, recusals, advice = [], [], []
        for i, d in enumerate(decisions):
            recused = {1, 2} if d.kind == "AWARD" else set()
            for m in range(VOTING):
                if m in recused:
                    recusals.append(
                        Recusal(decision=d, membership=members[m], source="submission", reason="Bid in the award.")
                    )
                    continue
                objects = d.status == "NOT_AGREED" and m == VOTING - 1
                votes.append(
                    Vote(
                        decision=d, membership=members[m], cast_by=people[m % len(people)],
                        position="OBJECT" if objects else "AGREE", statement="Too costly." if objects else "",
                        cast_at=d.opened_at + timedelta(days=2, hours=m),
                    )
                )  # fmt: skip
            if i % 4 == 1:
                advice.append(
                    AdvisoryInput(
                        decision=d, organisation=members[VOTING].organisation, advice="People using services said...",
                        given_at=d.opened_at + timedelta(days=1), response="We changed the proposal.",
                    )
                )  # fmt: skip
            if len(votes) >= 10 * BATCH:
                self.insert(Vote, votes, in_alliance, lambda v: [Version(v.cast_at, reason=f"Voted {v.position}")])
                votes = []
        self.insert(Vote, votes, in_alliance, lambda v: [Version(v.cast_at, reason=f"Voted {v.position}")])
        self.insert(Recusal, recusals, in_alliance, lambda r: [Version(r.decision.opened_at)])
        self.insert(AdvisoryInput, advice, in_alliance, lambda a: [Version(a.given_at)])

    def awards(self, alliance, body, orgs, members, people, decisions, in_alliance) -> None:
        created = _at(FIRST_DAY, 12)
        policy = self.insert(
            AwardPolicy,
            [
                AwardPolicy(
                    alliance=alliance,
                    version=1,
                    adopted_by=decisions[0],
                    in_force_from=FIRST_DAY,
                    approving_body=body,
                    title="Schedule part 10",
                )
            ],  # fmt: skip
            in_alliance,
            lambda p: [Version(created)],
        )[0]
        self.insert(
            RouteRule,
            [RouteRule(policy=policy, **rule) for rule in POLICY_RULES],
            in_alliance,
            lambda r: [Version(created)],
        )
        awarded = [d for d in decisions if d.kind == "AWARD"]
        count = self.shape.per_alliance(AWARDS, 4)
        processes = []
        for i in range(count):
            started = _day(i * DAYS // count)
            stage = STAGES[2 + i % 4]  # EVALUATION, RECOMMENDED, APPROVED or CONTRACTED
            approval = awarded[i] if stage in ("APPROVED", "CONTRACTED") and i < len(awarded) else None
            stage = stage if approval or stage not in ("APPROVED", "CONTRACTED") else "RECOMMENDED"
            processes.append(
                AwardProcess(
                    alliance=alliance, reference=f"AW-{started.year}-{i + 1:03d}", title=f"Award {i + 1}",
                    service_category="street_outreach", estimated_annual_value=Decimal("300000.00"),
                    estimated_total_value=Decimal("900000.00"), route="MINI_COMPETITION",
                    route_justification={"value for money": "Tested by competition."}, started_on=started,
                    policy=policy, stage=stage, approval_decision=approval,
                )
            )  # fmt: skip
        self.insert(AwardProcess, processes, in_alliance)  # history once its submissions and contract exist
        submissions, transitions = [], []
        for p in processes:
            for b in (1, 2):
                submissions.append(
                    Submission(process=p, bidder=orgs[b], submitted_on=p.started_on + timedelta(days=30),
                               price=Decimal(f"{880000 + b * 1000}.00"), summary="Our offer.")
                )  # fmt: skip
            reached = STAGES[: STAGES.index(p.stage) + 1]
            for step, (before, after) in enumerate(zip(reached, reached[1:], strict=False), start=1):
                transitions.append(
                    StageTransition(process=p, from_stage=before, to_stage=after,
                                    at=_at(p.started_on + timedelta(days=20 * step), 15), reason=f"Moved to {after}.")
                )  # fmt: skip
        self.insert(Submission, submissions, in_alliance, lambda s: [Version(_at(s.submitted_on, 11))])
        self.insert(StageTransition, transitions, in_alliance, lambda t: [Version(t.at)])
        evaluator = people[-1]
        scores = [
            EvaluationScore(
                submission=s, criterion=c, evaluator=evaluator, score=7, scored_on=s.submitted_on + timedelta(days=10)
            )
            for s in submissions
            for c in CRITERIA
        ]
        self.insert(EvaluationScore, scores, in_alliance, lambda e: [Version(_at(e.scored_on, 12))])
        contracts = []
        for p, first in zip(processes, submissions[::2], strict=True):
            if p.stage in ("RECOMMENDED", "APPROVED", "CONTRACTED"):
                p.recommended_submission = first
            if p.stage == "CONTRACTED":
                starts = p.started_on + timedelta(days=120)
                contracts.append(
                    Contract(alliance=alliance, title=p.title, service_category=p.service_category, provider=orgs[1],
                             annual_value=p.estimated_annual_value, starts_on=starts,
                             ends_on=starts + timedelta(days=3 * 365), awarded_through=p)
                )  # fmt: skip
        self.insert(Contract, contracts, in_alliance, lambda c: [Version(_at(c.starts_on, 9))])
        for c in contracts:
            c.awarded_through.resulting_contract = c
        AwardProcess.objects.bulk_update(processes, ["recommended_submission", "resulting_contract"], batch_size=BATCH)

        def versions(p):
            reached = STAGES[: STAGES.index(p.stage) + 1]
            later = {"recommended_submission_id": None, "resulting_contract_id": None, "approval_decision_id": None}
            rows = []
            for step, stage in enumerate(reached):
                values = {**later, "stage": stage} if step < len(reached) - 1 else {}
                at = _at(p.started_on + timedelta(days=20 * step), 15)
                rows.append(Version(at, "+" if step == 0 else "~", None if step == 0 else f"Moved to {stage}.", values))
            return rows

        for start in range(0, len(processes), BATCH):
            self.history(AwardProcess, processes[start : start + BATCH], in_alliance, versions)
