"""The writes of an application's life after intake: acceptance, 补正, pauses, extensions, the decision, 出件.

Each is checked before it writes, leaves one audit row and, where the clock moves, goes through clock.write so the
due date is recomputed from the whole history (限时办结制). The application process's service tasks call these
(application_process.py); the rules live here so a test, a page and the process obey the same ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from engine.clock import CENTRE_TZ
from engine.time_limits import REPORTED, SUPPLEMENT
from workflows.applications import application_notices as notices
from workflows.applications import clock
from workflows.applications.intake import ApplicationRefused
from workflows.applications.models import Application, ClockEntry, SubmittedMaterial
from workflows.discipline.violations import record_violation
from workflows.org.models import Official, Window
from workflows.org.selectors import is_centre_leader
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.letter_pdf import chinese_date, sentence
from workflows.runtime.models import HumanTask


def locked(application_id: int) -> Application:
    return Application.objects.select_for_update().select_related("item", "department").get(pk=application_id)


def missing_materials(application: Application) -> list[SubmittedMaterial]:
    return list(application.materials.filter(received_at__isnull=True).select_related("material"))


@transaction.atomic
def accept(application: Application, *, actor: Official | None) -> Application:
    """受理: the clock starts with the item's promised working days (即办件: 0, due the same day)."""
    if application.accepted_at is not None:
        raise ApplicationRefused(_("This application is already accepted."))
    if missing_materials(application):
        raise ApplicationRefused(_("Materials are still missing: the application cannot be accepted yet."))
    application.status, application.accepted_at = Application.IN_PROGRESS, now()
    application.save(update_fields=["status", "accepted_at"])
    days = 0 if application.kind == "immediate" else application.item.promised_days
    clock.write(application, kind=ClockEntry.ACCEPTED, recorded_by=actor, days=days)
    application.refresh_from_db()
    notice = notices.issue_notice(application, notices.ACCEPTANCE, [
        f"{notices.matter_line(application)}，申请材料齐全，符合法定形式，现予受理。",
        notices.due_line(application),
        "请妥善保管本通知书和办件回执，凭办件编号和联系电话可查询办理进度。",
    ])
    audit.record("application_accepted", actor=actor, instance=application.instance, message=str(application),
                 after={"due_at": _iso(application.due_at), "notice": notice.number, "sha256": notice.sha256})
    return application


@transaction.atomic
def issue_supplement_notice(application: Application, *, actor: Official | None) -> Application:
    """补办件: every missing material named in one 补正材料通知书 (一次性告知制); the clock has not started."""
    missing = missing_materials(application)
    if not missing:
        raise ApplicationRefused(_("No material is missing."))
    names = [row.material.name for row in missing]
    notice = notices.issue_notice(application, notices.SUPPLEMENT, [
        f"{notices.matter_line(application)}，申请材料不齐全。依照一次性告知制，现将需要补正的全部材料一次告知如下：",
        *(f"{n}. {name}" for n, name in enumerate(names, 1)),
        "请补齐上述材料后到窗口提交；补正期间不计入办理时限，材料齐全之日起受理并开始计时。",
    ])
    application.status = Application.AWAITING_MATERIALS
    application.save(update_fields=["status"])
    audit.record("application_supplement_requested", actor=actor, instance=application.instance,
                 message=str(application), after={"missing": names, "notice": notice.number})
    return application


@transaction.atomic
def record_arrivals(application: Application, material_ids: Iterable[int], *, official: Official) -> bool:
    """The applicant brought (some of) the missing materials; True when nothing is missing any more."""
    missing = {row.material_id: row for row in missing_materials(application)}
    ids = {int(i) for i in material_ids}
    if not ids:
        raise ApplicationRefused(_("Tick the materials that arrived."), "material_ids")
    unknown = ids - set(missing)
    if unknown:
        raise ApplicationRefused(_("Materials %(ids)s are not missing from this application.") % {
            "ids": "、".join(str(i) for i in sorted(unknown))}, "material_ids")
    arrived_at = now()
    SubmittedMaterial.objects.filter(pk__in=[missing[i].pk for i in ids]).update(received_at=arrived_at)
    audit.record("application_materials_arrived", actor=official, instance=application.instance,
                 message=str(application), after={"arrived": [missing[i].material.name for i in sorted(ids)],
                                                  "still_missing": len(missing) - len(ids)})
    return len(missing) == len(ids)


@transaction.atomic
def pause(application: Application, *, kind: str, official: Official | None, note: str = "",
          planned_end: date | None = None) -> ClockEntry:
    """Stop the clock: 补正材料 (a notice names what is asked), 上报审批 (上报件通知书) or 特别程序 (reason, end)."""
    entry = clock.write(application, kind=ClockEntry.PAUSE_STARTED, recorded_by=official, reason=kind,
                        note=note.strip(), planned_end=planned_end)
    if kind == SUPPLEMENT:
        notices.issue_notice(application, notices.SUPPLEMENT, [
            f"{notices.matter_line(application)}在审查中需要补正材料，现一次告知如下：",
            sentence(note),
            "补正期间不计入办理时限，材料补齐之日起继续计时。",
        ])
    elif kind == REPORTED:
        notices.issue_notice(application, notices.REPORTED, [
            f"{notices.matter_line(application)}依法须报上级机关审批，现已上报。",
            "上级机关审批期间不计入本中心的办理时限，收到上级答复之日起继续计时，办理结果将及时告知。",
        ])
    audit.record("application_clock_paused", actor=official, instance=application.instance,
                 message=f"{application} {kind}", after={"kind": kind, "note": note.strip(),
                                                        "planned_end": planned_end.isoformat() if planned_end
                                                        else None})
    return entry


@transaction.atomic
def resume(application: Application, *, official: Official | None, note: str = "") -> ClockEntry:
    """The materials arrived, the higher authority answered or the special procedure ended: the clock runs on."""
    entry = clock.write(application, kind=ClockEntry.PAUSE_ENDED, recorded_by=official, note=note.strip())
    application.refresh_from_db()
    audit.record("application_clock_resumed", actor=official, instance=application.instance,
                 message=str(application), after={"due_at": _iso(application.due_at), "note": note.strip()})
    return entry


@transaction.atomic
def extend(application: Application, *, days: int, reason: str, requested_by: Official | None,
           approved_by: Official | None) -> ClockEntry:
    """延时 (限时办结制 三): only with a centre leader's approval, and the reason told to the applicant in writing."""
    if approved_by is None or not is_centre_leader(approved_by):
        raise ApplicationRefused(_("An extension needs the approval of a centre leader."), "approved_by")
    if not reason.strip():
        raise ApplicationRefused(_("Give the reason for the extension."), "extension_reason")
    entry = clock.write(application, kind=ClockEntry.EXTENDED, recorded_by=requested_by, days=days,
                        note=reason.strip(), approved_by=approved_by)
    application.refresh_from_db()
    notices.issue_notice(application, notices.EXTENSION, [
        f"{notices.matter_line(application)}因{sentence(reason).rstrip('。')}，不能在承诺时限内办结。",
        f"经中心领导批准，办理时限延长{days}个工作日，将于{chinese_date(application.due_at.astimezone(CENTRE_TZ).date())}"
        "前办结。",
    ])
    audit.record("application_extended", actor=approved_by, instance=application.instance,
                 message=str(application), after={"days": days, "reason": reason.strip(),
                                                  "requested_by": requested_by.name if requested_by else None,
                                                  "due_at": _iso(application.due_at)})
    return entry


@transaction.atomic
def decide(application: Application, *, outcome: str, opinion: str, official: Official | None,
           detail: dict[str, Any] | None = None) -> Application:
    """办结 or 不予许可: the case waits for its result to be issued at the window (综合窗口出件)."""
    if outcome not in dict(Application.OUTCOMES):
        raise ApplicationRefused(_("Unknown decision: %(outcome)s.") % {"outcome": outcome}, "decision")
    if application.status not in (Application.IN_PROGRESS, Application.PAUSED):
        raise ApplicationRefused(_("This application is not being handled."))
    application.outcome, application.decided_at, application.status = outcome, now(), Application.DECIDED
    application.save(update_fields=["outcome", "decided_at", "status"])
    audit.record("application_decided", actor=official, instance=application.instance, message=str(application),
                 after={"outcome": outcome, "opinion": opinion, **(detail or {})})
    return application


@transaction.atomic
def issue_result(application: Application, *, official: Official | None, opinion: str = "") -> Application:
    """综合窗口出件: the result handed over with its written notice (办结通知书 or 不予许可决定书)."""
    if application.status != Application.DECIDED:
        raise ApplicationRefused(_("This application has no decision to issue."))
    approved = application.outcome == Application.APPROVED
    kind = notices.COMPLETION if approved else notices.NOT_APPROVED
    body = ([f"{notices.matter_line(application)}已办结，准予许可。请凭本通知书和办件回执到综合窗口领取办理结果。"]
            if approved else
            [f"{notices.matter_line(application)}经审查，决定不予许可。",
             f"理由：{sentence(opinion or '见审查意见')}",
             "如对本决定不服，可依法申请行政复议或者提起行政诉讼。"])
    notice = notices.issue_notice(application, kind, body)
    application.issued_at, application.status = now(), Application.ISSUED
    application.save(update_fields=["issued_at", "status"])
    audit.record("application_result_issued", actor=official, instance=application.instance,
                 message=str(application), after={"notice": notice.number, "kind": kind, "sha256": notice.sha256})
    return application


@transaction.atomic
def record_overdue(application: Application) -> bool:
    """第十二条: the due day closed without a decision. Marked once (a second firing changes nothing); the finding
    for the discipline procedure is opened here, in one place, once."""
    if application.overdue_since is not None or application.status not in (Application.IN_PROGRESS,):
        return False
    application.overdue_since = now()
    application.save(update_fields=["overdue_since"])
    audit.record("application_overdue", instance=application.instance, message=str(application),
                 after={"due_at": _iso(application.due_at), "overdue_since": _iso(application.overdue_since)})
    report_lateness(application)
    return True


def report_lateness(application: Application) -> None:
    """The one place an overdue case reaches the discipline procedure, once per case (限时办结制 五、处理办法 2:
    超出规定时限 by the window → 诫勉教育 of the window the first time, 效能告诫 the next, through the duty-rule table
    the discipline family keeps). Held against the window that holds the case (responsible_window)."""
    due = application.due_at.astimezone(CENTRE_TZ).date().isoformat() if application.due_at else ""
    record_violation(
        source=f"application:{application.pk}:overdue", duty_rule="限时办结制", finding="over_time_limit",
        facts=f"办件 {application.number}（{application.item.name}）承诺办结时限 {due}，到期未办结。",
        window=responsible_window(application), occurred_at=application.overdue_since)


def responsible_window(application: Application) -> Window:
    """The window a late case is held against: that of the official who took its open handling step, else the
    window that received it and promised the time limit to the applicant (服务承诺制)."""
    holder = (HumanTask.objects.filter(instance_id=application.instance_id, state=HumanTask.OPEN,
                                       assignee__window__isnull=False)
              .select_related("assignee__window").order_by("pk").first())
    return holder.assignee.window if holder else application.received_by.window


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None
