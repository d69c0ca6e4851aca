"""联办件 writes: the lead department informs the co-departments, each answers (or its silence is handled at the
deadline), a joint meeting records its minutes, and the lead department concludes.

Sources (seed 003, 尼勒克县行政服务中心管理暂行办法): 第十一条（四） 联办件 (the lead department informs the related
departments, they approve at the same time, the lead concludes); 第十五条 (parallel approval between windows runs
online); 第十六条 联席会议 (major matters go to a meeting of the chief representatives with minutes; a department
absent without special reason that gives no clear opinion afterwards is deemed to consent); 第四章 首席代表 (each
department's approvals are handled by its chief representative).

Who acts for a department: its chief representative (首席代表, 第十七–十九条); a department that has none is
represented by its deputy leader (dept_deputy_leader, who holds the department's approval authority). The choice is
made here, when the department is asked, and stored with the review's data: the assignment engine passes a task to
its fallback tier only when the case's own people hold the post, not when the post is vacant.

"Afterwards" (会后) in 第十六条 is modelled as the close of the first working day after the meeting day: the minutes
are recorded when the meeting ends, and one working day is the shortest time the rule books give any department to
answer in writing.

Every write is checked before anything is saved, runs in one transaction and leaves one audit row per action.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from engine.calendar import centre_day
from engine.time_limits import CoReview, review_due_at, review_is_overdue, silence_is_consent, silent_consent_at
from workflows.applications.models import Application, CoDepartmentReview, JointMeeting, ServiceItem
from workflows.org.models import Department, Official
from workflows.org.selectors import CENTRE_OFFICE, working_calendar
from workflows.runtime import audit
from workflows.runtime.clock import now
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import ProcessInstance
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.notifications import notify

JOINT_REVIEW_PROCESS = "joint_review"
DEFAULT_REVIEW_DAYS = 3
MAX_REVIEW_DAYS = 60
MEETING_ANSWER_DAYS = 1  # 第十六条 "会后": the first working day after the meeting day
CHIEF_REPRESENTATIVE = "chief_representative"
DEPUTY_LEADER = "dept_deputy_leader"


class JointReviewRefused(InvalidInput):
    """A step of the joint review breaks a rule of 联办件; the message says which, in the reader's language."""


# --- reads the steps share ------------------------------------------------------------------------------


def reviewer_role(department: Department) -> str:
    """The role that acts for `department`: its chief representative, else its deputy leader (module docstring)."""
    holders = set(Official.objects.filter(department=department, active=True,
                                          roles__code__in=(CHIEF_REPRESENTATIVE, DEPUTY_LEADER))
                  .values_list("roles__code", flat=True))
    for role in (CHIEF_REPRESENTATIVE, DEPUTY_LEADER):
        if role in holders:
            return role
    raise JointReviewRefused(
        _("%(department)s has neither a chief representative nor a deputy leader to answer for it")
        % {"department": department.name})


def _application(application_id: Any) -> Application:
    application = (Application.objects.select_related("item", "department").filter(pk=application_id).first()
                   if isinstance(application_id, int) and not isinstance(application_id, bool) else None)
    if application is None:
        raise JointReviewRefused(_("Application %(id)s does not exist") % {"id": application_id})
    return application


def co_departments(application: Application) -> list[Department]:
    """The item's co-departments other than the lead, by name; refused when there are none (not a joint matter)."""
    if application.kind != ServiceItem.JOINT:
        raise JointReviewRefused(_("Application %(number)s is not a joint application")
                                 % {"number": application.number})
    departments = [d for d in application.item.co_departments.order_by("name") if d.pk != application.department_id]
    if not departments:
        raise JointReviewRefused(_("Service item %(item)s has no co-department to inform")
                                 % {"item": application.item.name})
    return departments


def open_joint_case(application_id: Any) -> dict[str, Any]:
    """Check a joint case can run (joint, with co-departments, each department represented) and say who leads."""
    application = _application(application_id)
    for department in co_departments(application):
        reviewer_role(department)
    return {"lead_department_id": application.department_id, "lead_role": reviewer_role(application.department),
            "number": application.number}


def _co_review(department: Department, informed_on: date, days: int, silent_consent: bool) -> CoReview:
    return CoReview(department.name, informed_on, days, silent_consent)


def closes_at(review: CoReview) -> datetime:
    """The instant after the close of the review's last working day: silence is consent (where allowed) or overdue
    (where not) from then on, never a second earlier (engine.time_limits.silent_consent_at)."""
    return silent_consent_at(working_calendar(), replace(review, silent_consent=True))


def check_review_days(application: Application, days: Any, *, on: date | None = None) -> datetime:
    """The review deadline for `days` working days from `on` (today); refused outside 1–60 or past the case's due."""
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_REVIEW_DAYS:
        raise JointReviewRefused(_("The review period must be 1 to %(max)s working days") % {"max": MAX_REVIEW_DAYS},
                                 field="review_days")
    due = review_due_at(working_calendar(), CoReview(application.number, on or centre_day(now()), days, False))
    if application.due_at is not None and due > application.due_at:
        raise JointReviewRefused(
            _("The review deadline %(due)s would end after the application's own due date %(case_due)s")
            % {"due": f"{due:%Y-%m-%d}", "case_due": f"{application.due_at.astimezone(due.tzinfo):%Y-%m-%d}"},
            field="review_days")
    return due


def _review_item(review: CoDepartmentReview, role: str, co: CoReview) -> dict[str, Any]:
    """What one department's branch of the process needs: its review row, who answers, the deadline and its rule."""
    return {"review_id": review.pk, "department_id": review.department_id, "department": review.department.name,
            "role": role, "informed_on": co.informed_on.isoformat(), "working_days": co.working_days,
            "silent_consent": co.silent_consent, "due_at": review.due_at.isoformat(),
            "closes_at": closes_at(co).isoformat()}


# --- the lead department informs the co-departments --------------------------------------------------------


@transaction.atomic
def inform_co_departments(application: Application, *, days: Any, informed_by: Official) -> list[dict[str, Any]]:
    """One review row per co-department under one deadline; returns each department's branch data."""
    departments = co_departments(application)
    roles = {department.pk: reviewer_role(department) for department in departments}
    check_review_days(application, days)
    if application.co_reviews.exists():
        raise JointReviewRefused(_("The co-departments of %(number)s have already been informed")
                                 % {"number": application.number})
    at = now()
    items = []
    for department in departments:
        co = _co_review(department, centre_day(at), days, application.item.silent_consent)
        review = CoDepartmentReview.objects.create(application=application, department=department, requested_at=at,
                                                   due_at=review_due_at(working_calendar(), co))
        items.append(_review_item(review, roles[department.pk], co))
    audit.record("joint_co_departments_informed", instance=application.instance, actor=informed_by,
                 message=f"{application.number}：{'、'.join(d.name for d in departments)}，{days} 个工作日",
                 after={"application": application.number, "review_days": days,
                        "departments": [d.name for d in departments], "due_at": items[0]["due_at"],
                        "silent_consent": application.item.silent_consent})
    return items


# --- a co-department answers, or stays silent ----------------------------------------------------------------


@transaction.atomic
def record_co_answer(review: CoDepartmentReview, *, agree: Any, opinion: str,
                     answered_by: Official) -> CoDepartmentReview:
    """同意 or 不同意 with an opinion (required when disagreeing); a late answer is recorded the same way."""
    if not isinstance(agree, bool):
        raise JointReviewRefused(_("Choose whether the department agrees."), field="agree")
    opinion = (opinion or "").strip()
    if not agree and not opinion:
        raise JointReviewRefused(_("A department that disagrees must give its opinion."), field="opinion")
    if review.answer:
        raise JointReviewRefused(_("%(department)s has already answered") % {"department": review.department.name})
    review.answer = CoDepartmentReview.AGREED if agree else CoDepartmentReview.DISAGREED
    review.opinion = opinion
    review.answered_by = answered_by
    review.answered_at = now()
    review.save(update_fields=["answer", "opinion", "answered_by", "answered_at"])
    audit.record("joint_co_review_answered", instance=review.application.instance, actor=answered_by,
                 message=f"{review.application.number}：{review.department.name} {review.get_answer_display()}",
                 after={"department": review.department.name, "answer": review.answer, "opinion": opinion,
                        "late": review.overdue_alerted_at is not None})
    return review


@transaction.atomic
def handle_silence(review: CoDepartmentReview, item: dict[str, Any]) -> bool:
    """At the deadline: deemed consent where the branch allows it (True), else overdue with alerts (False).

    Decided again by engine.time_limits at this moment, so a timer fired early can never record a consent."""
    co = CoReview(review.department.name, date.fromisoformat(item["informed_on"]), int(item["working_days"]),
                  bool(item["silent_consent"]))
    at = now()
    application = review.application
    if review.answer:
        return review.answer != CoDepartmentReview.DISAGREED
    if silence_is_consent(working_calendar(), co, at):
        review.answer = CoDepartmentReview.DEEMED_CONSENT
        review.answered_at = at
        review.save(update_fields=["answer", "answered_at"])
        audit.record("joint_co_review_deemed_consent", instance=application.instance,
                     message=f"{application.number}：{review.department.name} 逾期未答复，视为同意",
                     after={"department": review.department.name, "due_at": review.due_at.isoformat()})
        return True
    if not review_is_overdue(working_calendar(), replace(co, silent_consent=False), at):
        raise JointReviewRefused(_("The review of %(department)s is not due yet") % {"department": co.department})
    review.overdue_alerted_at = at
    review.save(update_fields=["overdue_alerted_at"])
    lead = Official.objects.filter(department=application.department, active=True,
                                   roles__code=reviewer_role(application.department))
    office = Official.objects.filter(active=True, roles__code=CENTRE_OFFICE)
    recipients = sorted({*lead.values_list("pk", flat=True), *office.values_list("pk", flat=True)})
    notify(recipients, f"联办件 {application.number}：{review.department.name} 未在期限内答复，本件等待其意见",
           instance=application.instance)
    audit.record("joint_co_review_overdue", instance=application.instance,
                 message=f"{application.number}：{review.department.name} 逾期未答复，已提醒牵头部门和中心办公室",
                 after={"department": review.department.name, "due_at": review.due_at.isoformat(),
                        "alerted": len(recipients)})
    return False


# --- the joint meeting (第十六条) ------------------------------------------------------------------------------


@transaction.atomic
def record_joint_meeting(application: Application, *, minutes: str, absent_department_ids: Any,
                         recorded_by: Official) -> list[dict[str, Any]]:
    """Store the minutes and who was absent without special reason; ask the departments that have not clearly
    agreed for their opinion by the close of the first working day after the meeting (absent ones: silence is
    consent, 第十六条; present ones: as the item says). Returns the branches of that round (possibly none)."""
    departments = co_departments(application)
    by_id = {d.pk: d for d in departments}
    minutes = (minutes or "").strip()
    if not minutes:
        raise JointReviewRefused(_("The minutes of the joint meeting are required."), field="minutes")
    absent_ids = list(absent_department_ids or [])
    unknown = [i for i in absent_ids if i not in by_id]
    if unknown:
        raise JointReviewRefused(_("Not a co-department of this application: %(ids)s")
                                 % {"ids": "、".join(str(i) for i in unknown)}, field="absent_department_ids")
    roles = {d.pk: reviewer_role(d) for d in departments}
    at = now()
    meeting = JointMeeting.objects.create(application=application, held_at=at, minutes=minutes,
                                          recorded_by=recorded_by)
    meeting.absent_departments.set(absent_ids)
    existing = {r.department_id: r for r in application.co_reviews.select_related("department")}
    items = []
    for department in departments:
        review = existing.get(department.pk)
        if review is not None and review.answer in (CoDepartmentReview.AGREED, CoDepartmentReview.DEEMED_CONSENT):
            continue  # a clear consent stands
        co = _co_review(department, centre_day(at), MEETING_ANSWER_DAYS,
                        department.pk in absent_ids or application.item.silent_consent)
        fields = {"requested_at": at, "due_at": review_due_at(working_calendar(), co), "answer": "", "opinion": "",
                  "answered_by": None, "answered_at": None, "overdue_alerted_at": None}
        review, _created = CoDepartmentReview.objects.update_or_create(
            application=application, department=department, defaults=fields)
        items.append(_review_item(review, roles[department.pk], co))
    audit.record("joint_meeting_recorded", instance=application.instance, actor=recorded_by,
                 message=f"{application.number}：联席会议纪要",
                 after={"minutes": minutes, "absent": [by_id[i].name for i in absent_ids],
                        "asked_afterwards": [item["department"] for item in items]})
    return items


# --- the lead department concludes --------------------------------------------------------------------------


def disagreeing(application: Application) -> list[CoDepartmentReview]:
    return list(application.co_reviews.filter(answer=CoDepartmentReview.DISAGREED).select_related("department"))


def check_conclusion(application: Application, *, approved: Any, opinion: str) -> str:
    """The conclusion's rules: a choice and an opinion; no approval while a department disagrees or is silent.

    并联审批 means every department approves its own part: the lead cannot approve over a department's "no"; a joint
    meeting (第十六条) is where that is settled. Returns the opinion, trimmed."""
    opinion = (opinion or "").strip()
    if not isinstance(approved, bool):
        raise JointReviewRefused(_("Choose the conclusion."), field="decision")
    if not opinion:
        raise JointReviewRefused(_("The lead department's opinion is required."), field="opinion")
    if approved:
        against = disagreeing(application)
        if against:
            raise JointReviewRefused(
                _("%(departments)s disagreed: the application cannot be approved; call a joint meeting or do not "
                  "approve it") % {"departments": "、".join(r.department.name for r in against)}, field="decision")
        if application.co_reviews.filter(answer="").exists():
            raise JointReviewRefused(_("A co-department has not answered yet"), field="decision")
    return opinion


@transaction.atomic
def conclude_joint_review(application: Application, *, approved: Any, opinion: str,
                          concluded_by: Official) -> dict[str, Any]:
    """牵头部门办结 (第十一条（四）): the joint conclusion {approved, opinion} the calling process reads."""
    opinion = check_conclusion(application, approved=approved, opinion=opinion)
    audit.record("joint_review_concluded", instance=application.instance, actor=concluded_by,
                 message=f"{application.number}：{'同意办理' if approved else '不同意办理'}",
                 after={"approved": approved, "opinion": opinion})
    return {"approved": approved, "opinion": opinion}


# --- starting the process on its own ---------------------------------------------------------------------


@transaction.atomic
def start_joint_review(application: Application, *, started_by: Official | None = None) -> ProcessInstance:
    """Start joint_review for an application (the application process calls it as a call activity instead).

    Checked first, so a case that cannot run is refused with its reason and nothing is saved."""
    open_joint_case(application.pk)
    if application.instance_id is not None:
        raise JointReviewRefused(_("Application %(number)s already has a process") % {"number": application.number})
    started_by = started_by or application.received_by
    instance = start_process(JOINT_REVIEW_PROCESS, data={"application_id": application.pk},
                             business_key=application.number, started_by=started_by)
    application.instance = instance
    application.save(update_fields=["instance"])
    return instance
