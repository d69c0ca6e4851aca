"""Leave records through the REST API: clear 400s for dates and lengths, half-day overlaps, the report-back task's
due date, substitutes and the confirmer's 否, case numbers read back.

The clock stands at Wednesday 2026-11-25 09:00 (tests/webapp/conftest.py) unless a test moves it.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse

from engine.clock import CENTRE_TZ
from workflows.leave.models import LeaveRequest
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task

BODY = {"leave_type": "事假", "first_day": "2026-12-01", "last_day": "2026-12-01", "reason": "家中有事"}


def post_leave(client, **overrides):
    return client.post("/api/leave-requests/", {**BODY, **overrides}, content_type="application/json")


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"first_day": "2026-11-20", "last_day": "2026-11-20"}, "first_day", "2026-11-20 已过，不能事后请假"),
    ({"leave_type": "病假", "first_day": "2026-10-01", "last_day": "2026-10-09"}, "first_day",
     "病假补办只受理 30 天以内"),
    ({"leave_type": "病假", "first_day": "0001-01-01", "last_day": "0001-01-01"}, "first_day", "30 天以内"),
    ({"first_day": "2027-12-01", "last_day": "2027-12-01"}, "first_day", "一年以内（2027-11-25 及以前）"),
    ({"last_day": "9999-12-31"}, "last_day", "请假日期 9999-12-31 太远"),
    ({"leave_type": "婚假", "last_day": "2026-12-18"}, "last_day", "婚假单次最长 17 天"),
])
def test_past_far_and_too_long_leaves_are_clear_400s(login, overrides, field, words):
    response = post_leave(login("lisi"), **overrides)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field and words in response.json()["detail"]
    assert LeaveRequest.objects.count() == 0 and ProcessInstance.objects.count() == 0


def test_a_date_that_does_not_exist_is_a_400_not_a_500(login):
    response = post_leave(login("lisi"), last_day="10000-01-01")
    assert response.status_code == 400 and "last_day" in response.json()


def test_sick_leave_filed_afterwards_is_accepted(login):
    response = post_leave(login("lisi"), leave_type="病假", first_day="2026-11-23", last_day="2026-11-24")
    assert response.status_code == 201 and response.json()["days"] == "2.0"


def test_half_day_overlaps_through_the_api(login):
    assert post_leave(login("zhangsan"), first_half="pm").status_code == 201
    assert post_leave(login("lisi"), last_half="am").status_code == 201  # own morning, a colleague's afternoon
    clash = post_leave(login("chensx"), first_half="am", last_half="am")
    assert clash.status_code == 400
    assert "李四已请假（2026-12-01 上午）" in clash.json()["detail"]


def test_case_numbers_read_back_with_the_centres_year(login, clock):
    clock.set(datetime(2026, 1, 1, 3, 0, tzinfo=CENTRE_TZ))
    client = login("lisi")
    created = post_leave(client, first_day="2026-01-05", last_day="2026-01-05")
    number = created.json()["case_number"]
    assert number.startswith("QJ2026-")
    assert client.get(f"/api/leave-requests/{created.json()['id']}/").json()["case_number"] == number
    assert [t["case_number"] for t in login("lifzr").get("/api/tasks/").json()["results"]] == [number]


def test_the_report_back_task_is_due_at_the_deadline_and_shows_overdue_after_it(login, file_leave, clock):
    leave = file_leave(first=date(2026, 12, 1), last=date(2026, 12, 1))
    task = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    complete_task(task.pk, task.candidates.get(), {"decision": "approve", "comment": "同意"})
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=CENTRE_TZ))
    fire_due_timers()

    client = login("lisi")
    [report] = client.get("/api/tasks/", {"view": "mine"}).json()["results"]
    assert (report["title"], report["due_at"]) == ("销假", "2026-12-02T23:59:59+08:00")
    assert client.get(f"/api/leave-requests/{leave.pk}/").json()["report_back_due"] == "2026-12-02T23:59:59+08:00"
    assert client.get("/api/tasks/", {"overdue": "true"}).json()["results"] == []
    clock.set(datetime(2026, 12, 3, 0, 0, 30, tzinfo=CENTRE_TZ))  # past the deadline, before the sweep
    assert [t["id"] for t in client.get("/api/tasks/", {"overdue": "true"}).json()["results"]] == [report["id"]]


def test_a_substitute_from_another_window_is_refused(login, official):
    response = post_leave(login("lisi"), proposed_substitute=official("wangwu").pk)
    assert response.status_code == 400 and "proposed_substitute" in response.json()


def test_confirmer_answers_no_without_naming_anyone(login, file_leave, official):
    leave = file_leave(first=date(2026, 12, 1), last=date(2026, 12, 3), substitute="chensx")
    task = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN, form="confirm_substitute")
    client = login("zhangsan")
    url = f"/api/tasks/{task.pk}/complete/"

    no_reason = client.post(url, {"data": {"confirmed": False}}, content_type="application/json")
    assert no_reason.status_code == 400 and set(no_reason.json()["errors"]) == {"comment"}
    assert no_reason.json()["detail"] == "表单有误"
    nobody = client.post(url, {"data": {"confirmed": True, "comment": ""}}, content_type="application/json")
    assert nobody.status_code == 400 and set(nobody.json()["errors"]) == {"substitute_id"}
    outsider = client.post(url, {"data": {"confirmed": True, "substitute_id": official("wangwu").pk}},
                           content_type="application/json")
    assert outsider.status_code == 400 and set(outsider.json()["errors"]) == {"substitute_id"}

    answered = client.post(url, {"data": {"confirmed": False, "comment": "本周窗口无人可顶岗"}},
                           content_type="application/json")
    assert answered.status_code == 200, answered.json()
    body = login("lisi").get(f"/api/leave-requests/{leave.pk}/").json()
    assert (body["status"], body["status_display"]) == ("sent_back", "已退回")
    assert body["sent_back_reason"] == "本周窗口无人可顶岗"


def test_an_approver_is_neither_offered_nor_accepted_as_the_substitute(login, official, deploy_leave):
    deploy_leave("nileke")  # the department's pool; two days: 孙分管 confirms and approves, then the director
    lisi = login("lisi")
    created = post_leave(lisi, last_day="2026-12-02", proposed_substitute=official("wangwu").pk)
    assert created.status_code == 201, created.json()
    leave = LeaveRequest.objects.get(pk=created.json()["id"])
    assert set(leave.approver_ids) == {official("sunfj").pk, official("wangzr").pk}
    task = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN, form="confirm_substitute")
    confirmer = login("sunfj")
    form = confirmer.get(reverse("task", args=[task.pk])).context["form"]
    offered = set(form.fields["substitute_id"].queryset)
    assert official("sunfj") not in offered and {official("wangwu"), official("chensx")} <= offered

    url = f"/api/tasks/{task.pk}/complete/"
    himself = confirmer.post(url, {"data": {"confirmed": True, "substitute_id": official("sunfj").pk}},
                             content_type="application/json")
    assert himself.status_code == 400 and set(himself.json()["errors"]) == {"substitute_id"}
    refused = post_leave(login("zhangsan"), first_day="2026-12-08", last_day="2026-12-09",
                         proposed_substitute=official("sunfj").pk)
    assert refused.status_code == 400 and "孙立平是本次请假的审批人" in refused.json()["detail"]
