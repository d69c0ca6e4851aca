"""Display names for the codes stored in audit rows and task outcomes."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "definition_deployed": _("Definition deployed"),
    "instance_started": _("Process started"),
    "instance_completed": _("Process ended"),
    "instance_errored": _("Process error"),
    "instance_retried": _("Process retried"),
    "timers_fired": _("Timer fired"),
    "task_created": _("Task created"),
    "task_substituted": _("Handled by B post"),
    "task_claimed": _("Task claimed"),
    "task_completed": _("Task completed"),
    "task_cancelled": _("Task cancelled"),
    "task_reassigned": _("Task reassigned"),
    "task_fallback": _("Passed to the next tier"),
    "task_escalated": _("Escalated to the centre office"),
    "leave_approved": _("Leave approved"),
    "leave_rejected": _("Leave rejected"),
    "leave_returned": _("Reported back"),
    "absence_recorded": _("Absence recorded"),
    "complaint_founded": _("Complaint founded"),
    "sanction_case_opened": _("Case opened"),
    "sanction_dismissed": _("Case dismissed"),
    "sanction_issued": _("Letter issued"),
    "escalation_proposed": _("Warning proposed (second admonition)"),
    "letter_delivered": _("Letter delivered"),
    "sanction_filed": _("Notified and filed"),
    "appeal_reminder_sent": _("Appeal reminder sent"),
    "sanction_revoked": _("Sanction revoked"),
    "appeal_decided": _("Appeal decided"),
    "escalation_basis_revoked": _("Warning proposal lost its basis"),
    "task_post_vacant": _("Post vacant, task kept"),
    "post_changed": _("Post changed"),
}

OUTCOME_LABELS = {
    "approve": _("Approved"),
    "reject": _("Rejected"),
    "True": _("Confirmed"),
    "False": _("Not confirmed"),
    "done": _("Done"),
    "sanction": _("Sanction decided"),
    "dismiss": _("Dismissed"),
    "uphold": _("Upheld"),
    "revoke": _("Revoked"),
}
