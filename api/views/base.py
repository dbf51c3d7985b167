"""What the API's viewsets share: read through the read rule with history, write through one service each."""

from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from api.access import AccessMixin
from api.history import HistoryMixin
from decisions.services.registers import RegisterRefused, RowRefusal


class ServiceInputMixin:
    def _input(self, serializer_class, **kwargs) -> dict:
        """The request's body, checked for shape by ``serializer_class``, as the service's arguments."""
        data = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        data.is_valid(raise_exception=True)
        return dict(data.validated_data)

    def _register_input(self, serializer_class) -> dict:
        """A register's body (``{"rows": [...]}``): a row of the wrong shape answers as a refused row does,
        ``{"rows": [{"index": i, "code": "invalid", "detail": ...}]}``, so a script reads one kind of answer."""
        data = serializer_class(data=self.request.data, context=self.get_serializer_context())
        if data.is_valid():
            return dict(data.validated_data)
        rows = data.errors.get("rows") if isinstance(data.errors, dict) else None
        # DRF gives a list's item errors by index (a dict), or as a list with an empty entry per good item.
        by_index = dict(enumerate(rows)) if isinstance(rows, list) else rows
        rows_only = len(data.errors) == 1 and isinstance(by_index, dict) and by_index
        if rows_only and all(isinstance(row, dict) for row in by_index.values()):
            raise RegisterRefused(
                [
                    RowRefusal(
                        index,
                        "invalid",
                        " ".join(f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in row.items()),
                        next(iter(row)),
                    )
                    for index, row in sorted(by_index.items())
                    if row
                ]
            )
        raise ValidationError(data.errors)

    def _reloaded(self, record):
        return self.get_queryset().get(pk=record.pk)

    def _out(self, record, code=status.HTTP_200_OK):
        """Answer with the record a service wrote, read again as the endpoint shows it."""
        return Response(self.get_serializer(self._reloaded(record)).data, status=code)


class RegisterViewSet(
    ServiceInputMixin,
    AccessMixin,
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """A register the caller reads as the read rule lets them; its writes are actions calling services."""


class RegisterCreateViewSet(mixins.CreateModelMixin, RegisterViewSet):
    """A register whose records are also created through the API (``create`` calls the service)."""


class SavedByServiceViewSet(ServiceInputMixin, AccessMixin, HistoryMixin, viewsets.ModelViewSet):
    """Records created and edited in one shape, each save through ``save_service``; never deleted here.

    ``save_service(**fields)`` creates; ``save_service(<instance_argument>=record, **fields)`` edits.
    """

    http_method_names = ["get", "post", "patch", "head", "options"]
    save_service = None
    instance_argument = ""

    def perform_create(self, serializer):
        serializer.instance = type(self).save_service(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = type(self).save_service(
            **{self.instance_argument: serializer.instance}, **serializer.validated_data
        )
