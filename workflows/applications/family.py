"""事项办理 as a process family: its catalogue pages, API and demo items, and the 否定报备 process."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.applications.access import can_edit_catalogue, can_see_board, can_see_refusal_register, has_department
from workflows.applications.demo import seed_demo_catalogue
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
    return [f"服务事项目录：{len(items)} 个演示事项：{reverse('service_item_list')}"]


APPLICATIONS_FAMILY = ProcessFamily(
    name="applications",
    label=_("Applications"),
    process_keys=(REJECTION_REPORT_PROCESS,),
    task_forms={"refusal_decision": RefusalDecisionForm},
    records={REJECTION_REPORT_PROCESS: CaseRecord("refusal", refusal_of_instance, "partials/refusal_summary.html")},
    action_labels={
        "service_item_created": _("Service item created"),
        "service_item_changed": _("Service item changed"),
        "refusal_proposed": _("Refusal proposed"),
        "refusal_agreed": _("Refusal agreed by a centre leader"),
        "refusal_withdrawn": _("Refusal withdrawn"),
        "refusal_registered": _("Refusal registered"),
        "refusal_materials_returned": _("Materials returned"),
        "application_looked_up": _("Looked up by the applicant"),
    },
    navigation=(
        NavEntry(_("Service items"), "service_item_list", active_on=("service_item_new", "service_item_edit"),
                 visible_to=can_edit_catalogue),
        NavEntry(_("Refusal register"), "refusal_register", visible_to=can_see_refusal_register),
        NavEntry(_("Propose a refusal"), "refusal_propose"),
        NavEntry(_("Application board"), "application_board", active_on=("application_receipt",),
                 visible_to=can_see_board),
        NavEntry(_("Department applications"), "department_applications", visible_to=has_department),
    ),
    public_links=(NavEntry(_("Look up your case"), "application_lookup"),),
    page_urls="webapp.families.applications.urls",
    api_routes="webapp.families.applications.api_urls",
    services=SERVICES,
    deploy=deploy_rejection_report,
    seed_demo=_seed_demo,
)
