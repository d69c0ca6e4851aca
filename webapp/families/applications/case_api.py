"""Applications for officials: the list (filters status, department, kind, overdue; late first, as the
board) and one case by its number. The same rule as the pages decides who sees which case
(workflows.applications.access.visible_applications): another department's case is not found (404). Window staff
receive an application with POST, through the intake screen's service."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from webapp.api.views import OfficialViewSet
from webapp.families.applications.case_serializers import (
    ApplicationDetailSerializer,
    ApplicationSerializer,
    IntakeSerializer,
)
from workflows.applications.access import can_receive_applications, visible_applications
from workflows.applications.board import board_rows, late, late_first, with_pause_reason
from workflows.applications.intake import receive_application
from workflows.applications.models import Application, ServiceItem, SubmittedMaterial
from workflows.org.models import Department
from workflows.org.selectors import working_calendar
from workflows.runtime.clock import now


class ApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Application.STATUSES)
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label="牵头（实施）部门")
    kind = django_filters.ChoiceFilter(choices=ServiceItem.KINDS)
    overdue = django_filters.BooleanFilter(method="_overdue", label="已超过承诺时限（仅办理中的件）")

    class Meta:
        model = Application
        fields = ["status", "department", "kind"]

    def _overdue(self, queryset: QuerySet[Application], name: str, value: bool | None) -> QuerySet[Application]:
        if value is None:
            return queryset
        return queryset.filter(late(now())) if value else queryset.exclude(late(now()))


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OfficialViewSet):
    """Read the cases one may see; window staff also receive one (POST, the intake screen's service)."""

    filterset_class = ApplicationFilter
    lookup_field = "number"
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[Application]:
        if self.schema_only():
            return Application.objects.none()
        cases = with_pause_reason(visible_applications(self.request.user, self.official)
                                  .select_related("item", "department"))
        if self.action == "retrieve":
            return cases.select_related("rating").prefetch_related(
                Prefetch("materials", SubmittedMaterial.objects.select_related("material")
                         .order_by("material__position")),
                "co_reviews__department", "clock_entries")
        return late_first(cases, now())

    def get_serializer_class(self):
        return {"retrieve": ApplicationDetailSerializer, "create": IntakeSerializer}.get(self.action,
                                                                                        ApplicationSerializer)

    @extend_schema(request=IntakeSerializer, responses={201: ApplicationDetailSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        """窗口收件: accepted, waiting for materials (补办件) or rejected (驳回件), as on the intake screen."""
        if not can_receive_applications(request.user, self.official):
            raise PermissionDenied(_("Applications are received at a window: you have no window."))
        entered = IntakeSerializer(data=request.data)
        entered.is_valid(raise_exception=True)
        data = entered.validated_data
        case = receive_application(data["item"], data["applicant"], data["phone"], data["matter"],
                                   data["materials"], self.official)
        case = with_pause_reason(Application.objects.filter(pk=case.pk).select_related("item", "department")).get()
        return Response(ApplicationDetailSerializer(case, context=self._rows_context([case])).data,
                        status=status.HTTP_201_CREATED)

    def _rows_context(self, cases: list[Application]) -> dict:
        rows = board_rows(cases, working_calendar(), now())
        return {**self.get_serializer_context(), "rows": {row.application.pk: row for row in rows}}

    def list(self, request: Request, *args, **kwargs) -> Response:
        cases = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())))
        serializer = ApplicationSerializer(cases, many=True, context=self._rows_context(cases))
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        case = self.get_object()
        return Response(ApplicationDetailSerializer(case, context=self._rows_context([case])).data)
