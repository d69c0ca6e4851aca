"""The 联办件 process (bpmn/joint_review.bpmn) through the services and the timer sweep, on the moved clock.

建设项目并联审批 has three co-departments. The lead informs them on Thursday 2026-12-03 with two working days: the
last one is Monday 12-07 (the weekend does not count), so silence becomes consent at Tuesday 00:00 where the item
allows it, not on Saturday as two calendar days would, and not a second before the close of Monday. The same
across New Year's Day 2027 and the weekend after it; and a holiday announced after informing moves the deadline.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.clock import CENTRE_TZ
from tests.workflows.joint_steps import (
    CO_DEPARTMENTS,
    LEAD,
    REPRESENTATIVE,
    complete,
    inform,
    joint_application,
    open_tasks,
    prepare_joint_centre,
    started,
    task_of,
)
from workflows.applications.models import CoDepartmentReview, JointMeeting
from workflows.org.models import Department
from workflows.runtime.engine_env import runner_for
from workflows.runtime.models import AuditEvent, HumanTask, Notification, ProcessInstance
from workflows.runtime.services.sweep import fire_due_timers

THURSDAY = datetime(2026, 12, 3, 9, 0, tzinfo=CENTRE_TZ)
LAST_SECOND_OF_MONDAY = datetime(2026, 12, 7, 23, 59, 59, tzinfo=CENTRE_TZ)
TUESDAY_MIDNIGHT = datetime(2026, 12, 8, 0, 0, tzinfo=CENTRE_TZ)
SILENT = "县生态环境局"


@pytest.fixture
def item(centre, clock):
    clock.set(THURSDAY)
    return prepare_joint_centre()


def review_of(application, department: str) -> CoDepartmentReview:
    return CoDepartmentReview.objects.get(application=application, department__name=department)


def conclusion_of(instance: ProcessInstance) -> dict:
    instance.refresh_from_db()
    return runner_for(instance.definition).restore(instance.state).data["joint_conclusion"]


def answer_all_but(instance, silent: str, agree: bool = True) -> None:
    for department in CO_DEPARTMENTS:
        if department != silent:
            complete(task_of(instance, department), REPRESENTATIVE[department], {"agree": agree, "opinion": "符合规划"})


def test_each_co_department_gets_one_task_for_its_chief_representative_under_one_deadline(item):
    application = joint_application(item)
    instance = started(application)
    [lead_task] = open_tasks(instance, "inform_co_departments")
    assert [o.user.username for o in lead_task.candidates.all()] == [REPRESENTATIVE[LEAD]]
    inform(instance, days=2)

    tasks = open_tasks(instance, "answer_co_department_review")
    assert sorted(t.department.name for t in tasks) == sorted(CO_DEPARTMENTS)
    for task in tasks:
        assert [o.user.username for o in task.candidates.all()] == [REPRESENTATIVE[task.department.name]]
        assert task.due_at == LAST_SECOND_OF_MONDAY
    reviews = list(application.co_reviews.all())
    assert len(reviews) == 3 and {r.due_at for r in reviews} == {LAST_SECOND_OF_MONDAY}
    assert {r.requested_at for r in reviews} == {THURSDAY}
    assert AuditEvent.objects.filter(action="joint_co_departments_informed", instance=instance).count() == 1


@pytest.mark.parametrize(("informed", "calendar_days_end", "last_second", "consent_at"), [
    pytest.param(THURSDAY, datetime(2026, 12, 5, 0, 0, tzinfo=CENTRE_TZ), LAST_SECOND_OF_MONDAY, TUESDAY_MIDNIGHT,
                 id="across a weekend"),
    pytest.param(datetime(2026, 12, 30, 9, 0, tzinfo=CENTRE_TZ), datetime(2027, 1, 1, 0, 0, tzinfo=CENTRE_TZ),
                 datetime(2027, 1, 4, 23, 59, 59, tzinfo=CENTRE_TZ), datetime(2027, 1, 5, 0, 0, tzinfo=CENTRE_TZ),
                 id="across New Year's Day and a weekend"),
])
def test_a_silent_department_is_deemed_to_consent_after_the_close_of_its_last_working_day_never_before(
        item, clock, informed, calendar_days_end, last_second, consent_at):
    clock.set(informed)
    application = joint_application(item, silent_consent=True)
    instance = started(application)
    inform(instance, days=2)
    answer_all_but(instance, SILENT)
    instance.refresh_from_db()
    assert instance.next_timer_at == consent_at
    assert review_of(application, SILENT).due_at == last_second

    for moment in (calendar_days_end, last_second):  # where two calendar days would end; the close of the last day
        clock.set(moment)
        assert fire_due_timers() == 0
        assert review_of(application, SILENT).answer == ""
        assert not open_tasks(instance, "conclude_joint_review")

    clock.set(consent_at)
    assert fire_due_timers() == 1
    silent = review_of(application, SILENT)
    assert silent.answer == CoDepartmentReview.DEEMED_CONSENT and silent.answered_at == consent_at
    assert silent.answered_by is None and silent.get_answer_display() == "逾期未答复，视为同意"
    deemed = AuditEvent.objects.get(action="joint_co_review_deemed_consent", instance=instance)
    assert SILENT in deemed.message
    assert HumanTask.objects.get(instance=instance, department__name=SILENT).state == HumanTask.CANCELLED

    [conclude] = open_tasks(instance, "conclude_joint_review")
    assert conclude.department.name == LEAD
    opinion = "各部门同意（县生态环境局视为同意），准予办理"
    complete(conclude, REPRESENTATIVE[LEAD], {"decision": "approve", "opinion": opinion})
    instance.refresh_from_db()
    assert (instance.status, instance.end_event) == (ProcessInstance.COMPLETED, "joint_review_concluded")
    assert conclusion_of(instance) == {"approved": True, "opinion": opinion}


def test_without_silent_consent_silence_alerts_the_lead_and_the_office_and_the_case_waits_for_the_late_answer(
        item, clock, centre):
    application = joint_application(item, silent_consent=False)
    instance = started(application)
    inform(instance, days=2)
    answer_all_but(instance, SILENT)

    clock.set(LAST_SECOND_OF_MONDAY)
    assert fire_due_timers() == 0
    clock.set(TUESDAY_MIDNIGHT)
    assert fire_due_timers() == 1
    silent = review_of(application, SILENT)
    assert silent.answer == "" and silent.overdue_alerted_at == TUESDAY_MIDNIGHT
    alerted = set(Notification.objects.filter(instance=instance).exclude(kind=Notification.TASK)
                  .values_list("recipient__user__username", flat=True))
    assert {REPRESENTATIVE[LEAD], "zhaobgs"} <= alerted
    assert REPRESENTATIVE[SILENT] not in alerted
    assert AuditEvent.objects.filter(action="joint_co_review_overdue", instance=instance).count() == 1
    assert not AuditEvent.objects.filter(action="joint_co_review_deemed_consent").exists()

    [late] = open_tasks(instance, "answer_overdue_co_department_review")
    assert late.department.name == SILENT
    assert [o.user.username for o in late.candidates.all()] == [REPRESENTATIVE[SILENT]]
    assert late.due_at == LAST_SECOND_OF_MONDAY  # shown overdue in the inbox
    assert not open_tasks(instance, "conclude_joint_review")

    clock.set(datetime(2026, 12, 14, 10, 0, tzinfo=CENTRE_TZ))  # a week later: still waiting, nothing fires again
    assert fire_due_timers() == 0
    assert not open_tasks(instance, "conclude_joint_review")

    complete(late, REPRESENTATIVE[SILENT], {"agree": True, "opinion": "补充答复：同意"})
    silent.refresh_from_db()
    assert silent.answer == CoDepartmentReview.AGREED and silent.answered_by.user.username == REPRESENTATIVE[SILENT]
    [conclude] = open_tasks(instance, "conclude_joint_review")
    complete(conclude, REPRESENTATIVE[LEAD], {"decision": "approve", "opinion": "准予办理"})
    assert conclusion_of(instance) == {"approved": True, "opinion": "准予办理"}


def test_a_disagreeing_department_is_recorded_with_its_opinion_and_the_lead_does_not_approve(item):
    application = joint_application(item)
    instance = started(application)
    inform(instance)
    answer_all_but(instance, SILENT)
    complete(task_of(instance, SILENT), REPRESENTATIVE[SILENT], {"agree": False, "opinion": "环评文件未批复"})
    against = review_of(application, SILENT)
    assert (against.answer, against.opinion) == (CoDepartmentReview.DISAGREED, "环评文件未批复")

    [conclude] = open_tasks(instance, "conclude_joint_review")
    opinion = "县生态环境局不同意：环评文件未批复"
    complete(conclude, REPRESENTATIVE[LEAD], {"decision": "not_approve", "opinion": opinion})
    assert conclusion_of(instance) == {"approved": False, "opinion": opinion}


def test_a_joint_meeting_deems_an_absent_silent_department_to_consent_one_working_day_after(item, clock):
    """第十六条 applies whatever the item says: the item here forbids silent consent, the absent department still
    consents by its silence; a present one is asked too and answers."""
    application = joint_application(item, silent_consent=False)
    instance = started(application)
    inform(instance, mode="meeting")
    [record] = open_tasks(instance, "record_joint_meeting")
    assert "zhaobgs" in [o.user.username for o in record.candidates.all()]
    absent = Department.objects.get(name=SILENT)
    complete(record, "zhaobgs", {"minutes": "会议议定：项目符合规划，各部门按职责办理。",
                                 "absent_department_ids": [absent.pk]})

    meeting = JointMeeting.objects.get(application=application)
    assert list(meeting.absent_departments.all()) == [absent] and meeting.held_at == THURSDAY
    friday_close = datetime(2026, 12, 4, 23, 59, 59, tzinfo=CENTRE_TZ)
    assert {r.due_at for r in application.co_reviews.all()} == {friday_close}
    answer_all_but(instance, SILENT)

    clock.set(friday_close)
    assert fire_due_timers() == 0
    clock.set(datetime(2026, 12, 5, 0, 0, tzinfo=CENTRE_TZ))
    assert fire_due_timers() == 1
    assert review_of(application, SILENT).answer == CoDepartmentReview.DEEMED_CONSENT
    [conclude] = open_tasks(instance, "conclude_joint_review")
    complete(conclude, REPRESENTATIVE[LEAD], {"decision": "approve", "opinion": "按会议纪要办理"})
    assert conclusion_of(instance)["approved"] is True


def test_a_meeting_after_a_disagreement_asks_the_disagreeing_department_again(item, clock):
    application = joint_application(item, silent_consent=False)
    instance = started(application)
    inform(instance)
    answer_all_but(instance, SILENT)
    complete(task_of(instance, SILENT), REPRESENTATIVE[SILENT], {"agree": False, "opinion": "环评文件未批复"})
    [conclude] = open_tasks(instance, "conclude_joint_review")
    complete(conclude, REPRESENTATIVE[LEAD], {"decision": "meeting", "opinion": "召开联席会议协调"})
    [record] = open_tasks(instance, "record_joint_meeting")
    complete(record, "zhaobgs", {"minutes": "环评批复已取得，县生态环境局会后答复。", "absent_department_ids": []})

    [again] = open_tasks(instance, "answer_co_department_review")
    assert again.department.name == SILENT
    assert review_of(application, SILENT).answer == ""  # the earlier "no" stays in the history
    assert AuditEvent.objects.filter(action="joint_co_review_answered", message__contains="不同意").exists()
    complete(again, REPRESENTATIVE[SILENT], {"agree": True, "opinion": "环评已批复，同意"})
    [conclude] = open_tasks(instance, "conclude_joint_review")
    complete(conclude, REPRESENTATIVE[LEAD], {"decision": "approve", "opinion": "准予办理"})
    assert conclusion_of(instance)["approved"] is True


def test_a_department_without_a_chief_representative_is_answered_by_its_deputy_leader(item, centre):
    from workflows.org.models import Official

    Official.objects.filter(user__username=REPRESENTATIVE["县自然资源局"]).update(active=False)
    instance = started(joint_application(item))
    inform(instance)
    task = task_of(instance, "县自然资源局")
    assert [o.user.username for o in task.candidates.all()] == ["wufj"]  # 吴振华, 县自然资源局 分管领导


def test_a_holiday_announced_after_informing_moves_the_deadline_the_task_and_the_consent(item, clock, centre):
    from workflows.org.models import CalendarOverride
    from workflows.runtime.services.calendar import save_override

    application = joint_application(item, silent_consent=True)
    instance = started(application)
    inform(instance, days=2)
    answer_all_but(instance, SILENT)
    assert save_override(CalendarOverride(day=datetime(2026, 12, 7).date(), kind=CalendarOverride.HOLIDAY,
                                          note="临时放假"), actor=centre["admin"]) >= 1
    moved_close = datetime(2026, 12, 8, 23, 59, 59, tzinfo=CENTRE_TZ)
    assert review_of(application, SILENT).due_at == moved_close
    assert task_of(instance, SILENT).due_at == moved_close
    instance.refresh_from_db()
    assert instance.next_timer_at == datetime(2026, 12, 9, 0, 0, tzinfo=CENTRE_TZ)
    assert review_of(application, "县自然资源局").due_at == LAST_SECOND_OF_MONDAY  # answered: stays as it was

    clock.set(TUESDAY_MIDNIGHT)
    assert fire_due_timers() == 0
    clock.set(datetime(2026, 12, 9, 0, 0, tzinfo=CENTRE_TZ))
    assert fire_due_timers() == 1
    assert review_of(application, SILENT).answer == CoDepartmentReview.DEEMED_CONSENT


def test_called_by_an_application_process_it_takes_the_application_and_gives_back_only_the_conclusion(item):
    """The contract with the application flow: a call activity passes `application_id`, gets `joint_conclusion`;
    the joint review's own data (reviews, forms) does not spill into the caller."""
    from pathlib import Path

    from tests.conftest import BPMN_DIR
    from workflows.runtime.services.definitions import deploy_definition
    from workflows.runtime.services.instances import start_process

    caller = Path(__file__).parent / "fixtures" / "joint_caller.bpmn"
    called = BPMN_DIR / "joint_review.bpmn"
    deploy_definition("joint_caller", {"joint_caller.bpmn": caller.read_text(encoding="utf-8"),
                                       "joint_review.bpmn": called.read_text(encoding="utf-8")})
    application = joint_application(item)
    instance = start_process("joint_caller", data={"application_id": application.pk, "applicant": "某公司"},
                             business_key=application.number, started_by=application.received_by)
    application.instance = instance
    application.save(update_fields=["instance"])
    inform(instance)
    answer_all_but(instance, None)
    [conclude] = open_tasks(instance, "conclude_joint_review")
    complete(conclude, REPRESENTATIVE[LEAD], {"decision": "approve", "opinion": "准予办理"})

    instance.refresh_from_db()
    assert (instance.status, instance.end_event) == (ProcessInstance.COMPLETED, "application_approved")
    data = runner_for(instance.definition).restore(instance.state).data
    assert data["joint_conclusion"] == {"approved": True, "opinion": "准予办理"}
    assert data["applicant"] == "某公司"
    assert not {"reviews", "review", "inform", "conclusion_answer", "lead_role"} & set(data)
