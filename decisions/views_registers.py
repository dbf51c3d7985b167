"""The secretary's registers on one screen: a whole meeting's attendance, a whole decision's positions.

Each page calls one service (decisions/services/registers.py) that checks every row by the one-row rules;
when any row is refused nothing is written, and the page comes back with each refusal beside its row and
every row as it was typed, with a line at the top saying how many rows need attention."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect

from alliance.errors import RuleViolation
from decisions import forms, services
from decisions.models import Decision
from decisions.queries_registers import attendance_register, positions_moment, positions_register, tally
from decisions.services import AttendanceRow, PositionRow, RegisterRefused
from decisions.views import MeetingFormView, SecretaryFormView, _person
from roles.models import Person


class RegisterMixin:
    """Shows a register's refusals beside their rows, and the summary line above them."""

    def form_invalid(self, form):
        form.describe_errors()
        return super().form_invalid(form)

    def refused_rows(self, form, rows_used: list, refusal: RegisterRefused):
        for row in refusal.rows:
            form.refuse_row(rows_used[row.index], row.field, row.detail)
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        attention = len(form.rows_needing_attention()) if form.is_bound else 0
        if attention:
            need = "1 row needs" if attention == 1 else f"{attention} rows need"
            context["attention"] = f"{need} attention; nothing was saved yet."
        return context


class TakeAttendanceView(RegisterMixin, MeetingFormView):
    form_class = forms.AttendanceRegisterForm
    template_name = "decisions/attendance_register.html"
    title = "Take attendance"
    intro = (
        "Everyone expected at the meeting is listed with the capacity they attend in: mark each present, "
        "apologies or absent, and add anyone else below. Nothing is saved until every row is right."
    )
    submit = "Save attendance"

    def get_form(self, form_class=None):
        return self.get_form_class()(**self.get_form_kwargs())

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("initial", None)
        return {**kwargs, "alliance": self.alliance, "lines": attendance_register(self.target), "access": self.access}

    def form_valid(self, form):
        used = [row for row in form.row_forms() if row.in_use]
        rows = [
            AttendanceRow(
                person=row.line.person if row.line else row.cleaned_data["person"],
                capacity=row.cleaned_data["capacity"],
                organisation=row.line.organisation if row.line else row.cleaned_data["organisation"],
                presence=row.cleaned_data["presence"],
            )
            for row in used
        ]
        try:
            written = services.take_attendance(
                actor=self.access, meeting=self.target, rows=rows, reason=form.cleaned_data["reason"]
            )
        except RegisterRefused as refusal:
            return self.refused_rows(form, used, refusal)
        except RuleViolation as refusal:  # the whole register's (a cancelled meeting, a closed decision)
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        for attendance in written:
            if attendance.role_warning:
                messages.warning(self.request, attendance.role_warning)
        messages.success(self.request, "Attendance saved.")
        return redirect(self.target.get_absolute_url())


class RecordPositionsView(RegisterMixin, SecretaryFormView):
    form_class = forms.PositionsRegisterForm
    template_name = "decisions/positions_register.html"
    title = "Record positions"
    intro = (
        "One row per voting seat: choose each position and who gave it (the seat's representative and deputy "
        "are offered first). Recused and advisory seats are shown but do not vote. Nothing is saved until every "
        "row is right."
    )
    submit = "Save positions"

    def get_target(self):
        return get_object_or_404(
            Decision.objects.restrict(self.access).select_related("body__alliance", "meeting", "alliance"),
            alliance=self.alliance,
            pk=self.kwargs["pk"],
        )

    def get_form(self, form_class=None):
        return self.get_form_class()(**self.get_form_kwargs())

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("initial", None)
        self.moment = positions_moment(self.target)
        self.lines = positions_register(self.target)
        recorder = _person(self.request.user)
        return {
            **kwargs,
            "lines": self.lines,
            "recorder": recorder if isinstance(recorder, Person) else None,
            "initial": {"cast_at": self.moment},
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            decision=self.target,
            idle=[line for line in self.lines if not line.votable],
            tally=tally(self.lines, form.chosen()),
        )
        return context

    def form_valid(self, form):
        used = [row for row in form.row_forms() if row.cleaned_data.get("position") or row.line.vote is not None]
        rows = []
        for row in used:
            voter = row.line.voter
            rows.append(
                PositionRow(
                    membership=voter.membership,
                    seat=voter.seat if voter.membership is None else None,
                    position=row.cleaned_data.get("position", ""),
                    cast_by=row.people.get(row.cleaned_data.get("cast_by")),
                    statement=row.cleaned_data.get("statement", ""),
                    capacity=row.cleaned_data.get("capacity", ""),
                )
            )
        if not rows:
            form.add_error(None, "Choose a position for at least one seat; nothing was saved.")
            return self.form_invalid(form)
        try:
            written = services.record_positions(
                actor=self.access, decision=self.target, rows=rows, cast_at=form.cleaned_data["cast_at"]
            )
        except RegisterRefused as refusal:
            return self.refused_rows(form, used, refusal)
        except RuleViolation as refusal:  # the whole register's (a cancelled meeting, a closed decision)
            form.add_error(None, refusal.message)
            return self.form_invalid(form)
        counted = tally(positions_register(self.target))
        messages.success(self.request, f"Positions saved: {counted} ({len(written)} on this form).")
        return redirect(self.target.get_absolute_url())
