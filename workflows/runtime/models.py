"""Definitions, instances, the human-task index and the append-only audit log.

The inbox reads HumanTask rows only; serialized workflow state is opened by the write
services (one transaction per write) and never by a page that lists things.
"""

import os
import uuid

from django.db import models
from django.db.models import Q

from workflows.org.models import Department, Official, Window
from workflows.runtime.json import Utf8JSONEncoder


class ProcessDefinition(models.Model):
    """A deployed version of a process: immutable once saved (a change is a new version)."""

    key = models.CharField(max_length=100)
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    sources = models.JSONField(encoder=Utf8JSONEncoder, help_text="{filename: BPMN/DMN text}")
    checksum = models.CharField(max_length=64)
    deployed_at = models.DateTimeField()
    deployed_by = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="definition_key_version")]
        ordering = ["key", "-version"]
        verbose_name = verbose_name_plural = "流程定义"

    def __str__(self) -> str:
        return f"{self.name}（第{self.version}版）"


class ProcessInstance(models.Model):
    RUNNING = "running"
    COMPLETED = "completed"
    ERRORED = "errored"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"  # 终止 by the centre administrator (monitoring)
    STATUSES = [(RUNNING, "运行中"), (COMPLETED, "已结束"), (ERRORED, "出错"), (WITHDRAWN, "已撤回"),
                (CANCELLED, "已终止")]

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="instances")
    business_key = models.CharField(max_length=100, db_index=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=RUNNING)
    state = models.JSONField(encoder=Utf8JSONEncoder)
    revision = models.PositiveIntegerField(default=0)
    next_timer_at = models.DateTimeField(null=True, blank=True)
    end_event = models.CharField(max_length=100, blank=True)
    error_message = models.TextField(blank=True)
    error_element = models.CharField(max_length=100, blank=True)
    applicant = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_by = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_timer_at"], name="instance_timer_sweep"),
            # The instances list and its cursor: newest first, the id breaking ties.
            models.Index(fields=["-started_at", "-id"], name="instance_started"),
            # 我发起的: the cases an official started, and those about them as applicant, newest first.
            models.Index(fields=["started_by", "-started_at", "-id"], name="instance_started_by"),
            models.Index(fields=["applicant", "-started_at", "-id"], name="instance_applicant"),
        ]
        verbose_name = verbose_name_plural = "流程实例"

    def __str__(self) -> str:
        return f"{self.definition.name} {self.business_key}"


class HumanTask(models.Model):
    """The inbox index of a user task: who may act, by when, and how it ended."""

    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    STATES = [(OPEN, "待办"), (COMPLETED, "已办"), (CANCELLED, "已取消")]

    instance = models.ForeignKey(ProcessInstance, on_delete=models.PROTECT, related_name="tasks")
    engine_task_id = models.CharField(max_length=36)
    spec_name = models.CharField(max_length=100)
    title = models.CharField(max_length=200)
    form = models.CharField(max_length=50)
    role = models.CharField(max_length=40)
    scope = models.CharField(max_length=40)
    fallback_role = models.CharField(max_length=40, blank=True)  # the definition's next tier, if it names one
    fallback_scope = models.CharField(max_length=40, blank=True)
    performer_of = models.CharField(max_length=100, blank=True)  # earlier step whose performer takes this one
    initiator_may_act = models.BooleanField(default=False)  # the definition lets the case's initiator act here
    escalated = models.BooleanField(default=False)  # nobody but the case's own people held the post: centre office
    assignment_note = models.CharField(max_length=200, blank=True)  # why the task is not with the rule's holders
    holders = models.ManyToManyField(Official, related_name="held_tasks", blank=True)
    candidates = models.ManyToManyField(Official, through="TaskCandidate", related_name="candidate_tasks", blank=True)
    assignee = models.ForeignKey(
        Official, null=True, blank=True, on_delete=models.PROTECT, related_name="assigned_tasks"
    )
    # Why the assignee holds the task: a manual move (transfer, delegation) is never undone by a re-resolution.
    BY_RULE = "rule"
    BY_CLAIM = "claim"
    BY_TRANSFER = "transfer"
    BY_DELEGATION = "delegation"
    BY_RETURN = "returned"
    BY_ADDED = "added"  # 加签: an official added as one more signer of a multi-approver step
    BY_TIMEOUT = "timeout"  # the step's timeout rule escalated it: `role`/`scope` are now the escalation's
    BY_SEND_BACK = "sent_back"  # 退回 to whoever did the step last
    BY_TAKE_BACK = "taken_back"  # 撤回 by whoever had completed it
    HELD_BY = [(BY_RULE, "按规则分派"), (BY_CLAIM, "认领"), (BY_TRANSFER, "转办"), (BY_DELEGATION, "委派"),
               (BY_RETURN, "委派交回"), (BY_ADDED, "加签"), (BY_TIMEOUT, "超时升级"), (BY_SEND_BACK, "退回"),
               (BY_TAKE_BACK, "撤回")]
    MANUAL = (BY_TRANSFER, BY_DELEGATION, BY_RETURN, BY_ADDED, BY_SEND_BACK, BY_TAKE_BACK)
    held_by = models.CharField(max_length=12, choices=HELD_BY, default=BY_RULE)
    # The row this one came from: for an added signer, the task of the official who added them.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # 会签 "all" / 或签 "any" / 依次 "sequential" when the task is one signer of a multi-approver step, else "".
    approval_mode = models.CharField(max_length=12, blank=True, default="")
    delegator = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    delegation_note = models.CharField(max_length=500, blank=True)  # what the delegator asked the delegate
    delegate_opinion = models.TextField(blank=True)  # what the delegate answered, shown to the delegator
    due_at = models.DateTimeField(null=True, blank=True)
    due_working_days = models.PositiveSmallIntegerField(null=True, blank=True)  # lets a calendar change move due_at
    # The step's timeout rule, copied when the row is created (a sent-back step's new row counts afresh), and the
    # deadline watch's markers (services.deadlines). Each marker is set once, in the transaction that sends the
    # notice or takes the action, so a notice or action happens once whatever the number of sweepers; the watch's
    # queries read the partial indexes below (open rows whose marker is still empty), never the closed rows.
    TIMEOUT_ACTIONS = [("remind", "超时提醒"), ("approve", "超时自动同意"), ("reject", "超时自动不同意"),
                       ("escalate", "超时升级")]
    timeout_at = models.DateTimeField(null=True, blank=True)
    timeout_working_days = models.PositiveSmallIntegerField(null=True, blank=True)  # a calendar change moves it
    timeout_action = models.CharField(max_length=10, choices=TIMEOUT_ACTIONS, blank=True)
    escalate_role = models.CharField(max_length=40, blank=True)
    escalate_scope = models.CharField(max_length=40, blank=True)
    timeout_done_at = models.DateTimeField(null=True, blank=True)  # when the timeout rule acted
    deadline_notices = models.BooleanField(default=True)  # False: the step's own BPMN timers remind (no notices)
    due_soon_at = models.DateTimeField(null=True, blank=True)  # when two working days are left before due_at
    due_soon_notified_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=STATES, default=OPEN)
    outcome = models.CharField(max_length=50, blank=True)
    completed_by = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    applicant = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    case_number = models.CharField(max_length=100, db_index=True)
    process_key = models.CharField(max_length=100, default="")  # the definition's key: filters without a join
    # The definition's word on the approval opinion (意见): "always", "on_reject" (the default) or "never".
    opinion_required = models.CharField(max_length=10, default="on_reject")
    bulk_approve = models.BooleanField(default=False)  # the definition lets the inbox approve this step in bulk
    # The completer's signature image as it was when they completed the step: a stored file that is never replaced
    # (an official's new signature is a new file), and its SHA-256, so an old approval always shows the old image.
    signature_file = models.CharField(max_length=255, blank=True)
    signature_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["instance", "engine_task_id"], name="task_per_engine_task"),
        ]
        # One index per inbox query, partial on the rows it reads: open tasks are a small slice of a table that
        # keeps every closed task. The candidate look-up and the trigram text search are in migration 0005.
        indexes = [
            models.Index(fields=["state", "due_at"], name="task_state_due"),
            models.Index(fields=["assignee", "state"], name="task_assignee_state"),
            models.Index(fields=["assignee", "due_at", "id"], condition=Q(state="open"), name="task_open_assignee_due"),
            models.Index(fields=["due_at", "id"], condition=Q(state="open", assignee__isnull=True),
                         name="task_open_unclaimed_due"),
            models.Index(fields=["completed_by", "-completed_at", "-id"], condition=Q(state="completed"),
                         name="task_done_by"),
            # The process filter on the my-tasks and done tabs (claimable: the candidate index, TaskCandidate).
            models.Index(fields=["assignee", "process_key", "due_at", "id"], condition=Q(state="open"),
                         name="task_open_assignee_process"),
            models.Index(fields=["completed_by", "process_key", "-completed_at", "-id"], condition=Q(state="completed"),
                         name="task_done_by_process"),
            # The deadline watch (services.deadlines): one range per kind over the open rows still waiting for it.
            models.Index(fields=["timeout_at", "id"], condition=Q(state="open", timeout_done_at__isnull=True,
                                                                   timeout_at__isnull=False), name="task_open_timeout"),
            models.Index(fields=["due_soon_at", "id"], condition=Q(state="open", due_soon_notified_at__isnull=True,
                                                                    due_soon_at__isnull=False),
                         name="task_open_due_soon"),
            models.Index(fields=["due_at", "id"], condition=Q(state="open", overdue_notified_at__isnull=True,
                                                               deadline_notices=True, due_at__isnull=False),
                         name="task_open_overdue"),
        ]
        ordering = ["due_at", "id"]
        verbose_name = verbose_name_plural = "待办任务"

    def __str__(self) -> str:
        return f"{self.title}（{self.case_number}）"


class TaskCandidate(models.Model):
    """An official a task is offered to, with a copy of what the claimable tab filters and sorts on.

    Whether the task is open and unclaimed, and its due time, are copied here so that an official's claimable
    tasks are one range of the partial index `candidate_open_due` instead of a walk over every task they were
    ever a candidate for. The database keeps the copy true (triggers of workflows/runtime/candidate_copy.py):
    no code writes these two columns. The table is the one Django made for the plain many-to-many field.
    """

    humantask = models.ForeignKey(HumanTask, on_delete=models.CASCADE, related_name="candidate_rows")
    official = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="+")
    open_unclaimed = models.BooleanField(default=False)
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "runtime_humantask_candidates"
        unique_together = [("humantask", "official")]
        indexes = [
            # Who a task was ever offered to (instances_involving, may-act checks).
            models.Index(fields=["official", "humantask"], name="candidate_official_task"),
            models.Index(fields=["official", "due_at", "humantask"], condition=Q(open_unclaimed=True),
                         name="candidate_open_due"),
        ]


class AuditEvent(models.Model):
    """Append-only history: nothing in the code updates or deletes these rows, and the database refuses to
    (triggers from migration 0003, workflows/runtime/append_only.py)."""

    instance = models.ForeignKey(ProcessInstance, null=True, blank=True, on_delete=models.PROTECT, related_name="audit")
    task = models.ForeignKey(HumanTask, null=True, blank=True, on_delete=models.PROTECT, related_name="audit")
    actor = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=50)
    message = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True, encoder=Utf8JSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=Utf8JSONEncoder)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "操作记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} 操作记录"


class Notification(models.Model):
    """A message for one official (e.g. a deadline reminder); it stays unread until they open it."""

    recipient = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="notifications")
    instance = models.ForeignKey(ProcessInstance, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(HumanTask, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    message = models.TextField()
    kind = models.CharField(max_length=20, blank=True)  # e.g. "task", "copy", "urge"; "" for a family's notice
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    TASK, COPY, URGE, RETURN = "task", "copy", "urge", "return"
    DUE_SOON, OVERDUE, TIMEOUT = "due_soon", "overdue", "timeout"  # the deadline watch's (services.deadlines)

    class Meta:
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "通知"

    def __str__(self) -> str:
        return self.message[:50]


class StartSchedule(models.Model):
    """When a deployed definition's timer start event next starts an instance by itself (see
    workflows.runtime.services.scheduled_starts). One row per timer start event of a version; deploying a new
    version of the key stops the old rows (`active=False`), so only the latest version starts instances."""

    definition = models.ForeignKey(ProcessDefinition, on_delete=models.PROTECT, related_name="start_schedules")
    element_id = models.CharField(max_length=100)
    next_due_at = models.DateTimeField(null=True, blank=True)  # None once the schedule has no more due times
    remaining = models.IntegerField()  # starts after the next one; -1 without end
    period = models.CharField(max_length=50, blank=True)  # ISO 8601 duration between starts; "" for one start
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["definition", "element_id"], name="schedule_per_start_event"),
        ]
        indexes = [models.Index(fields=["active", "next_due_at"], name="start_schedule_due")]
        verbose_name = verbose_name_plural = "定时启动计划"

    def __str__(self) -> str:
        return f"{self.definition} {self.element_id}"


from workflows.runtime.event_models import MessageStart, WaitingEvent  # noqa: E402, F401 — registers them with the app


class CaseCopy(models.Model):
    """A case copied (抄送) to an official for their information: ad hoc by someone who may see the case, or by
    a `runtime.copy_to` step of the definition (`copied_by` empty). Unread until the recipient opens the case."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.PROTECT, related_name="copies")
    recipient = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="case_copies")
    copied_by = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    copied_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # 抄送我的: the recipient's copies, newest first; the unread ones are a partial index of their own.
            models.Index(fields=["recipient", "-copied_at", "-id"], name="copy_recipient_latest"),
            models.Index(fields=["recipient", "instance"], condition=Q(read_at__isnull=True),
                         name="copy_recipient_unread"),
        ]
        ordering = ["-copied_at", "-id"]
        verbose_name = verbose_name_plural = "抄送"

    def __str__(self) -> str:
        return f"抄送 {self.instance_id} → {self.recipient_id}"


class SendBack(models.Model):
    """A 退回: the step `sender` sent the case back to the earlier step `target_spec`, opened again as `returned_to`
    for the official who did it last; the reason is shown to them on the task page and in the inbox."""

    instance = models.ForeignKey(ProcessInstance, on_delete=models.PROTECT, related_name="send_backs")
    sender = models.ForeignKey(HumanTask, on_delete=models.PROTECT, related_name="+")
    target_spec = models.CharField(max_length=100)
    returned_to = models.OneToOneField(HumanTask, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="send_back")
    reason = models.CharField(max_length=500)
    actor = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    resubmitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "退回"

    def __str__(self) -> str:
        return f"退回 {self.instance_id} → {self.target_spec}"


def _attachment_path(attachment: "TaskAttachment", filename: str) -> str:
    """Under the case's folder, in a folder of its own so two files of the same name never meet."""
    task = attachment.task
    return f"cases/{task.instance_id}/tasks/{task.pk}/{uuid.uuid4().hex}/{os.path.basename(filename)}"


class TaskComment(models.Model):
    """A remark an official adds to a task (办理意见以外的备注): kept beside the workflow, never in its state."""

    task = models.ForeignKey(HumanTask, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["task", "at"], name="task_comment_at")]
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "任务备注"


class TaskAttachment(models.Model):
    """A file attached to a task, stored through Django's storage API and served only to who may see the case."""

    task = models.ForeignKey(HumanTask, on_delete=models.PROTECT, related_name="attachments")
    author = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to=_attachment_path, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["task", "at"], name="task_attachment_at")]
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = "任务附件"


from workflows.runtime.draft_models import DefinitionDraft  # noqa: E402, F401 — registers it with the app
from workflows.runtime.version_models import ActiveVersion  # noqa: E402, F401 — registers it with the app
