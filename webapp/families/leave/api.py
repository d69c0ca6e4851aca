"""Leave API: my leave requests; filing one starts its approval process."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from webapp.api.serializers import ErrorSerializer, OfficialRefSerializer
from webapp.api.views import OfficialViewSet
from workflows.leave.models import HALVES, LEAVE_TYPES, LeaveRequest
from workflows.leave.selectors import leave_requests_of, substitute_choices
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import Official


class LeaveRequestSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(read_only=True)
    applicant = OfficialRefSerializer(read_only=True)
    proposed_substitute = OfficialRefSerializer(read_only=True, allow_null=True)
    substitute = OfficialRefSerializer(read_only=True, allow_null=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = LeaveRequest
        fields = [
            "id", "case_number", "applicant", "leave_type", "counted_as", "first_day", "first_half", "last_day",
            "last_half", "days", "reason", "proposed_substitute", "substitute", "has_sick_certificate", "status",
            "status_display", "instance", "created_at", "returned_on", "report_back_due", "sent_back_reason",
        ]


class LeaveRequestCreateSerializer(serializers.Serializer):
    """Shape checks only; the leave rules (dates, overlaps, windows) are the service's."""

    leave_type = serializers.ChoiceField(choices=LEAVE_TYPES)
    first_day = serializers.DateField()
    first_half = serializers.ChoiceField(choices=HALVES, default="am")
    last_day = serializers.DateField()
    last_half = serializers.ChoiceField(choices=HALVES, default="pm")
    reason = serializers.CharField(max_length=2000)
    proposed_substitute = serializers.PrimaryKeyRelatedField(
        queryset=Official.objects.none(), required=False, allow_null=True, default=None
    )
    has_sick_certificate = serializers.BooleanField(default=False)

    def __init__(self, *args: Any, applicant: Official | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if applicant is not None:
            self.fields["proposed_substitute"].queryset = substitute_choices(applicant)

    def application(self) -> LeaveApplication:
        return LeaveApplication(**self.validated_data)


class LeaveRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OfficialViewSet):
    """My leave requests; filing one starts its approval process."""

    serializer_class = LeaveRequestSerializer

    def get_queryset(self) -> QuerySet[LeaveRequest]:
        if self.schema_only():
            return LeaveRequest.objects.none()
        return leave_requests_of(self.official).select_related("applicant", "proposed_substitute")

    @extend_schema(request=LeaveRequestCreateSerializer,
                   responses={201: LeaveRequestSerializer, 400: ErrorSerializer})
    def create(self, request: Request) -> Response:
        payload = LeaveRequestCreateSerializer(data=request.data, applicant=self.official)
        payload.is_valid(raise_exception=True)
        leave = submit_leave(self.official, payload.application())
        return Response(LeaveRequestSerializer(leave).data, status=status.HTTP_201_CREATED)


routes = [("leave-requests", LeaveRequestViewSet, "leave-request")]
