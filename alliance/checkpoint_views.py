"""The pages that serve an alliance's signed checkpoints to witnesses outside the database: the latest
as text at a stable address, every kept one as a file, and a page that lists them and says how to
check them (alliance/audit/proofs.py).

Who may read them is the checkpoints' read rule (``AuditCheckpoint.objects.restrict``): anyone when the
alliance publishes its register, otherwise its oversight and confidential readers. An anonymous visitor
who may not is sent to sign in; someone signed in who cannot read the alliance gets 404, and someone
with another standing in it 403, as on the alliance's other pages.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView

from alliance.audit import checkpoint, proofs
from alliance.models import Alliance
from roles.access import request_access


class CheckpointsMixin:
    def dispatch(self, request, *args, **kwargs):
        self.access = request_access(request)
        self.alliance = Alliance.objects.restrict(self.access).filter(slug=kwargs["slug"]).first()
        readable = self.alliance is not None and proofs.may_read_checkpoints(self.access, self.alliance)
        if not readable:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if self.alliance is None:
                raise Http404("No alliance has this address.")
            raise PermissionDenied(
                "This alliance's audit checkpoints are for its oversight group, secretaries and voting members' "
                "representatives (anyone, once it publishes its register). Ask the alliance's secretary for access."
            )
        return super().dispatch(request, *args, **kwargs)

    def checkpoints(self):
        return proofs.checkpoints(self.access, self.alliance)


def note_response(note: str, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(note, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class LatestCheckpointView(CheckpointsMixin, View):
    """The latest checkpoint of the alliance's audit trail, as the signed note kept (text/plain)."""

    def get(self, request, *args, **kwargs):
        kept = self.checkpoints().first()
        if kept is None:
            raise Http404(f"No checkpoint of {self.alliance.name}'s audit trail has been taken yet.")
        return note_response(kept.note)


class CheckpointDownloadView(CheckpointsMixin, View):
    """One kept checkpoint as a file to keep."""

    def get(self, request, *args, **kwargs):
        kept = get_object_or_404(self.checkpoints(), pk=kwargs["pk"])
        return note_response(kept.note, f"{self.alliance.slug}-checkpoint-{kept.size}.txt")


class CheckpointListView(CheckpointsMixin, TemplateView):
    """Every kept checkpoint, newest first, with why to keep copies and how to check them."""

    template_name = "alliance/audit_checkpoints.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kept = list(self.checkpoints())
        verifiers = []
        try:
            verifiers = [v.encoded() for v in checkpoint.verifiers()]
        except checkpoint.CheckpointError:
            verifiers = []
        context.update(
            alliance=self.alliance,
            checkpoints=kept,
            latest=kept[0] if kept else None,
            demo_key=proofs.demo_key_in_use(),
            verifier_keys=verifiers,
            origin=checkpoint.origin_of(proofs.chain_of(self.alliance)),
            latest_url=self.request.build_absolute_uri(f"/alliances/{self.alliance.slug}/audit/checkpoint"),
        )
        return context
