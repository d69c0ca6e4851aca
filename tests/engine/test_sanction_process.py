"""The sanction process (bpmn/sanction.bpmn: 诫勉教育 / 效能告诫), at engine level.

Who gets each task is asserted the way the inbox sees it: the ready task's assignment resolved
against a small org chart. Time moves only when a test moves the frozen clock; the working-day
calendar is the real one (National Day 2026 and its make-up Saturday included).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from results import entered
from SpiffWorkflow.util.task import TaskState

from engine.assignment import CaseContext, OfficialInfo, OrgSnapshot, resolve
from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ
from engine.errors import ExecutionError, TaskNotReady
from engine.runtime import EngineEnvironment, ProcessRunner, ReadyTask
from engine.serializer import dumps
from engine.specs import SpecBundle, load_bundle_from_files

PROCESS_FILE = Path(__file__).resolve().parents[2] / "bpmn" / "sanction.bpmn"
SERVICES = (
    "discipline.dismiss",
    "discipline.issue_letter",
    "discipline.record_delivery",
    "discipline.record_filing",
    "discipline.remind_appeal_decider",
    "discipline.apply_appeal_decision",
)
CALENDAR = WorkingCalendar()

# 公安局 (department 10), window 101: head 11, staff 12. Centre: director 32, office 33 and 37,
# efficiency group (效能建设领导小组) 34 and 35.
OFFICIALS = [
    OfficialInfo(11, "张窗口", frozenset({"window_head", "window_staff"}), 10, 101),
    OfficialInfo(12, "李四", frozenset({"window_staff"}), 10, 101),
    OfficialInfo(32, "冯主任", frozenset({"centre_director"})),
    OfficialInfo(33, "陈办公室", frozenset({"centre_office"})),
    OfficialInfo(34, "褚效能", frozenset({"efficiency_group"})),
    OfficialInfo(35, "蒋效能", frozenset({"efficiency_group"})),
    OfficialInfo(37, "卫办公室", frozenset({"centre_office"})),
]
ORG = OrgSnapshot({o.id: o for o in OFFICIALS})
WINDOW_HEADS = {101: 11}
WINDOW_DEPARTMENTS = {101: 10}
DIRECTOR, OFFICE, GROUP = (32,), (33, 37), (34, 35)
HEAD, STAFF = (11,), (12,)


@pytest.fixture(scope="module")
def bundle() -> SpecBundle:
    return load_bundle_from_files([PROCESS_FILE])


def services(recorder) -> dict[str, Any]:
    """Recording handlers; record_delivery answers as the contract says, with the appeal deadline."""
    handlers = recorder.handlers(*SERVICES)
    record = handlers["discipline.record_delivery"]

    def record_delivery(context: dict[str, Any], **params: Any) -> dict[str, Any]:
        record(context, **params)
        delivered_on = date.fromisoformat(context["delivery"]["delivered_on"])
        return {"appeal_deadline": CALENDAR.deadline(delivered_on, 5).isoformat(), "letter_delivered": True}

    handlers["discipline.record_delivery"] = record_delivery
    return handlers


@pytest.fixture
def runner(bundle, frozen_clock, service_recorder) -> ProcessRunner:
    frozen_clock.set(datetime(2026, 9, 21, 9, 0, tzinfo=CENTRE_TZ))  # Monday before National Day 2026
    return ProcessRunner(bundle, EngineEnvironment(frozen_clock, CALENDAR, services(service_recorder)))


def case(target_kind: str = "official", **overrides: Any) -> dict[str, Any]:
    """Start data as the discipline service writes it."""
    official = target_kind == "official"
    data = {
        "case_id": 501,
        "case_number": "JM-2026-007",
        "target_kind": target_kind,
        "target_official_id": 12 if official else None,
        "target_window_id": 101,
        "deciding_role": "centre_office" if official else "efficiency_group",
        "proposed_measure": "诫勉教育",
        "rule_code": "5.6",
        "rule_text": "因工作人员责任导致所受理事项不能按期办结的",
        "facts": "受理的营业执照变更超过承诺时限 3 个工作日",
        "origin": "complaint",
    }
    data.update(overrides)
    return data


def case_context(data: dict[str, Any]) -> CaseContext:
    """The contract: the target official (for a window: its head), their department and window."""
    window = data["target_window_id"]
    return CaseContext(data["target_official_id"] or WINDOW_HEADS[window], WINDOW_DEPARTMENTS[window], window)


def candidates(task: ReadyTask, day: date = date(2026, 9, 21)) -> tuple[int, ...]:
    return resolve(task.assignment, case_context(task.data), ORG, day).candidates


def ready(runner: ProcessRunner, workflow) -> dict[str, ReadyTask]:
    tasks = runner.ready_human_tasks(workflow)
    by_element = {t.meta.spec_name: t for t in tasks}
    assert len(by_element) == len(tasks)
    return by_element


def act(runner: ProcessRunner, workflow, element: str, form: dict[str, Any]) -> ReadyTask:
    task = ready(runner, workflow)[element]
    who = candidates(task)
    runner.complete(workflow, task.id, form, actor_id=who[0], candidates=who)
    return task


def data_at(workflow, bpmn_id: str) -> dict[str, Any]:
    [task] = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id == bpmn_id]
    return task.data


def states(workflow, bpmn_id: str) -> list[str]:
    return [TaskState.get_name(t.state) for t in workflow.get_tasks() if t.task_spec.bpmn_id == bpmn_id]


SANCTION = {"decision": "sanction", "measure": "诫勉教育", "facts": "超过承诺时限 3 个工作日", "reason": "情节较轻"}
DISMISS = {"decision": "dismiss", "measure": "诫勉教育", "facts": "", "reason": "系系统故障所致，非本人责任"}
TALK = {"talked_on": "2026-09-23", "record": "指出超时限问题，本人表示接受"}
FILING = {"department_notified_on": "2026-09-28", "filed_with_county_on": "2026-09-29"}
WAIVE = {"appeal": False, "appeal_id": None, "received_on": None}
ACK = {"comment": "已签收"}


def appeal(received_on: str = "2026-10-09") -> dict[str, Any]:
    return {"appeal": True, "appeal_id": 71, "received_on": received_on}


def deliver(runner: ProcessRunner, workflow, delivered_on: str = "2026-09-25") -> None:
    """Decide, talk, issue the letter, record its delivery: the appeal window opens."""
    act(runner, workflow, "decide_sanction", SANCTION)
    act(runner, workflow, "record_talk", TALK)
    act(runner, workflow, "record_delivery", {"delivered_on": delivered_on})


def at(clock, *args: int) -> None:
    clock.set(datetime(*args, tzinfo=CENTRE_TZ))


# --- the definition -----------------------------------------------------------------------------

def test_loads_with_schema_and_sandbox_checks(bundle):
    assert bundle.process_id == "sanction"
    metas = {name: (m.title, m.role or m.role_variable, m.form, m.result_variable, m.due_working_days, m.lane)
             for name, m in bundle.human_tasks.items()}
    assert metas == {
        "decide_sanction": ("作出处理决定", "deciding_role", "sanction_decision", "decision", 5, "决定机关"),
        "record_talk": ("诫勉/告诫谈话", "deciding_role", "talk", "talk", 5, "决定机关"),
        "record_delivery": ("送达回执", "centre_office", "delivery", "delivery", None, "中心办公室"),
        "record_notification_and_filing": ("通报所在部门并备案", "centre_office", "notification_filing", "filing", None,
                                           "中心办公室"),
        "file_appeal": ("书面申辩（不服时提出）", "applicant", "appeal", "appeal", None, "被处理人"),
        "decide_appeal": ("申辩复核决定", "deciding_role", "appeal_decision", "appeal_decision", 10, "决定机关"),
        "supervise_overdue_appeal": ("督办逾期申辩", "centre_director", "acknowledge", "overdue_supervision", None,
                                     "中心主任"),
        "acknowledge_appeal_reply": ("签收申辩答复", "applicant", "acknowledge", "appeal_reply_acknowledgement", None,
                                     "被处理人"),
    }
    assert {m.role_variable for m in bundle.human_tasks.values() if m.role_variable} == {"deciding_role"}
    operators = {s.bpmn_id: s.operation_name for s in bundle.spec.task_specs.values() if hasattr(s, "operation_name")}
    assert operators == {
        "dismiss_case": "discipline.dismiss",
        "issue_letter": "discipline.issue_letter",
        "register_delivery": "discipline.record_delivery",
        "record_filing": "discipline.record_filing",
        "remind_appeal_decider": "discipline.remind_appeal_decider",
        "apply_appeal_decision": "discipline.apply_appeal_decision",
    }
    params = [s.operation_params for s in bundle.spec.task_specs.values() if hasattr(s, "operation_name")]
    assert all(p == {"case_id": {"type": "int", "value": "case_id"}} for p in params)


def test_diagram(check_diagram):
    check_diagram(PROCESS_FILE, ["决定机关", "被处理人", "中心办公室", "中心主任", "系统"])


# --- who decides, who appeals --------------------------------------------------------------------

@pytest.mark.parametrize(("target_kind", "decider", "target"), [
    ("window", GROUP, HEAD),  # 第四条: a window → the efficiency group; its head answers for it
    ("official", OFFICE, STAFF),  # an official → the centre office; the official answers
])
def test_each_task_reaches_the_right_inbox(runner, frozen_clock, target_kind, decider, target):
    workflow = runner.start(case(target_kind))
    inboxes = []

    def step(element: str, form: dict[str, Any]) -> None:
        inboxes.append((element, candidates(ready(runner, workflow)[element])))
        act(runner, workflow, element, form)

    step("decide_sanction", SANCTION)
    step("record_talk", TALK)
    step("record_delivery", {"delivered_on": "2026-09-25"})
    assert set(ready(runner, workflow)) == {"record_notification_and_filing", "file_appeal"}
    step("record_notification_and_filing", FILING)
    at(frozen_clock, 2026, 9, 30, 10, 0)
    step("file_appeal", appeal("2026-09-30"))
    at(frozen_clock, 2026, 10, 31, 0, 0)  # past both appeal-decision timers
    runner.fire_due_timers(workflow)
    step("supervise_overdue_appeal", ACK)
    step("decide_appeal", {"decision": "uphold", "reasons": "事实清楚"})
    step("acknowledge_appeal_reply", ACK)

    assert inboxes == [
        ("decide_sanction", decider),
        ("record_talk", decider),
        ("record_delivery", OFFICE),
        ("record_notification_and_filing", OFFICE),
        ("file_appeal", target),
        ("supervise_overdue_appeal", DIRECTOR),
        ("decide_appeal", decider),
        ("acknowledge_appeal_reply", target),
    ]
    assert runner.end_event(workflow) == "case_closed"


# --- dismissal and bad decisions ------------------------------------------------------------------

def test_dismissal_ends_at_case_dismissed(runner, service_recorder):
    workflow = runner.start(case())
    act(runner, workflow, "decide_sanction", DISMISS)
    assert service_recorder.calls == [("discipline.dismiss", {"case_id": 501})]
    assert entered(service_recorder.contexts[0]["decision"]) == DISMISS
    assert ready(runner, workflow) == {}
    assert workflow.completed and runner.end_event(workflow) == "case_dismissed"


def test_an_unknown_decision_is_an_error_not_a_dismissal(runner, service_recorder):
    workflow = runner.start(case())
    with pytest.raises(ExecutionError) as err:
        act(runner, workflow, "decide_sanction", {**SANCTION, "decision": "退回"})
    assert err.value.element_id == "sanction_decided"
    assert service_recorder.calls == []


def test_delivery_service_must_return_the_appeal_deadline(bundle, frozen_clock, service_recorder):
    handlers = services(service_recorder)
    handlers["discipline.record_delivery"] = lambda context, **params: {"letter_delivered": True}
    runner = ProcessRunner(bundle, EngineEnvironment(frozen_clock, CALENDAR, handlers))
    workflow = runner.start(case())
    act(runner, workflow, "decide_sanction", SANCTION)
    act(runner, workflow, "record_talk", TALK)
    with pytest.raises(ExecutionError) as err:
        act(runner, workflow, "record_delivery", {"delivered_on": "2026-09-25"})
    assert err.value.element_id == "register_delivery"


# --- the letter, its delivery and the appeal window (第十一条) -------------------------------------

def test_the_sanction_takes_effect_before_any_appeal(runner, service_recorder):
    workflow = runner.start(case())
    deliver(runner, workflow)
    assert service_recorder.calls == [
        ("discipline.issue_letter", {"case_id": 501}),
        ("discipline.record_delivery", {"case_id": 501}),
    ]
    assert entered(service_recorder.contexts[0]["talk"]) == TALK  # the letter follows the talk
    assert entered(service_recorder.contexts[1]["delivery"]) == {"delivered_on": "2026-09-25"}


def test_appeal_deadline_is_the_close_of_the_fifth_working_day_across_national_day(runner):
    # Friday 25 September 2026; 1-7 October are the holiday: 28, 29, 30 September, 8, 9 October.
    assert [CALENDAR.add_working_days(date(2026, 9, 25), n) for n in range(1, 7)] == [
        date(2026, 9, 28), date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 8), date(2026, 10, 9),
        date(2026, 10, 10),  # a make-up working Saturday (调休): the sixth working day
    ]
    workflow = runner.start(case())
    deliver(runner, workflow, "2026-09-25")
    data = ready(runner, workflow)["file_appeal"].data
    assert data["appeal_deadline"] == "2026-10-09T23:59:59+08:00"
    assert data["register_delivery_result"]["letter_delivered"] is True
    assert runner.next_timer_due(workflow) == datetime(2026, 10, 9, 23, 59, 59, tzinfo=CENTRE_TZ)


def test_an_appeal_filed_on_the_last_day_is_accepted(runner, frozen_clock, service_recorder):
    workflow = runner.start(case())
    deliver(runner, workflow, "2026-09-25")
    at(frozen_clock, 2026, 10, 9, 23, 59, 58)
    runner.fire_due_timers(workflow)
    act(runner, workflow, "file_appeal", appeal("2026-10-09"))
    decide = ready(runner, workflow)["decide_appeal"]
    assert candidates(decide) == OFFICE
    # reminder after the 8th working day from receipt, overdue after the 10th (10 October is a working Saturday)
    assert CALENDAR.deadline(date(2026, 10, 9), 8).isoformat() == "2026-10-20T23:59:59+08:00"
    assert CALENDAR.deadline(date(2026, 10, 9), 10).isoformat() == "2026-10-22T23:59:59+08:00"
    due = sorted(e.value for e in workflow.waiting_events())
    assert due == ["2026-10-20T23:59:59+08:00", "2026-10-22T23:59:59+08:00"]
    assert runner.next_timer_due(workflow) == datetime(2026, 10, 20, 23, 59, 59, tzinfo=CENTRE_TZ)


def test_the_window_has_closed_on_the_sixth_working_day(runner, frozen_clock, service_recorder):
    workflow = runner.start(case())
    deliver(runner, workflow, "2026-09-25")
    act(runner, workflow, "record_notification_and_filing", FILING)
    late = ready(runner, workflow)["file_appeal"]

    at(frozen_clock, 2026, 10, 10, 9, 0)  # Saturday, a make-up working day
    runner.fire_due_timers(workflow)
    assert ready(runner, workflow) == {}
    with pytest.raises(TaskNotReady):
        runner.complete(workflow, late.id, appeal("2026-10-10"), actor_id=12, candidates=[12])
    assert states(workflow, "file_appeal") == ["CANCELLED"]
    assert states(workflow, "decide_appeal") in ([], ["CANCELLED"])
    assert workflow.completed and runner.end_event(workflow) == "case_closed"
    assert "appeal" not in data_at(workflow, "case_closed")
    assert service_recorder.names() == ["discipline.issue_letter", "discipline.record_delivery",
                                        "discipline.record_filing"]


def test_a_late_appeal_is_refused_even_before_the_timer_sweep(runner, frozen_clock, service_recorder):
    workflow = runner.start(case())
    deliver(runner, workflow, "2026-09-25")
    late = ready(runner, workflow)["file_appeal"]
    at(frozen_clock, 2026, 10, 10, 9, 0)  # nobody has fired the timers yet
    with pytest.raises(TaskNotReady):
        runner.complete(workflow, late.id, appeal("2026-10-10"), actor_id=12, candidates=[12])
    assert set(ready(runner, workflow)) == {"record_notification_and_filing"}


@pytest.mark.parametrize("filing_first", [True, False], ids=["filing-first", "waiver-first"])
def test_a_waiver_closes_the_case_once_filed(runner, service_recorder, filing_first):
    workflow = runner.start(case())
    deliver(runner, workflow)
    steps = [("record_notification_and_filing", FILING), ("file_appeal", WAIVE)]
    for element, form in steps if filing_first else reversed(steps):
        assert not workflow.completed
        act(runner, workflow, element, form)
    assert workflow.completed and runner.end_event(workflow) == "case_closed"
    assert service_recorder.names() == ["discipline.issue_letter", "discipline.record_delivery",
                                        "discipline.record_filing"]
    closed = data_at(workflow, "case_closed")
    # both branches' data after the join
    assert entered(closed["filing"]) == FILING and entered(closed["appeal"]) == WAIVE
    assert runner.next_timer_due(workflow) is None


@pytest.mark.parametrize("decision", ["uphold", "revoke"])
def test_appeal_decided_answered_and_acknowledged(runner, frozen_clock, service_recorder, decision):
    workflow = runner.start(case("window"))
    deliver(runner, workflow)
    at(frozen_clock, 2026, 9, 29, 15, 0)
    act(runner, workflow, "file_appeal", appeal("2026-09-29"))
    act(runner, workflow, "record_notification_and_filing", FILING)
    at(frozen_clock, 2026, 10, 12, 10, 0)
    reasons = "经复核，事实清楚" if decision == "uphold" else "经复核，系系统故障所致"
    verdict = {"decision": decision, "reasons": reasons}
    act(runner, workflow, "decide_appeal", verdict)
    assert service_recorder.calls[-1] == ("discipline.apply_appeal_decision", {"case_id": 501})
    assert entered(service_recorder.contexts[-1]["appeal_decision"]) == verdict
    assert not workflow.completed  # the reply is acknowledged first
    act(runner, workflow, "acknowledge_appeal_reply", ACK)
    assert workflow.completed and runner.end_event(workflow) == "case_closed"
    assert service_recorder.count("discipline.remind_appeal_decider") == 0
    closed = data_at(workflow, "case_closed")
    assert entered(closed["appeal_decision"]) == verdict and entered(closed["filing"]) == FILING


# --- the appeal decision's reminder and overdue timers (non-interrupting) ---------------------------

def test_reminder_and_overdue_fire_while_the_decision_stays_open(runner, frozen_clock, service_recorder):
    workflow = runner.start(case())
    deliver(runner, workflow, "2026-09-25")
    act(runner, workflow, "record_notification_and_filing", FILING)
    at(frozen_clock, 2026, 10, 9, 16, 0)
    act(runner, workflow, "file_appeal", appeal("2026-10-09"))
    decide = ready(runner, workflow)["decide_appeal"]

    at(frozen_clock, 2026, 10, 20, 23, 59, 58)
    runner.fire_due_timers(workflow)
    assert service_recorder.count("discipline.remind_appeal_decider") == 0

    at(frozen_clock, 2026, 10, 20, 23, 59, 59)  # working_days_after(received_on, 8)
    runner.fire_due_timers(workflow)
    assert service_recorder.calls[-1] == ("discipline.remind_appeal_decider", {"case_id": 501})
    assert ready(runner, workflow)["decide_appeal"].id == decide.id  # the same task, still open
    assert states(workflow, "appeal_decider_reminded") == ["COMPLETED"]

    at(frozen_clock, 2026, 10, 21, 12, 0)
    runner.fire_due_timers(workflow)
    assert service_recorder.count("discipline.remind_appeal_decider") == 1
    assert set(ready(runner, workflow)) == {"decide_appeal"}

    at(frozen_clock, 2026, 10, 22, 23, 59, 59)  # working_days_after(received_on, 10)
    runner.fire_due_timers(workflow)
    supervise = ready(runner, workflow)["supervise_overdue_appeal"]
    assert candidates(supervise) == DIRECTOR and supervise.meta.form == "acknowledge"
    assert ready(runner, workflow)["decide_appeal"].id == decide.id

    at(frozen_clock, 2026, 10, 23, 9, 0)
    act(runner, workflow, "supervise_overdue_appeal", {"comment": "请于今日内作出决定"})
    at(frozen_clock, 2026, 10, 23, 16, 0)
    act(runner, workflow, "decide_appeal", {"decision": "uphold", "reasons": "事实清楚"})
    act(runner, workflow, "acknowledge_appeal_reply", ACK)
    assert workflow.completed and runner.end_event(workflow) == "case_closed"
    assert service_recorder.count("discipline.remind_appeal_decider") == 1
    supervision = data_at(workflow, "overdue_appeal_supervised")["overdue_supervision"]
    assert entered(supervision) == {"comment": "请于今日内作出决定"}


def test_a_timely_decision_cancels_both_timers(runner, frozen_clock, service_recorder):
    workflow = runner.start(case())
    deliver(runner, workflow, "2026-09-25")
    at(frozen_clock, 2026, 10, 9, 16, 0)
    act(runner, workflow, "file_appeal", appeal("2026-10-09"))
    at(frozen_clock, 2026, 10, 15, 11, 0)
    act(runner, workflow, "decide_appeal", {"decision": "revoke", "reasons": "证据不足"})
    assert runner.next_timer_due(workflow) is None

    at(frozen_clock, 2026, 12, 31, 9, 0)  # long after both would have been due; the filing is still open
    runner.fire_due_timers(workflow)
    runner.fire_due_timers(workflow)
    assert service_recorder.count("discipline.remind_appeal_decider") == 0
    assert set(ready(runner, workflow)) == {"record_notification_and_filing", "acknowledge_appeal_reply"}
    assert states(workflow, "appeal_decision_reminder") == states(workflow, "appeal_decision_overdue") == [
        "CANCELLED"]

    act(runner, workflow, "acknowledge_appeal_reply", ACK)
    act(runner, workflow, "record_notification_and_filing", FILING)
    assert runner.end_event(workflow) == "case_closed"
    assert service_recorder.count("discipline.remind_appeal_decider") == 0


def test_closing_withdraws_an_unacknowledged_supervision(runner, frozen_clock, service_recorder):
    workflow = runner.start(case())
    deliver(runner, workflow, "2026-09-25")
    act(runner, workflow, "record_notification_and_filing", FILING)
    act(runner, workflow, "file_appeal", appeal("2026-09-28"))
    at(frozen_clock, 2026, 10, 31, 9, 0)
    runner.fire_due_timers(workflow)
    assert set(ready(runner, workflow)) == {"decide_appeal", "supervise_overdue_appeal"}

    act(runner, workflow, "decide_appeal", {"decision": "uphold", "reasons": "事实清楚"})
    act(runner, workflow, "acknowledge_appeal_reply", ACK)
    assert workflow.completed and runner.end_event(workflow) == "case_closed"
    assert ready(runner, workflow) == {}
    assert states(workflow, "supervise_overdue_appeal") == ["CANCELLED"]


def test_the_overdue_timer_fires_even_when_a_completion_comes_first(runner, frozen_clock, service_recorder):
    """A completion at a time past a boundary timer fires it too (no sweep needed)."""
    workflow = runner.start(case())
    deliver(runner, workflow, "2026-09-25")
    act(runner, workflow, "file_appeal", appeal("2026-09-28"))
    at(frozen_clock, 2026, 10, 31, 9, 0)
    act(runner, workflow, "record_notification_and_filing", FILING)
    assert service_recorder.count("discipline.remind_appeal_decider") == 1
    assert set(ready(runner, workflow)) == {"decide_appeal", "supervise_overdue_appeal"}


# --- state survives the database round trip -----------------------------------------------------------

def round_trip(runner: ProcessRunner, workflow) -> tuple[ProcessRunner, Any]:
    """dump → JSON text with keys sorted (as jsonb returns them) → a fresh runner over a fresh bundle."""
    text = dumps(runner.dump(workflow))
    assert "\\u" not in text
    fresh = ProcessRunner(load_bundle_from_files([PROCESS_FILE]), runner.env)
    return fresh, fresh.restore(json.loads(json.dumps(json.loads(text), sort_keys=True)))


def test_timers_survive_restore(runner, frozen_clock, service_recorder):
    workflow = runner.start(case("window"))
    deliver(runner, workflow, "2026-09-25")
    runner, workflow = round_trip(runner, workflow)
    assert runner.next_timer_due(workflow) == datetime(2026, 10, 9, 23, 59, 59, tzinfo=CENTRE_TZ)

    at(frozen_clock, 2026, 10, 9, 10, 0)
    act(runner, workflow, "file_appeal", appeal("2026-10-09"))
    runner, workflow = round_trip(runner, workflow)
    assert runner.next_timer_due(workflow) == datetime(2026, 10, 20, 23, 59, 59, tzinfo=CENTRE_TZ)

    at(frozen_clock, 2026, 10, 21, 9, 0)
    runner.fire_due_timers(workflow)
    assert service_recorder.count("discipline.remind_appeal_decider") == 1
    runner, workflow = round_trip(runner, workflow)
    assert runner.next_timer_due(workflow) == datetime(2026, 10, 22, 23, 59, 59, tzinfo=CENTRE_TZ)
    act(runner, workflow, "decide_appeal", {"decision": "revoke", "reasons": "证据不足"})
    act(runner, workflow, "acknowledge_appeal_reply", ACK)
    runner, workflow = round_trip(runner, workflow)
    act(runner, workflow, "record_notification_and_filing", FILING)
    assert runner.end_event(workflow) == "case_closed"
    assert service_recorder.count("discipline.remind_appeal_decider") == 1
