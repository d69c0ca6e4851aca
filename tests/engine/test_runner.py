"""ProcessRunner: who may complete what and when, timers on the engine clock, errors that name the element."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from results import entered
from SpiffWorkflow.util.task import TaskState

from engine.assignment import AssignmentRule
from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.errors import ExecutionError, NotAllowed, TaskNotReady
from engine.runtime import EngineEnvironment, ProcessRunner, ReadyTask
from engine.specs import HumanTaskMeta, load_bundle, load_bundle_from_files

FIXTURES = Path(__file__).parent / "fixtures"
TWO_STEP = (FIXTURES / "two_step.bpmn").read_text(encoding="utf-8")

WINDOW_HEAD, LEADER, STRANGER = 101, 202, 303
RECEIVED = {"applicant": "张三", "received_on": "2026-09-25"}
DUE = datetime(2026, 10, 9, 23, 59, 59, tzinfo=CENTRE_TZ)  # close of the 5th working day after Fri 09-25


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2026, 9, 25, 10, 0, tzinfo=CENTRE_TZ))


@pytest.fixture
def env(clock) -> EngineEnvironment:
    return EngineEnvironment(clock, WorkingCalendar())


@pytest.fixture
def runner(env) -> ProcessRunner:
    return ProcessRunner(load_bundle({"two_step.bpmn": TWO_STEP}), env)


def only_ready(runner: ProcessRunner, workflow):
    ready = runner.ready_human_tasks(workflow)
    assert len(ready) == 1, [t.meta.spec_name for t in ready]
    return ready[0]


def waiting_for_timer(runner: ProcessRunner):
    workflow = runner.start(RECEIVED)
    receive = only_ready(runner, workflow)
    runner.complete(workflow, receive.id, {"note": "材料齐全"}, WINDOW_HEAD, [WINDOW_HEAD])
    return workflow


def task_of(workflow, spec_name: str):
    [task] = [t for t in workflow.get_tasks() if t.task_spec.name == spec_name]
    return task


# --- starting and listing -------------------------------------------------------------------


def test_start_offers_the_first_human_task_with_its_metadata(runner):
    workflow = runner.start(RECEIVED)
    receive = only_ready(runner, workflow)
    assert receive.meta.spec_name == "receive"
    assert (receive.meta.title, receive.meta.role, receive.meta.form) == ("受理", "window_head", "receipt")
    assert receive.data == RECEIVED
    assert receive.assignment == AssignmentRule("window_head", "applicant.window")
    assert UUID(receive.id)
    assert runner.end_event(workflow) is None


def test_start_data_is_copied(runner):
    data = {"applicant": "张三", "received_on": "2026-09-25", "items": ["身份证"]}
    workflow = runner.start(data)
    data["items"].append("户口本")
    assert only_ready(runner, workflow).data["items"] == ["身份证"]


def test_dates_in_start_and_form_data_are_kept(runner):
    workflow = runner.start({**RECEIVED, "first_day": date(2026, 10, 8)})
    receive = only_ready(runner, workflow)
    assert receive.data["first_day"] == date(2026, 10, 8)
    signed = datetime(2026, 9, 25, 11, 0, tzinfo=CENTRE_TZ)
    runner.complete(workflow, receive.id, {"signed_at": signed, "period": (date(2026, 10, 8), 2)},
                    WINDOW_HEAD, [WINDOW_HEAD])
    data = task_of(workflow, "wait_five_days").data
    assert data["signed_at"] == signed and data["first_day"] == date(2026, 10, 8)
    assert data["period"] == [date(2026, 10, 8), 2]  # as a restore would give it back


# --- completing -----------------------------------------------------------------------------


def test_complete_moves_on_and_stores_the_form(runner):
    workflow = waiting_for_timer(runner)
    assert runner.ready_human_tasks(workflow) == []
    assert task_of(workflow, "wait_five_days").data["note"] == "材料齐全"


def test_completing_twice_is_task_not_ready(runner):
    workflow = runner.start(RECEIVED)
    receive = only_ready(runner, workflow)
    runner.complete(workflow, receive.id, {}, WINDOW_HEAD, [WINDOW_HEAD])
    with pytest.raises(TaskNotReady) as info:
        runner.complete(workflow, receive.id, {"note": "again"}, WINDOW_HEAD, [WINDOW_HEAD])
    assert info.value.task_id == receive.id
    assert info.value.state == "COMPLETED"
    assert "note" not in task_of(workflow, "wait_five_days").data


def test_a_task_that_is_not_ready_yet_cannot_be_completed(runner):
    workflow = waiting_for_timer(runner)
    approve = task_of(workflow, "approve")
    assert approve.state != TaskState.READY
    with pytest.raises(TaskNotReady):
        runner.complete(workflow, str(approve.id), {"outcome": "同意"}, LEADER, [LEADER])
    assert approve.state != TaskState.COMPLETED
    assert not workflow.completed


def test_an_engine_task_cannot_be_completed_as_a_human_task(runner):
    workflow = waiting_for_timer(runner)
    timer = task_of(workflow, "wait_five_days")
    with pytest.raises(TaskNotReady):
        runner.complete(workflow, str(timer.id), {}, WINDOW_HEAD, [WINDOW_HEAD])
    assert timer.state == TaskState.WAITING


@pytest.mark.parametrize("task_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_task_id_is_task_not_ready(runner, task_id):
    workflow = runner.start(RECEIVED)
    with pytest.raises(TaskNotReady):
        runner.complete(workflow, task_id, {}, WINDOW_HEAD, [WINDOW_HEAD])


def test_only_a_candidate_may_complete(runner):
    workflow = runner.start(RECEIVED)
    receive = only_ready(runner, workflow)
    with pytest.raises(NotAllowed) as info:
        runner.complete(workflow, receive.id, {"note": "冒名"}, STRANGER, [WINDOW_HEAD, LEADER])
    assert info.value.actor_id == STRANGER
    assert "受理" in str(info.value)
    still = only_ready(runner, workflow)
    assert still.id == receive.id
    assert "note" not in still.data


def test_any_candidate_may_complete(runner):
    workflow = runner.start(RECEIVED)
    runner.complete(workflow, only_ready(runner, workflow).id, {}, LEADER, [WINDOW_HEAD, LEADER])
    assert runner.ready_human_tasks(workflow) == []


def test_result_variable_keeps_the_form_under_its_name(runner, clock):
    workflow = waiting_for_timer(runner)
    clock.set(DUE)
    runner.fire_due_timers(workflow)
    approve = only_ready(runner, workflow)
    runner.complete(workflow, approve.id, {"outcome": "同意", "comment": "准"}, LEADER, [LEADER])
    assert workflow.completed
    assert runner.end_event(workflow) == "approved"
    approval = workflow.last_task.data["approval"]
    assert entered(approval) == {"outcome": "同意", "comment": "准"}
    # who completed the step and when reach the process in the result, for the steps that follow
    assert (approval["completed_by"], approval["completed_at"]) == (LEADER, DUE.isoformat())
    assert "comment" not in {k for k in workflow.last_task.data if k != "approval"}


# --- timers ---------------------------------------------------------------------------------


def test_next_timer_due_reports_the_working_day_deadline(runner):
    workflow = waiting_for_timer(runner)
    assert runner.next_timer_due(workflow) == DUE
    assert runner.next_timer_due(workflow).utcoffset() == timedelta(hours=8)


def test_no_timer_due_before_the_timer_is_reached(runner):
    assert runner.next_timer_due(runner.start(RECEIVED)) is None


def test_timer_does_not_fire_before_its_due_time(runner, clock):
    workflow = waiting_for_timer(runner)
    for moment in [datetime(2026, 10, 1, 9, tzinfo=CENTRE_TZ), DUE - timedelta(seconds=1)]:
        clock.set(moment)
        runner.fire_due_timers(workflow)
        assert runner.ready_human_tasks(workflow) == []
        assert runner.next_timer_due(workflow) == DUE


def test_timer_fires_once_the_clock_reaches_its_due_time(runner, clock):
    workflow = waiting_for_timer(runner)
    clock.set(DUE)
    runner.fire_due_timers(workflow)
    approve = only_ready(runner, workflow)
    assert approve.meta.spec_name == "approve"
    assert runner.next_timer_due(workflow) is None


def test_due_time_is_fixed_when_the_timer_starts_waiting(runner, clock):
    workflow = waiting_for_timer(runner)
    task_of(workflow, "wait_five_days").data["received_on"] = "2026-12-01"  # too late to matter
    clock.set(DUE)
    runner.fire_due_timers(workflow)
    assert only_ready(runner, workflow).meta.spec_name == "approve"


def test_timer_fires_after_a_restore(runner, clock):
    workflow = waiting_for_timer(runner)
    restored = runner.restore(runner.dump(workflow))
    assert runner.next_timer_due(restored) == DUE
    clock.set(DUE + timedelta(days=3))
    runner.fire_due_timers(restored)
    assert only_ready(runner, restored).meta.spec_name == "approve"


def test_timer_with_a_bare_local_time_means_shanghai_time(env, clock):
    source = TWO_STEP.replace("working_days_after(received_on, 5)", '"2026-10-09T17:00:00"')
    runner = ProcessRunner(load_bundle({"p.bpmn": source}), env)
    workflow = waiting_for_timer(runner)
    assert runner.next_timer_due(workflow) == datetime(2026, 10, 9, 17, 0, tzinfo=CENTRE_TZ)
    clock.set(datetime(2026, 10, 9, 17, 0, tzinfo=CENTRE_TZ))
    runner.fire_due_timers(workflow)
    assert only_ready(runner, workflow).meta.spec_name == "approve"


def test_timer_expression_that_is_not_a_time_is_an_execution_error(env):
    # computed, not a literal: a literal that is no time is refused at deploy (test_timers)
    source = TWO_STEP.replace("working_days_after(received_on, 5)", '"下" + "周五"')
    runner = ProcessRunner(load_bundle({"p.bpmn": source}), env)
    workflow = runner.start(RECEIVED)
    with pytest.raises(ExecutionError) as info:
        runner.complete(workflow, only_ready(runner, workflow).id, {}, WINDOW_HEAD, [WINDOW_HEAD])
    assert info.value.element_id == "wait_five_days"
    assert "下周五" in info.value.message


def test_timer_expression_with_a_missing_variable_is_an_execution_error(runner):
    workflow = runner.start({"applicant": "张三"})
    with pytest.raises(ExecutionError) as info:
        runner.complete(workflow, only_ready(runner, workflow).id, {}, WINDOW_HEAD, [WINDOW_HEAD])
    assert info.value.element_id == "wait_five_days"
    assert "received_on" in info.value.message


# --- environment functions ------------------------------------------------------------------


def test_working_day_functions_accept_dates_datetimes_and_text(env):
    f = env.functions()
    expected = "2026-10-09T23:59:59+08:00"
    assert f["working_days_after"]("2026-09-25", 5) == expected
    assert f["working_days_after"](date(2026, 9, 25), "5") == expected
    assert f["working_days_after"]("2026-09-25T16:30:00+08:00", 5) == expected
    # A datetime counts by its Shanghai date: 16:30 UTC on Wed 09-23 is already Thu 09-24 there.
    assert f["working_days_after"](datetime(2026, 9, 23, 16, 30, tzinfo=UTC), 5) == expected
    assert f["working_days_after"](datetime(2026, 9, 23, 15, 30, tzinfo=UTC), 5) == "2026-10-08T23:59:59+08:00"
    # The same instants written as ISO text (as task data holds them) count the same way.
    assert f["working_days_after"]("2026-09-23T16:30:00+00:00", 5) == expected
    assert f["working_days_after"]("2026-09-23 15:30:00+00:00", 5) == "2026-10-08T23:59:59+08:00"
    assert f["working_days_after"](datetime(2026, 9, 23, 23, 30), 5) == "2026-10-08T23:59:59+08:00"  # naive: Shanghai
    assert f["close_of_day"]("2026-10-09") == expected


def test_today_and_now_come_from_the_clock(env, clock):
    f = env.functions()
    assert f["today"]() == "2026-09-25"
    assert f["now"]() == "2026-09-25T10:00:00+08:00"
    clock.advance(hours=15)
    assert f["today"]() == "2026-09-26"


# --- failures inside the definition ---------------------------------------------------------


@pytest.fixture
def lookups() -> list:
    return []


@pytest.fixture
def automated(env, lookups) -> ProcessRunner:
    def population_lookup(context, id_no):
        lookups.append((id_no, dict(context)))
        return {"registered": id_no.startswith("3301"), "name": "张三"}

    env.services["population.lookup"] = population_lookup
    return ProcessRunner(load_bundle_from_files([FIXTURES / "automated.bpmn"]), env)


def test_service_task_calls_the_registered_handler(automated, lookups):
    workflow = automated.start({"id_no": "330102", "periods": [{"days": 2}, {"days": 3}], "divisor": 1})
    assert [id_no for id_no, _ in lookups] == ["330102"]
    assert lookups[0][1]["periods"] == [{"days": 2}, {"days": 3}]
    assert workflow.completed
    assert automated.end_event(workflow) == "long_end"
    data = workflow.last_task.data
    assert data["person"] == {"registered": True, "name": "张三"}
    assert (data["total_days"], data["long_leave"]) == (5, True)


def test_service_handler_exception_is_an_execution_error_naming_the_task(env):
    def broken(context, id_no):
        raise ConnectionError("人口库不可用")

    env.services["population.lookup"] = broken
    runner = ProcessRunner(load_bundle_from_files([FIXTURES / "automated.bpmn"]), env)
    with pytest.raises(ExecutionError) as info:
        runner.start({"id_no": "330102", "periods": [], "divisor": 1})
    assert info.value.element_id == "lookup_applicant"
    assert "人口库不可用" in info.value.message
    assert "population.lookup" in info.value.message


def test_unregistered_service_is_an_execution_error(env):
    runner = ProcessRunner(load_bundle_from_files([FIXTURES / "automated.bpmn"]), env)
    with pytest.raises(ExecutionError) as info:
        runner.start({"id_no": "330102", "periods": [], "divisor": 1})
    assert info.value.element_id == "lookup_applicant"
    assert "population.lookup" in info.value.message


def test_script_error_is_an_execution_error_naming_the_script_task(automated):
    with pytest.raises(ExecutionError) as info:
        automated.start({"id_no": "330102", "periods": [{"days": 2}], "divisor": 0})
    assert info.value.element_id == "compute_days"
    assert "ZeroDivisionError" in info.value.message
    assert "compute_days" in str(info.value)


def test_gateway_with_no_true_condition_is_an_execution_error_naming_it(automated):
    with pytest.raises(ExecutionError) as info:
        automated.start({"id_no": "110102", "periods": [{"days": 2}], "divisor": 1})  # not registered: no flow
    assert info.value.element_id == "route_by_length"
    assert "route_by_length" in str(info.value)


def test_gateway_error_after_a_human_task(runner, clock):
    workflow = waiting_for_timer(runner)
    clock.set(DUE)
    runner.fire_due_timers(workflow)
    approve = only_ready(runner, workflow)
    with pytest.raises(ExecutionError) as info:
        runner.complete(workflow, approve.id, {"outcome": "再议"}, LEADER, [LEADER])
    assert info.value.element_id == "decide"


# --- assignment from task data --------------------------------------------------------------


@pytest.fixture
def routed(env) -> ProcessRunner:
    return ProcessRunner(load_bundle_from_files([FIXTURES / "rule_task.bpmn", FIXTURES / "route.dmn"]), env)


@pytest.mark.parametrize(("days", "role", "scope"), [(1, "window_head", "applicant.window"),
                                                     (3, "centre_director", "centre")])
def test_role_variable_set_by_a_decision_table(routed, days, role, scope):
    approve = only_ready(routed, routed.start({"days": days}))
    assert approve.data["approver"] == role
    assert approve.assignment == AssignmentRule(role, scope)


def test_empty_role_variable_is_an_execution_error(routed):
    approve = only_ready(routed, routed.start({"days": 1}))
    empty = type(approve)(approve.id, approve.meta, {**approve.data, "approver": ""})
    with pytest.raises(ExecutionError, match="approver"):
        _ = empty.assignment


def test_manual_task_is_offered_and_completed_like_a_user_task(env):
    source = TWO_STEP.replace('<bpmn:userTask id="receive" name="受理">', '<bpmn:manualTask id="receive" name="受理">')
    source = source.replace("</bpmn:userTask>", "</bpmn:manualTask>", 1)
    runner = ProcessRunner(load_bundle({"manual.bpmn": source}), env)
    workflow = runner.start(RECEIVED)
    receive = only_ready(runner, workflow)
    assert receive.meta.role == "window_head"
    runner.complete(workflow, receive.id, {}, WINDOW_HEAD, [WINDOW_HEAD])
    assert runner.next_timer_due(workflow) == DUE


def test_an_unknown_role_read_from_task_data_is_an_execution_error_naming_the_task():
    meta = HumanTaskMeta("approve", "审批", None, "approver_role", None, "approval", None, None, None)
    with pytest.raises(ExecutionError) as err:
        _ = ReadyTask("t-1", meta, {"approver_role": "janitor"}).assignment
    assert err.value.element_id == "approve" and "janitor" in str(err.value)
