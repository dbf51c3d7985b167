"""The current user's notifications, preferences and home: thin calls of alliance.notifications and
alliance.home.

Any logged-in user may read their own inbox and home, mark it read and set their own preferences, so
these views ask for a login, not staff.
"""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from alliance import notifications
from alliance.filtersets import NotificationFilter
from alliance.home import HomeContext, home_for, previous_visit
from alliance.models import Notification
from api.serializers import notifications as s
from roles.access import request_access


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Notifications addressed to the current user (by login, email or their person's email), newest first."""

    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilter
    permission_classes = [IsAuthenticated]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-pk"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        return notifications.inbox_for(self.request.user)

    @extend_schema(request=None, responses=s.NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark the notification as read."""
        notification = get_object_or_404(self.get_queryset(), pk=pk)
        s.NoInputSerializer(data=request.data).is_valid(raise_exception=True)
        notification = notifications.mark_read(notification=notification, user=request.user, now=timezone.now())
        return Response(self.get_serializer(notification).data)


class NotificationPreferencesView(APIView):
    """Every kind of notification with the current user's choice: emailed or not, at once or daily."""

    permission_classes = [IsAuthenticated]
    json_body = list  # the body is a list of choices, one per kind (api/parsers.py)

    @extend_schema(responses=s.PreferenceSerializer(many=True))
    def get(self, request):
        return Response(s.PreferenceSerializer(notifications.preferences_for(request.user), many=True).data)

    @extend_schema(request=s.PreferenceSerializer(many=True), responses=s.PreferenceSerializer(many=True))
    def put(self, request):
        data = s.PreferenceSerializer(data=request.data, many=True)
        data.is_valid(raise_exception=True)
        rows = notifications.save_preferences(user=request.user, choices=data.validated_data)
        return Response(s.PreferenceSerializer(rows, many=True).data)


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


class HomeView(APIView):
    """What needs the current user, alliance by alliance: the sections of their home page, each with its
    items (text, link, date or deadline, urgency). Reading it does not count as a visit: the awards
    approved are those since the home page was last seen."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.HomeSerializer)
    def get(self, request):
        since = previous_visit(request.user)
        groups = home_for(HomeContext(access=request_access(request), now=timezone.now(), since=since))
        payload = {
            "since": since,
            "alliances": [
                {
                    "alliance": g["alliance"].slug,
                    "name": g["alliance"].name,
                    "url": g["alliance"].get_absolute_url(),
                    "sections": [
                        {
                            "key": section["key"],
                            "title": section["title"],
                            "empty": section["empty"],
                            "items": [
                                {
                                    "text": i.text,
                                    "detail": i.detail,
                                    "url": i.url,
                                    "date": _iso(i.date),
                                    "urgency": i.urgency,
                                }
                                for i in section["items"]
                            ],
                        }
                        for section in g["sections"]
                    ],
                }
                for g in groups
            ],
        }
        return Response(s.HomeSerializer(payload).data)
