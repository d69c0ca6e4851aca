"""API shapes: read serializers over the models, input serializers that feed the services."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from engine.calendar import WorkingCalendar
from workflows.org.models import Official
from workflows.org.selectors import working_calendar
from workflows.runtime.models import AuditEvent, HumanTask, ProcessDefinition, ProcessInstance
from workflows.runtime.selectors import instance_history, instance_tasks, working_days_left
from workflows.runtime.validators import check_upload_name


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class OfficialRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Official
        fields = ["id", "name"]


class DefinitionSerializer(serializers.ModelSerializer):
    deployed_by = OfficialRefSerializer(read_only=True, allow_null=True)
    files = serializers.SerializerMethodField()

    class Meta:
        model = ProcessDefinition
        fields = ["id", "key", "version", "name", "checksum", "deployed_at", "deployed_by", "files"]

    def get_files(self, definition: ProcessDefinition) -> list[str]:
        return sorted(definition.sources)


class DeploySerializer(serializers.Serializer):
    key = serializers.SlugField(max_length=100)
    sources = serializers.DictField(child=serializers.CharField(trim_whitespace=False), allow_empty=False,
                                    help_text="{filename: BPMN/DMN XML text}")

    def validate_sources(self, sources: dict[str, str]) -> dict[str, str]:
        """File names end up in the BPMN download's Content-Disposition: no control characters or quotes."""
        for name in sources:
            check_upload_name(name)
        return sources


class ValidateSerializer(DeploySerializer):
    """The same as a deploy: the key the sources would be published as, and the files."""


class ProblemSerializer(serializers.Serializer):
    file = serializers.CharField()
    element_id = serializers.CharField(allow_blank=True, help_text="the BPMN/DMN element, \"\" when none")
    message = serializers.CharField()


class ProblemsSerializer(serializers.Serializer):
    problems = ProblemSerializer(many=True)


class ActivateSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=500)


class DefinitionErrorSerializer(ErrorSerializer):
    file = serializers.CharField(required=False)
    element_id = serializers.CharField(required=False, allow_null=True)


class TaskSerializer(serializers.ModelSerializer):
    instance = serializers.PrimaryKeyRelatedField(read_only=True)
    process = serializers.CharField(source="instance.definition.key", read_only=True)
    applicant = OfficialRefSerializer(read_only=True, allow_null=True)
    department = serializers.StringRelatedField(allow_null=True)
    assignee = OfficialRefSerializer(read_only=True, allow_null=True)
    completed_by = OfficialRefSerializer(read_only=True, allow_null=True)
    candidates = serializers.SerializerMethodField()
    working_days_left = serializers.SerializerMethodField()
    delegator = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = HumanTask
        fields = [
            "id", "instance", "process", "case_number", "title", "spec_name", "form", "state", "outcome",
            "role", "scope", "applicant", "department", "assignee", "candidates", "due_at", "working_days_left",
            "created_at", "completed_by", "completed_at", "escalated", "assignment_note",
            "held_by", "delegator", "delegation_note", "delegate_opinion", "approval_mode", "parent",
            "timeout_at", "timeout_action",
        ]

    def get_candidates(self, task: HumanTask) -> list[str]:
        return [official.name for official in task.candidates.all()]

    def get_working_days_left(self, task: HumanTask) -> int | None:
        """0 on the due day, negative when overdue; null for closed tasks and tasks without a deadline."""
        return working_days_left(task, self._calendar) if task.state == HumanTask.OPEN else None

    @cached_property
    def _calendar(self) -> WorkingCalendar:
        """Read once per response: a list serializes every row with this one instance."""
        return working_calendar()


class TaskQuerySerializer(serializers.Serializer):
    view = serializers.ChoiceField(choices=["mine", "claimable", "done"], default="mine")
    process = serializers.CharField(required=False, default="", allow_blank=True)
    q = serializers.CharField(required=False, default="", allow_blank=True, help_text="title, case number, applicant")
    overdue = serializers.BooleanField(required=False, default=False)
    date_from = serializers.DateField(required=False, default=None, allow_null=True,
                                      help_text="arrived (done: completed) on or after this day")
    date_to = serializers.DateField(required=False, default=None, allow_null=True,
                                    help_text="arrived (done: completed) on or before this day")


class TaskCompleteSerializer(serializers.Serializer):
    data = serializers.DictField(help_text='the task form\'s fields, e.g. {"decision": "approve", "comment": ""}')


class TaskTransferSerializer(serializers.Serializer):
    to = serializers.IntegerField(help_text="the official (id) who takes the task over")
    reason = serializers.CharField(max_length=500, help_text="why it is transferred (转办理由)")


class TaskSendBackSerializer(serializers.Serializer):
    target = serializers.CharField(max_length=100, allow_blank=True,
                                   help_text="the earlier step (spec name) to send the case back to (退回)")
    reason = serializers.CharField(max_length=500, allow_blank=True,
                                   help_text="why, shown to the official the task returns to")


class InstanceWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, allow_blank=True, help_text="why the case is withdrawn (撤回)")


class TaskDelegateSerializer(serializers.Serializer):
    to = serializers.IntegerField(help_text="the official (id) who handles it and returns it")
    note = serializers.CharField(max_length=500, help_text="what the delegate is asked to do (委派说明)")


class TaskResolveSerializer(serializers.Serializer):
    opinion = serializers.CharField(help_text="the delegate's opinion, shown to the delegator (委派办理意见)")


class TaskAddSignerSerializer(serializers.Serializer):
    to = serializers.IntegerField(help_text="the official (id) who signs this step as well")
    position = serializers.ChoiceField(choices=["before", "after"], default="after",
                                       help_text="依次: before or after me; 会签 / 或签: ignored (one more signer)")
    reason = serializers.CharField(max_length=500, help_text="why the signer is added (加签理由)")


class TaskRemoveSignerSerializer(serializers.Serializer):
    signer_task = serializers.IntegerField(help_text="the open task (id) of the signer of this step to remove")
    reason = serializers.CharField(max_length=500, help_text="why the signer is removed (减签理由)")


class TaskAddSignerResultSerializer(serializers.Serializer):
    task = TaskSerializer(help_text="my task as the write left it (依次 'before': cancelled, it comes back later)")
    signer_task = TaskSerializer(allow_null=True, help_text="the added signer's task; null until their turn (依次)")


class TaskFormErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                   help_text="the form's errors per field; absent when the engine refused")


class AuditEventSerializer(serializers.ModelSerializer):
    actor = OfficialRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "actor", "action", "message", "task"]


class InstanceSerializer(serializers.ModelSerializer):
    process = serializers.CharField(source="definition.key", read_only=True)
    version = serializers.IntegerField(source="definition.version", read_only=True)
    applicant = OfficialRefSerializer(read_only=True, allow_null=True)
    department = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = ProcessInstance
        fields = [
            "id", "process", "version", "business_key", "status", "applicant", "department", "started_at",
            "ended_at", "end_event", "error_message", "error_element",
        ]


class InstanceDetailSerializer(InstanceSerializer):
    tasks = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta(InstanceSerializer.Meta):
        fields = [*InstanceSerializer.Meta.fields, "tasks", "history"]

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, instance: ProcessInstance) -> list[dict[str, Any]]:
        return TaskSerializer(instance_tasks(instance).prefetch_related("candidates"), many=True).data

    @extend_schema_field(AuditEventSerializer(many=True))
    def get_history(self, instance: ProcessInstance) -> list[dict[str, Any]]:
        return AuditEventSerializer(instance_history(instance), many=True).data


class TaskCommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = OfficialRefSerializer(read_only=True)
    text = serializers.CharField(allow_blank=True, trim_whitespace=False,
                                 help_text="the comment (备注), at most 2000 characters")
    at = serializers.DateTimeField(read_only=True)


class TaskAttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    author = OfficialRefSerializer(read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    size = serializers.IntegerField(read_only=True)
    content_type = serializers.CharField(read_only=True)
    sha256 = serializers.CharField(read_only=True)
    at = serializers.DateTimeField(read_only=True)
    download = serializers.SerializerMethodField(help_text="served only to who may see the case")

    def get_download(self, attachment) -> str:
        return reverse("task_attachment_download", args=[attachment.pk])


class TaskAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, allow_empty_file=True,
                                 help_text="PDF, JPG, PNG, DOCX, XLSX or OFD; checked by content")


class BulkApproveSerializer(serializers.Serializer):
    task_ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
                                     help_text="the tasks to approve (同意)")
    opinion = serializers.CharField(required=False, allow_blank=True, default="",
                                    help_text="one opinion (意见) for all of them")


class BulkOutcomeSerializer(serializers.Serializer):
    task_id = serializers.IntegerField()
    title = serializers.CharField()
    done = serializers.BooleanField()
    reason = serializers.CharField()
