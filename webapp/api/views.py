"""API views shared by every process: definitions, instances and the task inbox (families add their own)."""

from __future__ import annotations

from functools import cached_property

import django_filters
from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from webapp.access import visible_instances
from webapp.api import serializers as s
from webapp.api.errors import EngineErrorsMixin
from webapp.api.pagination import InstanceCursorPagination, TaskCursorPagination
from webapp.api.permissions import CanDeployOrReadOnly, IsOfficial
from webapp.task_forms import service_step, task_form
from workflows.org.models import Official
from workflows.org.selectors import official_of
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import HumanTask, ProcessDefinition, ProcessInstance
from workflows.runtime.selectors import (
    bpmn_source,
    claimable_tasks,
    definitions,
    done_tasks,
    filter_instances,
    filter_tasks,
    find_task,
    instances,
    my_tasks,
    started_or_about,
    task_attachments,
    task_comments,
    task_visible_to,
)
from workflows.runtime.services.definitions import (
    activate_version,
    active_definition,
    deploy_definition,
    validate_sources,
)
from workflows.runtime.services.task_extras import add_attachment, add_comment, bulk_approve
from workflows.runtime.services.transitions import (
    OperationRefused,
    add_signer_task,
    allowed_instance_operations,
    allowed_operations,
    claim_task,
    complete_task,
    delegate_task,
    remove_signer_task,
    resolve_task,
    send_back_task,
    take_back_task,
    transfer_task,
    unclaim_task,
    withdraw_instance,
)

TASK_VIEWS = {"mine": my_tasks, "claimable": claimable_tasks, "done": done_tasks}
TASK_WRITE_ERRORS = {400: s.ErrorSerializer, 403: s.ErrorSerializer, 404: s.ErrorSerializer, 409: s.ErrorSerializer}


class OfficialViewSet(EngineErrorsMixin, viewsets.GenericViewSet):
    permission_classes = [IsOfficial]
    lookup_value_regex = r"\d+"

    @cached_property
    def official(self) -> Official:
        return official_of(self.request.user)

    def schema_only(self) -> bool:
        """drf-spectacular builds views without a real user to read their querysets' models."""
        return getattr(self, "swagger_fake_view", False)


class DefinitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OfficialViewSet):
    permission_classes = [IsOfficial, CanDeployOrReadOnly]
    serializer_class = s.DefinitionSerializer

    def get_queryset(self) -> QuerySet[ProcessDefinition]:
        return definitions().select_related("deployed_by")

    def perform_content_negotiation(self, request: Request, force: bool = False):
        """The BPMN download answers XML even to `Accept: application/xml`, which no JSON renderer offers."""
        return super().perform_content_negotiation(request, force=force or self.action == "bpmn")

    @extend_schema(request=s.DeploySerializer,
                   responses={201: s.DefinitionSerializer, 400: s.DefinitionErrorSerializer, 403: s.ErrorSerializer})
    def create(self, request: Request) -> Response:
        """Deploy BPMN + DMN sources as the next version of `key`, which becomes the active one (sources identical to
        an existing version: that version, active again)."""
        payload = s.DeploySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        definition = deploy_definition(payload.validated_data["key"], payload.validated_data["sources"],
                                       deployed_by=self.official)
        return Response(s.DefinitionSerializer(definition).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ValidateSerializer, responses={200: s.ProblemsSerializer, 403: s.ErrorSerializer})
    @action(detail=False, methods=["post"])
    def validate(self, request: Request) -> Response:
        """Check sources as publishing would, storing nothing: every problem by file and element (200 even with
        problems; an empty list means they would deploy)."""
        payload = s.ValidateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        found = validate_sources(payload.validated_data["key"], payload.validated_data["sources"])
        return Response({"problems": [{"file": p.file, "element_id": p.element_id, "message": p.message}
                                      for p in found]})

    @extend_schema(request=s.ActivateSerializer,
                   responses={200: s.DefinitionSerializer, 400: s.ErrorSerializer, 403: s.ErrorSerializer})
    @action(detail=False, methods=["post"], url_path=r"(?P<key>[-\w]+)/activate")
    def activate(self, request: Request, key: str) -> Response:
        """Make version `version` of `key` the one new instances start on (a rollback), with a reason."""
        payload = s.ActivateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        target = self.get_queryset().filter(key=key, version=payload.validated_data["version"]).first()
        if target is None:
            raise InvalidInput(f"流程“{key}”没有第 {payload.validated_data['version']} 版", field="version")
        activate_version(target.pk, self.official, payload.validated_data["reason"])
        return Response(s.DefinitionSerializer(active_definition(key)).data)

    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def bpmn(self, request: Request, pk: str) -> HttpResponse:
        """The BPMN XML of this version, for diagram viewers."""
        source = bpmn_source(self.get_object())
        if source is None:
            raise NotFound("该流程定义没有 BPMN 文件")
        filename, text = source
        response = HttpResponse(text, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response


class InstanceFilter(django_filters.FilterSet):
    process = django_filters.CharFilter(field_name="definition__key")
    started_by_me = django_filters.BooleanFilter(method="_started_by_me",
                                                 label="我发起的: cases I started or that are about me as applicant")
    started_from = django_filters.DateFilter(method="_started_from", label="started on or after this day")
    started_to = django_filters.DateFilter(method="_started_to", label="started on or before this day")

    def _started_by_me(self, queryset: QuerySet[ProcessInstance], name: str, value: bool):
        if not value:
            return queryset
        return queryset.filter(started_or_about(official_of(self.request.user)))

    def _started_from(self, queryset: QuerySet[ProcessInstance], name: str, value):
        return filter_instances(queryset, date_from=value)

    def _started_to(self, queryset: QuerySet[ProcessInstance], name: str, value):
        return filter_instances(queryset, date_to=value)

    class Meta:
        model = ProcessInstance
        fields = ["status", "process", "business_key"]


class InstanceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OfficialViewSet):
    """Officials see the cases they applied for or work on; the centre office sees all.

    Listed by cursor, without a count: counting every instance of the centre took seconds at a million rows."""

    filterset_class = InstanceFilter
    pagination_class = InstanceCursorPagination

    def get_queryset(self) -> QuerySet[ProcessInstance]:
        if self.schema_only():
            return instances()
        return visible_instances(self.request.user, self.official)

    def get_serializer_class(self):
        return s.InstanceDetailSerializer if self.action == "retrieve" else s.InstanceSerializer

    @extend_schema(request=s.InstanceWithdrawSerializer, responses={200: s.InstanceSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """撤回 by the initiator, while nobody else has acted on the case (else 403 with the reason)."""
        instance = self.get_object()
        verdict = allowed_instance_operations(instance, self.official)["withdraw"]
        if not verdict:
            raise OperationRefused(self.official.pk, verdict.reason)
        body = s.InstanceWithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        withdraw_instance(instance.pk, self.official, body.validated_data["reason"])
        return Response(s.InstanceSerializer(ProcessInstance.objects.get(pk=instance.pk)).data)


class TaskViewSet(OfficialViewSet):
    serializer_class = s.TaskSerializer
    pagination_class = TaskCursorPagination

    @cached_property
    def task_query(self) -> dict:
        """`?view=mine|claimable|done&process=&q=&overdue=`, validated."""
        query = s.TaskQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data

    def query_view(self) -> str:
        return self.task_query["view"]

    def get_queryset(self) -> QuerySet[HumanTask]:
        """The inbox view asked for, filtered."""
        if self.schema_only():
            return HumanTask.objects.none()
        q = self.task_query
        tasks = filter_tasks(TASK_VIEWS[q["view"]](self.official), process=q["process"], text=q["q"],
                             overdue=q["overdue"], date_from=q["date_from"], date_to=q["date_to"],
                             date_field="completed_at" if q["view"] == "done" else "created_at")
        return tasks.prefetch_related("candidates")

    def _task(self, pk: str) -> HumanTask:
        task = find_task(int(pk))
        if task is None:
            raise NotFound()
        return task

    @staticmethod
    def _task_now(task_id: int) -> Response:
        """The task as the write left it."""
        return Response(s.TaskSerializer(find_task(task_id)).data)

    @extend_schema(parameters=[s.TaskQuerySerializer], responses=s.TaskSerializer(many=True))
    def list(self, request: Request) -> Response:
        """Inbox: my tasks, tasks my roles may claim, or tasks I completed; filter by process, text, overdue."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.TaskSerializer(page, many=True).data)

    @extend_schema(responses={200: s.TaskSerializer, 403: s.ErrorSerializer, 404: s.ErrorSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        task = self._task(pk)
        if not task_visible_to(task, self.official):
            raise PermissionDenied()
        return Response(s.TaskSerializer(task).data)

    @extend_schema(request=None, responses={200: s.TaskSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def claim(self, request: Request, pk: str) -> Response:
        """Take an unclaimed task of one of my roles; a task claimed by someone else answers 409."""
        task = self._task(pk)
        claim_task(task.pk, self.official)
        return self._task_now(task.pk)

    def _allowed(self, task: HumanTask, operation: str) -> HumanTask:
        """403 with the rule's reason, in Chinese, before any input is read; the service checks again locked."""
        verdict = allowed_operations(task, self.official)[operation]
        if not verdict:
            raise OperationRefused(self.official.pk, verdict.reason)
        return task

    @extend_schema(request=None, responses={200: s.TaskSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def unclaim(self, request: Request, pk: str) -> Response:
        """退回认领: put a task I claimed back into its role's pool."""
        task = self._allowed(self._task(pk), "unclaim")
        unclaim_task(task.pk, self.official)
        return self._task_now(task.pk)

    @extend_schema(request=s.TaskTransferSerializer, responses={200: s.TaskSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str) -> Response:
        """转办: `to` becomes the task's handler for good; refused (403) to oneself, the case's party, one on leave."""
        task = self._allowed(self._task(pk), "transfer")
        body = s.TaskTransferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        transfer_task(task.pk, self.official, body.validated_data["to"], body.validated_data["reason"])
        return self._task_now(task.pk)

    @extend_schema(request=s.TaskSendBackSerializer, responses={200: s.TaskSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request: Request, pk: str) -> Response:
        """退回: the case goes back to an earlier step (`target`), reopened for whoever did it, with `reason`;
        answers the reopened task."""
        task = self._allowed(self._task(pk), "send_back")
        body = s.TaskSendBackSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        returned = send_back_task(task.pk, self.official, body.validated_data["target"],
                                  body.validated_data["reason"])
        return self._task_now(returned.pk)

    @extend_schema(request=None, responses={200: s.TaskSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="take-back")
    def take_back(self, request: Request, pk: str) -> Response:
        """撤回: a task I completed opens again for me while the next step has not been acted on (else 403 with why);
        answers the reopened task."""
        task = self._allowed(self._task(pk), "take_back")
        return self._task_now(take_back_task(task.pk, self.official).pk)

    @extend_schema(request=s.TaskDelegateSerializer, responses={200: s.TaskSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def delegate(self, request: Request, pk: str) -> Response:
        """委派: `to` handles the task and returns it (`resolve`); then I complete it."""
        task = self._allowed(self._task(pk), "delegate")
        body = s.TaskDelegateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        delegate_task(task.pk, self.official, body.validated_data["to"], body.validated_data["note"])
        return self._task_now(task.pk)

    @extend_schema(request=s.TaskAddSignerSerializer,
                   responses={200: s.TaskAddSignerResultSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="add-signer")
    def add_signer(self, request: Request, pk: str) -> Response:
        """加签 on a multi-approver step (会签 / 或签 / 依次); refused (403) on a single step, to oneself, a party, one
        on leave or one who already signs it."""
        task = self._allowed(self._task(pk), "add_signer")
        body = s.TaskAddSignerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        added = add_signer_task(task.pk, self.official, body.validated_data["to"], body.validated_data["position"],
                                body.validated_data["reason"])
        return Response({"task": s.TaskSerializer(find_task(task.pk)).data,
                         "signer_task": s.TaskSerializer(find_task(added.pk)).data if added else None})

    @extend_schema(request=s.TaskRemoveSignerSerializer, responses={200: s.TaskSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["post"], url_path="remove-signer")
    def remove_signer(self, request: Request, pk: str) -> Response:
        """减签: another signer of my step who has not decided no longer signs; answers with their (cancelled) task.
        Refused (403) in 依次, for oneself, one who decided, the last signer left."""
        task = self._allowed(self._task(pk), "remove_signer")
        body = s.TaskRemoveSignerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        removed = remove_signer_task(task.pk, self.official, body.validated_data["signer_task"],
                                     body.validated_data["reason"])
        return self._task_now(removed.pk)

    @extend_schema(request=s.TaskResolveSerializer, responses={200: s.TaskSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        """The delegate's opinion: the task goes back to whoever delegated it."""
        task = self._allowed(self._task(pk), "resolve")
        body = s.TaskResolveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        resolve_task(task.pk, self.official, body.validated_data["opinion"])
        return self._task_now(task.pk)

    @extend_schema(
        request=s.TaskCompleteSerializer,
        responses={200: s.TaskSerializer, **TASK_WRITE_ERRORS,
                   400: OpenApiResponse(s.TaskFormErrorSerializer, description="form errors or engine refusal")},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        """Complete with the task form's fields (the same form as the task page); a second completion gets 409."""
        task = self._task(pk)
        step = service_step(task)
        if step is not None:  # e.g. the written appeal, filed with its files through its own endpoint
            raise InvalidInput(" ".join(str(part) for part in (step.notice, step.api_link(task.instance)) if part))
        body = s.TaskCompleteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = task_form(task, body.validated_data["data"])
        if not form.is_valid():
            return Response({"detail": "表单有误", "errors": form.errors},
                            status=status.HTTP_400_BAD_REQUEST)
        complete_task(task.pk, self.official, form.payload())
        return self._task_now(task.pk)

    def _visible(self, pk: str) -> HumanTask:
        task = self._task(pk)
        if not task_visible_to(task, self.official):
            raise PermissionDenied()
        return task

    @extend_schema(methods=["GET"], request=None, responses={200: s.TaskCommentSerializer(many=True)})
    @extend_schema(methods=["POST"], request=s.TaskCommentSerializer,
                   responses={201: s.TaskCommentSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def comments(self, request: Request, pk: str) -> Response:
        """备注: the task's comments, oldest first; POST adds one (whoever acts or acted on the task)."""
        task = self._visible(pk)
        if request.method == "GET":
            return Response(s.TaskCommentSerializer(task_comments(task), many=True).data)
        self._allowed(task, "comment")
        body = s.TaskCommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = add_comment(task.pk, self.official, body.validated_data["text"])
        return Response(s.TaskCommentSerializer(comment).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses={200: s.TaskAttachmentSerializer(many=True)})
    @extend_schema(methods=["POST"], request={"multipart/form-data": s.TaskAttachmentUploadSerializer},
                   responses={201: s.TaskAttachmentSerializer, **TASK_WRITE_ERRORS})
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser], pagination_class=None)
    def attachments(self, request: Request, pk: str) -> Response:
        """附件: the task's files (download through the case-checked link); POST (multipart `file`) adds one."""
        task = self._visible(pk)
        if request.method == "GET":
            return Response(s.TaskAttachmentSerializer(task_attachments(task), many=True).data)
        self._allowed(task, "comment")
        attachment = add_attachment(task.pk, self.official, request.FILES.get("file"))
        return Response(s.TaskAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.BulkApproveSerializer, responses={200: s.BulkOutcomeSerializer(many=True),
                                                                400: s.ErrorSerializer})
    @action(detail=False, methods=["post"], url_path="bulk-approve", pagination_class=None)
    def bulk_approve(self, request: Request) -> Response:
        """批量同意: approve each task (one transaction each); per task, done or refused with the reason."""
        body = s.BulkApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        outcomes = bulk_approve(body.validated_data["task_ids"], self.official, body.validated_data["opinion"])
        return Response(s.BulkOutcomeSerializer(outcomes, many=True).data)
