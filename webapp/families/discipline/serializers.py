"""API shapes of the discipline family: complaints, sanction cases with their letters, appeals, the ledger, the
violation records handed over by rule."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from webapp.api.serializers import OfficialRefSerializer
from workflows.discipline.attachments import AttachmentRefused, check_attachments
from workflows.discipline.models import (
    MEASURE_CHOICES,
    TARGET_KIND_CHOICES,
    Appeal,
    AppealAttachment,
    Complaint,
    Letter,
    SanctionCase,
    ViolationRecord,
    ViolationRule,
)
from workflows.org.models import Official, Window
from workflows.runtime.validators import MAX_ROW_ID


class WindowRefSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Window
        fields = ["id", "name", "department"]


class ComplaintSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    target_official = OfficialRefSerializer(read_only=True, allow_null=True)
    target_window = WindowRefSerializer(read_only=True, allow_null=True)
    received_by = OfficialRefSerializer(read_only=True, allow_null=True)
    cases = serializers.PrimaryKeyRelatedField(source="sanction_cases", many=True, read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id", "number", "source", "complainant_name", "complainant_contact", "target_kind", "target_official",
            "target_window", "summary", "received_at", "received_by", "status", "founded", "findings", "reply",
            "replied_at", "instance", "cases",
        ]


class ComplaintCreateSerializer(serializers.Serializer):
    """Shape checks only; which target a kind needs is the service's rule."""

    source = serializers.ChoiceField(choices=Complaint.SOURCES)
    summary = serializers.CharField(max_length=4000)
    target_kind = serializers.ChoiceField(choices=TARGET_KIND_CHOICES)
    target_official = serializers.PrimaryKeyRelatedField(
        queryset=Official.objects.filter(active=True, window__isnull=False), required=False, allow_null=True,
        default=None,
    )
    target_window = serializers.PrimaryKeyRelatedField(queryset=Window.objects.all(), required=False,
                                                       allow_null=True, default=None)
    complainant_name = serializers.CharField(max_length=50, required=False, default="", allow_blank=True)
    complainant_contact = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)


class LetterSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = ["id", "kind", "number", "issued_at", "sha256", "download_url"]

    def get_download_url(self, letter: Letter) -> str:
        return reverse("letter_download", args=[letter.pk])


class AppealAttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = AppealAttachment
        fields = ["id", "original_name", "kind", "sha256", "download_url"]

    def get_download_url(self, attachment: AppealAttachment) -> str:
        return reverse("appeal_attachment", args=[attachment.pk])


class AppealSerializer(serializers.ModelSerializer):
    appellant = OfficialRefSerializer(read_only=True)
    decided_by = OfficialRefSerializer(read_only=True, allow_null=True)
    attachments = AppealAttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Appeal
        fields = ["id", "case", "appellant", "text", "received_on", "due_on", "decision", "reasons", "decided_at",
                  "decided_by", "attachments"]


@extend_schema_field(OpenApiTypes.BINARY)
class UploadField(serializers.FileField):
    """A file in a multipart request: binary in the schema, where a plain FileField reads as a URL."""


class AppealCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=8000)
    files = serializers.ListField(child=UploadField(), required=False, default=list)
    preview = serializers.BooleanField(required=False, default=False,
                                       help_text="true: check everything, answer what would be sent, file nothing")

    def validate_files(self, files: list) -> list:
        """The same allow-list, content check and limits as the case page (attachments.py)."""
        try:
            check_attachments(files)
        except AttachmentRefused as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return files


class CheckedFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    kind = serializers.CharField(help_text="pdf, jpg, png, doc, docx or ofd, from the content")
    size = serializers.IntegerField()


class AppealPreviewSerializer(serializers.Serializer):
    text = serializers.CharField()
    files = CheckedFileSerializer(many=True)
    appeal_deadline = serializers.DateField(allow_null=True)


class WaiveAppealSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="must be true: the decision stands and no appeal can follow")


class SanctionCaseSerializer(serializers.ModelSerializer):
    register_number = serializers.CharField(read_only=True)
    target_official = OfficialRefSerializer(read_only=True, allow_null=True)
    target_window = WindowRefSerializer(read_only=True, allow_null=True)
    department = serializers.StringRelatedField(allow_null=True)
    respondent = OfficialRefSerializer(read_only=True)
    decided_by = OfficialRefSerializer(read_only=True, allow_null=True)
    rule_code = serializers.CharField(source="rule.code", read_only=True, allow_null=True, default=None)
    rule_text = serializers.SerializerMethodField()
    letters = LetterSerializer(many=True, read_only=True)
    appeal = AppealSerializer(read_only=True, allow_null=True, default=None)
    appeal_status = serializers.CharField(read_only=True, help_text='"", 已申辩 or 放弃申辩')

    class Meta:
        model = SanctionCase
        fields = [
            "id", "register_number", "number", "year", "target_kind", "target_official", "target_window",
            "department", "respondent", "rule_code", "rule_text", "facts", "measure", "deciding_role",
            "decision_reason", "decided_at", "decided_by", "talked_on", "issued_at", "delivered_on", "appeal_deadline",
            "department_notified_on", "filed_with_county_on", "status", "revoked", "revoked_at", "revoked_reason",
            "appeal_waived_at", "appeal_status", "origin", "origin_complaint", "escalated_from", "instance", "letters",
            "appeal",
        ]

    def get_rule_text(self, case: SanctionCase) -> str:
        """第五条第（十五）项 <item text>, or 其他：<what the investigator wrote>."""
        return case.breach_label


class LedgerQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100, help_text="default: this year")
    department = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                          max_value=MAX_ROW_ID)
    window = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ROW_ID)
    official = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                        max_value=MAX_ROW_ID)


class OfficialLedgerRowSerializer(serializers.Serializer):
    official = OfficialRefSerializer()
    window = serializers.CharField(source="official.window", allow_null=True)
    jiemian = serializers.IntegerField(help_text="effective 诫勉教育 this year")
    warnings = serializers.IntegerField(help_text="effective 效能告诫 this year")
    revoked = serializers.IntegerField()
    warnings_last_year = serializers.IntegerField()
    rating = serializers.CharField(source="consequence.rating", help_text='"", 不能评为优秀 or 不称职')
    reasons = serializers.ListField(source="consequence.reasons", child=serializers.CharField())


class WindowLedgerRowSerializer(serializers.Serializer):
    window = WindowRefSerializer()
    jiemian = serializers.IntegerField(help_text="the window's own and its officials', effective")
    warnings = serializers.IntegerField()
    revoked = serializers.IntegerField()
    cannot_be_advanced = serializers.BooleanField(source="standing.cannot_be_advanced",
                                                  help_text="第十条: 不能评为先进集体")
    loses_award_eligibility = serializers.BooleanField(source="standing.loses_award_eligibility")
    reasons = serializers.ListField(source="standing.reasons", child=serializers.CharField())


class LedgerSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    officials = OfficialLedgerRowSerializer(many=True)
    windows = WindowLedgerRowSerializer(many=True)


class ViolationRecordSerializer(serializers.ModelSerializer):
    window = WindowRefSerializer(read_only=True, allow_null=True)
    official = OfficialRefSerializer(read_only=True, allow_null=True)
    finding_label = serializers.CharField(read_only=True)
    case_number = serializers.CharField(source="case.register_number", read_only=True, allow_null=True, default=None)
    measure = serializers.CharField(source="case.measure", read_only=True, allow_null=True, default=None)
    note = serializers.CharField(read_only=True, help_text="why no case was opened: the centre office decides")

    class Meta:
        model = ViolationRecord
        fields = ["id", "source", "duty_rule", "finding", "finding_label", "occurrence", "window", "official", "facts",
                  "occurred_at", "created_at", "case", "case_number", "measure", "note"]


class RecordCaseSerializer(serializers.Serializer):
    """The centre office's case for a record left to it; which target and rule fit is the service's rule."""

    measure = serializers.ChoiceField(choices=MEASURE_CHOICES)
    target_kind = serializers.ChoiceField(choices=TARGET_KIND_CHOICES)
    rule_code = serializers.SlugRelatedField(slug_field="code", queryset=ViolationRule.objects.all(), required=False,
                                             allow_null=True, default=None)
    other_text = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    facts = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="",
                                  help_text="empty: the record's facts stand")

    def validate_rule_code(self, rule: ViolationRule | None) -> str:
        return rule.code if rule is not None else ""
