"""Service tasks of bpmn/complaint.bpmn and bpmn/sanction.bpmn (see docs/discipline-contract.md).

They run inside the engine step, in the instance's write transaction; an exception marks the
instance errored with the message, for an administrator to fix and retry.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from workflows.discipline.issuing import issue_reply_letter, issue_sanction_letter
from workflows.discipline.letters import chinese_date
from workflows.discipline.models import Appeal, Complaint, SanctionCase
from workflows.discipline.privacy import masked
from workflows.discipline.rules import OFFICIAL, appeal_closes_at, appeal_deadline
from workflows.discipline.selectors import open_step, window_head
from workflows.discipline.services import flag_escalations_without_basis, open_case, open_escalation_if_due
from workflows.org.selectors import working_calendar
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.selectors import holders_of
from workflows.runtime.services.notifications import notify


def _completion(result: dict[str, Any]) -> tuple[int | None, datetime]:
    """Who completed the step that produced `result`, and when (the runner puts both into a task's result)."""
    at = result.get("completed_at")
    return result.get("completed_by"), datetime.fromisoformat(at) if at else now()


def _as_date(value: date | str | None) -> date | None:
    """Form dates arrive as dates (kept by the engine) or ISO text."""
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _complaint(complaint_id: int) -> Complaint:
    return Complaint.objects.select_related("target_official__window", "target_window", "instance").get(
        pk=complaint_id)


def _case(case_id: int) -> SanctionCase:
    related = ("target_official", "target_window", "department", "respondent", "rule", "instance", "origin_complaint")
    return SanctionCase.objects.select_related(*related).get(pk=case_id)


def _record_investigation(complaint: Complaint, context: dict[str, Any]) -> None:
    investigation = context.get("investigation") or {}
    complaint.founded = bool(investigation.get("founded"))
    complaint.findings = investigation.get("findings", "")
    complaint.duty_rule = investigation.get("duty_rule") or ""
    complaint.finding = investigation.get("finding") or ""
    complaint.occurrence = investigation.get("occurrence") if complaint.founded and complaint.finding else None
    complaint.status = Complaint.REPLYING
    complaint.save(update_fields=["founded", "findings", "duty_rule", "finding", "occurrence", "status"])


def open_case_from_complaint(context: dict[str, Any], complaint_id: int) -> dict:
    """Founded: open the case the rule table proposes, or else the investigator's own proposal."""
    complaint = _complaint(complaint_id)
    _record_investigation(complaint, context)
    investigation = context.get("investigation") or {}
    measure = context.get("measure") or investigation.get("proposed_measure") or ""
    if not measure:
        audit.record("complaint_founded", instance=complaint.instance,
                     message="投诉属实，未提出处理措施")
        return {"case_id": None}
    target_kind = context.get("measure_target") or investigation.get("target_kind") or complaint.target_kind
    rule_code = context.get("measure_rule_code") or investigation.get("rule_code") or ""
    if target_kind == OFFICIAL:
        official = complaint.target_official or window_head(complaint.target_window)
        window = None
    else:
        official, window = None, complaint.target_window
    facts = masked(complaint, complaint.findings or complaint.summary)  # letters and the ledger: privacy.py
    case = open_case(
        target_kind=target_kind, target_official=official, target_window=window, measure=measure,
        rule_code=rule_code, other_text="" if rule_code else facts,
        facts=facts, origin=SanctionCase.COMPLAINT, origin_complaint=complaint,
    )
    audit.record("sanction_case_opened", instance=complaint.instance,
                 message=f"已立案 {case.register_number}（{measure}）",
                 after={"case_id": case.pk, "measure": measure, "rule_code": rule_code})
    return {"case_id": case.pk, "case_number": case.register_number}


def record_complaint_reply(context: dict[str, Any], complaint_id: int) -> dict:
    """有诉必理、件件有着落: the answer given to the complainant closes the complaint."""
    complaint = _complaint(complaint_id)
    if complaint.founded is None:
        _record_investigation(complaint, context)
    complaint.reply = (context.get("reply") or {}).get("reply", "")
    complaint.replied_at = now()
    complaint.status = Complaint.ANSWERED
    complaint.save(update_fields=["reply", "replied_at", "status"])
    return {"status": complaint.status}


def _record_decision(case: SanctionCase, decision: dict[str, Any]) -> None:
    case.measure = decision.get("measure") or case.measure
    case.facts = decision.get("facts") or case.facts
    if case.origin_complaint is not None:  # the letter goes to the accused: no complainant in it
        case.facts = masked(case.origin_complaint, case.facts)
    case.decision_reason = decision.get("reason", "")
    case.decided_by_id, case.decided_at = _completion(decision)


def dismiss(context: dict[str, Any], case_id: int) -> dict:
    case = _case(case_id)
    _record_decision(case, context.get("decision") or {})
    case.status = SanctionCase.DISMISSED
    case.save(update_fields=["measure", "facts", "decision_reason", "decided_at", "decided_by", "status"])
    audit.record("sanction_dismissed", instance=case.instance, actor=case.decided_by,
                 message=f"不予处理：{case.decision_reason}")
    return {"status": case.status}


def issue_letter(context: dict[str, Any], case_id: int) -> dict:
    """The sanction takes effect: numbered letter stored with its hash, ledger entry, second-诫勉 rule."""
    case = _case(case_id)
    _record_decision(case, context.get("decision") or {})
    talk = context.get("talk") or {}
    case.talked_on = _as_date(talk.get("talked_on"))
    case.talk_record = talk.get("record", "")
    letter = issue_sanction_letter(case)
    case.number = letter.number
    case.issued_at = letter.issued_at
    case.year = letter.year
    case.status = SanctionCase.ISSUED
    case.save(update_fields=["measure", "facts", "decision_reason", "decided_at", "decided_by", "talked_on",
                             "talk_record", "number", "issued_at", "year", "status"])
    audit.record("sanction_issued", instance=case.instance, actor=case.decided_by, message=str(letter),
                 after={"number": letter.number, "measure": case.measure, "sha256": letter.sha256})
    proposal = open_escalation_if_due(case)
    return {"case_number": case.number, "letter_id": letter.pk,
            "escalation_case_id": proposal.pk if proposal else None}


def record_delivery(context: dict[str, Any], case_id: int) -> dict:
    """送达: the five working days to appeal run from here (第十一条)."""
    case = _case(case_id)
    case.delivered_on = _as_date((context.get("delivery") or {}).get("delivered_on"))
    calendar = working_calendar()
    case.appeal_deadline = appeal_deadline(calendar, case.delivered_on)
    case.status = SanctionCase.DELIVERED
    case.save(update_fields=["delivered_on", "appeal_deadline", "status"])
    audit.record("letter_delivered", instance=case.instance,
                 message=f"{case.number} 于{chinese_date(case.delivered_on)}送达，申辩期限至"
                         f"{chinese_date(case.appeal_deadline)}")
    return {"appeal_deadline": appeal_closes_at(calendar, case.delivered_on).isoformat()}


def record_filing(context: dict[str, Any], case_id: int) -> dict:
    """第四条、第八条: the department is told, the county efficiency office keeps a copy."""
    case = _case(case_id)
    filing = context.get("filing") or {}
    case.department_notified_on = _as_date(filing.get("department_notified_on"))
    case.filed_with_county_on = _as_date(filing.get("filed_with_county_on"))
    case.save(update_fields=["department_notified_on", "filed_with_county_on"])
    audit.record("sanction_filed", instance=case.instance, message=f"{case.number} 已通报并备案")
    return {"filed_with_county_on": case.filed_with_county_on.isoformat() if case.filed_with_county_on else None}


def remind_appeal_decider(context: dict[str, Any], case_id: int) -> dict:
    """Two working days before the 10-working-day limit: a notification the deciders see."""
    case = _case(case_id)
    task = open_step(case.instance, "decide_appeal")
    if task is None:
        return {"notified": 0}
    recipients = holders_of(task)
    due = case.appeal.due_on
    notify(recipients, f"{case.respondent.name}对{case.number}的书面申辩须于{chinese_date(due)}前作出复核决定",
                       task=task)
    audit.record("appeal_reminder_sent", task=task, message=f"已提醒 {len(recipients)} 人")
    return {"notified": len(recipients)}


def apply_appeal_decision(context: dict[str, Any], case_id: int) -> dict:
    """Written answer (《申辩答复书》); a revoked sanction stays in the ledger, marked, and stops counting."""
    case = _case(case_id)
    appeal = Appeal.objects.get(case=case)
    result = context.get("appeal_decision") or {}
    appeal.decision = result.get("decision", "")
    appeal.reasons = result.get("reasons", "")
    appeal.decided_by_id, appeal.decided_at = _completion(result)
    appeal.save(update_fields=["decision", "reasons", "decided_at", "decided_by"])
    letter = issue_reply_letter(case, appeal)
    if appeal.decision == Appeal.REVOKE:
        case.revoked = True
        case.revoked_at = appeal.decided_at
        case.revoked_reason = appeal.reasons
        case.save(update_fields=["revoked", "revoked_at", "revoked_reason"])
        audit.record("sanction_revoked", instance=case.instance, actor=appeal.decided_by,
                     message=f"{case.number} 经申辩撤销：{appeal.reasons}")
        flag_escalations_without_basis(case)
    audit.record("appeal_decided", instance=case.instance, actor=appeal.decided_by, message=str(letter),
                 after={"decision": appeal.decision, "number": letter.number, "sha256": letter.sha256})
    return {"decision": appeal.decision, "letter_id": letter.pk}


# Service-task operators the family's BPMN names (spiffworkflow:serviceTaskOperator).
SERVICES = {
    "discipline.open_case_from_complaint": open_case_from_complaint,
    "discipline.record_complaint_reply": record_complaint_reply,
    "discipline.dismiss": dismiss,
    "discipline.issue_letter": issue_letter,
    "discipline.record_delivery": record_delivery,
    "discipline.record_filing": record_filing,
    "discipline.remind_appeal_decider": remind_appeal_decider,
    "discipline.apply_appeal_decision": apply_appeal_decision,
}
