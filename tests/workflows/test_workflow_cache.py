"""A write reuses the workflow the previous committed write left in memory, and only when it is still the truth:
the locked row at the revision it was saved under, nothing a failed or rolled-back write touched, nothing JSON
would change. Whichever way a write gets its workflow, the state it saves is the same."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.db import transaction

from bench.scale.open_tasks import ANSWER, deploy_parallel
from engine.errors import ExecutionError
from engine.runtime import ProcessRunner
from workflows.runtime import workflow_cache
from workflows.runtime.engine_env import runner_for
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import lock_instance, retry_instance, start_process
from workflows.runtime.services.transitions import complete_task

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def restores(monkeypatch) -> list[int]:
    """One entry per restore from the stored state."""
    calls: list[int] = []
    original = ProcessRunner.restore

    def counted(self, state):
        calls.append(1)
        return original(self, state)

    monkeypatch.setattr(ProcessRunner, "restore", counted)
    return calls


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write and the callbacks its commit would run (the test's own transaction never commits)."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            return write()

    return run


def _started(centre, committed, n: int = 3, data: dict | None = None) -> ProcessInstance:
    definition = deploy_parallel(n)
    return committed(lambda: start_process(definition.key, data=data or {}, business_key=f"BP-{n}",
                                           applicant=centre["lisi"], started_by=centre["lisi"]))


def _open_tasks(instance: ProcessInstance) -> list[HumanTask]:
    return list(HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN).order_by("id"))


def _complete(task: HumanTask) -> None:
    actor = task.assignee or task.candidates.order_by("pk").first()
    complete_task(task.pk, actor, ANSWER)


def _tree(state: dict) -> list[tuple]:
    """The stored tree without what differs between two runs of the same steps (task ids, clock readings)."""
    tasks = state["tasks"]
    return sorted((t["task_spec"], t["state"], json.dumps(t["data"], sort_keys=True),
                   json.dumps(t["delta"], sort_keys=True), [tasks[c]["task_spec"] for c in t["children"]])
                  for t in tasks.values())


def test_a_write_after_a_committed_one_reuses_its_workflow_which_holds_exactly_the_stored_state(
        centre, clock, committed, restores):
    instance = _started(centre, committed)
    first, second, third = _open_tasks(instance)
    committed(lambda: _complete(first))
    committed(lambda: _complete(second))
    assert restores == []
    instance.refresh_from_db()
    runner = runner_for(instance.definition)
    kept = workflow_cache.restored(lock_instance(instance.pk), runner)
    assert restores == []
    assert runner.dump(kept) == instance.state == runner.dump(runner.restore(instance.state))


def test_a_kept_workflow_saves_what_a_restore_would_after_every_step(centre, clock, committed, restores):
    def trees(instance: ProcessInstance, forget: bool) -> list[list[tuple]]:
        saved = []
        for task in _open_tasks(instance):
            if forget:
                workflow_cache.forget_all()
            committed(lambda task=task: _complete(task))
            instance.refresh_from_db()
            saved.append(_tree(instance.state))
        assert instance.status == ProcessInstance.COMPLETED
        return saved

    kept = trees(_started(centre, committed), forget=False)
    assert restores == []
    assert kept == trees(_started(centre, committed), forget=True)
    assert len(restores) == 3


def test_a_write_without_commit_keeps_nothing(centre, clock, committed, restores):
    instance = _started(centre, committed)
    first, second, _ = _open_tasks(instance)
    _complete(first)  # takes what the committed start kept; committed by nobody, so its callbacks never run
    assert restores == []
    _complete(second)
    assert len(restores) == 1


def test_a_rolled_back_write_leaves_no_workflow_behind(centre, clock, committed, restores):
    instance = _started(centre, committed)
    first, _, _ = _open_tasks(instance)

    def complete_then_fail():
        with transaction.atomic():
            _complete(first)
            raise RuntimeError("a later step of the request failed")

    with pytest.raises(RuntimeError):
        committed(complete_then_fail)
    assert restores == []  # the rolled-back write took the kept workflow (and mutated it) ...
    committed(lambda: _complete(first))  # ... so the next one restores the state that is still stored
    assert len(restores) == 1
    instance.refresh_from_db()
    assert (instance.revision, len(_open_tasks(instance))) == (2, 2)


def test_an_engine_error_leaves_no_workflow_behind_and_retry_restores(centre, clock, committed, restores):
    deploy_from_files("broken_after_review", [FIXTURES / "broken_after_review.bpmn"])
    instance = committed(lambda: start_process("broken_after_review", data={"divisor": 0}, business_key="SH-3",
                                               applicant=centre["lisi"]))
    task = HumanTask.objects.get(instance=instance)
    with pytest.raises(ExecutionError):
        committed(lambda: complete_task(task.pk, centre["zhangsan"], {"decision": "approve"}))
    assert restores == []
    retried = committed(lambda: retry_instance(instance.pk, centre["admin"]))
    assert (retried.status, len(restores)) == (ProcessInstance.RUNNING, 1)
    assert HumanTask.objects.get(pk=task.pk).state == HumanTask.OPEN


def test_another_process_writing_the_instance_makes_the_kept_workflow_stale(centre, clock, committed, restores):
    instance = _started(centre, committed)
    first, _, _ = _open_tasks(instance)
    ProcessInstance.objects.filter(pk=instance.pk).update(revision=instance.revision + 1)
    committed(lambda: _complete(first))
    assert len(restores) == 1


def test_a_workflow_holding_what_json_changes_is_not_kept(centre, clock, committed, restores):
    instance = _started(centre, committed, data={"received_on": date(2026, 9, 25)})
    first, second, _ = _open_tasks(instance)
    committed(lambda: _complete(first))
    committed(lambda: _complete(second))
    assert len(restores) == 2


def test_what_a_kept_workflow_printed_in_an_earlier_write_is_not_recorded_again(centre, clock, committed, restores):
    deploy_from_files("printing_review", [FIXTURES / "printing_review.bpmn"])
    instance = committed(lambda: start_process("printing_review", data={}, business_key="PR-1",
                                               applicant=centre["lisi"], started_by=centre["lisi"]))
    for _ in range(2):
        [task] = _open_tasks(instance)
        committed(lambda task=task: _complete(task))
    assert len(restores) == 0  # the second write took the workflow the first one left
    printed = AuditEvent.objects.filter(instance=instance, action="script_print").order_by("pk")
    assert [p.message for p in printed] == ["初审完毕", "复审完毕"]
