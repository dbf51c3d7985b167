"""API views of decisions and votes: each write is a thin call of one decisions.services function."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from api import lean, lean_decisions
from api.access import AccessMixin, StandingMixin, int_or_none
from api.history import AS_OF, AsOfMixin, HistoryMixin
from api.read_log import ReadLogMixin
from api.serializers import decisions as s
from api.views.base import RegisterCreateViewSet
from decisions import queries, services
from decisions.filtersets import DecisionFilter, VoteFilter
from decisions.models import AdviceRequest, AdvisoryInput, Recusal, Release, Vote
from decisions.services import PositionRow
from roles import standing
from roles.access import request_access


def _vote_count(position: str):
    # A correlated count per decision, not a join with GROUP BY over every decision column: the
    # database counts only the page's rows, and the pagination count needs no join (docs/performance.md).
    # "Not struck" as exclude(struck_by set), not filter(struck_by_id IS NULL): SQLite reads IS NULL on the
    # unique struck_by index as one row and walked every counted vote of the table for each decision
    # (410 ms for a page at scale 0.1); this way it reads the decision's votes by their decision index.
    votes = (
        Vote.objects.filter(decision=OuterRef("pk"), position=position)
        .exclude(struck_by__isnull=False)
        .order_by()
        .values("decision")
    )
    return Coalesce(Subquery(votes.annotate(n=Count("pk")).values("n")), 0)


def _with_vote_counts(qs):
    return qs.annotate(
        votes_agree=_vote_count(Vote.Position.AGREE),
        votes_object=_vote_count(Vote.Position.OBJECT),
        votes_abstain=_vote_count(Vote.Position.ABSTAIN),
    )


def _keeper(doing):
    return lambda access, decision, data: standing.require_record_keeper(access, decision.body, doing)


class DecisionViewSet(ReadLogMixin, StandingMixin, AsOfMixin, mixins.UpdateModelMixin, RegisterCreateViewSet):
    """The decision log. Writes go through the decision services; a closed decision answers 409."""

    serializer_class = s.DecisionSerializer
    filterset_class = DecisionFilter
    ordering_fields = ["decided_on", "opened_at", "reference", "title", "status"]
    ordering = ["-decided_on", "-opened_at", "-pk"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    write_standing = {
        "create": lambda access, _, data: standing.require_any_record_keeper(access, "draft decisions"),
        "partial_update": _keeper("edit its decisions"),
        "update": _keeper("edit its decisions"),
        "open": _keeper("open its decisions for votes"),
        "close": _keeper("close its decisions"),
        "extend": _keeper("extend the deadline of its decisions"),
        "withdraw": _keeper("withdraw its decisions"),
        "defer": _keeper("defer its decisions"),
        "amend": _keeper("amend its decisions"),
        "supersede": _keeper("supersede its decisions"),
        "recusals": _keeper("record recusals from its decisions"),
        "dispensation": _keeper("record its dispensations"),
        "advice_response": _keeper("answer the advice on its decisions"),
        "advice_requests": _keeper("ask its advisory members for advice"),
        "exclude_adviser": _keeper("exclude an advisory member from its decisions"),
        "no_advice": _keeper("record why a decision goes ahead without advice"),
        "approval": _keeper("record the approval of its decisions"),
        "release": _keeper("release its decisions"),
        "cancel_release": _keeper("cancel releases of its decisions"),
        "recusal_publicity": _keeper("publish the details of its recusals"),
        "votes": lambda access, decision, data: standing.require_vote(access, decision.body),
        "positions": _keeper("record the positions on its decisions"),
        "advice": lambda access, decision, data: standing.require_advice(access, decision.body, given=False),
        "delegated": lambda access, _, data: standing.require_delegation_holder(
            access, int_or_none(data.get("decided_by"))
        ),
    }

    def get_queryset(self):
        # Links to later decisions show only those the caller may read (the read rule).
        access = None if getattr(self, "swagger_fake_view", False) else request_access(self.request)
        if getattr(self, "lean_read", False):
            # The lean path reads the rows as values() and its nested rows itself: the same decisions (the
            # read rule and the filters are filter_queryset's), without the related rows to prefetch.
            return queries.decision_log(access=access, related=False)
        if self.action == "list":
            return _with_vote_counts(queries.decision_log(access=access))
        return _with_vote_counts(queries.decision_records(access=access))

    def get_serializer_class(self):
        return s.DecisionSerializer if self.action == "list" else s.DecisionDetailSerializer

    def list(self, request, *args, **kwargs):
        # The lean path (api/lean_decisions.py) answers a JSON read; the serializers answer the rest.
        if lean.applies(request):
            self.lean_read = True
            return lean_decisions.decision_list(self, request)
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[AS_OF])
    def retrieve(self, request, *args, **kwargs):
        if lean.applies(request):
            self.lean_read = True
            answer = lean_decisions.decision_detail(self, request, kwargs[self.lookup_url_kwarg or self.lookup_field])
            self.lean_read = False
            if answer is not None:
                return answer
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(request=s.DecisionCreateSerializer, responses={201: s.DecisionDetailSerializer})
    def create(self, request, *args, **kwargs):
        """Draft a decision; it gets its reference when opened."""
        values = self._input(s.DecisionCreateSerializer)
        return self._out(services.draft_decision(actor=self.actor, **values), status.HTTP_201_CREATED)

    @extend_schema(request=s.DecisionFieldsSerializer, responses=s.DecisionDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Edit a draft, open or deferred decision; a closed one is sealed (409)."""
        decision = self.get_object()  # 404, then the standing (403), before the input is read
        values = self._input(s.DecisionFieldsSerializer)
        return self._out(services.update_decision(actor=self.actor, decision=decision, **values))

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=s.OpenInputSerializer, responses=s.DecisionDetailSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Open the decision for votes (its reference is allocated on first opening)."""
        return self._out(
            services.open_decision(actor=self.actor, decision=self.get_object(), **self._input(s.OpenInputSerializer))
        )

    @extend_schema(request=s.VoteInputSerializer, responses={201: s.VoteSerializer})
    @action(detail=True, methods=["post"])
    def votes(self, request, pk=None):
        """Cast or change a member's vote (rules 1 and 2).

        ``cast_by`` must hold the member's representative or deputy role on the vote's day, whoever
        enters it (400 otherwise, naming who does). The caller's person is the one entering the vote:
        when they are not its caster (a secretary recording a representative's vote) they are stored as
        ``recorded_by``, and a ``recorded_by`` naming anyone else is refused (400).
        """
        decision = self.get_object()
        vote = services.cast_vote(actor=self.actor, decision=decision, **self._input(s.VoteInputSerializer))
        vote = Vote.objects.select_related(
            "decision", "membership__organisation", "seat__person", "cast_by", "recorded_by", "struck_by"
        ).get(pk=vote.pk)
        return Response(s.VoteSerializer(vote).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.PositionsRegisterSerializer, responses=s.VoteSerializer(many=True))
    @action(detail=True, methods=["post"])
    def positions(self, request, pk=None):
        """Record the positions of a whole decision in one go, as the body's secretary: a list of rows (membership
        or seat, position, statement, cast_by, capacity), each checked by the rules of one vote; an empty
        position is "not yet". If any row is refused, nothing is written and the answer is 400 with ``rows``:
        ``[{"index", "code", "detail", "field"}]``. Answers the decision's counted votes."""
        decision = self.get_object()
        values = self._register_input(s.PositionsRegisterSerializer)
        rows = [PositionRow(**row) for row in values["rows"]]
        services.record_positions(actor=self.actor, decision=decision, rows=rows, cast_at=values["cast_at"])
        votes = Vote.objects.filter(decision=decision, struck_by__isnull=True).select_related(
            "decision", "membership__organisation", "seat__person", "cast_by", "recorded_by", "struck_by"
        )
        return Response(s.VoteSerializer(votes.order_by("pk"), many=True).data)

    @extend_schema(request=s.AdviceInputSerializer, responses={201: s.AdvisoryInputSerializer})
    @action(detail=True, methods=["post"])
    def advice(self, request, pk=None):
        """Record advice from an advisory member or an advisor."""
        item = services.record_advice(
            actor=self.actor, decision=self.get_object(), **self._input(s.AdviceInputSerializer)
        )
        return Response(s.AdvisoryInputSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ResponseInputSerializer, responses=s.AdvisoryInputSerializer)
    @action(detail=True, methods=["post"], url_path=r"advice/(?P<advice_id>\d+)/response")
    def advice_response(self, request, pk=None, advice_id=None):
        """Answer advice ("you said, we did") with a further response, before or after the decision closes:
        the response is appended; the sealed decision, its advice and earlier responses stay as they were."""
        item = get_object_or_404(AdvisoryInput, pk=advice_id, decision=self.get_object())
        services.respond_to_advice(actor=self.actor, advisory_input=item, **self._input(s.ResponseInputSerializer))
        item = AdvisoryInput.objects.select_related("organisation", "person").get(pk=item.pk)
        return Response(s.AdvisoryInputSerializer(item).data)

    @extend_schema(request=s.AskAdviceInputSerializer, responses={201: s.AdviceRequestSerializer})
    @action(detail=True, methods=["post"], url_path="advice-requests")
    def advice_requests(self, request, pk=None):
        """Ask an advisory member for advice: its representatives then read the decision whatever its visibility."""
        asked = services.ask_for_advice(
            actor=self.actor, decision=self.get_object(), **self._input(s.AskAdviceInputSerializer)
        )
        return Response(s.AdviceRequestSerializer(asked).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ExclusionInputSerializer, responses=s.AdviceRequestSerializer)
    @action(detail=True, methods=["post"], url_path=r"advice-requests/(?P<request_id>\d+)/exclude")
    def exclude_adviser(self, request, pk=None, request_id=None):
        """Record that an advisory member asked to advise is not shown the decision, and why (shown to them)."""
        asked = get_object_or_404(AdviceRequest, pk=request_id, decision=self.get_object())
        asked = services.exclude_adviser(actor=self.actor, request=asked, **self._input(s.ExclusionInputSerializer))
        return Response(s.AdviceRequestSerializer(asked).data)

    @extend_schema(request=s.NoAdviceInputSerializer, responses=s.AdviceRequestSerializer)
    @action(detail=True, methods=["post"], url_path="no-advice")
    def no_advice(self, request, pk=None):
        """Record why the decision goes ahead without an advisory member's advice (where the body requires it)."""
        asked = services.record_no_advice_reason(
            actor=self.actor, decision=self.get_object(), **self._input(s.NoAdviceInputSerializer)
        )
        return Response(s.AdviceRequestSerializer(asked).data)

    @extend_schema(request=s.RecusalInputSerializer, responses={201: s.RecusalSerializer})
    @action(detail=True, methods=["post"])
    def recusals(self, request, pk=None):
        """Recuse a member from the decision (rule 5).

        A vote the member already cast is struck: it stays in the decision's votes with ``struck_by``
        set, no longer counts, and the answer's ``struck_vote`` names it. A recusal for a declared
        interest names the member's declaration open while the decision is decided (400 otherwise).
        """
        recusal = services.record_recusal(
            actor=self.actor, decision=self.get_object(), **self._input(s.RecusalInputSerializer)
        )
        return Response(s.RecusalSerializer(recusal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReasonInputSerializer, responses=s.RecusalSerializer)
    @action(detail=True, methods=["post"], url_path=r"recusals/(?P<recusal_id>\d+)/dispensation")
    def dispensation(self, request, pk=None, recusal_id=None):
        """Grant a dispensation that lets a recused member vote; a vote the recusal struck stays struck."""
        recusal = get_object_or_404(Recusal, pk=recusal_id, decision=self.get_object())
        recusal = services.grant_dispensation(actor=self.actor, recusal=recusal, **self._input(s.ReasonInputSerializer))
        return Response(s.RecusalSerializer(recusal).data)

    @extend_schema(request=s.RecusalPublicityInputSerializer, responses=s.RecusalSerializer)
    @action(detail=True, methods=["post"], url_path=r"recusals/(?P<recusal_id>\d+)/publicity")
    def recusal_publicity(self, request, pk=None, recusal_id=None):
        """Show (``public: true``) or stop showing a recusal's reason and personal details to the public;
        the alliance's members always read them. Allowed after the decision closed."""
        recusal = get_object_or_404(Recusal, pk=recusal_id, decision=self.get_object())
        values = self._input(s.RecusalPublicityInputSerializer)
        recusal = services.set_recusal_details_public(actor=self.actor, recusal=recusal, **values)
        return Response(s.RecusalSerializer(recusal, context=self.get_serializer_context()).data)

    @extend_schema(request=s.ReleaseInputSerializer, responses={201: s.ReleaseSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """Release a closed decision wider than it was sealed with: now, or at ``takes_effect_at`` (an embargo).

        A release never narrows (400) and is refused at the visibility the decision already has (409); an open
        or deferred decision's release can only be scheduled, and takes effect at its moment once closed.
        """
        release = services.release_decision(
            actor=self.actor, decision=self.get_object(), **self._input(s.ReleaseInputSerializer)
        )
        return Response(
            s.ReleaseSerializer(release, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(request=s.ReasonInputSerializer, responses=s.ReleaseSerializer)
    @action(detail=True, methods=["post"], url_path=r"releases/(?P<release_id>\d+)/cancel")
    def cancel_release(self, request, pk=None, release_id=None):
        """Cancel a scheduled release before its moment; one in effect is never undone (409)."""
        release = get_object_or_404(Release, pk=release_id, decision=self.get_object())
        release = services.cancel_release(actor=self.actor, release=release, **self._input(s.ReasonInputSerializer))
        return Response(s.ReleaseSerializer(release, context=self.get_serializer_context()).data)

    @extend_schema(request=s.CloseInputSerializer, responses=s.DecisionDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close with the outcome and counts (rule 3) and apply what was agreed (rule 8)."""
        return self._out(
            services.close_decision(actor=self.actor, decision=self.get_object(), **self._input(s.CloseInputSerializer))
        )

    @extend_schema(responses=s.ClosePreviewSerializer, filters=False)
    @action(detail=True, methods=["get"], url_path="close-preview", filter_backends=[], pagination_class=None)
    def close_preview(self, request, pk=None):
        """What closing the open decision now would record, and who has not given a position (409 if not open)."""
        return Response(s.ClosePreviewSerializer(services.closing_preview(decision=self.get_object())).data)

    @extend_schema(request=s.ExtendInputSerializer, responses=s.DecisionDetailSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Give members of an open written procedure longer to vote: a later closing moment, after now."""
        return self._out(
            services.extend_deadline(
                actor=self.actor, decision=self.get_object(), **self._input(s.ExtendInputSerializer)
            )
        )

    @extend_schema(request=s.ApprovalInputSerializer, responses={201: s.DecisionDetailSerializer})
    @action(detail=True, methods=["post"])
    def approval(self, request, pk=None):
        """Attach the outside body's approval (or refusal) to a decision agreed subject to it: AGREED with
        what it agreed taking effect, or NOT_APPROVED; list those waiting with ``?status=AWAITING_APPROVAL``."""
        decision = self.get_object()
        services.record_approval(actor=self.actor, decision=decision, **self._input(s.ApprovalInputSerializer))
        return self._out(decision, status.HTTP_201_CREATED)

    @extend_schema(request=s.ReasonInputSerializer, responses=s.DecisionDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._out(
            services.withdraw_decision(
                actor=self.actor, decision=self.get_object(), **self._input(s.ReasonInputSerializer)
            )
        )

    @extend_schema(request=s.DeferInputSerializer, responses=s.DecisionDetailSerializer)
    @action(detail=True, methods=["post"])
    def defer(self, request, pk=None):
        return self._out(
            services.defer_decision(actor=self.actor, decision=self.get_object(), **self._input(s.DeferInputSerializer))
        )

    @extend_schema(request=s.DecisionFieldsSerializer, responses={201: s.DecisionDetailSerializer})
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """Draft a decision that amends this agreed one."""
        decision = self.get_object()
        values = self._input(s.DecisionFieldsSerializer)
        new = services.amend_decision(actor=self.actor, decision=decision, **values)
        return self._out(new, status.HTTP_201_CREATED)

    @extend_schema(request=s.DecisionFieldsSerializer, responses={201: s.DecisionDetailSerializer})
    @action(detail=True, methods=["post"])
    def supersede(self, request, pk=None):
        """Draft a decision that replaces this agreed one (once)."""
        decision = self.get_object()
        values = self._input(s.DecisionFieldsSerializer)
        new = services.supersede_decision(actor=self.actor, decision=decision, **values)
        return self._out(new, status.HTTP_201_CREATED)

    @extend_schema(request=s.DelegatedDecisionInputSerializer, responses={201: s.DecisionDetailSerializer})
    @action(detail=False, methods=["post"])
    def delegated(self, request):
        """Record an operational decision taken under delegated authority (rule 7)."""
        values = self._input(s.DelegatedDecisionInputSerializer)
        decision = services.take_delegated_decision(actor=self.actor, **values)
        return self._out(decision, status.HTTP_201_CREATED)

    @extend_schema(responses=s.RelatedDecisionSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def related(self, request, pk=None):
        """Earlier decisions on the same matter: shared tags or words of the title and proposal."""
        decision = self.get_object()
        found = queries.related_decisions(
            alliance=decision.alliance,
            access=request_access(request),
            title=decision.title,
            proposal=decision.proposal,
            tags=decision.tags,
            exclude=decision,
        )
        return Response(s.RelatedDecisionSerializer(found, many=True).data)


class VoteViewSet(AccessMixin, HistoryMixin, viewsets.ReadOnlyModelViewSet):
    """Every vote cast, with who cast and who recorded it; a vote struck by a recusal names it (``struck_by``)."""

    serializer_class = s.VoteSerializer
    filterset_class = VoteFilter
    ordering_fields = ["cast_at", "position"]
    ordering = ["-cast_at", "pk"]
    queryset = Vote.objects.select_related(
        "decision", "membership__organisation", "seat__person", "cast_by", "recorded_by", "struck_by"
    )
