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
    "leave_approved": _("Leave approved"),
    "leave_rejected": _("Leave rejected"),
    "leave_returned": _("Reported back"),
    "absence_recorded": _("Absence recorded"),
}

OUTCOME_LABELS = {
    "approve": _("Approved"),
    "reject": _("Rejected"),
    "True": _("Confirmed"),
    "False": _("Not confirmed"),
    "done": _("Done"),
}
