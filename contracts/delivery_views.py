"""Web pages of the delivery plan: the alliance's plan (workstreams with their milestones, slippage,
red / amber / green, the timeline chart and its table), a workstream's page (milestones, dependent
contracts, history), the plan's milestones as CSV and XLSX, and the secretaries' forms. Each form
calls contracts.services.delivery, as the API does; oversight reads every page and writes nothing."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import slugify
from django.views import View
from django.views.generic import TemplateView

from alliance import read_log
from alliance.downloads import Sheet, download
from alliance.formatting import day
from alliance.history import versions
from alliance.web import AlliancePageMixin
from contracts import delivery_forms as forms
from contracts import queries_delivery as queries
from contracts import services
from contracts.delivery_charts import milestone_chart
from contracts.delivery_models import Milestone, Workstream
from decisions.views import SecretaryFormView
from roles import standing

DOING = "keep the delivery plan"  # the words of contracts.services.delivery


def _keeps_plan(access, alliance) -> bool:
    # The services' own check (roles/standing.py): the page offers what the service will accept.
    return standing.permits(standing.require_alliance_keeper, access, alliance.pk, DOING)


def _annotate(workstreams, on) -> None:
    for workstream in workstreams:
        for m in workstream.milestone_list:
            m.slippage = m.slippage_days(on)
            m.past_due = m.is_past_due_on(on)


class DeliveryPlanView(AlliancePageMixin, TemplateView):
    template_name = "contracts/delivery/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = queries.plan(self.alliance, self.access)
        _annotate(plan, self.on)
        read_log.log_list(self.request, plan, alliance_id=self.alliance.pk, what="the delivery plan")
        context.update(
            workstreams=plan,
            chart=milestone_chart(plan, on=self.on),
            summary=queries.delivered_and_slipped(self.alliance, self.access, self.on)["totals"],
            can_record=_keeps_plan(self.access, self.alliance),
        )
        return context


class WorkstreamView(AlliancePageMixin, TemplateView):
    template_name = "contracts/delivery/workstream.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = queries.plan(self.alliance, self.access)
        workstream = next((w for w in plan if w.pk == kwargs["pk"]), None)
        if workstream is None:
            raise Http404("No workstream found.")
        read_log.log_read(self.request, workstream)
        _annotate([workstream], self.on)
        finished = workstream.status in (Workstream.Status.COMPLETED, Workstream.Status.CLOSED)
        context.update(
            workstream=workstream,
            chart=milestone_chart([workstream], on=self.on),
            chart_list=[workstream],
            adopted_by=workstream.adopted_by if self.access.can_read(workstream.adopted_by) else None,
            changed_by=workstream.changed_by if self.access.can_read(workstream.changed_by) else None,
            versions=versions(workstream, self.access),
            can_record=_keeps_plan(self.access, self.alliance) and not finished,
            crumbs=[(reverse("delivery-plan", kwargs={"slug": self.alliance.slug}), "Delivery plan")],
        )
        return context


class MilestonesExport(AlliancePageMixin, View):
    """The plan's milestones, as the reader may read them, with their dates, slippage and status."""

    def rows(self):
        found = list(queries.milestones(self.access).filter(workstream__alliance=self.alliance))
        read_log.log_list(self.request, found, alliance_id=self.alliance.pk, what="the delivery plan's milestones")
        return queries.milestone_rows(found, on=self.on, access=self.access)

    fmt = "csv"

    def filename(self) -> str:
        return f"{slugify(self.alliance.slug)}-delivery-milestones-{self.on.isoformat()}"

    def get(self, request, slug):
        return download(
            self.fmt,
            filename=self.filename(),
            sheets=Sheet("Milestones", queries.MILESTONE_HEADER, self.rows()),
            filters=[("On", day(self.on))],
        )


class MilestonesCsvView(MilestonesExport):
    fmt = "csv"


class MilestonesXlsxView(MilestonesExport):
    fmt = "xlsx"


# The secretaries' forms ------------------------------------------------------------------------


class DeliveryFormView(SecretaryFormView):
    """A form of the plan: the alliance's secretaries (and staff) use it (roles/standing.py)."""

    template_name = "contracts/delivery/form.html"
    needs_alliance = True
    subject = "workstream"
    record = "workstream"  # what the URL's pk names: a workstream or a milestone

    def check_standing(self, body) -> None:
        standing.require_alliance_keeper(self.access, self.alliance.pk, DOING)

    def get_target(self):
        if self.record == "workstream":
            if "pk" not in self.kwargs:
                return None
            readable = queries.workstreams(self.access).filter(alliance=self.alliance)
        else:
            readable = queries.milestones(self.access).filter(workstream__alliance=self.alliance)
        return get_object_or_404(readable, pk=self.kwargs["pk"])

    def get_body(self):
        return None

    def back_url(self) -> str:
        if isinstance(self.target, Milestone):
            return self.target.workstream.get_absolute_url()
        if self.target is not None:
            return self.target.get_absolute_url()
        return reverse("delivery-plan", kwargs={"slug": self.alliance.slug})

    def done_url(self, result) -> str:
        return self.back_url() if self.target is not None else result.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["crumbs"] = [(reverse("delivery-plan", kwargs={"slug": self.alliance.slug}), "Delivery plan")]
        return context


class AddWorkstreamView(DeliveryFormView):
    form_class = forms.WorkstreamForm
    title = "Propose a workstream"
    intro = (
        "A workstream of the delivery plan (the outreach redesign): what it is to achieve, the alliance objective "
        "it serves, how success will be known, and the role that owns it. It is delivered once a decision adopts it."
    )
    submit = "Propose the workstream"
    success_message = "Workstream proposed."

    def perform(self, form):
        return services.create_workstream(actor=self.access, alliance=self.alliance, **form.cleaned_data)


class AdoptWorkstreamView(DeliveryFormView):
    form_class = forms.AdoptForm
    service = staticmethod(services.adopt_workstream)
    title = "Adopt the workstream"
    intro = "A workstream is adopted by an agreed decision of the alliance; it is then being delivered."
    submit = "Adopt"
    success_message = "Workstream adopted."


class ChangeWorkstreamView(DeliveryFormView):
    form_class = forms.ChangeWorkstreamForm
    title = "Change the workstream"
    intro = "Once adopted, a change to the objective, the owner or the success definition needs the agreed decision."
    submit = "Save the change"
    success_message = "Workstream changed."

    def get_initial(self):
        w = self.target
        return {
            "title": w.title,
            "objective": w.objective,
            "alliance_objective": w.alliance_objective,
            "success_definition": w.success_definition,
            "owner_role": w.owner_role_id,
            "body": w.body_id,
        }

    def perform(self, form):
        values = dict(form.cleaned_data)
        decision = values.pop("decision")
        changes = {k: v for k, v in values.items() if getattr(self.target, k) != v}
        return services.change_workstream(actor=self.access, workstream=self.target, decision=decision, **changes)


class CompleteWorkstreamView(DeliveryFormView):
    form_class = forms.CompleteForm
    service = staticmethod(services.complete_workstream)
    title = "Mark the workstream completed"
    intro = "A workstream is completed once every one of its milestones is achieved."
    submit = "Mark completed"
    success_message = "Workstream completed."


class CloseWorkstreamView(DeliveryFormView):
    form_class = forms.CloseForm
    service = staticmethod(services.close_workstream)
    title = "Close without completing"
    intro = "A workstream closes without completing only by an agreed decision of the alliance, saying why."
    submit = "Close the workstream"
    success_message = "Workstream closed."


class AddMilestoneView(DeliveryFormView):
    form_class = forms.MilestoneForm
    service = staticmethod(services.add_milestone)
    title = "Add a milestone"
    intro = "Its baseline target is the date the plan gives; the current target moves later only by a decision."
    submit = "Add the milestone"
    success_message = "Milestone added."


class LinkContractView(DeliveryFormView):
    form_class = forms.LinkContractForm
    service = staticmethod(services.link_workstream_contract)
    title = "Link a dependent contract"
    intro = "A contract whose end date waits on this workstream: if the workstream slips, the contract is extended."
    submit = "Link the contract"
    success_message = "Contract linked."


class UnlinkContractView(DeliveryFormView):
    form_class = forms.UnlinkForm
    title = "Unlink the contract"
    submit = "Unlink"
    success_message = "Contract unlinked."

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intro"] = f"{self.link.contract} will no longer be shown as waiting on {self.target}."
        return context

    def page_refusal(self):
        refusal = super().page_refusal()
        if refusal is None:
            links = queries.dependent_contracts(self.access).filter(workstream=self.target)
            self.link = get_object_or_404(links, pk=self.kwargs["link_pk"])
        return refusal

    def perform(self, form):
        return services.unlink_workstream_contract(actor=self.access, link=self.link)


class MilestoneFormView(DeliveryFormView):
    record = "milestone"
    subject = "milestone"


class MoveTargetView(MilestoneFormView):
    form_class = forms.MoveTargetForm
    service = staticmethod(services.move_milestone_target)
    title = "Move the target"
    intro = (
        "The current target moves only by an agreed decision of the alliance; the baseline stays, so the slip shows."
    )
    submit = "Move the target"
    success_message = "Target moved."


class RagView(MilestoneFormView):
    form_class = forms.RagForm
    service = staticmethod(services.set_milestone_rag)
    title = "Set the status"
    intro = (
        "Green: on track. Amber: at risk. Red: off track. Amber and red need the reason; who set it and when are kept."
    )
    submit = "Set the status"
    success_message = "Status set."

    def get_initial(self):
        return {"rag": self.target.rag if self.target.rag != Milestone.Rag.COMPLETE else Milestone.Rag.GREEN}


class AchievedView(MilestoneFormView):
    form_class = forms.AchievedForm
    service = staticmethod(services.record_milestone_achieved)
    title = "Record achieved"
    intro = "The day the milestone was achieved; its status becomes complete."
    submit = "Record achieved"
    success_message = "Milestone recorded achieved."
