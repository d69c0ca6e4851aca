"""Leave records on the pages a person meets: the new-leave form's refusals and maxima, the leave page's report-back
deadline, and the confirmer's 否 on the task page.

The clock stands at Wednesday 2026-11-25 09:00 (tests/webapp/conftest.py) unless a test moves it.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.urls import reverse

from engine.clock import CENTRE_TZ
from workflows.leave.models import LeaveRequest
from workflows.runtime.models import HumanTask
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task


def leave_form(**overrides) -> dict:
    data = {"leave_type": "事假", "first_day": "2026-12-01", "first_half": "am", "last_day": "2026-12-01",
            "last_half": "pm", "reason": "家中有事", "proposed_substitute": "", "has_sick_certificate": ""}
    return {**data, **overrides}


def test_the_new_leave_page_lists_each_types_maximum_with_its_source(login):
    page = login("lisi").get(reverse("leave_new")).content.decode()
    assert "各类假期单次最长天数" in page
    assert "婚假" in page and "17 天（含公休日和法定节假日）" in page and "002 2.3.1–2.3.2" in page
    assert "种子制度（000–004）未规定单次最长天数" in page
    assert "只有病假可以事后补办（开始后 30 天以内）" in page


@pytest.mark.parametrize(("overrides", "words"), [
    ({"first_day": "2026-11-20", "last_day": "2026-11-20"}, "2026-11-20 已过，不能事后请假"),
    ({"first_day": "2027-12-01", "last_day": "2027-12-01"}, "只受理一年以内（2027-11-25 及以前）的请假"),
    ({"leave_type": "产假", "last_day": "2027-06-01"}, "产假单次最长 165 天"),
])
def test_refusals_are_shown_on_the_form_and_nothing_is_filed(login, overrides, words):
    response = login("lisi").post(reverse("leave_new"), leave_form(**overrides))
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_the_form_offers_only_the_applicants_window_as_substitutes(login, official):
    form = login("lisi").get(reverse("leave_new")).context["form"]
    assert set(form.fields["proposed_substitute"].queryset) == {official("zhangsan"), official("chensx")}


def test_the_report_back_deadline_shows_on_the_leave_page_and_in_monitoring(login, file_leave, clock):
    leave = file_leave()
    task = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    complete_task(task.pk, task.candidates.get(), {"decision": "approve", "comment": "同意"})
    clock.set(datetime(2026, 12, 1, 8, 0, tzinfo=CENTRE_TZ))
    fire_due_timers()
    page = login("lisi").get(reverse("leave_detail", args=[leave.pk])).content.decode()
    assert "销假期限" in page and "2026-12-02 23:59" in page and "休假中" in page

    director = login("wangzr")
    assert director.get(reverse("monitoring")).context["overdue"].count() == 0
    clock.set(datetime(2026, 12, 3, 0, 0, 30, tzinfo=CENTRE_TZ))  # past the deadline, before the sweep
    assert [(t.title, t.case_number) for t in director.get(reverse("monitoring")).context["overdue"]] == [
        ("销假", leave.case_number)]


def test_the_confirmer_answers_no_on_the_task_page_and_the_applicant_sees_why(login, file_leave, official):
    leave = file_leave(first=date(2026, 12, 1), last=date(2026, 12, 3), substitute="chensx")
    task = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    client = login("zhangsan")
    refused = client.post(reverse("task", args=[task.pk]), {"confirmed": "false", "substitute_id": "", "comment": ""})
    assert refused.status_code == 200 and "请说明顶岗人员无法落实的理由" in refused.content.decode()

    done = client.post(reverse("task", args=[task.pk]),
                       {"confirmed": "false", "substitute_id": "", "comment": "陈首席当周外出培训"})
    assert done.status_code == 302
    lisi = login("lisi")
    page = lisi.get(reverse("leave_detail", args=[leave.pk])).content.decode()
    assert "已退回" in page and "退回理由" in page and "陈首席当周外出培训" in page
    assert "顶岗人员未落实，已退回：陈首席当周外出培训" in lisi.get(reverse("inbox")).content.decode()
