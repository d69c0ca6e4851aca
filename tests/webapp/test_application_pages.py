"""The window's intake screen (/applications/new/), the application's task pages with its summary (working days
left, clock history, notices) and its stored notices."""

from __future__ import annotations

import hashlib

from django.urls import reverse

from tests.workflows.application_steps import all_materials, items_fixture, open_task  # noqa: F401 (the fixture)
from workflows.applications.demo import seed_joint_representatives
from workflows.applications.intake import receive_application
from workflows.applications.models import Application
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.transitions import complete_task


def _form(item, **changes) -> dict:
    return {"item": item.pk, "applicant": "伊犁天山餐饮有限公司", "phone": "13899912345", "matter": "新开餐馆",
            "materials": all_materials(item), **changes}


def test_the_intake_screen_lists_the_chosen_items_materials_with_the_main_document_marked(items, login):
    client = login("lisi")
    page = client.get(reverse("application_new")).content.decode()
    assert "窗口收件" in page and "CN-002 食品经营许可" in page and 'name="applicant"' not in page
    page = client.get(reverse("application_new"), {"item": items["CN-002"].pk}).content.decode()
    assert "食品经营许可申请书（主件）" in page and 'type="checkbox"' in page and 'name="applicant"' in page


def test_receiving_an_application_redirects_to_its_receipt(items, login, centre):
    response = login("lisi").post(reverse("application_new"), _form(items["CN-002"]))
    application = Application.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.number}/receipt/"
    assert application.received_by == centre["lisi"] and application.status == Application.IN_PROGRESS
    receipt = login("lisi").get(response["Location"]).content.decode()
    assert application.number in receipt and "<svg" in receipt and f"/lookup/?number={application.number}" in receipt


def test_bad_intake_shows_the_reason_in_chinese_and_saves_nothing(items, login):
    client = login("lisi")
    item = items["CN-002"]
    bad_phone = client.post(reverse("application_new"), _form(item, phone="12345"))
    assert bad_phone.status_code == 200 and "12345 不是" in bad_phone.content.decode()
    foreign = client.post(reverse("application_new"),
                          {**_form(item), "materials": [items["CN-001"].materials.first().pk]})
    assert foreign.status_code == 200 and "有效的选项" in foreign.content.decode()
    no_applicant = client.post(reverse("application_new"), _form(item, applicant=""))
    assert no_applicant.status_code == 200 and "该字段是必填项" in no_applicant.content.decode()
    unknown_item = client.post(reverse("application_new"), {**_form(item), "item": "99999"})
    assert unknown_item.status_code == 200
    assert not Application.objects.exists() and not ProcessInstance.objects.filter(definition__key="application")
    assert not AuditEvent.objects.filter(action="application_received").exists()


def test_the_handling_task_page_shows_the_case_and_decides_it(items, login, centre):
    item = items["CN-002"]
    application = receive_application(item.pk, "伊犁天山餐饮有限公司", "13899912345", "新开餐馆", all_materials(item),
                                      centre["lisi"])
    task = open_task(application, "handle_application")
    client = login("chensx")
    page = client.get(reverse("task", args=[task.pk])).content.decode()
    assert application.number in page and "剩余工作日" in page and "计时记录" in page and "受理通知书" in page
    assert 'name="action"' in page and 'name="extension_days"' in page

    missing = client.post(reverse("task", args=[task.pk]), {"action": "decide", "decision": "approved"})
    assert missing.status_code == 200 and "所选办理意见须填写此项" in missing.content.decode()
    application.refresh_from_db()
    assert application.status == Application.IN_PROGRESS

    done = client.post(reverse("task", args=[task.pk]),
                       {"action": "decide", "decision": "approved", "opinion": "符合条件"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.DECIDED and application.outcome == Application.APPROVED


def test_a_stored_notice_is_served_as_issued(items, login, centre):
    item = items["CN-002"]
    application = receive_application(item.pk, "伊犁天山餐饮有限公司", "13899912345", "", all_materials(item),
                                      centre["lisi"])
    notice = application.notices.get()
    response = login("lisi").get(reverse("application_notice", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == notice.sha256


def test_an_official_without_a_window_is_told_that_applications_are_received_at_a_window(items, login):
    client = login("zhaobgs")
    assert "/applications/new/" not in client.get(reverse("inbox")).content.decode()
    refused = client.post(reverse("application_new"), _form(items["CN-002"]))
    assert refused.status_code == 200 and "申请须在窗口收件" in refused.content.decode()
    assert not Application.objects.exists()
    assert "/applications/new/" in login("lisi").get(reverse("inbox")).content.decode()


def test_the_handler_and_the_centre_leader_act_through_the_api_too(items, login, centre):
    item = items["CN-002"]
    application = receive_application(item.pk, "伊犁天山餐饮有限公司", "13899912345", "", all_materials(item),
                                      centre["lisi"])
    task = open_task(application, "handle_application")
    handler = login("chensx")
    no_reason = handler.post(f"/api/tasks/{task.pk}/complete/", {"data": {"action": "extension", "extension_days": 3}},
                             content_type="application/json")
    assert no_reason.status_code == 400 and "所选办理意见须填写此项" in no_reason.content.decode()
    request = {"action": "extension", "extension_days": 3, "extension_reason": "需要现场核查"}
    asked = handler.post(f"/api/tasks/{task.pk}/complete/", {"data": request}, content_type="application/json")
    assert asked.status_code == 200, asked.json()

    approval = open_task(application, "approve_extension")
    leader = login("wangzr")
    open_choice = leader.post(f"/api/tasks/{approval.pk}/complete/", {"data": {"opinion": "再议"}},
                              content_type="application/json")
    assert open_choice.status_code == 400 and "请选择" in open_choice.content.decode()
    done = leader.post(f"/api/tasks/{approval.pk}/complete/", {"data": {"approve": True, "opinion": "同意"}},
                       content_type="application/json")
    assert done.status_code == 200, done.json()
    application.refresh_from_db()
    assert application.clock_entries.get(kind="extended").approved_by == centre["wangzr"]


def test_an_item_whose_department_has_nobody_to_decide_is_refused_on_the_page_and_nothing_is_saved(items, login):
    """CN-001 belongs to the 县公安局, where the demo centre has no chief representative (the deciding post)."""
    response = login("lisi").post(reverse("application_new"), _form(items["CN-001"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "县公安局没有首席代表，无人对“CN-001 出入境证件办理（普通护照签发）”作出决定" in text
    assert not Application.objects.exists() and not ProcessInstance.objects.filter(definition__key="application")


def test_the_lead_of_a_joint_application_sees_every_departments_answer_on_the_task_page(items, login, centre):
    """A 联办件's joint review runs inside the application's instance: its page shows the application's summary with
    the co-department reviews (the joint review's own summary is not the instance's record)."""
    seed_joint_representatives()
    item = items["LB-001"]
    application = receive_application(item.pk, "伊犁河谷新能源开发有限公司", "0999-8123456", "光伏电站",
                                      all_materials(item), centre["lisi"])
    inform = open_task(application, "inform_co_departments")
    complete_task(inform.pk, inform.candidates.get(), {"mode": "written", "review_days": 3})
    reviews = list(HumanTask.objects.filter(instance=application.instance, spec_name="answer_co_department_review",
                                            state=HumanTask.OPEN).prefetch_related("candidates"))
    for task, agree in zip(reviews, (True, True, False), strict=True):
        complete_task(task.pk, task.candidates.get(), {"agree": agree, "opinion": f"意见{task.pk}"})
    conclude = open_task(application, "conclude_joint_review")
    page = login("hefg").get(reverse("task", args=[conclude.pk])).content.decode()
    assert application.number in page and "剩余工作日" in page  # the application's own summary
    for department in ("县自然资源局", "县住房和城乡建设局", "县生态环境局"):
        assert department in page
    assert "不同意" in page and all(f"意见{task.pk}" in page for task in reviews)
