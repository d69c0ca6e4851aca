"""诫勉教育 / 效能告诫 / 申辩 as a process family: what the generic pages, API and deploy need, registered once."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from workflows.discipline.access import can_see_ledger, handles_discipline
from workflows.discipline.charts import sanctions_and_appeals
from workflows.discipline.deadlines import APPEAL_WINDOW
from workflows.discipline.definitions import deploy_discipline_processes
from workflows.discipline.demo import seed_discipline_demo
from workflows.discipline.forms import (
    AppealDecisionForm,
    ComplaintReplyForm,
    DeliveryForm,
    InvestigationForm,
    NotificationFilingForm,
    SanctionDecisionForm,
    TalkForm,
)
from workflows.discipline.handlers import SERVICES
from workflows.discipline.privacy import complaint_as_seen_by
from workflows.discipline.selectors import case_of_instance, complaint_of_instance
from workflows.runtime.registry import CaseRecord, NavEntry, ProcessFamily, ServiceCompletedStep


def _appeal_form_link(instance) -> str | None:
    case = case_of_instance(instance)
    return f"{reverse('case_detail', args=[case.pk])}#appeal" if case else None


def _appeal_api_link(instance) -> str | None:
    case = case_of_instance(instance)
    return reverse("api:case-appeal", args=[case.pk]) if case else None


def _seed_demo() -> list[str]:
    case = seed_discipline_demo()
    return [f"李四的《诫勉教育书》{case.number} 已送达，申辩期限至 {case.appeal_deadline}："
            f"{reverse('case_detail', args=[case.pk])}"]


DISCIPLINE_FAMILY = ProcessFamily(
    name="discipline",
    label=_("Discipline"),
    process_keys=("complaint", "sanction"),
    # What services.file_complaint / open_case put in the start data, so the deploy check (engine.checks) covers
    # the complaint's decision duty_rule_measure: its inputs are set by the rule task's preScript, not by start data.
    start_variables={
        "complaint": ("complaint_id", "complaint_number", "source", "summary", "target_kind", "target_window_id",
                      "target_official_id"),
        "sanction": ("case_id", "case_number", "target_kind", "target_official_id", "target_window_id",
                     "deciding_role", "proposed_measure", "rule_code", "rule_text", "facts", "origin"),
    },
    task_forms={
        "investigation": InvestigationForm,
        "complaint_reply": ComplaintReplyForm,
        "sanction_decision": SanctionDecisionForm,
        "talk": TalkForm,
        "delivery": DeliveryForm,
        "notification_filing": NotificationFilingForm,
        "appeal_decision": AppealDecisionForm,
    },
    # The written appeal (text and files, services.file_appeal) is filed on the case page or its API.
    service_completed={
        "appeal": ServiceCompletedStep(
            notice=_("A written appeal is filed, with its attachments, on the case page."),
            link_label=_("Go to the appeal form"),
            link=_appeal_form_link,
            api_link=_appeal_api_link,
        ),
    },
    records={
        "complaint": CaseRecord("complaint", complaint_of_instance, "partials/complaint_summary.html",
                                for_reader=lambda complaint, reader: {"seen": complaint_as_seen_by(complaint, reader)}),
        "sanction": CaseRecord("sanction_case", case_of_instance, "partials/sanction_summary.html"),
    },
    action_labels={
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
        "appeal_filed": _("Appeal filed"),
        "appeal_waived": _("Appeal waived"),
        "escalation_basis_revoked": _("Warning proposal lost its basis"),
        "violation_recorded": _("Violation record handed over"),
        "violation_case_opened": _("Case opened for a violation record"),
    },
    outcome_labels={
        "sanction": _("Sanction decided"),
        "dismiss": _("Dismissed"),
        "uphold": _("Upheld"),
        "revoke": _("Revoked"),
        "appealed": _("Appeal filed"),
        "waived": _("Appeal waived"),
    },
    navigation=(
        NavEntry(_("Discipline cases"), "case_list", active_on=("case_detail",)),
        NavEntry(_("Complaints"), "complaint_list", active_on=("complaint_new",),
                 visible_to=lambda user, official: handles_discipline(official)),
        NavEntry(_("Violation records"), "violation_list",
                 visible_to=lambda user, official: handles_discipline(official)),
        NavEntry(_("Ledger"), "ledger", visible_to=can_see_ledger),
    ),
    services=SERVICES,
    page_urls="webapp.families.discipline.urls",
    api_routes="webapp.families.discipline.api_urls",
    deploy=deploy_discipline_processes,
    seed_demo=_seed_demo,
    charts=sanctions_and_appeals,  # monitoring (workflows.runtime.charts)
    stored_deadlines=APPEAL_WINDOW,
)
