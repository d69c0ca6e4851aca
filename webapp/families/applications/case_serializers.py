"""Read-only shapes of applications for the API: the list row (with the case's time and who holds its current
step, computed for the whole page at once by workflows.applications.board) and the detail."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from webapp.families.applications.serializers import DepartmentRefSerializer
from workflows.applications.board import BoardRow
from workflows.applications.models import (
    Application,
    ClockEntry,
    CoDepartmentReview,
    Rating,
    ServiceItem,
    SubmittedMaterial,
)


class ItemRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceItem
        fields = ["id", "code", "name"]


class CaseTimeSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField(allow_null=True, help_text="承诺办结时限（暂停计时时为空）")
    days_left = serializers.IntegerField(allow_null=True, help_text="剩余工作日：到期当日为 0，逾期为负数")
    overdue = serializers.BooleanField(help_text="已超过承诺时限")
    paused = serializers.BooleanField(help_text="暂停计时")
    pause_reason = serializers.CharField(help_text="暂停原因：补正材料、上报审批、特别程序")


class HolderSerializer(serializers.Serializer):
    title = serializers.CharField(help_text="当前环节")
    names = serializers.ListField(child=serializers.CharField(), help_text="办理人（已签收者，否则可办理的人员）")


class ApplicationSerializer(serializers.ModelSerializer):
    """One case as the board shows it; `time` and `current_steps` come from the page's BoardRow (context `rows`)."""

    item = ItemRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    time = serializers.SerializerMethodField()
    current_steps = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["number", "item", "kind", "kind_label", "department", "applicant", "phone", "matter", "status",
                  "status_label", "outcome", "received_at", "accepted_at", "decided_at", "issued_at",
                  "overdue_since", "time", "current_steps"]

    def _row(self, case: Application) -> BoardRow:
        return self.context["rows"][case.pk]

    @extend_schema_field(CaseTimeSerializer)
    def get_time(self, case: Application) -> dict:
        return CaseTimeSerializer(self._row(case).time).data

    @extend_schema_field(HolderSerializer(many=True))
    def get_current_steps(self, case: Application) -> list:
        return HolderSerializer(self._row(case).holders, many=True).data


class SubmittedMaterialSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="material.name")
    is_main = serializers.BooleanField(source="material.is_main")

    class Meta:
        model = SubmittedMaterial
        fields = ["name", "is_main", "received_at"]


class CoReviewSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True)
    answer_label = serializers.CharField(source="get_answer_display", read_only=True)

    class Meta:
        model = CoDepartmentReview
        fields = ["department", "requested_at", "due_at", "answer", "answer_label", "opinion", "answered_at",
                  "overdue_alerted_at"]


class ClockEntrySerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = ClockEntry
        fields = ["kind", "kind_label", "at", "days", "reason", "note", "planned_end"]


class RatingSerializer(serializers.ModelSerializer):
    score_label = serializers.CharField(source="get_score_display", read_only=True)

    class Meta:
        model = Rating
        fields = ["score", "score_label", "comment", "rated_at", "rectification_due_at", "rectification_reply",
                  "rectified_at"]


class ApplicationDetailSerializer(ApplicationSerializer):
    materials = SubmittedMaterialSerializer(many=True, read_only=True)
    co_reviews = CoReviewSerializer(many=True, read_only=True)
    clock = ClockEntrySerializer(source="clock_entries", many=True, read_only=True)
    rating = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "materials", "co_reviews", "clock", "rating"]

    @extend_schema_field(RatingSerializer(allow_null=True))
    def get_rating(self, case: Application) -> dict | None:
        rating = getattr(case, "rating", None)
        return RatingSerializer(rating).data if rating is not None else None


class IntakeSerializer(serializers.Serializer):
    """What the window enters at intake (the same as the intake screen): the item, who applies, the phone, the matter
    and the ids of the materials brought. The rules are checked by the intake service, which names the field."""

    item = serializers.IntegerField(help_text="服务事项 id（GET /api/service-items/）")
    applicant = serializers.CharField(max_length=200, help_text="申请人（单位）")
    phone = serializers.CharField(max_length=30, help_text="联系电话（手机或固定电话）")
    matter = serializers.CharField(required=False, allow_blank=True, default="", help_text="申办事项内容")
    materials = serializers.ListField(child=serializers.IntegerField(), allow_empty=True,
                                      help_text="收到的申请材料 id（该事项的 materials）")
