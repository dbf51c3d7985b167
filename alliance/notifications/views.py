"""The in-app inbox and the notification preferences of the logged-in user: thin calls of
alliance.notifications."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from alliance import notifications
from alliance.models import NotificationKind, NotificationPreference

PAGE_SIZE = 25


class InboxView(LoginRequiredMixin, TemplateView):
    """The user's notifications, newest first; ``?unread=1`` shows only the unread ones."""

    template_name = "notifications/inbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        unread_only = self.request.GET.get("unread") == "1"
        qs = notifications.inbox_for(self.request.user)
        if unread_only:
            qs = qs.unread()
        page = Paginator(qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(page=page, unread_only=unread_only, query="unread=1" if unread_only else "")
        return context


class MarkReadView(LoginRequiredMixin, View):
    def post(self, request, pk):
        notification = get_object_or_404(notifications.inbox_for(request.user), pk=pk)
        notifications.mark_read(notification=notification, user=request.user, now=timezone.now())
        target = request.POST.get("next", "")
        if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            return redirect(target)
        return redirect("inbox")


class MarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        count = notifications.mark_all_read(user=request.user, now=timezone.now())
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} as read.")
        return redirect("inbox")


class PreferencesView(LoginRequiredMixin, TemplateView):
    """Which kinds of notification the user wants by email, at once or in a daily digest."""

    template_name = "notifications/preferences.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            rows=notifications.preferences_for(self.request.user),
            modes=NotificationPreference.Mode.choices,
        )
        return context

    def post(self, request):
        modes = dict(NotificationPreference.Mode.choices)
        choices = []
        for kind in NotificationKind.values:
            mode = request.POST.get(f"mode_{kind}", NotificationPreference.Mode.IMMEDIATE)
            if mode not in modes:
                messages.error(request, f"'{mode}' is not a way of sending; choose at once or a daily digest.")
                return redirect("notification-preferences")
            choices.append({"kind": kind, "enabled": request.POST.get(f"enabled_{kind}") == "on", "mode": mode})
        notifications.save_preferences(user=request.user, choices=choices)
        messages.success(request, "Your notification preferences are saved.")
        return redirect("notification-preferences")
