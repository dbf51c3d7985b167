"""Web pages of meetings and decisions: the log, a decision's record, meetings, action items, and the
secretary's forms. Every form calls one service; a refusal comes back as a form error on its field."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.generic import FormView, TemplateView, View

from alliance import documents, read_log
from alliance.choices import DecisionKind
from alliance.document_views import papers_context, upload_url
from alliance.errors import RuleViolation
from alliance.formatting import day, day_time
from alliance.forms import restrict_choices
from alliance.history import versions
from alliance.models import Alliance, BodyRule, GoverningBody, rule_in_words
from alliance.web import AlliancePageMixin, FilteredListMixin, pk_url
from api.lean import log_served
from decisions import board_pack, forms, services
from decisions import queries as decision_queries
from decisions import queries_meetings as queries
from decisions.filtersets import ActionItemListFilter, DecisionLogFilter, MeetingListFilter
from decisions.models import (
    ActionItem,
    AdviceRequest,
    AdvisoryInput,
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Recusal,
    Vote,
)
from decisions.queries_log import log_rows, log_values
from roles import services as roles_services
from roles import standing
from roles.access import Access
from roles.models import Seat

PAGE_SIZE = 25


def _person(user):
    return getattr(user, "person", None)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


# Reading -----------------------------------------------------------------------------------


class DecisionLogRows:
    """What the decision log lists, on its page and in its downloads: the alliance's decisions the
    caller may read, through the API's filters (decisions/filtersets.py)."""

    def decision_filter(self) -> DecisionLogFilter:
        decisions = decision_queries.decision_log(self.alliance, access=self.access).restrict(self.access)
        return DecisionLogFilter(self.request.GET or None, decisions, request=self.request, alliance=self.alliance)


class DecisionLogView(DecisionLogRows, AlliancePageMixin, FilteredListMixin, TemplateView):
    template_name = "decisions/decision_log.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # A filter that cannot be read is marked on the form and left out, and the others apply.
        filterset = self.decision_filter()
        form, decisions = filterset.form, filterset.qs
        kept = list(_recordable_bodies(self.access, self.alliance).values_list("pk", flat=True))
        # The secretary is prompted to close the written procedures whose votes have closed.
        awaiting = decision_queries.awaiting_outcome(self.alliance, now=timezone.now()).filter(body__in=kept)
        page = _page(self.request, log_values(decisions))
        page.object_list = log_rows(
            page.object_list,
            access=self.access,
            url=pk_url("decision-detail", slug=self.alliance.slug),
            now=timezone.now(),
        )
        confidential = [row["pk"] for row in page.object_list if row["confidential"]]
        log_served(self.request, Decision, confidential, kind=read_log.Kind.PAGE, what="the decision log")
        context.update(
            form=form,
            page=page,
            query=_query_without_page(self.request),
            can_record=bool(kept),
            awaiting=list(awaiting.restrict(self.access)) if kept else [],
            unanswered=list(
                decision_queries.unanswered_advice(self.alliance).filter(decision__body__in=kept).restrict(self.access)
            )
            if kept
            else [],
        )
        return context


class DecisionDetailView(AlliancePageMixin, TemplateView):
    template_name = "decisions/decision_detail.html"

    def get(self, request, *args, **kwargs):
        # An advisory member asked to advise and then excluded is told why, not shown a bare 404.
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            excluded = decision_queries.exclusion_for(self.access, self.alliance, kwargs["pk"])
            if excluded is None:
                raise
        context = {"alliance": self.alliance, "excluded": excluded}
        return TemplateResponse(request, "decisions/advice_excluded.html", context, status=403)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        decision = get_object_or_404(
            decision_queries.decision_log(self.alliance, access=self.access).restrict(self.access),
            pk=kwargs["pk"],
        )
        decision = decision_queries.decision_record(decision.pk, access=self.access)
        read_log.log_read(self.request, decision)
        requests = list(decision.advice_requests.all())
        grid = decision_queries.votes_grid(decision)
        recusals = list(decision.recusals.all())
        for recusal in recusals:
            recusal.shown = recusal.details_shown_to(self.access, decision.alliance_id)
        context.update(
            decision=decision,
            grid=grid,
            rule_in_force="" if decision.rule_applied else rule_in_words(decision.body.rule_for(decision.kind)),
            recusals=recusals,
            releases=list(decision.releases.all()),
            advice=list(decision.advisory_inputs.all()),
            advice_requests=requests,
            advice_missing=services.advice_missing(decision, decision.decided_on or timezone.localdate())
            if decision.status == Decision.Status.OPEN
            else [],
            action_items=list(decision.action_items.all()),
            versions=versions(decision, self.access),
            links=decision_queries.earlier_links(decision, self.access),
            related=decision_queries.related_decisions(
                alliance=self.alliance,
                access=self.access,
                title=decision.title,
                proposal=decision.proposal,
                tags=decision.tags,
                exclude=decision,
                limit=5,
            ),
            can_record=_may_record(self.access, decision.body),
            represents=bool(self.access.represents_in(self.alliance.pk)),
            **papers_context(self.alliance, decision, self.access),
        )
        return context


class MeetingListView(AlliancePageMixin, FilteredListMixin, TemplateView):
    template_name = "decisions/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meetings = queries.meetings(self.alliance, access=self.access)
        filterset = MeetingListFilter(self.request.GET or None, meetings, request=self.request, alliance=self.alliance)
        form = filterset.form
        page = _page(self.request, filterset.qs)
        approving = [m.minutes_approved_by_id for m in page if m.minutes_approved_by_id]
        # The approving decision is named only to those who may read it (the read rule: no reference leaks).
        readable = Decision.objects.filter(pk__in=approving).restrict(self.access)
        context.update(
            form=form,
            page=page,
            query=_query_without_page(self.request),
            can_record=bool(_recordable_bodies(self.access, self.alliance)),
            readable_minutes=set(readable.values_list("pk", flat=True)) if approving else set(),
        )
        return context


class MeetingDetailView(AlliancePageMixin, TemplateView):
    template_name = "decisions/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = get_object_or_404(queries.meetings(self.alliance, access=self.access), pk=kwargs["pk"])
        cancel = meeting.history.filter(status=Meeting.Status.CANCELLED).order_by("history_date").first()
        context.update(
            meeting=meeting,
            groups=queries.attendance_by_capacity(meeting),
            quorum=queries.meeting_quorum(meeting),
            decisions=list(queries.decisions_at(meeting).restrict(self.access)),
            cancel_reason=cancel.history_change_reason if cancel else "",
            minutes_decision=(
                meeting.minutes_approved_by
                if meeting.minutes_approved_by and self.access.can_read(meeting.minutes_approved_by)
                else None
            ),
            can_record=_may_record(self.access, meeting.body),
            attendance_form=forms.AttendanceForm(alliance=self.alliance),
            **agenda_context(meeting, self.access),
            minutes=queries.minutes_record(meeting, self.access),
            minutes_to_approve=list(queries.previous_meetings_to_approve(meeting)[:3]),
            **_minutes_state(meeting, self.access),
        )
        return context


def agenda_context(meeting: Meeting, access: Access) -> dict:
    """What the meeting page's agenda section (and the printable agenda) show: the rows, the notice rule, and
    whether the caller may change the agenda (the body's secretary, while the meeting is scheduled)."""
    rows = queries.agenda_of(meeting, access)
    # Each item's papers as the reader may read them (three queries for the whole agenda), and the form to file one.
    papers = documents.papers_of(access, [row.item for row in rows])
    alliance = meeting.body.alliance
    for row in rows:
        row.papers = papers.get(documents.owner_key(row.item), [])
        row.upload_url = None if row.withdrawn else upload_url(alliance, row.item, access)
    return {
        "agenda": rows,
        "agenda_listed": sum(1 for r in rows if not r.withdrawn),
        "agenda_notice": services.agenda_notice(meeting),
        "can_build_agenda": meeting.status == Meeting.Status.SCHEDULED and _may_record(access, meeting.body),
    }


class BoardPackView(AlliancePageMixin, View):
    """The meeting's board pack as the reader may read it, as a PDF download (decisions/board_pack.py);
    a meeting without an agenda answers a page saying what to do (409)."""

    def get(self, request, *args, **kwargs):
        meetings = Meeting.objects.restrict(self.access).filter(body__alliance=self.alliance)
        meeting = get_object_or_404(meetings.select_related("body__alliance"), pk=kwargs["pk"])
        try:
            pack = board_pack.board_pack(meeting=meeting, access=self.access)
        except RuleViolation as refusal:
            context = {"alliance": self.alliance, "meeting": meeting, "refusal": refusal}
            return TemplateResponse(request, "decisions/board_pack_unavailable.html", context, status=409)
        response = HttpResponse(pack.content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
        return response


class ActionItemListView(AlliancePageMixin, TemplateView):
    template_name = "decisions/action_items.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        items = queries.action_items(self.alliance).restrict(self.access)
        filterset = ActionItemListFilter(self.request.GET or None, items, request=self.request)
        form, items = filterset.form, filterset.qs
        context.update(
            form=form,
            overdue=list(queries.overdue_action_items(self.alliance, self.on).restrict(self.access)),
            page=_page(self.request, items),
            query=_query_without_page(self.request),
            can_record=bool(_recordable_bodies(self.access, self.alliance)),
        )
        return context


# Who may keep the record -------------------------------------------------------------------


def _may_record(access: Access, body: GoverningBody) -> bool:
    # The services' own check (roles/standing.py), so web and API never disagree (the read rule).
    return standing.permits(standing.require_record_keeper, access, body)


def _recordable_bodies(access: Access, alliance: Alliance):
    return access.bodies_kept(GoverningBody.objects.filter(alliance=alliance)).order_by("name")


class SecretaryFormView(AlliancePageMixin, FormView):
    """A form that one service answers, called with the caller's standing as its ``actor``.

    Whether to show the form at all is asked of the service's own standing check
    (``check_standing``: the body's secretary by default; roles/standing.py), so the page offers
    exactly what the service will accept. Subclasses find the ``target`` record, and name the
    ``service`` to call with the form's data (a function of decisions.services, as
    ``staticmethod(services.open_decision)``) and ``subject`` (the keyword the service takes the
    record by); a refusal, the standing's included, becomes an error on the
    field it names, keeping what was typed.
    """

    template_name = "decisions/form.html"
    title = ""
    intro = ""
    submit = "Save"
    success_message = "Saved."
    service = None
    subject = ""
    needs_alliance = False

    def page_refusal(self):
        # The record a form works on is found among those the user may read, before any standing is
        # weighed: one they may not read answers 404, as if it did not exist.
        self.target = self.get_target()
        body = self.get_body()
        try:
            self.check_standing(body)
        except RuleViolation as refusal:
            if not refusal.forbidden:
                raise
            context = {"alliance": self.alliance, "body": body, "back": self.back_url(), "refusal": refusal.message}
            return TemplateResponse(self.request, "decisions/forbidden.html", context, status=403)
        return None

    def check_standing(self, body: GoverningBody | None) -> None:
        """Refuse (``not_permitted``) a caller who could never use this form."""
        if body is not None:
            standing.require_record_keeper(self.access, body)
        elif not self.bodies().exists():
            # The body is chosen on the form: the caller must keep the record of one of this alliance's.
            raise standing.refuse(
                f"Only the secretary of one of {self.alliance}'s bodies (or an administrator) can do this; "
                "ask the body's secretary."
            )

    def get_target(self):
        return None

    def get_body(self) -> GoverningBody | None:
        return self.target.body if self.target is not None else None

    def bodies(self):
        return _recordable_bodies(self.access, self.alliance)

    def back_url(self) -> str:
        return self.target.get_absolute_url() if self.target is not None else self.alliance.get_absolute_url()

    def get_form(self, form_class=None):
        return restrict_choices(super().get_form(form_class), self.access)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.needs_alliance:
            kwargs["alliance"] = self.alliance
        return kwargs

    def get_initial(self):
        # A link may preselect a choice (?member=, ?meeting=); anything but a number is ignored.
        return {field: value for field, value in self.preselect().items() if value.isdigit()}

    def preselect(self) -> dict:
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, intro=self.intro, submit=self.submit, back=self.back_url(), target=self.target)
        return context

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except RuleViolation as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return redirect(self.done_url(result))

    def done_url(self, result) -> str:
        """Where the page goes once the service has answered: the record worked on, or the one made."""
        return (self.target or result).get_absolute_url()

    def subject_record(self):
        return self.target

    def perform(self, form):
        arguments = {self.subject: self.subject_record()} if self.subject else {}
        return self.service(actor=self.access, **arguments, **form.cleaned_data)


# Meeting forms -----------------------------------------------------------------------------


class ScheduleMeetingView(SecretaryFormView):
    form_class = forms.ScheduleMeetingForm
    title = "Schedule a meeting"
    submit = "Schedule"
    success_message = "Meeting scheduled."
    service = staticmethod(services.schedule_meeting)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "bodies": self.bodies()}


class MeetingFormView(SecretaryFormView):
    subject = "meeting"

    def get_target(self):
        return get_object_or_404(
            Meeting.objects.restrict(self.access).select_related("body__alliance"),
            body__alliance=self.alliance,
            pk=self.kwargs["pk"],
        )


class EditMeetingView(MeetingFormView):
    form_class = forms.EditMeetingForm
    title = "Change the meeting"
    intro = "A scheduled meeting's time and place can change until it is held; its history keeps the earlier ones."
    submit = "Save changes"
    success_message = "Meeting changed."
    service = staticmethod(services.update_meeting)

    def get_initial(self):
        m = self.target
        return {"starts_at": m.starts_at, "title": m.title, "location": m.location, "online": m.online}


class AttendanceView(MeetingFormView):
    form_class = forms.AttendanceForm
    needs_alliance = True
    title = "Record attendance"
    intro = "Record who attended and in which capacity, or who sent apologies; recording a person again changes it."
    submit = "Record attendance"
    success_message = "Attendance recorded."

    def perform(self, form):
        attendance = services.record_attendance(actor=self.access, meeting=self.target, **form.cleaned_data)
        if attendance.role_warning:
            messages.warning(self.request, attendance.role_warning)
        return attendance


class AttendanceRowView(MeetingFormView):
    """A step on one attendance row of the meeting; the page goes back to the meeting."""

    subject = "attendance"

    def get_target(self):
        meeting = super().get_target()
        self.attendance = get_object_or_404(
            Attendance.objects.select_related("person", "organisation"),
            meeting=meeting,
            pk=self.kwargs["attendance_pk"],
        )
        where = f" for {self.attendance.organisation}" if self.attendance.organisation else ""
        state = "present" if self.attendance.present else "apologies"
        self.intro = f"{self.attendance.person}, {self.attendance.get_capacity_display().lower()}{where} ({state})."
        return meeting

    def subject_record(self):
        return self.attendance


class CorrectAttendanceView(AttendanceRowView):
    form_class = forms.CorrectAttendanceForm
    needs_alliance = True
    title = "Correct attendance"
    submit = "Save the correction"
    success_message = "Attendance corrected."

    def get_initial(self):
        a = self.attendance
        return {"capacity": a.capacity, "organisation": a.organisation_id, "present": "1" if a.present else "0"}

    service = staticmethod(services.correct_attendance)


class RemoveAttendanceView(AttendanceRowView):
    form_class = forms.ReasonForm
    title = "Remove attendance"
    submit = "Remove the row"
    success_message = "Attendance removed."
    service = staticmethod(services.remove_attendance)


class MeetingHeldView(MeetingFormView):
    form_class = forms.HeldForm
    title = "Mark the meeting held"
    submit = "Mark held"
    success_message = "Meeting recorded as held."
    service = staticmethod(services.mark_meeting_held)


class MeetingCancelView(MeetingFormView):
    form_class = forms.ReasonForm
    title = "Cancel the meeting"
    submit = "Cancel the meeting"
    success_message = "Meeting cancelled."
    service = staticmethod(services.cancel_meeting)


class MinutesView(MeetingFormView):
    form_class = forms.MinutesForm
    title = "Record the minutes"
    submit = "Save minutes"
    success_message = "Minutes saved."
    service = staticmethod(services.record_minutes)

    def get_initial(self):
        return {"minutes": self.target.minutes}


class ApproveMinutesView(MeetingFormView):
    form_class = forms.ApproveMinutesForm
    title = "Approve the minutes"
    intro = (
        "Minutes are approved by an agreed procedural decision of the same body, taken at a later meeting or later "
        "in writing. Once approved they are sealed, and a signed-off copy is kept with the meeting."
    )
    submit = "Approve"
    success_message = "Minutes approved and sealed; the signed-off copy is kept with the meeting."
    service = staticmethod(services.approve_minutes)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.target}


class ItemMinuteView(MeetingFormView):
    """The minute of one agenda item: what was discussed and concluded."""

    form_class = forms.ItemMinuteForm
    subject = "item"
    submit = "Save the minute"
    success_message = "Minute saved."
    service = staticmethod(services.record_item_minute)

    def get_target(self):
        meeting = super().get_target()
        self.item = get_object_or_404(AgendaItem.objects.filter(meeting=meeting), pk=self.kwargs["item_pk"])
        return meeting

    @property
    def title(self) -> str:
        return f"Minute of item {self.item.position}: {self.item.title}"

    def subject_record(self):
        return self.item

    def get_initial(self):
        return {"discussion": self.item.discussion}

    def done_url(self, result) -> str:
        return f"{self.target.get_absolute_url()}#item-minute-{self.item.pk}"


class CirculateMinutesView(MeetingFormView):
    form_class = forms.ConfirmForm
    submit = "Circulate the minutes"
    success_message = "Minutes circulated: the attendees and the body's seats are told by email and in their inbox."
    service = staticmethod(services.circulate_minutes)

    @property
    def title(self) -> str:
        return "Circulate the revised minutes" if self.target.minutes_circulated_at else "Circulate the draft minutes"

    @property
    def intro(self) -> str:
        return (
            "The attendees and everyone sitting on the body are sent the draft to read before the meeting that "
            "approves it. You can circulate it again after a change, as a revised draft, until it is approved."
        )


class DraftMinutesApprovalView(MeetingFormView):
    """From the next meeting's page: the PROCEDURAL decision approving an earlier meeting's minutes."""

    form_class = forms.DraftMinutesApprovalForm
    title = "Draft the approval of these minutes"
    intro = (
        "Drafts a procedural decision for this meeting approving the earlier meeting's minutes; open it for "
        "positions and close it as any decision of the body. Once it is agreed, approve the minutes with it."
    )
    submit = "Draft the approval"
    success_message = "Approval drafted: open it for positions at the meeting."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.target}

    def get_initial(self):
        minutes_of = self.request.GET.get("minutes_of", "")
        return {"minutes_of": minutes_of} if minutes_of.isdigit() else {}

    def perform(self, form):
        return services.draft_minutes_approval(actor=self.access, meeting=self.target, **form.cleaned_data)

    def done_url(self, result) -> str:
        return result.get_absolute_url()


class MeetingActionView(MeetingFormView):
    """An action agreed at the meeting, under one of its agenda items (or the meeting in general)."""

    form_class = forms.MeetingActionForm
    title = "Add an action"
    intro = "An action agreed at the meeting: what is to be done, by whom (a person, a role or both) and by when."
    submit = "Add the action"
    success_message = "Action added."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "meeting": self.target}

    def get_initial(self):
        item = self.request.GET.get("item", "")
        return {"agenda_item": item} if item.isdigit() else {}

    def perform(self, form):
        return services.create_action_item(actor=self.access, meeting=self.target, **form.cleaned_data)

    def done_url(self, result) -> str:
        return result.get_absolute_url()


class MinutesPrintView(AlliancePageMixin, TemplateView):
    """The minutes as they print: draft, circulated or approved, each item with its minute, decisions and actions."""

    template_name = "decisions/minutes_print.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meeting = get_object_or_404(queries.meetings(self.alliance, access=self.access), pk=kwargs["pk"])
        context.update(queries.minutes_record(meeting, self.access))
        context.update(_minutes_state(meeting, self.access))
        return context


def _minutes_state(meeting: Meeting, access: Access) -> dict:
    """What the pages show of the minutes' cycle: the approving decision (if readable) and the signed-off copy."""
    approved_by = meeting.minutes_approved_by if meeting.minutes_approved_by_id else None
    return {
        "approved_by": approved_by if approved_by is not None and access.can_read(approved_by) else None,
        "approved_on": timezone.localdate(meeting.minutes_approved_at) if meeting.minutes_approved_at else None,
        "signed_off": queries.signed_off_minutes(meeting, access),
    }


# Decision forms ----------------------------------------------------------------------------


class DraftDecisionView(SecretaryFormView):
    """Draft a decision; earlier decisions on the same matter are shown first, to tick as revisited."""

    form_class = forms.DraftDecisionForm
    template_name = "decisions/draft_form.html"
    needs_alliance = True
    title = "Draft a decision"
    submit = "Save draft"
    success_message = "Decision drafted. Open it for votes when it is ready."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "bodies": self.bodies()}

    def preselect(self):
        return {"meeting": self.request.GET.get("meeting", "")}

    def get_initial(self):
        initial = super().get_initial()
        if "meeting" in initial:
            # Drafting from a meeting's page: the decision is for that meeting's body, so both are chosen.
            body = (
                Meeting.objects.restrict(self.access)
                .filter(pk=initial["meeting"], body__in=self.bodies())
                .values_list("body_id", flat=True)
                .first()
            )
            if body is not None:
                initial["body"] = body
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        related = decision_queries.related_decisions(
            alliance=self.alliance,
            access=self.access,
            title=data["title"],
            proposal=data["proposal"],
            tags=data["tags"],
        )
        checking = "check" in self.request.POST
        if checking or (related and not self.request.POST.get("checked")):
            # "Save draft" with earlier decisions not yet shown: nothing is saved, and the page says so and why.
            held_back = not checking and bool(related)
            return self.render_to_response(
                self.get_context_data(form=form, related=related, checked=True, held_back=held_back)
            )
        return super().form_valid(form)

    def perform(self, form):
        return services.draft_decision(actor=self.access, **form.service_fields())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("related", [])
        context.setdefault("checked", False)
        context["chosen"] = {str(v) for v in (context["form"]["revisits"].value() or [])}
        return context


class DecisionFormView(SecretaryFormView):
    form_class = forms.ConfirmForm
    subject = "decision"

    def get_target(self):
        return get_object_or_404(
            Decision.objects.restrict(self.access).select_related("alliance", "body", "meeting"),
            alliance=self.alliance,
            pk=self.kwargs["pk"],
        )


class EditDecisionView(DecisionFormView):
    """Edit a draft (or an open or deferred decision) on the draft's form; a closed one is sealed (rule 4)."""

    form_class = forms.EditDecisionForm
    needs_alliance = True
    title = "Edit the decision"
    intro = "Change what the decision says before it is closed; its history keeps every version."
    submit = "Save changes"
    success_message = "Decision saved."

    def get_form_kwargs(self):
        bodies = GoverningBody.objects.filter(pk=self.target.body_id)
        return {**super().get_form_kwargs(), "bodies": bodies}

    def get_initial(self):
        return forms.DraftDecisionForm.initial_from(self.target)

    def perform(self, form):
        return services.update_decision(actor=self.access, decision=self.target, **form.edit_fields())


class OpenDecisionView(DecisionFormView):
    service = staticmethod(services.open_decision)
    title = "Open for votes"
    intro = "Opening allocates the decision's reference and lets members vote."
    submit = "Open for votes"
    success_message = "Decision opened for votes."


class CloseDecisionView(DecisionFormView):
    """The close is never silent (rule 3): the page shows first the outcome closing now would record and who
    has not given a position, with the secretary's choices; a lapse needs its box ticked."""

    form_class = forms.CloseForm
    template_name = "decisions/close.html"
    service = staticmethod(services.close_decision)
    title = "Close and record the outcome"
    intro = "Closing counts the votes by the body's decision rule, stores the outcome and seals the record."
    submit = "Close the decision"
    success_message = "Decision closed."

    def preview(self) -> dict | None:
        if not hasattr(self, "_preview"):
            try:
                self._preview = services.closing_preview(decision=self.target)
            except RuleViolation:
                self._preview = None  # not open: the service's refusal says so on submit
        return self._preview

    def get_form_kwargs(self):
        preview = self.preview()
        return {**super().get_form_kwargs(), "missing": bool(preview and preview["missing"])}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "preview": self.preview(), "decision": self.target}


class ExtendDeadlineView(DecisionFormView):
    form_class = forms.ExtendDeadlineForm
    service = staticmethod(services.extend_deadline)
    title = "Extend the deadline"
    intro = "Give members longer to vote by written procedure; the votes already cast stay."
    submit = "Extend the deadline"
    success_message = "Deadline extended."

    def get_initial(self):
        return {"closes_at": self.target.closes_at}


class WithdrawDecisionView(DecisionFormView):
    form_class = forms.ReasonForm
    service = staticmethod(services.withdraw_decision)
    title = "Withdraw the decision"
    submit = "Withdraw"
    success_message = "Decision withdrawn."


class DeferDecisionView(DecisionFormView):
    form_class = forms.DeferForm
    service = staticmethod(services.defer_decision)
    title = "Defer the decision"
    submit = "Defer"
    success_message = "Decision deferred."


class MemberFormView(DecisionFormView):
    """A form that the body's secretary uses for any member, and a representative (or an advisor)
    for their own organisation or themselves; the service's standing check decides, as in the API,
    and the form offers only the choices it would accept."""

    needs_alliance = True

    def check_standing(self, body) -> None:
        self.as_secretary = _may_record(self.access, body)
        self.check_member_standing(body)

    def check_member_standing(self, body) -> None:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            panel=True,
            decision=self.target,
            grid=decision_queries.votes_grid(self.target),
            can_record=self.as_secretary,
        )
        return context

    def get_template_names(self):
        # htmx posts the form in place and swaps the panel: the form and the votes grid.
        if self.request.headers.get("HX-Request") == "true":
            return ["decisions/_vote_panel.html"]
        return super().get_template_names()

    def form_valid(self, form):
        if self.request.headers.get("HX-Request") != "true":
            return super().form_valid(form)
        try:
            self.perform(form)
        except RuleViolation as refusal:
            form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)
            return self.form_invalid(form)
        self.target.refresh_from_db()
        fresh = restrict_choices(self.get_form_class()(**self._fresh_form_kwargs()), self.access)
        return self.render_to_response(self.get_context_data(form=fresh, recorded=self.success_message))

    def _fresh_form_kwargs(self) -> dict:
        kwargs = {key: value for key, value in self.get_form_kwargs().items() if key not in ("data", "files")}
        kwargs["initial"] = {}
        return kwargs

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if not self.as_secretary:
            kwargs.update(
                representative=_person(self.request.user), represents=self.access.represents_in(self.alliance.pk)
            )
        return kwargs


class VoteView(MemberFormView):
    form_class = forms.VoteForm
    title = "Record a vote"
    intro = "One vote per member organisation; recording a member again changes its vote while the decision is open."
    submit = "Record vote"
    success_message = "Vote recorded."

    def preselect(self):
        return {"membership": self.request.GET.get("member", ""), "seat": self.request.GET.get("seat", "")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.target.body}

    def check_member_standing(self, body) -> None:
        standing.require_vote(self.access, body)

    def perform(self, form):
        # The service stores the person entering the vote as its recorder when they are not the
        # person casting it, who must be the member's representative or deputy (rule 2).
        return services.cast_vote(actor=self.access, decision=self.target, **form.cleaned_data)


class AdviceView(MemberFormView):
    form_class = forms.AdviceForm
    title = "Add advisory input"
    intro = "Advice from an advisory member or an advisor sits beside the votes; the alliance answers it."
    submit = "Add advice"
    success_message = "Advice recorded."

    def check_member_standing(self, body) -> None:
        standing.require_advice(self.access, body, given=False)

    def perform(self, form):
        return services.record_advice(actor=self.access, decision=self.target, **form.cleaned_data)


class RespondView(DecisionFormView):
    form_class = forms.ResponseForm
    service = staticmethod(services.respond_to_advice)
    subject = "advisory_input"
    title = "Respond to advice"
    submit = "Save response"
    success_message = "Response recorded."

    def get_target(self):
        decision = super().get_target()
        self.advice = get_object_or_404(AdvisoryInput, decision=decision, pk=self.kwargs["advice_pk"])
        self.intro = f"Advice: “{self.advice.advice}”"
        return decision

    def subject_record(self):
        return self.advice


class AskAdviceView(DecisionFormView):
    form_class = forms.AskAdviceForm
    needs_alliance = True
    service = staticmethod(services.ask_for_advice)
    title = "Ask for advice"
    intro = (
        "The advisory member's representatives read the decision, whatever its visibility, and may give their "
        "advice; a key decision asks its body's advisory members when it opens."
    )
    submit = "Ask for advice"
    success_message = "Advice asked for."


class NoAdviceView(DecisionFormView):
    form_class = forms.NoAdviceForm
    needs_alliance = True
    service = staticmethod(services.record_no_advice_reason)
    title = "Go ahead without advice"
    intro = (
        "Where the body requires advice before a key decision closes, a reason recorded here lets it close "
        "without this member's advice; the reason is shown on the decision."
    )
    submit = "Record the reason"
    success_message = "Reason recorded."


class ExcludeAdviserView(DecisionFormView):
    form_class = forms.ReasonForm
    service = staticmethod(services.exclude_adviser)
    subject = "request"
    title = "Do not show this decision to an advisory member"
    submit = "Record the exclusion"
    success_message = "Exclusion recorded."

    def get_target(self):
        decision = super().get_target()
        self.advice_request = get_object_or_404(AdviceRequest, decision=decision, pk=self.kwargs["request_pk"])
        self.intro = (
            f"{self.advice_request.membership.organisation}'s representatives will no longer read this decision "
            "as advisers; they and the decision's readers are shown your reason."
        )
        return decision

    def subject_record(self):
        return self.advice_request


def _struck_notice(recusal: Recusal) -> str:
    """What the secretary is told when a recusal strikes the member's vote (rule 5)."""
    vote = Vote.objects.filter(struck_by=recusal).select_related("cast_by").first()
    if vote is None:
        return ""
    return (
        f"{recusal.voter_name}'s vote ({vote.get_position_display()}, cast by {vote.cast_by} at "
        f"{day_time(vote.cast_at)}) is struck: it stays on the record, shown struck with the reason, and no "
        "longer counts."
    )


class RecusalView(DecisionFormView):
    form_class = forms.RecusalForm
    needs_alliance = True
    title = "Record a recusal"
    intro = (
        "A recused member cannot vote on the decision; a vote it already cast is struck (kept on the record, "
        "not counted). A recusal for a declared interest names the declaration it rests on."
    )
    submit = "Recuse the member"
    success_message = "Recusal recorded."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "decision": self.target}

    def preselect(self):
        return {"membership": self.request.GET.get("member", "")}

    def perform(self, form):
        recusal = services.record_recusal(actor=self.access, decision=self.target, **form.cleaned_data)
        if notice := _struck_notice(recusal):
            messages.warning(self.request, notice)
        return recusal


class DispensationView(DecisionFormView):
    form_class = forms.ReasonForm
    service = staticmethod(services.grant_dispensation)
    subject = "recusal"
    title = "Grant a dispensation"
    intro = "A dispensation lets a recused member vote despite its interest; say why the body grants it."
    submit = "Grant dispensation"
    success_message = "Dispensation granted."

    def get_target(self):
        decision = super().get_target()
        self.recusal = get_object_or_404(Recusal, decision=decision, pk=self.kwargs["recusal_pk"])
        return decision

    def subject_record(self):
        return self.recusal

    def perform(self, form):
        recusal = services.grant_dispensation(actor=self.access, recusal=self.recusal, **form.cleaned_data)
        if Vote.objects.filter(struck_by=recusal).exists():
            # A dispensation is not retrospective: the vote cast before it stays struck (rule 5).
            messages.info(
                self.request,
                f"The vote {recusal.voter_name} cast before its recusal stays struck; record its vote "
                "again if it is to count.",
            )
        return recusal


class CreateActionItemView(DecisionFormView):
    form_class = forms.ActionItemForm
    needs_alliance = True
    service = staticmethod(services.create_action_item)
    title = "Add an action item"
    submit = "Add action"
    success_message = "Action item added."


class ActionItemFormView(SecretaryFormView):
    """A step on one action item; the page goes back to the decision or meeting it came from."""

    subject = "item"

    def get_target(self):
        self.item = get_object_or_404(
            ActionItem.objects.restrict(self.access)
            .of_alliance(self.alliance.pk)
            .select_related("decision__alliance", "decision__body", "meeting__body__alliance", "agenda_item"),
            pk=self.kwargs["pk"],
        )
        self.intro = f"{self.item.title}, due {day(self.item.due_on)}."
        return self.item.source

    def subject_record(self):
        return self.item


class CompleteActionItemView(ActionItemFormView):
    """The item's owner marks it done, as the secretary may (roles/standing.py)."""

    form_class = forms.CompleteForm

    def check_standing(self, body) -> None:
        standing.require_action_owner_or_keeper(self.access, self.item, "mark it done")

    service = staticmethod(services.complete_action_item)
    title = "Mark the action done"
    submit = "Mark done"
    success_message = "Action item marked done."


class CancelActionItemView(ActionItemFormView):
    form_class = forms.ReasonForm
    service = staticmethod(services.cancel_action_item)
    title = "Cancel the action"
    submit = "Cancel the action"
    success_message = "Action item cancelled."


class RecordApprovalView(DecisionFormView):
    form_class = forms.ApprovalForm
    service = staticmethod(services.record_approval)
    title = "Record the approval"
    submit = "Record"
    success_message = "Approval recorded."

    @property
    def intro(self) -> str:
        decision = self.target
        return (
            f"{decision.approval_needed} Record {decision.approval_from.name}'s answer."
            if (decision.approval_from_id)
            else "This decision needs no outside body's approval."
        )

    def get_target(self):
        return get_object_or_404(
            Decision.objects.restrict(self.access).select_related("alliance", "body", "approval_from"),
            alliance=self.alliance,
            pk=self.kwargs["pk"],
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "decision": self.target}


# A body's page: who sits on it and how it decides -----------------------------------------------


class BodyDetailView(AlliancePageMixin, TemplateView):
    """One governing body: its rule (and its rules by kind of matter), who sits on it on the page's date,
    its seats over time, and for its secretary the forms that keep them."""

    template_name = "decisions/body_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        body = get_object_or_404(
            GoverningBody.objects.restrict(self.access).select_related("alliance", "reports_to"),
            alliance=self.alliance,
            pk=kwargs["pk"],
        )
        seats = list(
            Seat.objects.restrict(self.access)
            .filter(body=body)
            .select_related("membership__organisation", "person")
            .order_by("-starts_on", "pk")
        )
        context.update(
            body=body,
            body_rule=rule_in_words(body),
            kind_rules=[(rule, rule_in_words(rule)) for rule in body.kind_rules.order_by("kind")],
            sitting=decision_queries.seats_on(body, self.on),
            seats=seats,
            can_keep=standing.permits(standing.require_record_keeper, self.access, body),
        )
        return context


class BodyFormView(SecretaryFormView):
    """A form of the body's secretary on one body; the page goes back to the body."""

    subject = "body"

    def get_target(self):
        return get_object_or_404(
            GoverningBody.objects.restrict(self.access).select_related("alliance"),
            alliance=self.alliance,
            pk=self.kwargs["pk"],
        )

    def get_body(self):
        return self.target


class AddSeatView(BodyFormView):
    form_class = forms.AddSeatForm
    needs_alliance = True
    title = "Add a seat"
    intro = (
        "A seat is held by a member organisation (through its representative or deputy) or, on a management or "
        "oversight body, by a person in their own right; a voting seat votes on the body's decisions, an "
        "advisory seat advises."
    )
    submit = "Add the seat"
    success_message = "Seat added."
    service = staticmethod(roles_services.add_seat)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "body": self.target}


class EndSeatView(BodyFormView):
    form_class = forms.EndSeatForm
    title = "End a seat"
    submit = "End the seat"
    success_message = "Seat ended."
    service = staticmethod(roles_services.end_seat)

    def get_target(self):
        body = super().get_target()
        self.seat = get_object_or_404(Seat, body=body, pk=self.kwargs["seat_pk"])
        return body

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intro"] = (
            f"{self.seat.holder_name}'s seat on {self.target.name}, held since {day(self.seat.starts_on)}."
        )
        return context

    def perform(self, form):
        return roles_services.end_seat(actor=self.access, seat=self.seat, **form.cleaned_data)


class OwnSeatsView(BodyFormView):
    form_class = forms.OwnSeatsForm
    success_message = "Saved: who sits on the body has changed."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.target.own_seats:
            context.update(
                title="Let the alliance's members sit on it",
                intro="Its voting members will vote and its advisory members advise; its own seats stay on record.",
                submit="Let the members sit on it",
            )
        else:
            context.update(
                title="Give it seats of its own",
                intro="Only the seats recorded on its page will vote or advise on its decisions; record them next.",
                submit="Give it seats of its own",
            )
        return context

    def perform(self, form):
        return roles_services.set_own_seats(
            actor=self.access, body=self.target, own_seats=not self.target.own_seats, **form.cleaned_data
        )


class AdviceRuleView(BodyFormView):
    form_class = forms.AdviceRuleForm
    success_message = "Saved: what a key decision needs before it closes has changed."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.target.advice_required_for_key:
            context.update(
                title="Stop requiring advice before key decisions close",
                intro="Key decisions will close whether or not the advisory members asked have advised.",
                submit="Stop requiring advice",
            )
        else:
            context.update(
                title="Require advice before key decisions close",
                intro="A key decision will close only when each advisory member asked has advised, was excluded "
                "with a reason, or a reason why it goes ahead without their advice is recorded.",
                submit="Require advice",
            )
        return context

    def perform(self, form):
        return roles_services.set_advice_required(
            actor=self.access, body=self.target, required=not self.target.advice_required_for_key, **form.cleaned_data
        )


class KindRuleView(BodyFormView):
    form_class = forms.KindRuleForm
    title = "Set the rule for a kind of matter"
    intro = (
        "Matters of one kind may be decided by another rule than the body's own: for example procedural "
        "matters (minutes, scheduling) by a majority where key decisions need unanimity."
    )
    submit = "Set the rule"
    success_message = "Rule set."
    service = staticmethod(roles_services.set_kind_rule)

    def get_initial(self):
        kind = self.request.GET.get("kind", "")
        return {"kind": kind} if kind in DecisionKind.values else {}


class RemoveKindRuleView(BodyFormView):
    form_class = forms.OwnSeatsForm
    title = "Remove the rule for a kind of matter"
    submit = "Remove the rule"
    success_message = "Rule removed: the kind follows the body's own rule."

    def get_target(self):
        body = super().get_target()
        self.rule = get_object_or_404(BodyRule, body=body, pk=self.kwargs["rule_pk"])
        return body

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intro"] = (
            f"{self.rule.get_kind_display()} matters will be decided by {self.target.code}'s own rule: "
            f"{rule_in_words(self.target)}."
        )
        return context

    def perform(self, form):
        return roles_services.remove_kind_rule(actor=self.access, rule=self.rule, **form.cleaned_data)
