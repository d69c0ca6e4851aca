"""Nobody approves their own request, and an earlier step's performer continues: on the database and on the pages.

Issue item 3: the subject and initiator of a case are never candidates of its approval steps; with nobody
else left the step goes to the definition's next tier or, flagged, to the centre office (audited, shown
in the inbox and on the task page); `performer_of` keeps a case with the official who did the earlier step.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from discipline_steps import do, open_task

from engine.clock import CENTRE_TZ
from workflows.discipline.models import Complaint
from workflows.discipline.rules import OFFICIAL
from workflows.discipline.services import file_complaint
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import ABPair, Absence
from workflows.runtime.models import AuditEvent, HumanTask
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.task_sync import reassign_open_tasks

FIXTURES = Path(__file__).parent / "fixtures"


def candidates(task: HumanTask) -> list[str]:
    return sorted(o.user.username for o in task.candidates.select_related("user"))


@pytest.fixture
def head_on_leave(centre, clock, deploy_leave):
    """王五 heads his own window and applies for two days: the window-head step cannot be his."""
    deploy_leave("window_rules")
    request = submit_leave(centre["wangwu"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 2), "pm",
                                                              "家中有事", None, False))
    return HumanTask.objects.get(instance=request.instance, state=HumanTask.OPEN)


def test_a_window_head_never_approves_his_own_leave_the_centre_office_gets_it_flagged(head_on_leave):
    task = head_on_leave
    assert candidates(task) == ["admin", "zhaobgs"]
    assert task.escalated and "回避" in task.assignment_note and "中心办公室" in task.assignment_note
    event = AuditEvent.objects.get(task=task, action="task_escalated")
    assert event.after["excluded"] == ["王五"] and event.message == task.assignment_note


def test_the_flag_shows_in_the_inbox_and_on_the_task_page(head_on_leave, centre, client):
    client.force_login(centre["zhaobgs"].user)
    inbox = client.get("/", {"tab": "claimable"}).content.decode()
    assert head_on_leave.title in inbox and "回避，转中心办公室" in inbox
    page = client.get(f"/tasks/{head_on_leave.pk}/").content.decode()
    assert head_on_leave.assignment_note in page
    client.force_login(centre["wangwu"].user)
    for tab in ("mine", "claimable"):
        assert head_on_leave.case_number not in client.get("/", {"tab": tab}).content.decode()


def test_the_api_shows_the_flag_and_why(head_on_leave, centre, client):
    client.force_login(centre["zhaobgs"].user)
    body = client.get(f"/api/tasks/{head_on_leave.pk}/").json()
    assert (body["escalated"], body["assignment_note"]) == (True, head_on_leave.assignment_note)


def test_the_next_tier_named_by_the_definition_takes_the_step(centre, clock):
    text = (FIXTURES / "window_review.bpmn").read_text(encoding="utf-8")
    role = '<spiffworkflow:property name="role" value="window_head"/>'
    text = text.replace(role, role + '<spiffworkflow:property name="fallback_role" value="dept_deputy_leader"/>')
    deploy_definition("window_review", {"window_review.bpmn": text})
    instance = start_process("window_review", data={"note": "交接材料"}, business_key="SH-9",
                             applicant=centre["zhangsan"], started_by=centre["zhangsan"])
    task = HumanTask.objects.get(instance=instance)
    assert candidates(task) == ["sunfj"] and not task.escalated
    assert task.assignment_note == "本案当事人或发起人须回避，已转派驻单位分管领导办理"
    assert AuditEvent.objects.filter(task=task, action="task_fallback").count() == 1


def test_an_initiator_filing_for_someone_else_is_left_out_too(centre, clock):
    text = (FIXTURES / "window_review.bpmn").read_text(encoding="utf-8")
    deploy_definition("window_review", {"window_review.bpmn": text})
    instance = start_process("window_review", data={"note": "代为提交"}, business_key="SH-10",
                             applicant=centre["lisi"], started_by=centre["zhangsan"])
    task = HumanTask.objects.get(instance=instance)
    assert "zhangsan" not in candidates(task) and task.escalated


@pytest.fixture
def investigated(centre, clock, deploy_discipline):
    """A complaint 系统管理员 (also centre office) investigated: the reply stays with him."""
    clock.set(datetime(2026, 6, 1, 9, 0, tzinfo=CENTRE_TZ))
    complaint = file_complaint(source=Complaint.PUBLIC, summary="窗口人员态度生硬", target_kind=OFFICIAL,
                               target_official=centre["lisi"], received_by=centre["zhaobgs"])
    do(complaint.instance, "investigate_complaint", centre["admin"],
       {"founded": False, "findings": "未查实", "duty_rule": "", "finding": "", "occurrence": 1, "rule_code": "",
        "proposed_measure": "", "target_kind": OFFICIAL})
    return complaint


def test_the_investigator_answers_the_complainant_not_the_office_pool(investigated, centre):
    reply = open_task(investigated.instance, "reply_to_complainant")
    assert candidates(reply) == ["admin"] and reply.assignee == centre["admin"]


def test_an_investigator_away_gives_the_reply_back_to_the_office(investigated, centre):
    admin = centre["admin"]
    ABPair.objects.create(a=admin, b=centre["zhaobgs"])
    Absence.objects.create(official=admin, first_day=date(2026, 6, 1), last_day=date(2026, 6, 5), reason="病假")
    assert reassign_open_tasks([admin.pk], "请假生效") == 1
    reply = open_task(investigated.instance, "reply_to_complainant")
    # the role rule again, with his B post standing in (the registrar may act: the definition says so here)
    assert candidates(reply) == ["zhaobgs"] and reply.assignee == centre["zhaobgs"]
