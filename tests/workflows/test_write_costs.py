"""What one write costs in SQL statements: bounded, and the same however many tasks are open in the instance
and however big and old the org chart is (issue 7: one lock, one engine run, one save, the changed rows).

Counted inside the test transaction, so each write's own transaction shows as a SAVEPOINT and its RELEASE:
two statements more than it issues in production.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import ABPair, Absence, Official, Role
from workflows.runtime.models import AuditEvent, HumanTask
from workflows.runtime.services.definitions import deploy_definition
from workflows.runtime.services.instances import start_process
from workflows.runtime.services.transitions import claim_task, complete_task

SAVEPOINTS = 2


def _branches(n: int) -> str:
    """`n` parallel branches, each a window head's check then a centre director's approval."""
    flows, elements = [], []
    for i in range(n):
        flows += [f'<bpmn:sequenceFlow id="to_check_{i}" sourceRef="split" targetRef="check_{i}"/>',
                  f'<bpmn:sequenceFlow id="to_approve_{i}" sourceRef="check_{i}" targetRef="approve_{i}"/>',
                  f'<bpmn:sequenceFlow id="to_join_{i}" sourceRef="approve_{i}" targetRef="join"/>']
        elements += [_user_task(f"check_{i}", "窗口负责人核对", "window_head", f"to_check_{i}", f"to_approve_{i}"),
                     _user_task(f"approve_{i}", "中心主任审批", "centre_director", f"to_approve_{i}", f"to_join_{i}")]
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="branches_definitions" targetNamespace="http://govflow.example/bpmn">
  <bpmn:process id="branches_{n}" name="并行审批（{n}路）" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="to_split" sourceRef="start" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    {"".join(elements)}
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="to_end" sourceRef="join" targetRef="end"/>
    <bpmn:endEvent id="end"/>
    {"".join(flows)}
  </bpmn:process>
</bpmn:definitions>
"""


def _user_task(element_id: str, name: str, role: str, incoming: str, outgoing: str) -> str:
    return f"""<bpmn:userTask id="{element_id}" name="{name}">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="role" value="{role}"/>
        <spiffworkflow:property name="form" value="approval"/>
        <spiffworkflow:property name="due_working_days" value="2"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>{incoming}</bpmn:incoming><bpmn:outgoing>{outgoing}</bpmn:outgoing>
    </bpmn:userTask>"""


def _leave(centre):
    """李四 asks for three days, 陈首席 proposed as her substitute: a confirmation, then three approvals (shenxian)."""
    return submit_leave(centre["lisi"], LeaveApplication("事假", date(2026, 12, 1), "am", date(2026, 12, 3), "pm",
                                                         "家中有事", centre["chensx"], False))


def _statements(write) -> int:
    with CaptureQueriesContext(connection) as queries:
        write()
    return len(queries.captured_queries)


def _open(instance, spec_name: str) -> HumanTask:
    return HumanTask.objects.get(instance=instance, spec_name=spec_name, state=HumanTask.OPEN)


def _complete_first_check(n: int, centre) -> tuple[int, int]:
    """Start an instance with `n` branches; statements of completing one check (which opens its approval)."""
    deploy_definition(f"branches_{n}", {f"branches_{n}.bpmn": _branches(n)})
    instance = start_process(f"branches_{n}", data={}, business_key=f"P-{n}", applicant=centre["lisi"],
                             started_by=centre["lisi"])
    assert HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).count() == n
    check = _open(instance, "check_0")
    statements = _statements(lambda: complete_task(check.pk, centre["zhangsan"], {"decision": "approve"}))
    assert _open(instance, "approve_0").candidates.get() == centre["wangzr"]
    return statements, HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).count()


def test_a_completion_costs_the_same_with_10_or_200_open_tasks(centre, clock):
    few, open_few = _complete_first_check(10, centre)
    many, open_many = _complete_first_check(200, centre)
    assert (open_few, open_many) == (10, 200)
    assert many == few


def test_starting_an_instance_inserts_its_tasks_in_one_statement_each(centre, clock):
    deploy_definition("branches_20", {"branches_20.bpmn": _branches(20)})
    with CaptureQueriesContext(connection) as queries:
        start_process("branches_20", data={}, business_key="P-20", applicant=centre["lisi"], started_by=centre["lisi"])
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    # the instance, the 20 task rows, their holders, their candidates, their officials' notifications, the audit rows
    assert len(inserts) == 6
    assert len(queries.captured_queries) <= 11 + SAVEPOINTS


def test_completing_a_leave_approval_step_is_bounded(centre, clock, deploy_leave, django_assert_max_num_queries):
    deploy_leave("shenxian")
    request = _leave(centre)
    confirm = _open(request.instance, "confirm_substitute")
    complete_task(confirm.pk, confirm.candidates.get(), {"confirmed": True, "substitute_id": centre["chensx"].pk,
                                                 "comment": ""})
    approval = HumanTask.objects.get(instance=request.instance, state=HumanTask.OPEN)
    approver = approval.candidates.get()
    # lock with the task row (and may-act), close the row, save the state, calendar, officials, the new row, its
    # holders, its candidates, its official's notification, the audit rows: no read of the open rows (the engine
    # says what changed)
    with django_assert_max_num_queries(10 + SAVEPOINTS):
        complete_task(approval.pk, approver, {"decision": "approve", "comment": "同意"})
    created = AuditEvent.objects.filter(instance=request.instance, action__in=["task_completed", "task_created"])
    assert [e.action for e in created] == ["task_created", "task_completed"] * 2 + ["task_created"]


def test_claiming_costs_four_statements(centre, clock, deploy_leave, django_assert_max_num_queries):
    deploy_leave("shenxian")
    request = _leave(centre)
    confirm = _open(request.instance, "confirm_substitute")
    # lock, task row (with may-act), claim, audit
    with django_assert_max_num_queries(4 + SAVEPOINTS):
        claim_task(confirm.pk, confirm.candidates.get())


def _grow_the_centre(centre, officials: int, past_pairs: int) -> None:
    """More officials in other departments, each with years of A/B pairs and absences behind them."""
    users = get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bulk{i}") for i in range(officials)])
    grown = Official.objects.bulk_create(
        [Official(user=user, name=f"人员{i}", department_id=None) for i, user in enumerate(users)])
    staff = Role.objects.get(code="window_staff")
    Official.roles.through.objects.bulk_create(
        [Official.roles.through(official_id=o.pk, role_id=staff.pk) for o in grown])
    start = date(2016, 1, 4)
    ABPair.objects.bulk_create(
        [ABPair(a=grown[i % officials], b=grown[(i + 1) % officials], kind=ABPair.TEMPORARY,
                valid_from=start + timedelta(days=i % 3000), valid_to=start + timedelta(days=i % 3000 + 2))
         for i in range(past_pairs)])
    Absence.objects.bulk_create(
        [Absence(official=grown[i % officials], first_day=start + timedelta(days=i % 3000),
                 last_day=start + timedelta(days=i % 3000 + 2), reason="往年请假") for i in range(past_pairs)])


@pytest.mark.parametrize("away", [False, True])
def test_a_bigger_and_older_centre_costs_the_same_statements(centre, clock, away):
    deploy_definition("branches_1", {"branches_1.bpmn": _branches(1)})

    def one_check(key: str) -> int:
        instance = start_process("branches_1", data={}, business_key=key, applicant=centre["lisi"],
                                 started_by=centre["lisi"])
        check = _open(instance, "check_0")
        return _statements(lambda: complete_task(check.pk, centre["zhangsan"], {"decision": "approve"}))

    if away:  # the director is absent today: the A/B pairs are read, and only the pairs of the absent
        Absence.objects.create(official=centre["wangzr"], first_day=date(2026, 11, 30), last_day=date(2026, 12, 1),
                               reason="公出")
    small = one_check("S-1")
    _grow_the_centre(centre, officials=300, past_pairs=2000)
    assert one_check("S-2") == small

