"""Web pages of performance measures: the alliance's measures (latest value against target, late and
missing returns), a measure's page (its returns against target as a chart with its data table, narrative
returns listed, missing periods), the secretary's forms to define, change and retire a measure, the forms
to enter and correct a return, and the returns as CSV and XLSX (the page's filters applied).

Each form calls the one service the API calls (contracts/services/measures.py) with the caller's standing."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from alliance import read_log
from alliance.downloads import Sheet, download, filters_in_words, refused
from alliance.web import AlliancePageMixin, FilteredListMixin
from contracts import measure_forms as forms
from contracts import queries_measures as q
from contracts import services
from contracts.measure_filtersets import MeasurePageFilter, ReturnDownloadFilter
from contracts.models import Measure, MeasureReturn
from contracts.services.measures import DEFINING
from decisions.views import SecretaryFormView
from roles import standing


def _defines(access, alliance) -> bool:
    return standing.permits(standing.require_alliance_keeper, access, alliance.pk, DEFINING)


class MeasureListView(AlliancePageMixin, FilteredListMixin, TemplateView):
    template_name = "contracts/measures/measure_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = MeasurePageFilter(
            self.request.GET or None,
            q.measures_of(self.alliance, self.access),
            request=self.request,
            alliance=self.alliance,
        )
        rows = q.measure_rows(filterset.qs, self.on)
        read_log.log_list(self.request, [r.measure for r in rows], alliance_id=self.alliance.pk, what="the measures")
        params = self.request.GET.copy()
        context.update(
            form=filterset.form,
            rows=rows,
            query=params.urlencode(),
            can_define=_defines(self.access, self.alliance),
        )
        return context


class MeasureDetailView(AlliancePageMixin, TemplateView):
    template_name = "contracts/measures/measure_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = get_object_or_404(q.measures_of(self.alliance, self.access), pk=self.kwargs["pk"])
        read_log.log_read(self.request, measure)
        row = q.measure_row(measure, self.on)
        returns = list(measure.returns.all())
        may_report = services.may_enter_returns(self.access, measure, self.today)
        for entry in returns:
            entry.hit = q.on_target(measure, entry.value)
        context.update(
            measure=measure,
            row=row,
            returns=returns,
            narratives=[r for r in returns if r.narrative],
            charts=q.measure_chart(measure, returns),
            may_report=may_report and measure.active,
            can_define=_defines(self.access, self.alliance),
        )
        return context


# Forms ---------------------------------------------------------------------------------------


class MeasureFormView(SecretaryFormView):
    """A form of the alliance's measures, for its secretaries (roles/standing.py)."""

    doing = DEFINING
    needs_measure = True
    needs_alliance = True

    def check_standing(self, body) -> None:
        standing.require_alliance_keeper(self.access, self.alliance.pk, self.doing)

    def get_target(self):
        if not self.needs_measure:
            return None
        return get_object_or_404(
            Measure.objects.filter(alliance=self.alliance).restrict(self.access).select_related("alliance"),
            pk=self.kwargs["pk"],
        )

    def get_body(self):
        return None

    def back_url(self) -> str:
        if self.target is not None:
            return self.target.get_absolute_url()
        return reverse("measures", kwargs={"slug": self.alliance.slug})


class DefineMeasureView(MeasureFormView):
    form_class = forms.MeasureForm
    needs_measure = False
    title = "Define a performance measure"
    intro = (
        "A measure is of one contract, one service category or one workstream, adopted by an agreed decision. "
        "A narrative measure is returned in words; one co-defined with the lived-experience member names it."
    )
    submit = "Define the measure"
    success_message = "Measure defined."

    def perform(self, form):
        return services.define_measure(actor=self.access, alliance=self.alliance, **form.cleaned_data)


class ChangeMeasureView(MeasureFormView):
    form_class = forms.MeasureChangeForm
    title = "Change the measure"
    intro = "Its subject, direction and frequency stay; history keeps what it said before and why it changed."
    submit = "Save changes"
    success_message = "Measure changed."
    doing = "change the alliance's performance measures"

    def get_initial(self):
        m = self.target
        fields = ("name", "definition", "unit", "target", "due_days_after_period", "visibility")
        initial = {f: getattr(m, f) for f in fields}
        initial.update(reported_by=m.reported_by_id, co_defined_with=m.co_defined_with_id, adopted_by=m.adopted_by_id)
        return initial

    def perform(self, form):
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        if self.target.is_narrative:
            data.pop("target", None)
        return services.change_measure(actor=self.access, measure=self.target, reason=reason, **data)


class RetireMeasureView(MeasureFormView):
    form_class = forms.RetireForm
    needs_alliance = False
    title = "Retire the measure"
    intro = "No return is asked of a retired measure; its returns stay on its page."
    submit = "Retire the measure"
    success_message = "Measure retired."
    doing = "retire the alliance's performance measures"

    def perform(self, form):
        return services.retire_measure(actor=self.access, measure=self.target, **form.cleaned_data)


class ReturnFormView(SecretaryFormView):
    """A return's form: for the reporting organisation's representative (or deputy) and the secretary."""

    def get_measure(self):
        return get_object_or_404(
            Measure.objects.filter(alliance=self.alliance).restrict(self.access).select_related("reported_by"),
            pk=self.kwargs["pk"],
        )

    def get_target(self):
        self.measure = self.get_measure()
        return self.measure

    def get_body(self):
        return None

    def check_standing(self, body) -> None:
        if not services.may_enter_returns(self.access, self.measure, self.today):
            raise standing.refuse(
                "Returns of this measure are entered by the reporting organisation's representative (or deputy) "
                "or by the alliance's secretary; ask one of them to enter it."
            )

    def back_url(self) -> str:
        return self.measure.get_absolute_url()


class EnterReturnView(ReturnFormView):
    form_class = forms.ReturnForm
    title = "Enter a return"
    submit = "Enter the return"
    success_message = "Return entered."

    def get_form_kwargs(self):
        periods = q.periods_started_by(self.measure, self.today)
        return {**super().get_form_kwargs(), "measure": self.measure, "periods": periods}

    def perform(self, form):
        return services.enter_return(actor=self.access, measure=self.measure, **form.cleaned_data)

    def done_url(self, result) -> str:
        return self.measure.get_absolute_url()


class CorrectReturnView(ReturnFormView):
    form_class = forms.CorrectReturnForm
    title = "Correct a return"
    intro = "The return keeps the day it was first entered; its history keeps the value it replaced."
    submit = "Save the correction"
    success_message = "Return corrected."

    def get_target(self):
        self.measure = self.get_measure()
        self.entry = get_object_or_404(MeasureReturn.objects.filter(measure=self.measure), pk=self.kwargs["return_pk"])
        return self.measure

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "measure": self.measure}

    def get_initial(self):
        return {"value": self.entry.value, "narrative": self.entry.narrative}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intro"] = (
            f"The return for {self.entry.period_start:%-d %b %Y} to {self.entry.period_end:%-d %b %Y}. " + (self.intro)
        )
        return context

    def perform(self, form):
        return services.correct_return(actor=self.access, measure_return=self.entry, **form.cleaned_data)

    def done_url(self, result) -> str:
        return self.measure.get_absolute_url()


# Downloads -----------------------------------------------------------------------------------


class ReturnsDownload(AlliancePageMixin, View):
    """The returns the caller may read, with the measures page's filters (and ``?measure=``) applied."""

    fmt = "csv"

    def get(self, request, *args, **kwargs):
        filterset = ReturnDownloadFilter(
            self.request.GET or None, q.returns_of(self.alliance, self.access), request=self.request
        )
        if filterset.is_bound and not filterset.is_valid():
            return refused(filterset.form)
        returns = list(filterset.qs)
        read_log.log_list(self.request, returns, alliance_id=self.alliance.pk, what="the measures' returns")
        return download(
            self.fmt,
            filename=f"{self.alliance.slug}-measure-returns",
            sheets=Sheet("Returns", q.RETURN_HEADER, (q.return_row(r) for r in returns)),
            filters=filters_in_words(filterset.form),
            stream=True,
        )


class ReturnsCsvView(ReturnsDownload):
    fmt = "csv"


class ReturnsXlsxView(ReturnsDownload):
    fmt = "xlsx"
