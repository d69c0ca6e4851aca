"""What every process shares, registered like a family: the generic task forms and the runtime's own audit actions.

Registering them through the same door means the form-key check at deploy, the task pages and the timeline
labels see one list, whichever family a definition belongs to.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from workflows.org.selectors import may_read_org
from workflows.runtime.forms import AcknowledgeForm, ApprovalForm
from workflows.runtime.registry import NavEntry, ProcessFamily
from workflows.runtime.services.copies import copy_to

COMMON = ProcessFamily(
    name="common",
    label=_("All processes"),
    process_keys=(),
    task_forms={"approval": ApprovalForm, "acknowledge": AcknowledgeForm, "generic": AcknowledgeForm},
    action_labels={
        "definition_deployed": _("Definition deployed"),
        "definition_draft_saved": _("Definition draft saved"),
        "definition_activated": _("Definition version made active"),
        "instance_started": _("Process started"),
        "instance_completed": _("Process ended"),
        "instance_errored": _("Process error"),
        "instance_retried": _("Process retried"),
        "timers_fired": _("Timer fired"),
        "script_print": _("Script output"),
        "start_schedule_set": _("Start schedule set"),
        "start_schedule_stopped": _("Start schedule replaced by a new version"),
        "scheduled_start": _("Started on schedule"),
        "scheduled_start_failed": _("Scheduled start refused"),
        "task_created": _("Task created"),
        "task_substituted": _("Handled by B post"),
        "task_claimed": _("Task claimed"),
        "task_unclaimed": _("Task put back to the role's pool"),
        "task_transferred": _("Task transferred"),
        "task_delegated": _("Task delegated"),
        "task_delegation_returned": _("Delegated task returned"),
        "task_signer_added": _("Signer added"),
        "task_signer_removed": _("Signer removed"),
        "task_completed": _("Task completed"),
        "task_cancelled": _("Task cancelled"),
        "task_reassigned": _("Task reassigned"),
        "task_post_vacant": _("Post vacant, task kept"),
        "post_changed": _("Post changed"),
        "task_fallback": _("Passed to the next tier"),
        "task_escalated": _("Escalated to the centre office"),
        "deadline_moved": _("Deadline moved by a calendar change"),
        "calendar_override_saved": _("Calendar override saved"),
        "calendar_override_deleted": _("Calendar override removed"),
        "message_delivered": _("Message received"),
        "message_refused": _("Message refused"),
        "signal_delivered": _("Signal received"),
        "signal_refused": _("Signal refused"),
        "case_copied": _("Copied"),
        "task_urged": _("Urged"),
        "task_vacant_escalated": _("Post vacant, passed to the centre office"),
        "task_due_soon": _("Deadline in two working days"),
        "task_overdue": _("Overdue"),
        "task_timeout_reminded": _("Timed out: holders reminded"),
        "task_timeout_approved": _("Timed out: approved automatically"),
        "task_timeout_rejected": _("Timed out: rejected automatically"),
        "task_timeout_escalated": _("Timed out: escalated"),
        "task_sent_back": _("Sent back"),
        "task_resubmitted": _("Resubmitted after a send-back"),
        "task_taken_back": _("Taken back"),
        "instance_withdrawn": _("Withdrawn by the initiator"),
        "task_commented": _("Comment added"),
        "task_attachment_added": _("File attached"),
        "signature_changed": _("Signature changed"),
        "org_changed": _("Org chart changed"),
        "instance_migrated": _("Moved to another version"),
        "instance_cancelled": _("Cancelled by the centre administrator"),
    },
    navigation=(  # the centre's calendar (everyone) and org chart (office, admins, leaders): webapp/views/org.py
        NavEntry(_("Calendar"), "calendar"),
        NavEntry(_("Org chart"), "org_chart", active_on=("org_official", "org_history"), visible_to=may_read_org),
    ),
    services={"runtime.copy_to": copy_to},  # 抄送 as a step of any definition (docs/copy-and-urge.md)
    outcome_labels={
        "approve": _("Approved"),
        "reject": _("Rejected"),
        "done": _("Done"),
        "sent_back": _("Sent back"),
    },
)
