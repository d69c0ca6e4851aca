"""The leave process (bpmn/leave_approval.bpmn) with each centre's rule set, at engine level.

Who gets each task is asserted the way the inbox sees it: the ready task's assignment resolved
against a small org chart. Time moves only when a test moves the frozen clock.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from results import entered
from SpiffWorkflow.util.task import TaskState

from engine.assignment import CaseContext, OfficialInfo, OrgSnapshot, resolve
from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ
from engine.errors import TaskNotReady
from engine.runtime import EngineEnvironment, ProcessRunner, ReadyTask
from engine.serializer import dumps
from engine.specs import SpecBundle, load_bundle_from_files
from workflows.leave.rules import deadline_day_reminder_at, leave_ends_at, report_back_deadline

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
PROCESS_FILE = BPMN_DIR / "leave_approval.bpmn"
RULE_SETS = ("nileke", "shenxian", "window_rules")
LEAVE_SERVICES = ("leave.approve", "leave.reject", "leave.end", "leave.record_absence", "leave.send_back")
LEAVE_TYPES = ("事假", "病假", "年休假", "婚假", "产假", "探亲假", "丧假", "因公外出")
LONG_LEAVE = ("探亲假", "年休假", "产假", "婚假")
LEAVE_TYPE_IDS = {"事假": "personal", "病假": "sick", "年休假": "annual", "婚假": "marriage", "产假": "maternity",
                  "探亲假": "family_visit", "丧假": "bereavement", "因公外出": "official_business"}

# --- a small centre ---------------------------------------------------------------------------
# 公安局 (department 10): window 101 has two staff, head 11 and 12 (applicant A); deputy leader 14.
# 人社局 (department 20): window 201 has one staff, 22 (applicant B); its head 21 sits in the
# department; deputy leader 24.  Centre: deputy director 31, director 32, office 33, efficiency 34.
OFFICIALS = [
    OfficialInfo(11, "张窗口", frozenset({"window_head", "window_staff"}), 10, 101),
    OfficialInfo(12, "李四", frozenset({"window_staff"}), 10, 101),
    OfficialInfo(13, "王首席", frozenset({"chief_representative"}), 10, None),
    OfficialInfo(14, "赵分管", frozenset({"dept_deputy_leader"}), 10, None),
    OfficialInfo(21, "钱窗口", frozenset({"window_head"}), 20, 201),
    OfficialInfo(22, "孙小美", frozenset({"window_staff"}), 20, 201),
    OfficialInfo(23, "周首席", frozenset({"chief_representative"}), 20, None),
    OfficialInfo(24, "吴分管", frozenset({"dept_deputy_leader"}), 20, None),
    OfficialInfo(31, "郑副主任", frozenset({"centre_deputy_director"})),
    OfficialInfo(32, "冯主任", frozenset({"centre_director"})),
    OfficialInfo(33, "陈办公室", frozenset({"centre_office"})),
    OfficialInfo(34, "褚效能", frozenset({"efficiency_group"})),
]
ORG = OrgSnapshot({o.id: o for o in OFFICIALS})

# applicant -> (department, window, staff at the window)
APPLICANTS = {
    "A": {"applicant_id": 12, "applicant_name": "李四", "department_id": 10, "window_id": 101,
          "window_staff_count": 2},
    "B": {"applicant_id": 22, "applicant_name": "孙小美", "department_id": 20, "window_id": 201,
          "window_staff_count": 1},
}

HEAD = {"A": 11, "B": 21}
DEPT_LEADER = {"A": 14, "B": 24}
DEPUTY_DIRECTOR, DIRECTOR, OFFICE = 31, 32, 33


@pytest.fixture(scope="module")
def bundles() -> dict[str, SpecBundle]:
    return {
        name: load_bundle_from_files([PROCESS_FILE, BPMN_DIR / f"leave_route_{name}.dmn"]) for name in RULE_SETS
    }


class SideServices:
    """The bookkeeping services (approvers recorded, reminders sent), kept apart from the decisions recorded above."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], dict[str, Any]]] = []

    def handler(self, name: str):
        def handle(context: dict[str, Any], **params: Any) -> dict[str, Any]:
            self.calls.append((name, dict(params), dict(context)))
            return {}

        return handle

    def names(self) -> list[str]:
        return [name for name, _params, _context in self.calls]


@pytest.fixture
def side_services() -> SideServices:
    return SideServices()


@pytest.fixture
def make_runner(bundles, frozen_clock, service_recorder, side_services):
    def make(rule_set: str) -> ProcessRunner:
        calendar = WorkingCalendar()
        services = service_recorder.handlers(*LEAVE_SERVICES)
        record_start = service_recorder.handlers("leave.start")["leave.start"]

        def start(context: dict[str, Any], **params: Any) -> dict[str, Any]:
            """Like the Django handler: the deadline counts from the later of the last day and today (approval)."""
            record_start(context, **params)
            now = frozen_clock.now()
            due = report_back_deadline(calendar, date.fromisoformat(context["last_day"]),
                                       now.astimezone(CENTRE_TZ).date())
            return {"report_back_due": due.isoformat(),
                    "leave_ends_at": leave_ends_at(date.fromisoformat(context["last_day"]), "pm").isoformat(),
                    "deadline_reminder_at": deadline_day_reminder_at(due, now).isoformat()}

        services["leave.start"] = start
        for name in ("leave.record_approvers", "leave.remind_report_back"):
            services[name] = side_services.handler(name)
        return ProcessRunner(bundles[rule_set], EngineEnvironment(frozen_clock, calendar, services))

    return make


def leave_request(who: str = "A", days: float = 1.0, leave_type: str = "事假", **overrides: Any) -> dict[str, Any]:
    """Start data as the Django service writes it; the leave is on Wed 4 - Thu 5 March 2026 unless overridden."""
    data = {
        "leave_request_id": 7001,
        **APPLICANTS[who],
        "leave_type": leave_type,
        "days": float(days),
        "first_day": "2026-03-04",
        "last_day": "2026-03-05",
        "starts_at": "2026-03-04T09:00:00+08:00",
        "reason": "家中有事",
        "proposed_substitute_id": None,
        "has_sick_certificate": False,
    }
    data.update(overrides)
    return data


def element(task: ReadyTask) -> str:
    """The BPMN element id of a ready task (a multi-instance child carries a ' [child]' suffix)."""
    return task.meta.spec_name.removesuffix(" [child]")


def candidates(task: ReadyTask, today: date = date(2026, 3, 2)) -> tuple[int, ...]:
    case = CaseContext(task.data["applicant_id"], task.data["department_id"], task.data["window_id"])
    return resolve(task.assignment, case, ORG, today).candidates


def only_ready(runner: ProcessRunner, workflow) -> ReadyTask:
    ready = runner.ready_human_tasks(workflow)
    assert len(ready) == 1, [element(t) for t in ready]
    return ready[0]


def act(runner: ProcessRunner, workflow, task: ReadyTask, form: dict[str, Any]) -> None:
    who = candidates(task)
    runner.complete(workflow, task.id, form, actor_id=who[0], candidates=who)


APPROVE = {"decision": "approve", "comment": "同意"}
REJECT = {"decision": "reject", "comment": "窗口人手不足，不同意"}


def confirmed(substitute_id: int = 13) -> dict[str, Any]:
    return {"confirmed": True, "substitute_id": substitute_id, "comment": "已安排顶岗"}


def walk_to_approval(runner: ProcessRunner, workflow) -> list[tuple[str, tuple[int, ...]]]:
    """Confirm and approve everything; the inboxes in the order the tasks reached them."""
    inboxes = []
    while ready := runner.ready_human_tasks(workflow):
        assert len(ready) == 1
        task = ready[0]
        if task.meta.form not in ("confirm_substitute", "approval"):
            break  # approved, and the leave has already begun
        inboxes.append((element(task), candidates(task)))
        act(runner, workflow, task, confirmed() if task.meta.form == "confirm_substitute" else APPROVE)
    return inboxes


def data_at(workflow, bpmn_id: str) -> dict[str, Any]:
    """The data of the one task of `bpmn_id` that has been reached (completed, ready or waiting)."""
    reached = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING
    [task] = [t for t in workflow.get_tasks(state=reached) if t.task_spec.bpmn_id == bpmn_id]
    return task.data


def pending_timers(workflow) -> list[datetime]:
    return sorted(datetime.fromisoformat(e.value) for e in workflow.waiting_events() if "Time" in e.event_type)


def decided_route(workflow) -> tuple[list[str], str]:
    data = data_at(workflow, "decide_approval_route")
    return data["approver_chain"], data["substitute_confirmer"]


# --- the rules as the brief states them, restated independently of the DMN -----------------------

def expected_route(rule_set: str, leave_type: str, days: float, staff: int) -> tuple[list[str], str]:
    if rule_set == "nileke":
        chain = ["centre_director"] if days <= 1 else ["dept_deputy_leader", "centre_director"]
        needs_substitute = days >= 2 or (days >= 1 and staff <= 1)
        return chain, "dept_deputy_leader" if needs_substitute else ""
    if rule_set == "shenxian":
        if days <= 0.5:
            return ["window_head"], ""
        if days < 3:
            return ["centre_deputy_director"], ""
        return ["dept_deputy_leader", "centre_director"], "window_head"
    if days <= 1:
        return ["centre_deputy_director"], ""
    if leave_type in LONG_LEAVE:
        return ["centre_deputy_director"], "dept_deputy_leader"
    if staff <= 1:
        return ["dept_deputy_leader", "centre_deputy_director"], "window_head"
    return ["window_head", "dept_deputy_leader", "centre_deputy_director"], ""


@pytest.mark.parametrize("rule_set", RULE_SETS)
def test_every_request_gets_exactly_the_documented_route(make_runner, rule_set):
    runner = make_runner(rule_set)
    for leave_type in LEAVE_TYPES:
        for days in (0.5, 1, 1.5, 2, 2.5, 3, 3.5, 5, 10, 98):
            for staff in (1, 2, 3):
                workflow = runner.start(leave_request(days=days, leave_type=leave_type, window_staff_count=staff))
                assert decided_route(workflow) == expected_route(rule_set, leave_type, days, staff), (
                    leave_type, days, staff)


# --- whose inbox each task reaches, walking to approval -------------------------------------------

CONFIRM, APPROVE_LEAVE = "confirm_substitute", "approve_leave"

ROUTING_CASES = [
    # nileke (seed 003 二): ≤1 day the director; >1 day home unit then director; substitute by the unit
    ("nileke", "A", 0.5, "事假", [(APPROVE_LEAVE, (DIRECTOR,))]),
    ("nileke", "A", 1, "事假", [(APPROVE_LEAVE, (DIRECTOR,))]),
    ("nileke", "B", 0.5, "事假", [(APPROVE_LEAVE, (DIRECTOR,))]),
    ("nileke", "B", 1, "病假", [(CONFIRM, (24,)), (APPROVE_LEAVE, (DIRECTOR,))]),
    ("nileke", "A", 1.5, "事假", [(APPROVE_LEAVE, (14,)), (APPROVE_LEAVE, (DIRECTOR,))]),
    ("nileke", "B", 1.5, "事假", [(CONFIRM, (24,)), (APPROVE_LEAVE, (24,)), (APPROVE_LEAVE, (DIRECTOR,))]),
    ("nileke", "A", 2, "事假", [(CONFIRM, (14,)), (APPROVE_LEAVE, (14,)), (APPROVE_LEAVE, (DIRECTOR,))]),
    ("nileke", "A", 3, "年休假", [(CONFIRM, (14,)), (APPROVE_LEAVE, (14,)), (APPROVE_LEAVE, (DIRECTOR,))]),
    # shenxian (seed 002 2.2): half day window head; <3 days deputy director; ≥3 substitute, unit, director
    ("shenxian", "A", 0.5, "事假", [(APPROVE_LEAVE, (11,))]),
    ("shenxian", "B", 0.5, "事假", [(APPROVE_LEAVE, (21,))]),
    ("shenxian", "A", 1, "事假", [(APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]),
    ("shenxian", "B", 1.5, "病假", [(APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]),
    ("shenxian", "A", 2, "事假", [(APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]),
    ("shenxian", "A", 3, "事假", [(CONFIRM, (11,)), (APPROVE_LEAVE, (14,)), (APPROVE_LEAVE, (DIRECTOR,))]),
    ("shenxian", "B", 10, "婚假", [(CONFIRM, (21,)), (APPROVE_LEAVE, (24,)), (APPROVE_LEAVE, (DIRECTOR,))]),
    # window rules (seed 001 12 二): ≤1 day deputy director; long leave unit fixes substitute; 1-staff window
    # head fixes substitute; otherwise head, unit, deputy director
    ("window_rules", "A", 0.5, "事假", [(APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]),
    ("window_rules", "B", 1, "年休假", [(APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]),
    ("window_rules", "A", 1.5, "事假",
     [(APPROVE_LEAVE, (11,)), (APPROVE_LEAVE, (14,)), (APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]),
    ("window_rules", "A", 2, "丧假",
     [(APPROVE_LEAVE, (11,)), (APPROVE_LEAVE, (14,)), (APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]),
    ("window_rules", "B", 2, "事假", [(CONFIRM, (21,)), (APPROVE_LEAVE, (24,)), (APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]),
    ("window_rules", "A", 3, "探亲假", [(CONFIRM, (14,)), (APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]),
    ("window_rules", "B", 5, "年休假", [(CONFIRM, (24,)), (APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]),
    ("window_rules", "A", 98, "产假", [(CONFIRM, (14,)), (APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]),
]


@pytest.mark.parametrize(
    ("rule_set", "who", "days", "leave_type", "inboxes"),
    ROUTING_CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}d-{LEAVE_TYPE_IDS[c[3]]}" for c in ROUTING_CASES],
)
def test_tasks_reach_the_right_inboxes_in_order(make_runner, service_recorder, rule_set, who, days, leave_type,
                                                inboxes):
    runner = make_runner(rule_set)
    workflow = runner.start(leave_request(who, days, leave_type))

    assert walk_to_approval(runner, workflow) == inboxes
    assert service_recorder.calls == [("leave.approve", {"leave_request_id": 7001})]
    assert not workflow.completed
    assert runner.next_timer_due(workflow) == datetime(2026, 3, 4, 9, 0, tzinfo=CENTRE_TZ)
    approvals = data_at(workflow, "wait_for_leave_start")["approvals"]
    assert entered(approvals) == [APPROVE] * sum(1 for name, _ in inboxes if name == APPROVE_LEAVE)


def test_approval_tasks_carry_form_and_due_date_metadata(make_runner):
    runner = make_runner("nileke")
    workflow = runner.start(leave_request("B", 2))
    confirm = only_ready(runner, workflow)
    assert (confirm.meta.form, confirm.meta.result_variable, confirm.meta.due_working_days) == (
        "confirm_substitute", "substitute_confirmation", 1)
    assert confirm.meta.title == "确认顶岗人员" and confirm.meta.lane == "审批人"
    act(runner, workflow, confirm, confirmed(23))
    approval = only_ready(runner, workflow)
    assert (approval.meta.form, approval.meta.result_variable, approval.meta.due_working_days) == (
        "approval", "approval", 1)
    assert approval.meta.title == "审批请假" and approval.data["approver_role"] == "dept_deputy_leader"
    assert entered(approval.data["substitute_confirmation"]) == confirmed(23)


# --- refusals ------------------------------------------------------------------------------------

def test_rejection_by_the_second_approver_ends_the_chain(make_runner, service_recorder):
    runner = make_runner("window_rules")
    workflow = runner.start(leave_request("A", 1.5))
    act(runner, workflow, only_ready(runner, workflow), APPROVE)  # window head
    second = only_ready(runner, workflow)
    assert candidates(second) == (14,)
    act(runner, workflow, second, REJECT)  # department deputy leader

    assert runner.ready_human_tasks(workflow) == []  # the deputy director never sees it
    assert workflow.completed and runner.end_event(workflow) == "leave_rejected"
    assert service_recorder.calls == [("leave.reject", {"leave_request_id": 7001})]
    assert entered(data_at(workflow, "leave_rejected")["approvals"]) == [APPROVE, REJECT]


def test_rejection_by_the_only_approver(make_runner, service_recorder):
    runner = make_runner("shenxian")
    workflow = runner.start(leave_request("B", 0.5))
    act(runner, workflow, only_ready(runner, workflow), REJECT)
    assert runner.end_event(workflow) == "leave_rejected"
    assert service_recorder.names() == ["leave.reject"]


def test_unconfirmed_substitute_sends_the_request_back_before_any_approval(make_runner, service_recorder):
    runner = make_runner("nileke")
    workflow = runner.start(leave_request("A", 2))
    confirm = only_ready(runner, workflow)
    assert element(confirm) == CONFIRM
    act(runner, workflow, confirm, {"confirmed": False, "substitute_id": None, "comment": "无人可顶岗"})
    assert runner.end_event(workflow) == "leave_sent_back"
    assert service_recorder.names() == ["leave.send_back"]
    assert service_recorder.contexts[0]["substitute_confirmation"]["comment"] == "无人可顶岗"


def test_the_route_is_recorded_before_anyone_is_asked(make_runner, side_services):
    runner = make_runner("shenxian")
    runner.start(leave_request("A", 3))
    [(name, params, context)] = side_services.calls
    assert (name, params) == ("leave.record_approvers", {"leave_request_id": 7001})
    assert context["approver_chain"] == ["dept_deputy_leader", "centre_director"]


def test_an_unexpected_decision_is_not_an_approval(make_runner, service_recorder):
    runner = make_runner("nileke")
    workflow = runner.start(leave_request("A", 1.5))
    act(runner, workflow, only_ready(runner, workflow), {"decision": "退回", "comment": ""})
    assert runner.end_event(workflow) == "leave_rejected"
    assert service_recorder.names() == ["leave.reject"]


# --- the leave itself: start, report back, or be recorded absent -----------------------------------

def approved_leave(make_runner, **overrides):
    runner = make_runner("nileke")
    workflow = runner.start(leave_request("A", 2, **overrides))
    walk_to_approval(runner, workflow)
    return runner, workflow


def test_full_run_approve_start_report_back(make_runner, frozen_clock, service_recorder):
    runner, workflow = approved_leave(make_runner)
    runner.fire_due_timers(workflow)  # nothing is due yet
    assert service_recorder.names() == ["leave.approve"]

    frozen_clock.set(datetime(2026, 3, 4, 9, 0, 1, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    assert service_recorder.names() == ["leave.approve", "leave.start"]
    report = only_ready(runner, workflow)
    assert element(report) == "report_back" and candidates(report) == (12,)
    # the leave is over at the close of Thursday; reminder Friday 08:00; deadline the close of Friday
    assert pending_timers(workflow) == [datetime(2026, 3, 5, 23, 59, 59, tzinfo=CENTRE_TZ),
                                        datetime(2026, 3, 6, 8, 0, tzinfo=CENTRE_TZ),
                                        datetime(2026, 3, 6, 23, 59, 59, tzinfo=CENTRE_TZ)]
    assert report.meta.due_variable == "report_back_due"
    assert report.data["report_back_due"] == "2026-03-06T23:59:59+08:00"

    frozen_clock.set(datetime(2026, 3, 5, 17, 30, tzinfo=CENTRE_TZ))
    act(runner, workflow, report, {"sick_certificate_supplied": False, "comment": "已返岗"})
    assert service_recorder.calls[-1] == ("leave.end", {"leave_request_id": 7001})
    assert service_recorder.names() == ["leave.approve", "leave.start", "leave.end"]
    assert workflow.completed and runner.end_event(workflow) == "leave_closed"
    assert runner.next_timer_due(workflow) is None


def test_approval_after_the_leave_began_starts_it_at_once(make_runner, frozen_clock, service_recorder):
    frozen_clock.set(datetime(2026, 3, 4, 10, 30, tzinfo=CENTRE_TZ))  # approved on the first morning
    runner, workflow = approved_leave(make_runner)
    assert service_recorder.names() == ["leave.approve", "leave.start"]
    assert element(only_ready(runner, workflow)) == "report_back"


def test_handlers_see_the_confirmed_substitute_and_the_report(make_runner, frozen_clock, service_recorder):
    runner = make_runner("shenxian")
    workflow = runner.start(leave_request("B", 3, proposed_substitute_id=23))
    act(runner, workflow, only_ready(runner, workflow), confirmed(25))
    walk_to_approval(runner, workflow)
    approve_context = service_recorder.contexts[0]
    assert approve_context["substitute_confirmation"]["substitute_id"] == 25
    assert approve_context["proposed_substitute_id"] == 23
    assert [a["decision"] for a in approve_context["approvals"]] == ["approve", "approve"]

    frozen_clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    report = {"sick_certificate_supplied": True, "comment": "补交病假证明"}
    act(runner, workflow, only_ready(runner, workflow), report)
    assert service_recorder.names()[-1] == "leave.end"
    assert entered(service_recorder.contexts[-1]["report_back"]) == report


def test_missed_report_back_is_recorded_once(make_runner, frozen_clock, service_recorder):
    runner, workflow = approved_leave(make_runner)
    frozen_clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    report = only_ready(runner, workflow)

    frozen_clock.set(datetime(2026, 3, 6, 23, 59, 58, tzinfo=CENTRE_TZ))  # still the next working day
    runner.fire_due_timers(workflow)
    assert service_recorder.count("leave.record_absence") == 0

    frozen_clock.set(datetime(2026, 3, 7, 0, 0, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    assert service_recorder.count("leave.record_absence") == 1
    notice = only_ready(runner, workflow)
    assert element(notice) == "acknowledge_absence_notice" and candidates(notice) == (OFFICE,)
    assert notice.meta.form == "acknowledge" and notice.meta.due_working_days == 1
    with pytest.raises(TaskNotReady):  # the report-back task was cancelled by the deadline
        act(runner, workflow, report, {"sick_certificate_supplied": False, "comment": "迟到的销假"})

    frozen_clock.advance(days=3)
    runner.fire_due_timers(workflow)
    runner.fire_due_timers(workflow)
    assert service_recorder.count("leave.record_absence") == 1
    assert service_recorder.count("leave.end") == 0

    act(runner, workflow, notice, {"comment": "已签收"})
    assert workflow.completed and runner.end_event(workflow) == "absence_recorded"
    assert service_recorder.names() == ["leave.approve", "leave.start", "leave.record_absence"]


def test_the_applicant_is_reminded_when_the_leave_ends_and_on_the_deadline_day_without_losing_the_task(
    make_runner, frozen_clock, service_recorder, side_services
):
    runner, workflow = approved_leave(make_runner)
    frozen_clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    report = only_ready(runner, workflow)

    frozen_clock.set(datetime(2026, 3, 5, 23, 59, 59, tzinfo=CENTRE_TZ))  # the leave is over
    runner.fire_due_timers(workflow)
    assert [p for n, p, _c in side_services.calls if n == "leave.remind_report_back"] == [
        {"leave_request_id": 7001, "occasion": "leave_over"}]
    frozen_clock.set(datetime(2026, 3, 6, 7, 59, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    assert side_services.names().count("leave.remind_report_back") == 1
    frozen_clock.set(datetime(2026, 3, 6, 8, 0, tzinfo=CENTRE_TZ))  # the morning of the deadline day
    runner.fire_due_timers(workflow)
    assert [p["occasion"] for n, p, _c in side_services.calls if n == "leave.remind_report_back"] == [
        "leave_over", "deadline_day"]
    assert only_ready(runner, workflow).id == report.id  # the reminders do not interrupt 销假

    act(runner, workflow, report, {"sick_certificate_supplied": False, "comment": "已返岗"})
    assert workflow.completed and runner.end_event(workflow) == "leave_closed"
    assert service_recorder.count("leave.record_absence") == 0


def test_a_leave_approved_after_its_last_day_leaves_a_working_day_to_report_back(make_runner, frozen_clock,
                                                                                service_recorder):
    runner = make_runner("nileke")
    workflow = runner.start(leave_request("A", 2))
    frozen_clock.set(datetime(2026, 3, 9, 10, 0, tzinfo=CENTRE_TZ))  # Monday after the Wed–Thu leave
    walk_to_approval(runner, workflow)
    report = only_ready(runner, workflow)
    assert element(report) == "report_back"
    assert report.data["report_back_due"] == "2026-03-10T23:59:59+08:00"  # not Friday 6 March, already gone
    frozen_clock.set(datetime(2026, 3, 10, 23, 0, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    assert service_recorder.count("leave.record_absence") == 0
    frozen_clock.set(datetime(2026, 3, 11, 0, 0, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    assert service_recorder.count("leave.record_absence") == 1


def test_report_back_deadline_across_national_day_uses_the_make_up_saturday(make_runner, frozen_clock,
                                                                            service_recorder):
    frozen_clock.set(datetime(2026, 9, 21, 9, 0, tzinfo=CENTRE_TZ))
    runner = make_runner("window_rules")
    workflow = runner.start(leave_request(
        "A", 5, "年休假", first_day="2026-09-28", last_day="2026-10-09", starts_at="2026-09-28T09:00:00+08:00"))
    assert walk_to_approval(runner, workflow) == [(CONFIRM, (14,)), (APPROVE_LEAVE, (DEPUTY_DIRECTOR,))]

    frozen_clock.set(datetime(2026, 9, 28, 9, 0, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    assert element(only_ready(runner, workflow)) == "report_back"
    # Friday 9 October is the last day; Saturday 10 October 2026 is a 调休 working day.
    assert pending_timers(workflow)[-1] == datetime(2026, 10, 10, 23, 59, 59, tzinfo=CENTRE_TZ)

    frozen_clock.set(datetime(2026, 10, 10, 23, 59, 59, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    assert service_recorder.count("leave.record_absence") == 1


# --- state survives the database round trip -------------------------------------------------------

def round_trip(runner: ProcessRunner, workflow, bundles, rule_set: str) -> tuple[ProcessRunner, Any, str]:
    """dump → JSON text → a fresh runner over a freshly loaded bundle → restore."""
    text = dumps(runner.dump(workflow))
    fresh = ProcessRunner(load_bundle_from_files([PROCESS_FILE, BPMN_DIR / f"leave_route_{rule_set}.dmn"]),
                          runner.env)
    return fresh, fresh.restore(json.loads(text)), text


def test_state_survives_dump_and_restore_mid_process(make_runner, bundles, frozen_clock, service_recorder):
    runner = make_runner("window_rules")
    workflow = runner.start(leave_request("A", 1.5, reason="回老家办理房产过户"))
    act(runner, workflow, only_ready(runner, workflow), APPROVE)  # window head; two approvers to go

    runner, workflow, text = round_trip(runner, workflow, bundles, "window_rules")
    assert "回老家办理房产过户" in text and "李四" in text and "\\u" not in text
    second = only_ready(runner, workflow)
    assert (element(second), candidates(second)) == (APPROVE_LEAVE, (14,))
    act(runner, workflow, second, APPROVE)
    act(runner, workflow, only_ready(runner, workflow), APPROVE)
    assert service_recorder.names() == ["leave.approve"]

    due = runner.next_timer_due(workflow)  # waiting for the leave to begin
    runner, workflow, _text = round_trip(runner, workflow, bundles, "window_rules")
    assert runner.next_timer_due(workflow) == due == datetime(2026, 3, 4, 9, 0, tzinfo=CENTRE_TZ)
    frozen_clock.set(due)
    runner.fire_due_timers(workflow)
    assert service_recorder.names() == ["leave.approve", "leave.start"]

    runner, workflow, _text = round_trip(runner, workflow, bundles, "window_rules")
    act(runner, workflow, only_ready(runner, workflow), {"sick_certificate_supplied": False, "comment": "返岗"})
    assert runner.end_event(workflow) == "leave_closed"
    assert service_recorder.names() == ["leave.approve", "leave.start", "leave.end"]


def test_boundary_deadline_survives_restore(make_runner, bundles, frozen_clock, service_recorder):
    runner, workflow = approved_leave(make_runner)
    frozen_clock.set(datetime(2026, 3, 4, 9, 0, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    runner, workflow, _text = round_trip(runner, workflow, bundles, "nileke")
    assert pending_timers(workflow)[-1] == datetime(2026, 3, 6, 23, 59, 59, tzinfo=CENTRE_TZ)
    frozen_clock.set(datetime(2026, 3, 9, 8, 0, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    runner, workflow, _text = round_trip(runner, workflow, bundles, "nileke")
    runner.fire_due_timers(workflow)
    assert service_recorder.count("leave.record_absence") == 1
    assert element(only_ready(runner, workflow)) == "acknowledge_absence_notice"


# --- the files themselves -------------------------------------------------------------------------

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "dmn": "https://www.omg.org/spec/DMN/20191111/MODEL/",
}


def test_diagram_draws_every_element_inside_its_lane():
    root = etree.parse(str(PROCESS_FILE)).getroot()
    process = root.find("bpmn:process", NS)
    assert (process.get("id"), process.get("name")) == ("leave_approval", "请销假审批")
    flow_nodes = {el.get("id") for el in process if el.get("id") and el.tag.split("}")[1] not in
                  ("laneSet", "sequenceFlow", "documentation")}
    flows = {el.get("id") for el in process.findall("bpmn:sequenceFlow", NS)}
    shapes = {s.get("bpmnElement"): s.find("dc:Bounds", NS) for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement"): e for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    assert flow_nodes <= set(shapes) and flows == set(edges)
    assert all(len(edge.findall("{http://www.omg.org/spec/DD/20100524/DI}waypoint")) >= 2 for edge in edges.values())

    lanes = {lane.get("name"): lane for lane in process.iterfind(".//bpmn:lane", NS)}
    assert list(lanes) == ["申请人", "审批人", "中心办公室", "系统"]
    in_lanes = [ref.text for lane in lanes.values() for ref in lane.findall("bpmn:flowNodeRef", NS)]
    assert sorted(in_lanes) == sorted(flow_nodes)
    for lane in lanes.values():
        top = float(shapes[lane.get("id")].get("y"))
        bottom = top + float(shapes[lane.get("id")].get("height"))
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            bounds = shapes[ref.text]
            y = float(bounds.get("y"))
            assert top <= y and y + float(bounds.get("height")) <= bottom, (lane.get("name"), ref.text)


@pytest.mark.parametrize("rule_set", RULE_SETS)
def test_rule_sets_are_one_first_hit_decision_ending_in_a_catch_all(rule_set):
    root = etree.parse(str(BPMN_DIR / f"leave_route_{rule_set}.dmn")).getroot()
    [decision] = root.findall("dmn:decision", NS)
    assert decision.get("id") == "leave_approval_route"
    assert "来源" in decision.findtext("dmn:description", namespaces=NS)
    table = decision.find("dmn:decisionTable", NS)
    assert table.get("hitPolicy") == "FIRST"
    assert [i.findtext("dmn:inputExpression/dmn:text", namespaces=NS) for i in table.findall("dmn:input", NS)] == [
        "leave_type", "days", "window_staff_count"]
    assert [o.get("name") for o in table.findall("dmn:output", NS)] == ["approver_chain", "substitute_confirmer"]
    rules = table.findall("dmn:rule", NS)
    assert all(rule.findtext("dmn:description", namespaces=NS) for rule in rules)
    assert [e.findtext("dmn:text", namespaces=NS) for e in rules[-1].findall("dmn:inputEntry", NS)] == ["-"] * 3


def test_restore_does_not_depend_on_key_order(make_runner, bundles, service_recorder):
    """PostgreSQL jsonb hands keys back sorted, not in the order they were written."""
    runner = make_runner("window_rules")
    workflow = runner.start(leave_request("B", 2))
    act(runner, workflow, only_ready(runner, workflow), confirmed(23))
    act(runner, workflow, only_ready(runner, workflow), APPROVE)  # department deputy leader
    reordered = json.loads(json.dumps(runner.dump(workflow), sort_keys=True))
    fresh = ProcessRunner(bundles["window_rules"], runner.env)
    workflow = fresh.restore(reordered)
    last = only_ready(fresh, workflow)
    assert (element(last), candidates(last)) == (APPROVE_LEAVE, (DEPUTY_DIRECTOR,))
    act(fresh, workflow, last, APPROVE)
    assert service_recorder.names() == ["leave.approve"]
    assert entered(data_at(workflow, "wait_for_leave_start")["approvals"]) == [APPROVE, APPROVE]
