"""The decision log as a file (CSV or Excel), with the log page's filters: the register's columns, as
the API's export writes them (decisions/exports.py), in the page's order."""

from __future__ import annotations

from alliance import read_log
from alliance.access import CONFIDENTIAL
from alliance.downloads import RegisterDownloadView, RegisterFile
from decisions.exports import DECISION_HEADER, decision_rows, register_queryset
from decisions.models import Decision
from decisions.views import DecisionLogRows


class DecisionLogDownloadView(DecisionLogRows, RegisterDownloadView):
    # A log of thousands of decisions is written as it is read (docs/performance.md).
    file = RegisterFile("decisions", "Decisions", DECISION_HEADER, stream=True)

    def filterset(self):
        return self.decision_filter()

    def rows(self, filterset):
        chosen = register_queryset(self.alliance).filter(pk__in=filterset.qs.values("pk"))
        chosen = chosen.order_by(*Decision._meta.ordering)
        confidential = chosen.filter(visibility=CONFIDENTIAL).count()
        read_log.log_rows(self.request, Decision, confidential, alliance_id=self.alliance.pk, what="the decision log")
        return decision_rows(chosen)
