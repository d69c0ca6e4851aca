"""事项办理 as a process family: its catalogue pages, API and demo items, and the 否定报备 process."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.applications import application_forms as forms
from workflows.applications import clock
from workflows.applications.access import (
    can_edit_catalogue,
    can_receive_applications,
    can_see_board,
    can_see_refusal_register,
    has_department,
)
from workflows.applications.application_demo import seed_demo_applications
from workflows.applications.application_process import SERVICES as APPLICATION_SERVICES
from workflows.applications.application_process import deploy_application
from workflows.applications.charts import applications_by_kind
from workflows.applications.deadlines import APPLICATION_DEADLINES
from workflows.applications.demo import seed_demo_catalogue, seed_demo_joint_review
from workflows.applications.intake import APPLICATION_PROCESS
from workflows.applications.joint import JOINT_REVIEW_PROCESS
from workflows.applications.joint_forms import TASK_FORMS as JOINT_TASK_FORMS
from workflows.applications.joint_process import SERVICES as JOINT_SERVICES
from workflows.applications.joint_process import deploy_joint_review, joint_reading
from workflows.applications.refusal_forms import RefusalDecisionForm
from workflows.applications.rejection_report import (
    REJECTION_REPORT_PROCESS,
    SERVICES,
    deploy_rejection_report,
    refusal_of_instance,
)
from workflows.applications.selectors import application_of_instance, rating_of
from workflows.runtime.registry import CaseRecord, NavEntry, ProcessFamily


def _seed_demo() -> list[str]:
    items = seed_demo_catalogue()
    applications = seed_demo_applications()
    return [f"服务事项目录：{len(items)} 个演示事项：{reverse('service_item_list')}",
            f"演示办件：{len(applications)} 件（承诺件、待补正材料、上报暂停），收件：{reverse('application_new')}",
            *seed_demo_joint_review()]


def _deploy() -> list:
    """The application process deploys with the joint_review process its call activity names; joint_review is also
    deployed on its own, so a joint review can run for a case received before the application process existed."""
    return [*deploy_rejection_report(), *deploy_application(), *deploy_joint_review()]


def _application_for_reader(application, reader) -> dict:
    """The clock as of now, its history, materials, notices and rating: what the case page shows of an application."""
    return {"application_clock": clock.view(application), "application_entries": clock.entries(application),
            "application_materials": application.materials.select_related("material"),
            "application_notices": application.notices.all(), "application_rating": rating_of(application),
            **(joint_reading(application, reader) if application.kind == application.item.JOINT else {})}


APPLICATIONS_FAMILY = ProcessFamily(
    name="applications",
    label=_("Applications"),
    process_keys=(REJECTION_REPORT_PROCESS, APPLICATION_PROCESS, JOINT_REVIEW_PROCESS),
    task_forms={
        "refusal_decision": RefusalDecisionForm,
        "materials_arrived": forms.MaterialsArrivedForm,
        "application_decision": forms.DecisionForm,
        "application_handling": forms.HandlingForm,
        "special_case_approval": forms.YesNoOpinionForm,
        "extension_approval": forms.ExtensionApprovalForm,
        "higher_authority_answer": forms.HigherAuthorityAnswerForm,
        "supplement_arrived": forms.NoteForm,
        "special_procedure_end": forms.NoteForm,
        "result_issued": forms.ResultIssuedForm,
        "rectification": forms.RectificationForm,
        **JOINT_TASK_FORMS,
    },
    records={
        REJECTION_REPORT_PROCESS: CaseRecord("refusal", refusal_of_instance, "partials/refusal_summary.html"),
        APPLICATION_PROCESS: CaseRecord("application", application_of_instance, "partials/application_summary.html",
                                        for_reader=_application_for_reader),
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
        "application_received": _("Application received"),
        "application_accepted": _("Application accepted"),
        "application_supplement_requested": _("Supplementary materials requested"),
        "application_materials_arrived": _("Materials arrived"),
        "application_clock_paused": _("Case clock paused"),
        "application_clock_resumed": _("Case clock resumed"),
        "application_extension_requested": _("Extension requested"),
        "application_extension_refused": _("Extension refused"),
        "application_extended": _("Time limit extended"),
        "application_decided": _("Application decided"),
        "application_result_issued": _("Result issued"),
        "application_overdue": _("Application overdue"),
        "application_reminder_sent": _("Reminder sent"),
        "application_rated": _("Application rated"),
        "application_rectified": _("Bad rating answered"),
        "joint_co_departments_informed": _("Co-departments informed"),
        "joint_co_review_answered": _("Co-department answered"),
        "joint_co_review_deemed_consent": _("Co-department deemed to consent"),
        "joint_co_review_overdue": _("Co-department overdue"),
        "joint_meeting_recorded": _("Joint meeting recorded"),
        "joint_review_concluded": _("Joint review concluded by the lead department"),
        "application_looked_up": _("Looked up by the applicant"),
    },
    navigation=(
        NavEntry(_("Service items"), "service_item_list", active_on=("service_item_new", "service_item_edit"),
                 visible_to=can_edit_catalogue),
        NavEntry(_("Refusal register"), "refusal_register", visible_to=can_see_refusal_register),
        NavEntry(_("Receive an application"), "application_new", visible_to=can_receive_applications),
        NavEntry(_("Propose a refusal"), "refusal_propose"),
        NavEntry(_("Application board"), "application_board", active_on=("application_receipt",),
                 visible_to=can_see_board),
        NavEntry(_("Department applications"), "department_applications", visible_to=has_department),
    ),
    public_links=(NavEntry(_("Look up your case"), "application_lookup"),),
    page_urls="webapp.families.applications.urls",
    api_routes="webapp.families.applications.api_urls",
    services={**SERVICES, **APPLICATION_SERVICES, **JOINT_SERVICES},
    deploy=_deploy,
    seed_demo=_seed_demo,
    charts=applications_by_kind,  # monitoring (workflows.runtime.charts)
    stored_deadlines=APPLICATION_DEADLINES,
)
