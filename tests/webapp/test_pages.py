"""Login, navigation, inbox and leave pages, in Chinese."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse

from workflows.leave.models import LeaveRequest
from workflows.runtime.models import HumanTask, ProcessInstance


def leave_form(**overrides) -> dict:
    data = {"leave_type": "事假", "first_day": "2026-12-01", "first_half": "am", "last_day": "2026-12-01",
            "last_half": "pm", "reason": "家中有事", "proposed_substitute": "", "has_sick_certificate": ""}
    return {**data, **overrides}


def test_login_page_is_in_chinese_even_for_a_browser_set_to_english(client, db):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in page
    assert "用户名" in page and "密码" in page


def test_pages_require_login(client, db):
    for name in ("inbox", "leave_list", "leave_new", "definition_list"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_logout_is_a_post(login):
    client = login("lisi")
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("inbox")).status_code == 302


def test_navigation_shows_name_and_hides_definitions_from_window_staff(login):
    page = login("lisi").get(reverse("inbox")).content.decode()
    assert "李四" in page and "待办" in page and "我的请假" in page and "新建请假" in page
    assert "流程定义" not in page
    assert "流程定义" in login("zhaobgs").get(reverse("inbox")).content.decode()


def test_filing_a_one_day_leave_puts_the_task_in_the_deputy_directors_inbox(login):
    response = login("lisi").post(reverse("leave_new"), leave_form())
    leave = LeaveRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("leave_detail", args=[leave.pk])
    assert leave.status == LeaveRequest.PENDING and leave.days == 1

    lifzr = login("lifzr")
    tabs = [lifzr.get(reverse("inbox"), {"tab": tab}).content.decode() for tab in ("mine", "claimable")]
    assert any(leave.case_number in page for page in tabs)
    assert "剩余1个工作日" in "".join(tabs)
    zhangsan = login("zhangsan")
    for tab in ("mine", "claimable", "done"):
        assert leave.case_number not in zhangsan.get(reverse("inbox"), {"tab": tab}).content.decode()


def test_leave_detail_page_shows_the_request_its_tasks_and_history(login):
    client = login("lisi")
    client.post(reverse("leave_new"), leave_form())
    leave = LeaveRequest.objects.get()
    page = client.get(reverse("leave_detail", args=[leave.pk])).content.decode()
    assert leave.case_number in page and "审批中" in page and "审批请假" in page and "按何种假处理" in page
    assert "流程启动" in page  # history
    assert reverse("api:definition-bpmn", args=[leave.instance.definition_id]) in page
    assert 'data-current="approve_leave"' in page
    assert leave.case_number in client.get(reverse("leave_list")).content.decode()
    assert login("lifzr").get(reverse("leave_detail", args=[leave.pk])).status_code == 200  # has a task on it
    assert login("wangwu").get(reverse("leave_detail", args=[leave.pk])).status_code == 403


def test_leave_ending_before_it_starts_is_refused_on_the_form(login):
    response = login("lisi").post(reverse("leave_new"), leave_form(first_day="2026-12-02", last_day="2026-12-01"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "结束时间早于开始时间" in page
    assert 'value="2026-12-02"' in page and "家中有事" in page  # the input is kept
    assert not LeaveRequest.objects.exists() and not ProcessInstance.objects.exists()


def test_leave_starting_on_a_weekend_is_refused_on_the_form(login):
    response = login("lisi").post(reverse("leave_new"), leave_form(first_day="2026-12-05", last_day="2026-12-07"))
    page = response.content.decode()
    assert "2026-12-05 不是工作日，请假起止日须为工作日" in page
    assert not LeaveRequest.objects.exists() and not ProcessInstance.objects.exists()


def test_leave_form_shape_errors_stay_on_the_form(login):
    response = login("lisi").post(reverse("leave_new"), leave_form(first_day="", reason=""))
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"first_day", "reason"}
    assert not LeaveRequest.objects.exists()


def test_inbox_filters_and_overdue_marking(login, file_leave, clock):
    leave = file_leave()
    client = login("lifzr")
    assert leave.case_number in client.get(reverse("inbox"), {"q": "李四"}).content.decode()
    assert leave.case_number not in client.get(reverse("inbox"), {"q": "王五"}).content.decode()
    assert leave.case_number not in client.get(reverse("inbox"), {"overdue": "on"}).content.decode()
    assert leave.case_number in client.get(reverse("inbox"), {"process": "leave_approval"}).content.decode()
    choices = dict(client.get(reverse("inbox")).context["form"].fields["process"].choices)
    assert choices["leave_approval"] == leave.instance.definition.name != "leave_approval"  # words, not keys

    clock.advance(days=5)  # Monday 2026-11-30: due Thursday 26th, two working days ago
    page = client.get(reverse("inbox"), {"overdue": "on"}).content.decode()
    assert leave.case_number in page
    assert "已逾期2个工作日" in page and 'class="overdue"' in page


def test_inbox_paginates(login, file_leave, official):
    leave = file_leave()
    task = HumanTask.objects.get(instance=leave.instance)
    base = {f.attname: getattr(task, f.attname) for f in HumanTask._meta.concrete_fields if f.name != "id"}
    for n in range(25):
        HumanTask.objects.create(**{**base, "engine_task_id": f"extra-{n}",
                                    "due_at": task.due_at + timedelta(minutes=n)}).candidates.set([official("lifzr")])
    client = login("lifzr")
    first = client.get(reverse("inbox"))
    assert len(first.context["rows"]) == 20 and first.context["previous_url"] is None
    second = client.get(first.context["next_url"])
    assert len(second.context["rows"]) == 6 and second.context["next_url"] is None
    assert "第 2 页" in second.content.decode()
    assert {t.pk for t in first.context["rows"]}.isdisjoint(t.pk for t in second.context["rows"])
    assert len(client.get(reverse("inbox"), {"page": "x"}).context["rows"]) == 20


def test_definitions_pages_are_for_the_centre_office(login, leave_definition):
    office = login("zhaobgs")
    page = office.get(reverse("definition_list")).content.decode()
    assert "leave_approval" in page and "leave_route_shenxian.dmn" in page
    detail = office.get(reverse("definition_detail", args=[leave_definition.pk])).content.decode()
    assert "bpmn-navigated-viewer.production.min.js" in detail and "leave_approval.bpmn" in detail
    assert login("lisi").get(reverse("definition_list")).status_code == 403
    assert login("lisi").get(reverse("definition_detail", args=[leave_definition.pk])).status_code == 403
