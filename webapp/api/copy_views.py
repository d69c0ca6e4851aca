"""抄送, 催办 and notifications through the API. Thin: validate, call the services, answer.

POST /api/tasks/<id>/urge/ (403 with the reason, 429 saying when again), POST /api/instances/<id>/copies/,
GET /api/copies/ (抄送我的, by cursor), GET /api/notifications/ (unread first) and POST /api/notifications/read/."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from webapp.api import serializers as s
from webapp.api.views import OfficialViewSet
from workflows.runtime.copy_selectors import copies_to
from workflows.runtime.models import CaseCopy, Notification
from workflows.runtime.notification_selectors import notifications_of
from workflows.runtime.selectors import find_task, instance_visible_to, instances
from workflows.runtime.services.copies import COPYABLE_ROLES, NOTE_MAX, copy_case
from workflows.runtime.services.notifications import mark_all_read
from workflows.runtime.services.urging import urge_task

ERRORS = {400: s.ErrorSerializer, 403: s.ErrorSerializer, 404: s.ErrorSerializer}


class CopyRequestSerializer(serializers.Serializer):
    officials = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=COPYABLE_ROLES), required=False,
                                  default=list)
    note = serializers.CharField(required=False, allow_blank=True, max_length=NOTE_MAX, default="")


class CaseCopySerializer(serializers.ModelSerializer):
    recipient = s.OfficialRefSerializer(read_only=True)
    copied_by = s.OfficialRefSerializer(read_only=True, allow_null=True)
    business_key = serializers.CharField(source="instance.business_key", read_only=True)
    process = serializers.CharField(source="instance.definition.key", read_only=True)

    class Meta:
        model = CaseCopy
        fields = ["id", "instance", "business_key", "process", "recipient", "copied_by", "note", "copied_at",
                  "read_at"]


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "instance", "task", "created_at", "read_at"]


class UrgeSerializer(serializers.Serializer):
    detail = serializers.CharField()


class CopyCursor(CursorPagination):
    ordering = ("-copied_at", "-id")  # index copy_recipient_latest
    page_size = 50


class NotificationPages(PageNumberPagination):
    page_size = 50


class UrgeViewSet(OfficialViewSet):
    serializer_class = UrgeSerializer

    @extend_schema(request=None, responses={200: UrgeSerializer, 429: s.ErrorSerializer, **ERRORS})
    def create(self, request: Request, pk: str) -> Response:
        """催办 an overdue open task (the case's initiator or a centre leader): its holders are notified. 403 says
        why not; 429 says when this official may urge it again."""
        task = find_task(int(pk))
        if task is None:
            raise NotFound()
        task = urge_task(task.pk, self.official)
        return Response({"detail": f"已催办“{task.title}”"})


class CaseCopyViewSet(OfficialViewSet):
    serializer_class = CaseCopySerializer
    pagination_class = CopyCursor

    def get_queryset(self) -> QuerySet[CaseCopy]:
        if self.schema_only():
            return CaseCopy.objects.none()
        return copies_to(self.official, unread_only=self.request.query_params.get("unread") == "1")

    @extend_schema(responses=CaseCopySerializer(many=True))
    def list(self, request: Request) -> Response:
        """抄送我的: copies to me, newest first (`?unread=1`: only the unread)."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CaseCopySerializer(page, many=True).data)

    @extend_schema(request=CopyRequestSerializer, responses={201: CaseCopySerializer(many=True), **ERRORS})
    def create(self, request: Request, instance_pk: str) -> Response:
        """Copy a case I may see to officials (ids) and/or roles (resolved in the case's scope), with a note."""
        instance = instances().filter(pk=int(instance_pk)).first()
        if instance is None:
            raise NotFound()
        if not instance_visible_to(instance, self.official):
            raise PermissionDenied("您无权查看本案，不能抄送")
        body = CopyRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        copies = copy_case(instance, self.official, official_ids=data["officials"], roles=data["roles"],
                           note=data["note"])
        rows = CaseCopy.objects.filter(pk__in=[c.pk for c in copies]).select_related(
            "recipient", "copied_by", "instance__definition").defer("instance__state", "instance__definition__sources")
        return Response(CaseCopySerializer(rows, many=True).data, status=status.HTTP_201_CREATED)


class NotificationViewSet(OfficialViewSet):
    serializer_class = NotificationSerializer
    pagination_class = NotificationPages

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.none() if self.schema_only() else notifications_of(self.official)

    @extend_schema(responses=NotificationSerializer(many=True))
    def list(self, request: Request) -> Response:
        """My notifications, the unread first, newest first within each."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(request=None, responses={200: UrgeSerializer})
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification of mine read."""
        return Response({"detail": f"{mark_all_read(self.official)} 条通知已标为已读"})
