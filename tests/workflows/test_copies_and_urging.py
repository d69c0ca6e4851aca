"""抄送 and 催办 at the service level: copies to officials and roles, read/unread, the definition's copy step,
urging an overdue task (who may, when, how often), and the notifications and mail they send."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail

from engine.errors import DefinitionError
from workflows.runtime.copy_selectors import copies_to
from workflows.runtime.errors import Forbidden, InvalidInput, TooSoon
from workflows.runtime.models import AuditEvent, CaseCopy, HumanTask, Notification
from workflows.runtime.selectors import instance_visible_to
from workflows.runtime.services.copies import copy_case, mark_copies_read
from workflows.runtime.services.definitions import deploy_definition, deploy_from_files
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.notifications import mark_all_read
from workflows.runtime.services.transitions import complete_task
from workflows.runtime.services.urging import may_urge, urge_task

FIXTURE = Path(__file__).parent / "fixtures" / "copy_after_review.bpmn"


@pytest.fixture
def case(centre, clock):
    """李四 asks her window head 张三 to review (due in one working day); the review's step copies to 首席代表."""
    deploy_from_files("copy_after_review", [FIXTURE])
    return start_process("copy_after_review", data={}, business_key="CC-1", applicant=centre["lisi"],
                         started_by=centre["lisi"])


def _review(case) -> HumanTask:
    return HumanTask.objects.get(instance=case, spec_name="review_by_window_head")


def test_a_new_task_notifies_its_official(case, centre):
    note = Notification.objects.get(recipient=centre["zhangsan"], kind=Notification.TASK)
    assert note.task == _review(case) and "窗口负责人审核" in note.message and "CC-1" in note.message


def test_copy_to_an_official_is_unread_until_they_open_the_case(case, centre):
    [copy] = copy_case(case, centre["lisi"], official_ids=[centre["wangwu"].pk], note="请知悉")
    assert copy.read_at is None and copy.copied_by == centre["lisi"]
    assert list(copies_to(centre["wangwu"], unread_only=True)) == [copy]
    assert instance_visible_to(case, centre["wangwu"])
    assert Notification.objects.filter(recipient=centre["wangwu"], kind=Notification.COPY,
                                       message__contains="请知悉").count() == 1
    event = AuditEvent.objects.get(instance=case, action="case_copied")
    assert event.actor == centre["lisi"] and event.after["recipients"] == ["王五"]
    assert mark_copies_read(case, centre["wangwu"]) == 1
    assert not copies_to(centre["wangwu"], unread_only=True).exists()
    assert copies_to(centre["wangwu"]).get().read_at is not None
    assert mark_copies_read(case, centre["wangwu"]) == 0  # read once, the first time is kept


def test_copy_to_a_role_reaches_its_holders_in_the_cases_scope(case, centre):
    copies = copy_case(case, centre["lisi"], roles=["window_head"])
    assert [c.recipient for c in copies] == [centre["zhangsan"]]  # the window head of 李四's window, not wangwu's
    leaders = copy_case(case, centre["lisi"], roles=["centre_director", "centre_deputy_director"])
    assert {c.recipient.user.username for c in leaders} == {"wangzr", "lifzr"}


def test_copy_refusals_say_why_and_save_nothing(case, centre):
    with pytest.raises(Forbidden):
        copy_case(case, centre["sunqi"], official_ids=[centre["wangwu"].pk])  # not involved in the case
    with pytest.raises(InvalidInput, match="mayor"):
        copy_case(case, centre["lisi"], roles=["mayor"])
    with pytest.raises(InvalidInput):
        copy_case(case, centre["lisi"], official_ids=[999999])
    with pytest.raises(InvalidInput):
        copy_case(case, centre["lisi"])
    with pytest.raises(InvalidInput):
        copy_case(case, centre["lisi"], official_ids=[centre["wangwu"].pk], note="长" * 501)
    copy_case(case, centre["lisi"], official_ids=[centre["wangwu"].pk])
    with pytest.raises(InvalidInput):  # an unread copy is not sent twice
        copy_case(case, centre["lisi"], official_ids=[centre["wangwu"].pk])
    assert CaseCopy.objects.count() == 1


def test_the_definitions_copy_step_copies_to_the_department_chief_when_reached(case, centre):
    assert not CaseCopy.objects.exists()
    complete_task(_review(case).pk, centre["zhangsan"], {"decision": "approve", "comment": "同意"})
    case.refresh_from_db()
    assert case.status == case.COMPLETED
    copy = CaseCopy.objects.get()
    assert copy.recipient == centre["chensx"] and copy.copied_by is None and copy.note == "窗口负责人已审核"
    assert AuditEvent.objects.get(instance=case, action="case_copied").actor is None


def test_deploy_refuses_a_copy_step_with_an_unknown_role(db):
    bad = FIXTURE.read_text(encoding="utf-8").replace("'chief_representative'", "'mayor'")
    with pytest.raises(DefinitionError) as refused:
        deploy_definition("copy_after_review", {"copy_after_review.bpmn": bad})
    assert any(p.element_id == "copy_to_department_chief" and "mayor" in p.reason for p in refused.value.problems)
    unquoted = FIXTURE.read_text(encoding="utf-8").replace("'chief_representative'", "chief_representative")
    with pytest.raises(DefinitionError, match="带引号"):
        deploy_definition("copy_after_review", {"copy_after_review.bpmn": unquoted})


def test_urge_is_for_the_initiator_or_a_leader_once_the_task_is_overdue(case, centre, clock):
    review = _review(case)
    assert not may_urge(review, centre["lisi"])
    with pytest.raises(Forbidden, match="逾期|overdue"):
        urge_task(review.pk, centre["lisi"])
    clock.advance(days=3)
    review.refresh_from_db()
    assert may_urge(review, centre["lisi"]) and may_urge(review, centre["wangzr"])
    assert not may_urge(review, centre["wangwu"])
    with pytest.raises(Forbidden):
        urge_task(review.pk, centre["wangwu"])
    urge_task(review.pk, centre["lisi"])
    urged = Notification.objects.get(recipient=centre["zhangsan"], kind=Notification.URGE)
    assert "李四催办" in urged.message and urged.task == review
    event = AuditEvent.objects.get(task=review, action="task_urged")
    assert event.actor == centre["lisi"] and event.after == {"notified": ["张三"]}


def test_urge_is_rate_limited_per_task_and_urger(case, centre, clock):
    review = _review(case)
    clock.advance(days=3)
    urge_task(review.pk, centre["lisi"])
    clock.advance(hours=3, minutes=59)
    with pytest.raises(TooSoon) as refused:
        urge_task(review.pk, centre["lisi"])
    assert "13:00" in str(refused.value)  # urged at 09:00 on the third day: again after 13:00
    urge_task(review.pk, centre["wangzr"])  # another urger is not held back
    clock.advance(minutes=1)
    urge_task(review.pk, centre["lisi"])
    assert AuditEvent.objects.filter(task=review, action="task_urged").count() == 3


def test_a_closed_task_cannot_be_urged(case, centre, clock):
    review = _review(case)
    clock.advance(days=3)
    complete_task(review.pk, centre["zhangsan"], {"decision": "approve", "comment": ""})
    with pytest.raises(Forbidden):
        urge_task(review.pk, centre["lisi"])


def test_mark_all_read(case, centre):
    copy_case(case, centre["lisi"], official_ids=[centre["zhangsan"].pk])
    assert mark_all_read(centre["zhangsan"]) == 2  # the new task and the copy
    assert not Notification.objects.filter(recipient=centre["zhangsan"], read_at__isnull=True).exists()


def test_notifications_are_mailed_after_commit_only_when_a_mail_server_is_configured(
        centre, clock, settings, django_capture_on_commit_callbacks):
    centre["zhangsan"].user.email = "zhangsan@example.cn"
    centre["zhangsan"].user.save()
    deploy_from_files("copy_after_review", [FIXTURE])
    settings.GOVFLOW_NOTIFY_BY_EMAIL = False
    with django_capture_on_commit_callbacks(execute=True):
        start_process("copy_after_review", data={}, business_key="CC-2", applicant=centre["lisi"],
                      started_by=centre["lisi"])
    assert mail.outbox == []
    settings.GOVFLOW_NOTIFY_BY_EMAIL = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        start_process("copy_after_review", data={}, business_key="CC-3", applicant=centre["lisi"],
                      started_by=centre["lisi"])
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["zhangsan@example.cn"]]
    assert "CC-3" in mail.outbox[0].body


def test_a_failing_mail_server_never_fails_the_write(centre, clock, settings, django_capture_on_commit_callbacks,
                                                     monkeypatch):
    centre["zhangsan"].user.email = "zhangsan@example.cn"
    centre["zhangsan"].user.save()
    settings.GOVFLOW_NOTIFY_BY_EMAIL = True

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("workflows.runtime.services.notifications.send_mail", broken)
    deploy_from_files("copy_after_review", [FIXTURE])
    with django_capture_on_commit_callbacks(execute=True):
        instance = start_process("copy_after_review", data={}, business_key="CC-4", applicant=centre["lisi"],
                                 started_by=centre["lisi"])
    assert HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).count() == 1


TIMED_COPY = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="timed_copy_definitions" targetNamespace="http://govflow.example/bpmn">
  <bpmn:process id="timed_copy" name="公示后抄送中心领导（测试用）" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait_two_hours"/>
    <bpmn:intermediateCatchEvent id="wait_two_hours" name="公示两小时">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition id="two_hours">
        <bpmn:timeDuration>"PT2H"</bpmn:timeDuration>
      </bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="wait_two_hours" targetRef="copy_to_centre_leaders"/>
    <bpmn:serviceTask id="copy_to_centre_leaders" name="抄送中心主任">
      <bpmn:documentation>公示期满后抄送中心主任知悉。</bpmn:documentation>
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="runtime.copy_to" resultVariable="copied">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="role" type="str" value="'centre_director'"/>
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="copy_to_centre_leaders" targetRef="published"/>
    <bpmn:endEvent id="published" name="公示结束"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def test_a_copy_step_reached_by_the_timer_sweep_copies_the_case_it_runs(centre, clock):
    from workflows.runtime.services.sweep import fire_due_timers

    deploy_definition("timed_copy", {"timed_copy.bpmn": TIMED_COPY})
    cases = [start_process("timed_copy", data={}, business_key=f"GS-{i}", applicant=centre["lisi"],
                           started_by=centre["lisi"]) for i in range(2)]
    assert not CaseCopy.objects.exists()
    clock.advance(hours=2, minutes=1)
    fire_due_timers()
    copies = CaseCopy.objects.order_by("instance_id")
    assert [(c.instance_id, c.recipient.user.username, c.note) for c in copies] == [
        (case.pk, "wangzr", "中心主任") for case in cases]  # each copy goes with the instance whose step made it
