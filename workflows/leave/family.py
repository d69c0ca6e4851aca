"""请销假 as a process family: everything the generic pages, API and deploy need, registered once."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.leave.charts import leave_days_per_window
from workflows.leave.deadlines import REPORT_BACK
from workflows.leave.demo import seed_leave_demo
from workflows.leave.forms import ConfirmSubstituteForm, ReportBackForm
from workflows.leave.handlers import SERVICES
from workflows.leave.selectors import leave_request_of_instance
from workflows.leave.services import LEAVE_PROCESS, mark_cancelled, mark_withdrawn
from workflows.runtime.registry import CaseRecord, NavEntry, ProcessFamily
from workflows.runtime.services.definitions import deploy_from_files


def _seed_demo() -> list[str]:
    request = seed_leave_demo()
    return [f"孙七的请假 {request.case_number}（{request.first_day}）期满未销假，已记旷工并移送中心办公室："
            f"{reverse('violation_list')}"]


def deploy_leave_process(rule_set: str | None = None) -> list:
    """Deploy the leave process with one of the shipped routing rule sets (bpmn/leave_route_<rule_set>.dmn)."""
    bpmn = settings.GOVFLOW_BPMN_DIR
    rule_set = rule_set or settings.GOVFLOW_LEAVE_RULE_SET
    return [deploy_from_files(LEAVE_PROCESS, [bpmn / "leave_approval.bpmn", bpmn / f"leave_route_{rule_set}.dmn"])]


LEAVE_FAMILY = ProcessFamily(
    name="leave",
    label=_("Leave"),
    process_keys=(LEAVE_PROCESS,),
    # What services.submit_leave's start data carries: the route decision reads leave_type, days, window_staff_count.
    start_variables={LEAVE_PROCESS: (
        "leave_request_id", "applicant_id", "applicant_name", "department_id", "window_id", "window_staff_count",
        "leave_type", "days", "first_day", "last_day", "starts_at", "reason", "proposed_substitute_id",
        "has_sick_certificate")},
    task_forms={"confirm_substitute": ConfirmSubstituteForm, "report_back": ReportBackForm},
    records={LEAVE_PROCESS: CaseRecord("leave", leave_request_of_instance, "partials/leave_summary.html",
                                         on_withdrawn=mark_withdrawn, on_cancelled=mark_cancelled)},
    action_labels={
        "leave_approved": _("Leave approved"),
        "leave_rejected": _("Leave rejected"),
        "leave_returned": _("Reported back"),
        "absence_recorded": _("Absence recorded"),
        "leave_sent_back": _("Leave request sent back"),
        "leave_withdrawn": _("Leave request withdrawn"),
        "leave_cancelled": _("Leave request ended by the centre administrator"),
        "leave_report_back_reminded": _("Report-back reminder sent"),
    },
    outcome_labels={"True": _("Confirmed"), "False": _("Not confirmed")},
    navigation=(
        NavEntry(_("My leave"), "leave_list", active_on=("leave_detail",)),
        NavEntry(_("New leave request"), "leave_new"),
    ),
    services=SERVICES,
    page_urls="webapp.families.leave.urls",
    api_routes="webapp.families.leave.api",
    deploy=deploy_leave_process,
    stored_deadlines=REPORT_BACK,
    seed_demo=_seed_demo,
    charts=leave_days_per_window,  # monitoring (workflows.runtime.charts)
)
