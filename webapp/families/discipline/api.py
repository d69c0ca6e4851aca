"""Discipline API: complaints, the ledger and the violation records handed over by rule for the centre office and
the efficiency group; cases and appeals with the cases' visibility rule (own cases, or all for those two roles)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from webapp.api import serializers as s
from webapp.api.permissions import IsOfficial
from webapp.api.views import OfficialViewSet
from webapp.families.discipline import serializers as ds
from workflows.discipline.access import handles_discipline
from workflows.discipline.models import Appeal, Complaint, SanctionCase, ViolationRecord
from workflows.discipline.selectors import (
    appeals_visible_to,
    cases_visible_to,
    complaints,
    official_ledger,
    violation_records,
    window_ledger,
)
from workflows.discipline.services import file_appeal, file_complaint, preview_appeal, waive_appeal
from workflows.discipline.violations import open_case_for_record
from workflows.org.selectors import official_of
from workflows.runtime.clock import today


class HandlesDiscipline(BasePermission):
    message = "仅中心办公室和效能建设领导小组可用"

    def has_permission(self, request, view) -> bool:
        return handles_discipline(official_of(request.user))


WRITE_ERRORS = {400: s.ErrorSerializer, 404: s.ErrorSerializer, 409: s.ErrorSerializer}


class ComplaintViewSet(mixins.ListModelMixin, OfficialViewSet):
    """投诉: registered by the centre office or the efficiency group; registering starts the investigation."""

    permission_classes = [IsOfficial, HandlesDiscipline]
    serializer_class = ds.ComplaintSerializer
    filterset_fields = ["status", "source", "target_kind"]

    def get_queryset(self) -> QuerySet[Complaint]:
        return complaints()

    @extend_schema(request=ds.ComplaintCreateSerializer,
                   responses={201: ds.ComplaintSerializer, 400: s.ErrorSerializer, 403: s.ErrorSerializer})
    def create(self, request: Request) -> Response:
        payload = ds.ComplaintCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        complaint = file_complaint(**payload.validated_data, received_by=self.official)
        return Response(ds.ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)


class SanctionCaseFilter(django_filters.FilterSet):
    class Meta:
        model = SanctionCase
        fields = ["year", "measure", "status", "revoked", "target_kind"]


class SanctionCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OfficialViewSet):
    """诫勉教育 / 效能告诫 cases: an official sees their own; the centre office and the efficiency group see all."""

    serializer_class = ds.SanctionCaseSerializer
    filterset_class = SanctionCaseFilter

    def get_queryset(self) -> QuerySet[SanctionCase]:
        if self.schema_only():
            return SanctionCase.objects.none()
        return cases_visible_to(self.official).select_related("appeal").prefetch_related("letters",
                                                                                           "appeal__attachments")

    @extend_schema(request={"multipart/form-data": ds.AppealCreateSerializer},
                   responses={201: ds.AppealSerializer, 200: ds.AppealPreviewSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def appeal(self, request: Request, pk: str) -> Response:
        """书面申辩 by the sanctioned official within five working days of delivery; late: 400 naming the deadline.

        With `preview` true the same checks run and the answer (200) lists what would be sent; nothing is filed.
        """
        payload = ds.AppealCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        text, files = payload.validated_data["text"], payload.validated_data["files"]
        if payload.validated_data["preview"]:
            preview = preview_appeal(self.get_object(), self.official, text, files)
            return Response(ds.AppealPreviewSerializer(preview).data)
        appeal = file_appeal(self.get_object(), self.official, text, files)
        return Response(ds.AppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ds.WaiveAppealSerializer, responses={200: ds.SanctionCaseSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="waive-appeal")
    def waive(self, request: Request, pk: str) -> Response:
        """放弃申辩: `confirm` must be true (the decision stands, no appeal can follow); the case reads 放弃申辩."""
        payload = ds.WaiveAppealSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        waive_appeal(self.get_object(), self.official, confirmed=payload.validated_data["confirm"])
        return Response(ds.SanctionCaseSerializer(self.get_object()).data)


class AppealViewSet(mixins.ListModelMixin, OfficialViewSet):
    """Appeals on the cases the caller may see."""

    serializer_class = ds.AppealSerializer

    def get_queryset(self) -> QuerySet[Appeal]:
        if self.schema_only():
            return Appeal.objects.none()
        return appeals_visible_to(self.official)


class SingleObjectSchema(AutoSchema):
    """The ledger answers one object at its list URL: no array, no pagination in the schema."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class LedgerViewSet(OfficialViewSet):
    """台帐: the year's counts per official and per window, with what they mean for the yearly rating."""

    permission_classes = [IsOfficial, HandlesDiscipline]
    schema = SingleObjectSchema()
    filter_backends: list = []  # the query is the ledger's own filters, not a queryset's

    @extend_schema(parameters=[ds.LedgerQuerySerializer], responses={200: ds.LedgerSerializer, 403: s.ErrorSerializer})
    def list(self, request: Request) -> Response:
        query = ds.LedgerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        year = q.get("year") or today().year
        ledger = {
            "year": year,
            "officials": official_ledger(year, department_id=q["department"], window_id=q["window"],
                                         official_id=q["official"]),
            "windows": window_ledger(year, department_id=q["department"], window_id=q["window"]),
        }
        return Response(ds.LedgerSerializer(ledger).data)


class ViolationRecordFilter(django_filters.FilterSet):
    pending = django_filters.BooleanFilter(field_name="case", lookup_expr="isnull",
                                           label="true: only those waiting for the centre office (no case)")

    class Meta:
        model = ViolationRecord
        fields = ["duty_rule", "finding", "pending"]


class ViolationRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OfficialViewSet):
    """工作记录移送: records other families handed over by rule, newest first, with the case the table opened."""

    permission_classes = [IsOfficial, HandlesDiscipline]
    serializer_class = ds.ViolationRecordSerializer
    filterset_class = ViolationRecordFilter

    def get_queryset(self) -> QuerySet[ViolationRecord]:
        return violation_records()

    @extend_schema(request=ds.RecordCaseSerializer, responses={201: ds.SanctionCaseSerializer, **WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def case(self, request: Request, pk: str) -> Response:
        """立案 by the centre office for a record the duty-rule table left to it; a record with a case: 409."""
        payload = ds.RecordCaseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        case = open_case_for_record(self.get_object(), opened_by=self.official, **payload.validated_data)
        return Response(ds.SanctionCaseSerializer(case).data, status=status.HTTP_201_CREATED)
