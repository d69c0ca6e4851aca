"""Bad input to the joint review is refused with a clear Chinese message and nothing saved; the lead sees every
department's answer on the task page (a disagreement with its opinion, a deemed consent marked as such)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse

from engine.clock import CENTRE_TZ
from engine.errors import ExecutionError
from tests.workflows.joint_steps import (
    CO_DEPARTMENTS,
    LEAD,
    REPRESENTATIVE,
    complete,
    inform,
    joint_application,
    official,
    open_tasks,
    prepare_joint_centre,
    started,
    task_of,
)
from workflows.applications.joint import JOINT_REVIEW_PROCESS, JointReviewRefused
from workflows.applications.models import Application, CoDepartmentReview, JointMeeting, ServiceItem
from workflows.org.models import Department, Official
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.sweep import fire_due_timers

THURSDAY = datetime(2026, 12, 3, 9, 0, tzinfo=CENTRE_TZ)


@pytest.fixture
def item(centre, clock):
    clock.set(THURSDAY)
    return prepare_joint_centre()


def client_of(username: str) -> Client:
    client = Client()
    client.force_login(official(username).user)
    return client


def api_complete(task: HumanTask, username: str, data: dict):
    return client_of(username).post(f"/api/tasks/{task.pk}/complete/", {"data": data}, content_type="application/json")


def test_an_application_that_is_no_joint_case_is_refused_before_anything_starts(item):
    promised = ServiceItem.objects.get(code="CN-001")
    application = joint_application(item)
    Application.objects.filter(pk=application.pk).update(item=promised, kind=promised.kind)
    application.refresh_from_db()
    with pytest.raises(JointReviewRefused, match="不是联办件"):
        started(application)
    assert not ProcessInstance.objects.exists()


def test_an_item_without_co_departments_is_refused(item):
    application = joint_application(item)
    item.co_departments.clear()
    with pytest.raises(JointReviewRefused, match="没有可告知的协办部门"):
        started(application)
    assert not ProcessInstance.objects.exists() and not CoDepartmentReview.objects.exists()


def test_a_department_nobody_can_answer_for_is_named(item):
    Official.objects.filter(department__name="县住房和城乡建设局").update(active=False)
    with pytest.raises(JointReviewRefused, match="县住房和城乡建设局既无首席代表也无分管领导"):
        started(joint_application(item))
    assert not ProcessInstance.objects.exists()


def test_a_start_with_an_application_that_does_not_exist_saves_nothing(item):
    with pytest.raises(ExecutionError, match="办件 999999 不存在"):
        start_process(JOINT_REVIEW_PROCESS, data={"application_id": 999999}, business_key="LB-X")
    assert not ProcessInstance.objects.exists()


def test_a_review_period_out_of_range_or_past_the_case_due_date_is_refused_and_the_task_stays_open(item):
    application = joint_application(item, due_at=datetime(2026, 12, 8, 23, 59, 59, tzinfo=CENTRE_TZ))
    instance = started(application)
    [task] = open_tasks(instance, "inform_co_departments")
    for days, message in ((0, "1"), (61, "60"), ("三", "整数"), (None, "必填")):
        answer = api_complete(task, REPRESENTATIVE[LEAD], {"mode": "written", "review_days": days})
        assert answer.status_code == 400 and message in str(answer.json()["errors"]["review_days"])
    too_long = api_complete(task, REPRESENTATIVE[LEAD], {"mode": "written", "review_days": 4})  # ends Wed 12-09
    assert too_long.status_code == 400
    assert too_long.json()["errors"]["review_days"] == ["审查期限 2026-12-09 晚于本件的办结时限 2026-12-08，请缩短"]
    assert not CoDepartmentReview.objects.exists()
    task.refresh_from_db()
    assert task.state == HumanTask.OPEN
    assert api_complete(task, REPRESENTATIVE[LEAD], {"mode": "written", "review_days": 3}).status_code == 200
    assert application.co_reviews.count() == 3


def test_disagreeing_without_an_opinion_and_answering_for_another_department_are_refused(item):
    instance = started(joint_application(item))
    inform(instance)
    task = task_of(instance, "县自然资源局")
    no_opinion = api_complete(task, REPRESENTATIVE["县自然资源局"], {"agree": False, "opinion": "  "})
    assert no_opinion.status_code == 400 and no_opinion.json()["errors"]["opinion"] == ["不同意的，须写明意见。"]
    no_choice = api_complete(task, REPRESENTATIVE["县自然资源局"], {"opinion": "同意"})
    assert no_choice.status_code == 400 and "agree" in no_choice.json()["errors"]
    other = api_complete(task, REPRESENTATIVE["县生态环境局"], {"agree": True, "opinion": ""})
    assert other.status_code in (403, 404)
    assert not CoDepartmentReview.objects.exclude(answer="").exists()


def test_the_lead_cannot_approve_over_a_disagreement_and_sees_it_on_the_task_page(item, clock):
    application = joint_application(item, silent_consent=True)
    instance = started(application)
    inform(instance, days=2)
    complete(task_of(instance, "县自然资源局"), REPRESENTATIVE["县自然资源局"], {"agree": True, "opinion": "符合规划"})
    complete(task_of(instance, "县住房和城乡建设局"), REPRESENTATIVE["县住房和城乡建设局"],
             {"agree": False, "opinion": "施工图审查未通过"})
    clock.set(datetime(2026, 12, 8, 0, 0, tzinfo=CENTRE_TZ))
    assert fire_due_timers() == 1  # 县生态环境局 silent: deemed consent

    [conclude] = open_tasks(instance, "conclude_joint_review")
    page = client_of(REPRESENTATIVE[LEAD]).get(reverse("task", args=[conclude.pk])).content.decode()
    for department in CO_DEPARTMENTS:
        assert department in page
    assert "施工图审查未通过" in page and "不同意" in page and "逾期未答复，视为同意" in page

    approve = api_complete(conclude, REPRESENTATIVE[LEAD], {"decision": "approve", "opinion": "准予"})
    assert approve.status_code == 400
    assert approve.json()["errors"]["decision"] == [
        "县住房和城乡建设局不同意，不能准予办理；可召开联席会议协调，或不予办理"]
    no_opinion = api_complete(conclude, REPRESENTATIVE[LEAD], {"decision": "not_approve", "opinion": ""})
    assert no_opinion.status_code == 400 and "opinion" in no_opinion.json()["errors"]
    conclude.refresh_from_db()
    assert conclude.state == HumanTask.OPEN
    assert api_complete(conclude, REPRESENTATIVE[LEAD], {"decision": "not_approve",
                                                         "opinion": "住建局不同意"}).status_code == 200
    instance.refresh_from_db()
    assert instance.status == ProcessInstance.COMPLETED
    page = client_of(REPRESENTATIVE[LEAD]).get(reverse("task", args=[conclude.pk])).content.decode()
    assert "办结人" in page and "不予许可" in page and "住建局不同意" in page


def test_meeting_minutes_are_required_and_only_co_departments_can_be_absent(item):
    application = joint_application(item)
    instance = started(application)
    [lead_task] = open_tasks(instance, "inform_co_departments")
    assert api_complete(lead_task, REPRESENTATIVE[LEAD], {"mode": "meeting", "review_days": None}).status_code == 200
    [record] = open_tasks(instance, "record_joint_meeting")
    page = client_of("zhaobgs").get(reverse("task", args=[record.pk])).content.decode()
    assert all(department in page for department in CO_DEPARTMENTS)
    no_minutes = api_complete(record, "zhaobgs", {"minutes": "", "absent_department_ids": []})
    assert no_minutes.status_code == 400 and "minutes" in no_minutes.json()["errors"]
    lead = Department.objects.get(name=LEAD)
    stranger = api_complete(record, "zhaobgs", {"minutes": "纪要", "absent_department_ids": [lead.pk]})
    assert stranger.status_code == 400 and "absent_department_ids" in stranger.json()["errors"]
    assert not JointMeeting.objects.exists()
