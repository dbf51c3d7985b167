"""The token endpoint, with the login lock-out applied as on the web pages."""

from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.settings import api_settings


class ObtainToken(ObtainAuthToken):
    """`POST username, password` → `{"token": ...}`; repeated failures lock the username out."""

    # DRF's view names its own parsers; ours refuse a JSON body that is not an object (api/parsers.py).
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    def get_serializer_context(self):
        context = super().get_serializer_context()
        # django-axes reads the address and records failures on Django's own request object.
        context["request"] = self.request._request
        return context

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # Answer without raising: a raised error would roll back the request's transaction,
            # and with it django-axes' record of this failed attempt.
            errors = serializer.errors
            field = next(iter(errors))
            return Response(
                {
                    "code": "invalid",
                    "detail": " ".join(str(m) for m in errors[field]),
                    "field": None if field == "non_field_errors" else field,
                    "errors": errors,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        token, _ = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
