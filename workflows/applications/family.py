"""事项办理 as a process family: its catalogue pages, API and demo items, and the 否定报备 and 联办件 processes."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.applications.access import can_edit_catalogue, can_see_refusal_register
from workflows.applications.demo import seed_demo_catalogue, seed_demo_joint_review
from workflows.applications.joint import JOINT_REVIEW_PROCESS
from workflows.applications.joint_deadlines import JOINT_REVIEW_DEADLINE
from workflows.applications.joint_forms import TASK_FORMS as JOINT_TASK_FORMS
from workflows.applications.joint_process import SERVICES as JOINT_SERVICES
from workflows.applications.joint_process import application_of_instance, deploy_joint_review, joint_reading
from workflows.applications.refusal_forms import RefusalDecisionForm
from workflows.applications.rejection_report import (
    REJECTION_REPORT_PROCESS,
    SERVICES,
    deploy_rejection_report,
    refusal_of_instance,
)
from workflows.runtime.registry import CaseRecord, NavEntry, ProcessFamily


def _seed_demo() -> list[str]:
    items = seed_demo_catalogue()
    return [f"服务事项目录：{len(items)} 个演示事项：{reverse('service_item_list')}", *seed_demo_joint_review()]


def _deploy() -> list:
    return [*deploy_rejection_report(), *deploy_joint_review()]


APPLICATIONS_FAMILY = ProcessFamily(
    name="applications",
    label=_("Applications"),
    process_keys=(REJECTION_REPORT_PROCESS, JOINT_REVIEW_PROCESS),
    task_forms={"refusal_decision": RefusalDecisionForm, **JOINT_TASK_FORMS},
    records={
        REJECTION_REPORT_PROCESS: CaseRecord("refusal", refusal_of_instance, "partials/refusal_summary.html"),
        JOINT_REVIEW_PROCESS: CaseRecord("application", application_of_instance, "partials/joint_review_summary.html",
                                         for_reader=joint_reading),
    },
    action_labels={
        "service_item_created": _("Service item created"),
        "service_item_changed": _("Service item changed"),
        "refusal_proposed": _("Refusal proposed"),
        "refusal_agreed": _("Refusal agreed by a centre leader"),
        "refusal_withdrawn": _("Refusal withdrawn"),
        "refusal_registered": _("Refusal registered"),
        "refusal_materials_returned": _("Materials returned"),
        "joint_co_departments_informed": _("Co-departments informed"),
        "joint_co_review_answered": _("Co-department answered"),
        "joint_co_review_deemed_consent": _("Co-department deemed to consent"),
        "joint_co_review_overdue": _("Co-department overdue"),
        "joint_meeting_recorded": _("Joint meeting recorded"),
        "joint_review_concluded": _("Joint review concluded by the lead department"),
    },
    navigation=(
        NavEntry(_("Service items"), "service_item_list", active_on=("service_item_new", "service_item_edit"),
                 visible_to=can_edit_catalogue),
        NavEntry(_("Refusal register"), "refusal_register", visible_to=can_see_refusal_register),
        NavEntry(_("Propose a refusal"), "refusal_propose"),
    ),
    page_urls="webapp.families.applications.urls",
    api_routes="webapp.families.applications.api_urls",
    services={**SERVICES, **JOINT_SERVICES},
    deploy=_deploy,
    stored_deadlines=JOINT_REVIEW_DEADLINE,
    seed_demo=_seed_demo,
)
