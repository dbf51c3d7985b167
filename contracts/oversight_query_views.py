"""Web pages of oversight's formal queries: the list (filters, CSV and XLSX), a query's page with its
answer and history, and the forms to raise, answer and withdraw one. Every write calls
contracts.services; a refusal is shown in the form's words."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from alliance import read_log
from alliance.access import restrict
from alliance.downloads import Sheet, download, filters_in_words, refused
from alliance.errors import RuleViolation
from alliance.history import versions
from alliance.models import GoverningBody
from alliance.web import AlliancePageMixin, FilteredListMixin
from contracts import services
from contracts.delivery_models import Workstream
from contracts.models import AwardProcess, Contract
from contracts.queries_oversight import QUERY_HEADER, oversight_query_register, query_rows
from contracts.query_filtersets import OversightQueryPageFilter
from contracts.query_models import OversightQuery
from decisions.models import Decision
from roles import standing

PAGE_SIZE = 25
DATE = forms.DateInput(attrs={"type": "date"})


def _raises(access, alliance) -> bool:
    # The service's own check: the page offers what the service will accept.
    return standing.permits(services.require_query_raiser, access, alliance.pk)


def _crumbs(alliance):
    return [
        (reverse("oversight-dashboard", kwargs={"slug": alliance.slug}), "Oversight dashboard"),
        (reverse("oversight-queries", kwargs={"slug": alliance.slug}), "Oversight queries"),
    ]


class _Filtered(AlliancePageMixin):
    def filtered(self):
        visible = oversight_query_register(self.alliance).restrict(self.access)
        return OversightQueryPageFilter(self.request.GET or None, visible, request=self.request, alliance=self.alliance)


class OversightQueryListView(_Filtered, FilteredListMixin, TemplateView):
    template_name = "contracts/queries/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filtered()
        params = self.request.GET.copy()
        params.pop("page", None)
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        read_log.log_list(self.request, page.object_list, alliance_id=self.alliance.pk, what="the oversight queries")
        for query in page.object_list:
            query.overdue = query.is_overdue_on(self.today)
        context.update(
            form=filterset.form,
            page=page,
            query=params.urlencode(),
            can_raise=_raises(self.access, self.alliance),
            crumbs=_crumbs(self.alliance)[:1],
        )
        return context


class OversightQueryDownloadView(_Filtered, View):
    """The list, as filtered, as CSV or XLSX: every matching query the caller may read."""

    fmt = "csv"

    def get(self, request, slug):
        filterset = self.filtered()
        if filterset.form.errors:
            return refused(filterset.form)
        queries = list(filterset.qs)
        read_log.log_list(
            request, queries, kind=read_log.Kind.EXPORT, alliance_id=self.alliance.pk, what="the oversight queries"
        )
        return download(
            self.fmt,
            filename=f"{self.alliance.slug}-oversight-queries",
            sheets=Sheet("Oversight queries", QUERY_HEADER, query_rows(queries, self.access, self.today)),
            filters=filters_in_words(filterset.form),
        )


class _OneQuery(AlliancePageMixin):
    def get_query(self) -> OversightQuery:
        return get_object_or_404(oversight_query_register(self.alliance).restrict(self.access), pk=self.kwargs["pk"])


class OversightQueryDetailView(_OneQuery, TemplateView):
    template_name = "contracts/queries/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.get_query()
        read_log.log_read(self.request, query)
        readable = {
            name: record
            for name in ("decision", "award_process", "contract", "workstream", "answering_decision")
            if (record := getattr(query, name)) is not None and self.access.can_read(record)
        }
        is_open = query.status == OversightQuery.Status.OPEN
        context.update(
            q=query,
            linked=readable,
            overdue=query.is_overdue_on(self.today),
            can_answer=is_open and services.answers_query(self.access, query, self.today),
            can_withdraw=is_open and _raises(self.access, self.alliance),
            versions=versions(query, self.access),
            crumbs=_crumbs(self.alliance),
        )
        return context


# Forms ---------------------------------------------------------------------------------------------


class RaiseQueryForm(forms.Form):
    kind = forms.ChoiceField(choices=OversightQuery.Kind.choices, label="Kind", initial=OversightQuery.Kind.QUERY)
    to_body = forms.ModelChoiceField(queryset=GoverningBody.objects.none(), label="To the body")
    subject = forms.CharField(max_length=300, label="Subject")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=10000, label="The query")
    due_on = forms.DateField(widget=DATE, label="Answer due by")
    decision = forms.ModelChoiceField(queryset=Decision.objects.none(), required=False, label="About the decision")
    award_process = forms.ModelChoiceField(
        queryset=AwardProcess.objects.none(), required=False, label="About the award process"
    )
    contract = forms.ModelChoiceField(queryset=Contract.objects.none(), required=False, label="About the contract")
    workstream = forms.ModelChoiceField(
        queryset=Workstream.objects.none(), required=False, label="About the workstream"
    )
    visibility = forms.ChoiceField(
        choices=OversightQuery.Visibility.choices, initial=OversightQuery.Visibility.MEMBERS, label="Who may read it"
    )

    def __init__(self, *args, alliance, access, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_body"].queryset = GoverningBody.objects.filter(alliance=alliance).order_by("name")
        for name, model in (
            ("decision", Decision),
            ("award_process", AwardProcess),
            ("contract", Contract),
            ("workstream", Workstream),
        ):
            self.fields[name].queryset = restrict(model.objects.filter(alliance=alliance), access)
        self.fields["decision"].queryset = self.fields["decision"].queryset.exclude(reference="")


class AnswerQueryForm(forms.Form):
    response = forms.ChoiceField(
        choices=[("", "—")] + [(r.value, r.label) for r in services.RECOMMENDATION_RESPONSES],
        required=False,
        label="The body's response (for a recommendation)",
    )
    answer = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), max_length=10000, label="Answer and reasons")
    answering_decision = forms.ModelChoiceField(
        queryset=Decision.objects.none(), required=False, label="The decision that answered it"
    )

    def __init__(self, *args, alliance, access, **kwargs):
        super().__init__(*args, **kwargs)
        decisions = restrict(Decision.objects.filter(alliance=alliance).exclude(reference=""), access)
        self.fields["answering_decision"].queryset = decisions


class WithdrawQueryForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label="Why it is withdrawn")


def _show_refusal(form, refusal: RuleViolation) -> None:
    form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)


class _FormPage(TemplateView):
    template_name = "contracts/queries/form.html"
    form_class = None
    title = ""
    button = ""

    def make_form(self, data=None):
        return self.form_class(data, alliance=self.alliance, access=self.access)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            form=kwargs.get("form") or self.make_form(),
            title=self.title,
            button=self.button,
            crumbs=_crumbs(self.alliance),
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.make_form(request.POST)
        if form.is_valid():
            try:
                query = self.act(form.cleaned_data)
            except RuleViolation as refusal:
                if refusal.forbidden:
                    raise PermissionDenied(refusal.message) from refusal
                _show_refusal(form, refusal)
            else:
                messages.success(request, self.done(query))
                return redirect(query.get_absolute_url())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RaiseQueryView(AlliancePageMixin, _FormPage):
    form_class = RaiseQueryForm
    title = "Raise a query or recommendation"
    button = "Raise it"

    def page_refusal(self):
        if not _raises(self.access, self.alliance):
            raise PermissionDenied("Only members of the alliance's oversight group raise queries to its bodies.")
        return super().page_refusal()

    def act(self, data):
        return services.raise_oversight_query(actor=self.access, alliance=self.alliance, **data)

    def done(self, query):
        return f"{query.reference} raised to {query.to_body.name}."


class AnswerQueryView(_OneQuery, _FormPage):
    form_class = AnswerQueryForm
    button = "Record the answer"

    def page_refusal(self):
        self.query = self.get_query()
        self.title = f"Answer {self.query.reference}"
        if not services.answers_query(self.access, self.query, self.today):
            raise PermissionDenied("Only the secretary or the chair of the body asked records its answer.")
        return super().page_refusal()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "q": self.query}

    def act(self, data):
        return services.answer_oversight_query(actor=self.access, query=self.query, **data)

    def done(self, query):
        return f"The answer to {query.reference} is recorded; the query is closed."


class WithdrawQueryView(_OneQuery, _FormPage):
    form_class = WithdrawQueryForm
    button = "Withdraw it"

    def make_form(self, data=None):
        return WithdrawQueryForm(data)

    def page_refusal(self):
        self.query = self.get_query()
        self.title = f"Withdraw {self.query.reference}"
        if not _raises(self.access, self.alliance):
            raise PermissionDenied("Only members of the alliance's oversight group withdraw its queries.")
        return super().page_refusal()

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "q": self.query}

    def act(self, data):
        return services.withdraw_oversight_query(actor=self.access, query=self.query, **data)

    def done(self, query):
        return f"{query.reference} is withdrawn."
