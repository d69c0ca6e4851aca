"""The application process (bpmn/application.bpmn): deploying it and its service tasks.

The process decides the order of the steps (受理 or 补正, the kind's way of handling, 补正/特别程序/延时 loops, the
time-limit watch, 出件, 好差评); each service task here reads what a form put into the process data and calls the
rules in handling.py, clock.py and ratings.py. The task forms (application_forms.py) check their input before the
task completes, so a service task meets only input the rules accept.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from engine.time_limits import REPORTED, SPECIAL_PROCEDURE, SUPPLEMENT
from workflows.applications import clock, handling
from workflows.applications.intake import APPLICATION_PROCESS
from workflows.applications.models import Application
from workflows.applications.ratings import record_rectification
from workflows.org.models import Official
from workflows.org.selectors import working_calendar
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.models import HumanTask, ProcessDefinition
from workflows.runtime.selectors import holders_of
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.notifications import notify

JOINT_REVIEW_FILE = "joint_review.bpmn"  # the 联办件 process the call activity runs
RATING_DAYS = 10  # working days the applicant may rate after the result was issued; then the instance ends


def deploy_application(bpmn_dir: Path | None = None, deployed_by: Official | None = None,
                       joint_review: Path | None = None) -> list[ProcessDefinition]:
    """Deploy bpmn/application.bpmn with the joint_review process its call activity names (same folder unless
    given); an unchanged pair keeps its deployed version."""
    bpmn_dir = Path(bpmn_dir or settings.GOVFLOW_BPMN_DIR)
    files = [bpmn_dir / "application.bpmn", joint_review or bpmn_dir / JOINT_REVIEW_FILE]
    return [deploy_from_files(APPLICATION_PROCESS, files, deployed_by)]


def _application(application_id: int) -> Application:
    return handling.locked(application_id)


def _actor(answer: dict[str, Any]) -> Official | None:
    return Official.objects.filter(pk=answer.get("completed_by")).first()


def _clock(application: Application) -> dict[str, Any]:
    application.refresh_from_db()
    return clock.process_times(application)


def accept_application(context: dict[str, Any], application_id: int) -> dict:
    """Service task: 受理 with its 受理通知书; the result is the clock the handling steps read."""
    application = _application(application_id)
    handling.accept(application, actor=application.received_by)
    return _clock(application)


def issue_supplement_notice(context: dict[str, Any], application_id: int) -> dict:
    application = _application(application_id)
    handling.issue_supplement_notice(application, actor=application.received_by)
    return {"missing": len(handling.missing_materials(application))}


def record_arrived_materials(context: dict[str, Any], application_id: int) -> dict:
    answer = context.get("arrived_materials") or {}
    complete = handling.record_arrivals(_application(application_id), answer.get("material_ids") or [],
                                        official=_actor(answer))
    return {"complete": complete}


def record_handling_step(context: dict[str, Any], application_id: int) -> dict:
    """Service task after the handling task: a pause starts here; a decision or an extension request goes on."""
    answer = context.get("handling") or {}
    application = _application(application_id)
    action = answer.get("action")
    if action == "supplement":
        handling.pause(application, kind=SUPPLEMENT, official=_actor(answer), note=answer.get("requested", ""))
    elif action == "special_procedure":
        handling.pause(application, kind=SPECIAL_PROCEDURE, official=_actor(answer),
                       note=answer.get("procedure_reason", ""),
                       planned_end=date.fromisoformat(answer["planned_end"]))
    elif action == "extension":
        audit.record("application_extension_requested", actor=_actor(answer), instance=application.instance,
                     message=str(application), after={"days": answer.get("extension_days"),
                                                      "reason": answer.get("extension_reason")})
    return {"action": action, "planned_end_at": _planned_end_at(answer)}


def _planned_end_at(answer: dict[str, Any]) -> str | None:
    if not answer.get("planned_end"):
        return None
    return working_calendar().close_of(date.fromisoformat(answer["planned_end"])).isoformat()


def resume_clock(context: dict[str, Any], application_id: int, answered_in: str) -> dict:
    """Service task: the clock runs on (materials arrived, the higher authority answered, the procedure ended);
    `answered_in` names the task result that ended the pause (its official and note are recorded)."""
    application = _application(application_id)
    answer = context.get(answered_in) or {}
    note = str(answer.get("note") or "")
    if "approved" in answer:  # the higher authority's answer: its verdict is part of the record the handler reads
        note = f"上级机关{'同意' if answer['approved'] is True else '不同意'}：{note}"
    handling.resume(application, official=_actor(answer), note=note)
    return _clock(application)


def report_to_higher_authority(context: dict[str, Any], application_id: int) -> dict:
    """上报件: 上报件通知书 and the clock paused (上报审批) until the window enters the higher authority's answer."""
    application = _application(application_id)
    handling.pause(application, kind=REPORTED, official=application.received_by, note="报上级机关审批")
    return {"paused": True}


def record_extension(context: dict[str, Any], application_id: int) -> dict:
    """Service task after the centre leader's answer: approved → the clock is extended and the applicant told."""
    approval = context.get("extension_approval") or {}
    request = context.get("handling") or {}
    application = _application(application_id)
    if approval.get("approve") is True:
        handling.extend(application, days=int(request["extension_days"]), reason=request["extension_reason"],
                        requested_by=_actor(request), approved_by=_actor(approval))
    else:
        audit.record("application_extension_refused", actor=_actor(approval), instance=application.instance,
                     message=str(application), after={"opinion": approval.get("opinion", "")})
    return _clock(application)


def record_decision(context: dict[str, Any], application_id: int) -> dict:
    """The decision of the handler, the window (即办件), the higher authority's answer or the joint review.

    特办件: the centre leader's approval is part of it; a handler who decided before the leader approved (先办后批)
    is recorded so in the audit row and the process data; a leader who does not approve makes it 不予许可.
    """
    application = _application(application_id)
    kind = application.kind
    if kind == "joint":
        conclusion = context.get("joint_conclusion") or {}
        outcome = Application.APPROVED if conclusion.get("approved") is True else Application.NOT_APPROVED
        return _decided(application, outcome, str(conclusion.get("opinion") or ""), None, {"by": "joint_review"})
    answer = context.get("decision") or context.get("handling") or {}
    outcome, opinion = answer.get("decision"), str(answer.get("opinion") or "")
    detail: dict[str, Any] = {}
    if kind == "special":
        approval = context.get("special_approval") or {}
        detail = {"leader_approved": approval.get("approve"), "leader_opinion": approval.get("opinion", ""),
                  "handled_before_approval": bool(answer.get("completed_at", "") < approval.get("completed_at", ""))}
        if approval.get("approve") is not True:
            outcome, opinion = Application.NOT_APPROVED, str(approval.get("opinion") or opinion)
    return _decided(application, outcome, opinion, _actor(answer), detail)


def _decided(application: Application, outcome: str, opinion: str, official: Official | None,
             detail: dict[str, Any]) -> dict:
    handling.decide(application, outcome=outcome, opinion=opinion, official=official, detail=detail)
    return {"outcome": outcome, "opinion": opinion, **detail}


def record_result_issued(context: dict[str, Any], application_id: int) -> dict:
    """综合窗口出件; the rating period (RATING_DAYS working days) starts now."""
    answer = context.get("result_issued") or {}
    decided = context.get("record_decision_result") or {}
    application = _application(application_id)
    handling.issue_result(application, official=_actor(answer), opinion=str(decided.get("opinion") or ""))
    return {"rating_closes_at": working_calendar().deadline(now(), RATING_DAYS).isoformat()}


def remind_handler(context: dict[str, Any], application_id: int) -> dict:
    """Two working days before the limit: a notification to whoever holds the handling task."""
    application = _application(application_id)
    return {"notified": _notify_step(application, "handle_application",
                                     f"办件 {application.number}（{application.item.name}）将于"
                                     f"{clock.view(application).due_at:%Y-%m-%d}办理时限届满，请抓紧办理")}


def remind_special_procedure_end(context: dict[str, Any], application_id: int) -> dict:
    application = _application(application_id)
    return {"notified": _notify_step(application, "end_special_procedure",
                                     f"办件 {application.number} 的特别程序已到计划结束日期，请结束特别程序或说明情况")}


def _notify_step(application: Application, spec_name: str, message: str) -> int:
    task = HumanTask.objects.filter(instance=application.instance, spec_name=spec_name,
                                    state=HumanTask.OPEN).first()
    if task is None:
        return 0
    recipients = holders_of(task)
    notify(recipients, message, task=task)
    audit.record("application_reminder_sent", task=task, message=message, after={"notified": len(recipients)})
    return len(recipients)


def record_overdue(context: dict[str, Any], application_id: int) -> dict:
    """At the close of the due day: Application.overdue_since, once (handling.record_overdue)."""
    return {"marked": handling.record_overdue(_application(application_id))}


def record_rectification_reply(context: dict[str, Any], application_id: int) -> dict:
    answer = context.get("rectification") or {}
    rating = record_rectification(_application(application_id), reply=str(answer.get("reply") or ""),
                                  official=_actor(answer))
    return {"rectified_at": rating.rectified_at.isoformat()}


SERVICES = {
    "applications.accept_application": accept_application,
    "applications.issue_supplement_notice": issue_supplement_notice,
    "applications.record_arrived_materials": record_arrived_materials,
    "applications.record_handling_step": record_handling_step,
    "applications.resume_clock": resume_clock,
    "applications.report_to_higher_authority": report_to_higher_authority,
    "applications.record_extension": record_extension,
    "applications.record_decision": record_decision,
    "applications.record_result_issued": record_result_issued,
    "applications.remind_handler": remind_handler,
    "applications.remind_special_procedure_end": remind_special_procedure_end,
    "applications.record_overdue": record_overdue,
    "applications.record_rectification_reply": record_rectification_reply,
}
