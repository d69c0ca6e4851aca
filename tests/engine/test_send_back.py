"""退回 and 撤回 on the task tree: the token goes back, the steps in between are carried over on resubmission, the
sender opens as a new attempt with new timers; a take-back is refused once a later step acted. Deploy refuses a
send-back target that is not upstream or has a service task between it and the sender."""

from datetime import datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from SpiffWorkflow.util.task import TaskState

from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.errors import DefinitionError
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.send_back import MoveRefused
from engine.specs import load_bundle

FIXTURES = Path(__file__).parent / "fixtures" / "send_back"
MONDAY_9 = datetime(2026, 3, 2, 9, 0, tzinfo=CENTRE_TZ)


def source(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def runner_for(name: str, clock: FrozenClock, service_recorder=None) -> ProcessRunner:
    services = service_recorder.handlers("notify") if service_recorder else {}
    return ProcessRunner(load_bundle({name: source(name)}), EngineEnvironment(clock, WorkingCalendar(), services))


def ready(runner, workflow) -> dict[str, str]:
    return {t.meta.spec_name: t.id for t in runner.ready_human_tasks(workflow)}


def complete(runner, workflow, spec: str, actor: int, **values):
    runner.complete(workflow, ready(runner, workflow)[spec], values, actor, [actor])


def completed(workflow, spec_name: str) -> int:
    return sum(1 for t in workflow.get_tasks() if t.task_spec.name == spec_name and t.state == TaskState.COMPLETED)


def test_send_back_reopens_the_target_as_a_new_attempt_and_carries_over_the_steps_in_between(service_recorder):
    clock = FrozenClock(MONDAY_9)
    runner = runner_for("send_back.bpmn", clock, service_recorder)
    workflow = runner.start({})
    complete(runner, workflow, "draft", 1, title="旧标题")
    first_draft_id = [t for t in workflow.get_tasks() if t.task_spec.name == "draft"][0].id
    complete(runner, workflow, "review", 2, opinion="同意")
    check_id = ready(runner, workflow)["check"]

    new_id = runner.send_back(workflow, check_id, "draft")

    assert ready(runner, workflow) == {"draft": new_id}
    assert new_id != str(first_draft_id)
    assert "draft_form" not in workflow.get_task_from_id(UUID(new_id)).data  # reset to its parent's data
    workflow = runner.restore(runner.dump(workflow))  # the record survives a save
    complete(runner, workflow, "draft", 1, title="新标题")
    # 初审 is not asked again: it is carried over with its earlier opinion; 复核 opens as a new attempt
    assert set(ready(runner, workflow)) == {"check"}
    assert ready(runner, workflow)["check"] != check_id
    review = [t for t in workflow.get_tasks() if t.task_spec.name == "review" and t.state == TaskState.COMPLETED]
    assert review[0].data["review_form"]["opinion"] == "同意"
    assert review[0].data["draft_form"]["title"] == "新标题"
    assert service_recorder.calls == []


def test_send_back_refuses_a_target_the_step_does_not_list(frozen_clock):
    runner = runner_for("send_back.bpmn", frozen_clock)
    workflow = runner.start({})
    complete(runner, workflow, "draft", 1)
    with pytest.raises(MoveRefused):
        runner.send_back(workflow, ready(runner, workflow)["review"], "check")


def test_a_reminder_after_send_back_counts_from_the_new_attempt_and_the_old_one_never_fires():
    clock = FrozenClock(MONDAY_9)
    runner = runner_for("send_back.bpmn", clock)
    workflow = runner.start({})
    complete(runner, workflow, "draft", 1)
    complete(runner, workflow, "review", 2)
    assert runner.next_timer_due(workflow) == MONDAY_9 + timedelta(hours=24)
    clock.advance(hours=20)
    runner.send_back(workflow, ready(runner, workflow)["check"], "review")
    assert runner.next_timer_due(workflow) is None  # the old reminder went with the old attempt
    clock.advance(hours=2)
    complete(runner, workflow, "review", 2)
    resubmitted = clock.now()
    assert runner.next_timer_due(workflow) == resubmitted + timedelta(hours=24)
    clock.set(MONDAY_9 + timedelta(hours=25))  # the old reminder's time: nothing fires
    runner.fire_due_timers(workflow)
    assert completed(workflow, "remind") == 0
    clock.set(resubmitted + timedelta(hours=24))
    runner.fire_due_timers(workflow)
    assert completed(workflow, "remind") == 1


def test_a_multi_instance_sender_is_reset_as_a_whole(frozen_clock):
    runner = runner_for("multi.bpmn", frozen_clock)
    workflow = runner.start({"approver_chain": ["window_head", "dept_deputy_leader"]})
    complete(runner, workflow, "draft", 1)
    complete(runner, workflow, "approve [child]", 2, decision="approve")
    second = ready(runner, workflow)["approve [child]"]
    runner.send_back(workflow, second, "draft")
    assert set(ready(runner, workflow)) == {"draft"}
    complete(runner, workflow, "draft", 1)
    children = [t for t in workflow.get_tasks(state=TaskState.READY, manual=True)]
    assert len(children) == 1 and children[0].data["approver_role"] == "window_head"  # the step starts again


def test_take_back_reopens_the_task_while_the_next_step_is_untouched(frozen_clock):
    runner = runner_for("send_back.bpmn", frozen_clock)
    workflow = runner.start({})
    complete(runner, workflow, "draft", 1)
    draft = next(t for t in workflow.get_tasks() if t.task_spec.name == "draft")
    new_id = runner.take_back(workflow, str(draft.id))
    assert ready(runner, workflow) == {"draft": new_id}


def test_take_back_is_refused_once_the_next_step_acted(frozen_clock):
    runner = runner_for("send_back.bpmn", frozen_clock)
    workflow = runner.start({})
    complete(runner, workflow, "draft", 1)
    complete(runner, workflow, "review", 2)
    draft = next(t for t in workflow.get_tasks() if t.task_spec.name == "draft")
    with pytest.raises(MoveRefused, match="初审"):
        runner.take_back(workflow, str(draft.id))


def test_take_back_is_refused_after_a_service_task_ran(frozen_clock, service_recorder):
    runner = runner_for("send_back.bpmn", frozen_clock, service_recorder)
    workflow = runner.start({})
    complete(runner, workflow, "draft", 1)
    complete(runner, workflow, "review", 2)
    complete(runner, workflow, "check", 3)
    check = next(t for t in workflow.get_tasks() if t.task_spec.name == "check")
    with pytest.raises(MoveRefused, match="通知"):
        runner.take_back(workflow, str(check.id))


def _with_targets(value: str) -> str:
    return source("send_back.bpmn").replace('value="draft, review"', f'value="{value}"')


@pytest.mark.parametrize(("value", "reason"), [
    ("nowhere", "不是同一流程中的另一个用户任务"),
    ("archive", "不在本环节之前"),
])
def test_deploy_refuses_a_bad_send_back_target(value, reason):
    with pytest.raises(DefinitionError, match=reason) as caught:
        load_bundle({"send_back.bpmn": _with_targets(value)})
    assert caught.value.filename == "send_back.bpmn" and caught.value.element_id == "check"


def test_deploy_refuses_a_send_back_over_a_service_task():
    text = source("send_back.bpmn").replace(
        '<spiffworkflow:property name="role" value="centre_office"/>\n      </spiffworkflow:properties>',
        '<spiffworkflow:property name="role" value="centre_office"/>\n'
        '        <spiffworkflow:property name="send_back_to" value="check"/>\n      </spiffworkflow:properties>')
    with pytest.raises(DefinitionError, match="通知") as caught:
        load_bundle({"send_back.bpmn": text})
    assert caught.value.element_id == "archive"


def test_the_bundle_names_the_targets_by_spec_name():
    bundle = load_bundle({"send_back.bpmn": source("send_back.bpmn")})
    assert bundle.human_tasks["check"].send_back_to == ("draft", "review")
    assert load_bundle({"multi.bpmn": source("multi.bpmn")}).human_tasks["approve [child]"].send_back_to == ("draft",)
