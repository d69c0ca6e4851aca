"""The 否定报备 process (bpmn/rejection_report.bpmn): within the handler's authority the refusal is registered at
once with its stored notice; beyond it the centre director decides on the task page, and only an agreed refusal is
registered; a refused proposal saves nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import BPMN_DIR
from workflows.applications.demo import seed_demo_catalogue
from workflows.applications.models import Refusal
from workflows.applications.refusals import RefusalInput, RefusalRefused
from workflows.applications.rejection_report import deploy_rejection_report, start_rejection_report
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance


@pytest.fixture
def items(centre, settings, tmp_path):
    """The demo catalogue, the process deployed, notices stored under a temporary media root."""
    settings.MEDIA_ROOT = tmp_path / "media"
    deploy_rejection_report(BPMN_DIR)
    return {item.code: item for item in seed_demo_catalogue()}


def _proposal(item, **changes) -> RefusalInput:
    fields = {"item_id": item.pk, "applicant": "伊犁某餐饮有限公司", "phone": "13800138000", "matter": "食品经营许可",
              "reason": "经营场所不符合要求", "legal_basis": "《食品经营许可和备案管理办法》第十六条"}
    return RefusalInput(**{**fields, **changes})


def _leader_task(refusal: Refusal) -> HumanTask:
    return HumanTask.objects.get(instance=refusal.instance, spec_name="decide_by_centre_leader",
                                 state=HumanTask.OPEN)


def test_within_authority_the_process_registers_at_once_with_the_notice(items, centre):
    refusal = start_rejection_report(_proposal(items["CN-001"]), handler=centre["zhangsan"])
    assert refusal.within_authority and refusal.status == Refusal.REGISTERED
    assert refusal.notice_number and refusal.notice_file.read().startswith(b"%PDF")
    assert refusal.instance.status == ProcessInstance.COMPLETED
    assert not refusal.instance.tasks.exists()


def test_beyond_authority_waits_for_the_director_and_agreeing_registers(items, centre, login):
    refusal = start_rejection_report(_proposal(items["CN-002"]), handler=centre["lisi"])
    assert not refusal.within_authority and refusal.status == Refusal.AWAITING_LEADER
    assert not refusal.notice_number
    task = _leader_task(refusal)
    assert task.assignee == centre["wangzr"]

    client = login("wangzr")
    page = client.get(reverse("task", args=[task.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "伊犁某餐饮有限公司" in text and 'name="opinion"' in text and 'name="agree"' in text

    no_opinion = client.post(reverse("task", args=[task.pk]), {"agree": "true", "opinion": ""})
    assert no_opinion.status_code == 200 and "该字段是必填项" in no_opinion.content.decode()
    refusal.refresh_from_db()
    assert refusal.status == Refusal.AWAITING_LEADER

    done = client.post(reverse("task", args=[task.pk]), {"agree": "true", "opinion": "同意不予受理"})
    assert done.status_code == 302
    refusal.refresh_from_db()
    assert refusal.status == Refusal.REGISTERED and refusal.leader == centre["wangzr"]
    assert refusal.leader_opinion == "同意不予受理" and refusal.notice_file.read().startswith(b"%PDF")
    assert refusal.instance.status == ProcessInstance.COMPLETED
    assert AuditEvent.objects.filter(action="refusal_registered", actor=centre["wangzr"]).exists()


def test_disagreeing_withdraws_and_registers_nothing(items, centre, login):
    refusal = start_rejection_report(_proposal(items["CN-002"]), handler=centre["lisi"])
    task = _leader_task(refusal)
    done = login("wangzr").post(reverse("task", args=[task.pk]), {"agree": "false", "opinion": "理由不充分，请补正"})
    assert done.status_code == 302
    refusal.refresh_from_db()
    assert refusal.status == Refusal.WITHDRAWN and refusal.leader_agreed is False
    assert not refusal.notice_number and not refusal.notice_file
    assert refusal.instance.status == ProcessInstance.COMPLETED


def test_the_handler_may_not_decide_their_own_refusal(items, centre, login):
    refusal = start_rejection_report(_proposal(items["CN-002"]), handler=centre["lisi"])
    task = _leader_task(refusal)
    response = login("lisi").post(reverse("task", args=[task.pk]), {"agree": "true", "opinion": "自己同意"})
    assert response.status_code < 500
    refusal.refresh_from_db()
    assert refusal.status == Refusal.AWAITING_LEADER and refusal.leader is None
    assert _leader_task(refusal).state == HumanTask.OPEN


def test_a_bad_proposal_is_refused_in_chinese_and_saves_nothing(items, centre):
    with pytest.raises(RefusalRefused) as refused:
        start_rejection_report(_proposal(items["CN-002"], phone="12345", legal_basis=" "), handler=centre["lisi"])
    assert refused.value.field == "phone" and "不是" in str(refused.value)
    assert not Refusal.objects.exists() and not ProcessInstance.objects.exists()


def _form(item, **changes) -> dict:
    return {"item": item.pk, "applicant": "伊犁某餐饮有限公司", "phone": "13800138000", "matter": "食品经营许可",
            "reason": "经营场所不符合要求", "legal_basis": "《食品经营许可和备案管理办法》第十六条",
            "notice_kind": Refusal.NOT_ACCEPTED, **changes}


def test_the_proposal_page_starts_the_process_and_the_director_gets_the_task(items, centre, login):
    client = login("lisi")
    page = client.get(reverse("refusal_propose"))
    assert page.status_code == 200 and "提出否定意见" in page.content.decode()
    assert client.post(reverse("refusal_propose"), _form(items["CN-002"])).status_code == 302
    refusal = Refusal.objects.get()
    assert refusal.proposed_by == centre["lisi"] and refusal.status == Refusal.AWAITING_LEADER
    assert _leader_task(refusal).assignee == centre["wangzr"]
    inbox = login("wangzr").get(reverse("inbox")).content.decode()
    assert "中心领导决定" in inbox


def test_the_proposal_page_registers_within_authority(items, centre, login):
    assert login("zhangsan").post(reverse("refusal_propose"), _form(items["CN-001"])).status_code == 302
    assert Refusal.objects.get().status == Refusal.REGISTERED


def test_a_bad_proposal_on_the_page_shows_chinese_errors_and_saves_nothing(items, centre, login):
    client = login("lisi")
    response = client.post(reverse("refusal_propose"), _form(items["CN-002"], phone="12345", legal_basis=" "))
    assert response.status_code == 200
    text = response.content.decode()
    assert "该字段是必填项" in text
    response = client.post(reverse("refusal_propose"), _form(items["CN-002"], phone="12345"))
    assert response.status_code == 200 and "12345 不是有效的手机或固定电话号码" in response.content.decode()
    assert not Refusal.objects.exists() and not ProcessInstance.objects.exists()


def test_the_directors_own_refusal_goes_to_the_deputy_director(items, centre):
    refusal = start_rejection_report(_proposal(items["CN-002"]), handler=centre["wangzr"])
    assert not refusal.within_authority
    assert _leader_task(refusal).assignee == centre["lifzr"]


def test_the_director_decides_through_the_api_too(items, centre, login):
    refusal = start_rejection_report(_proposal(items["CN-002"]), handler=centre["lisi"])
    task = _leader_task(refusal)
    client = login("wangzr")
    undecided = client.post(f"/api/tasks/{task.pk}/complete/", {"data": {"opinion": "再议"}},
                            content_type="application/json")
    assert undecided.status_code == 400 and "请选择是否同意" in undecided.content.decode()
    done = client.post(f"/api/tasks/{task.pk}/complete/", {"data": {"agree": False, "opinion": "不同意"}},
                       content_type="application/json")
    assert done.status_code == 200, done.json()
    refusal.refresh_from_db()
    assert refusal.status == Refusal.WITHDRAWN and refusal.leader_opinion == "不同意"
