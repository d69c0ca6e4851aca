"""Runtime write services on a real database: deploy, start, claim, complete, errors as states."""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest
from django.db import connection, transaction

from engine.clock import CENTRE_TZ
from engine.errors import DefinitionError, ExecutionError, NotAllowed
from workflows.org.models import Role
from workflows.runtime.errors import Conflict, InvalidInput
from workflows.runtime.models import AuditEvent, HumanTask, ProcessInstance
from workflows.runtime.services.definitions import deploy_definition, deploy_from_files
from workflows.runtime.services.instances import retry_instance, start_process
from workflows.runtime.services.posts import change_post
from workflows.runtime.services.transitions import claim_task, complete_task

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def review(db, centre, clock):
    deploy_from_files("window_review", [FIXTURES / "window_review.bpmn"])
    return start_process("window_review", data={"note": "请假交接材料"}, business_key="SH-1",
                         applicant=centre["lisi"], started_by=centre["lisi"])


def _raw(sql: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return str(cursor.fetchone()[0])


def test_deploying_identical_sources_keeps_the_version_and_a_change_makes_a_new_one(db):
    first = deploy_from_files("window_review", [FIXTURES / "window_review.bpmn"])
    again = deploy_from_files("window_review", [FIXTURES / "window_review.bpmn"])
    text = (FIXTURES / "window_review.bpmn").read_text(encoding="utf-8").replace("提交审核", "提交复核")
    changed = deploy_definition("window_review", {"window_review.bpmn": text})
    assert (first.version, again.pk, changed.version) == (1, first.pk, 2)
    assert "提交审核" in _raw("SELECT sources FROM runtime_processdefinition WHERE id = %s", first.pk)


def test_a_malformed_definition_is_refused_naming_file_and_element(db):
    text = (FIXTURES / "window_review.bpmn").read_text(encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        deploy_definition("window_review", {"window_review.bpmn": text.replace('value="window_head"', 'value="x"')
                                            .replace('name="role"', 'name="colour"')})
    assert err.value.filename == "window_review.bpmn"
    assert err.value.element_id == "review_by_window_head"


def test_start_resolves_the_window_head_and_stores_state_without_spec(review, centre):
    task = HumanTask.objects.get(instance=review)
    assert list(task.candidates.all()) == [centre["zhangsan"]]
    assert task.assignee == centre["zhangsan"]
    assert task.due_at == datetime(2026, 12, 2, 23, 59, 59, tzinfo=CENTRE_TZ)
    assert "spec" not in review.state
    raw = _raw("SELECT state FROM runtime_processinstance WHERE id = %s", review.pk)
    assert "请假交接材料" in raw and "\\u8bf7" not in raw


def test_only_a_candidate_may_complete_and_a_completed_task_cannot_be_completed_again(review, centre):
    task = HumanTask.objects.get(instance=review)
    with pytest.raises(NotAllowed):
        complete_task(task.pk, centre["wangwu"], {"decision": "approve"})
    complete_task(task.pk, centre["zhangsan"], {"decision": "approve", "comment": "同意"})
    review.refresh_from_db()
    assert (review.status, review.end_event, review.revision) == (ProcessInstance.COMPLETED, "review_done", 2)
    with pytest.raises(Conflict):
        complete_task(task.pk, centre["zhangsan"], {"decision": "approve"})
    assert AuditEvent.objects.filter(task=task, action="task_completed").count() == 1


def test_claim_is_for_candidates_only(review, centre):
    task = HumanTask.objects.get(instance=review)
    with pytest.raises(NotAllowed):
        claim_task(task.pk, centre["lisi"])
    assert claim_task(task.pk, centre["zhangsan"]).assignee == centre["zhangsan"]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_completions_one_wins_one_conflicts(centre, clock):
    deploy_from_files("window_review", [FIXTURES / "window_review.bpmn"])
    instance = start_process("window_review", data={}, business_key="SH-2", applicant=centre["lisi"])
    task = HumanTask.objects.get(instance=instance)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        barrier.wait()
        try:
            complete_task(task.pk, centre["zhangsan"], {"decision": "approve"})
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    instance.refresh_from_db()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert (instance.status, instance.revision) == (ProcessInstance.COMPLETED, 2)
    assert AuditEvent.objects.filter(task=task, action="task_completed").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not connection.features.has_select_for_update, reason="row locks: PostgreSQL")
def test_a_completion_waits_for_a_write_holding_the_instance_then_sees_its_work(centre, clock):
    """The one-statement lock gives up at once when another write holds the instance; the completion then waits
    like any write (no lock error) and, once the other commits, sees what it did: the process has ended."""
    deploy_from_files("window_review", [FIXTURES / "window_review.bpmn"])
    instance = start_process("window_review", data={}, business_key="SH-3", applicant=centre["lisi"])
    task = HumanTask.objects.get(instance=instance)
    holding, outcome = threading.Event(), []

    def hold_then_complete() -> None:
        try:
            with transaction.atomic():
                ProcessInstance.objects.select_for_update().get(pk=instance.pk)
                holding.set()
                time.sleep(0.5)
                complete_task(task.pk, centre["zhangsan"], {"decision": "approve"})
        finally:
            connection.close()

    def second() -> None:
        holding.wait()
        try:
            complete_task(task.pk, centre["zhangsan"], {"decision": "approve"})
            outcome.append("completed")
        except Conflict as exc:
            outcome.append(str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=hold_then_complete), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcome == ["流程不在运行中"]
    assert AuditEvent.objects.filter(task=task, action="task_completed").count() == 1
    assert ProcessInstance.objects.get(pk=instance.pk).status == ProcessInstance.COMPLETED


def test_an_engine_error_rolls_back_and_marks_the_instance_errored(db, centre, clock):
    deploy_from_files("broken_after_review", [FIXTURES / "broken_after_review.bpmn"])
    instance = start_process("broken_after_review", data={"divisor": 0}, business_key="SH-3",
                             applicant=centre["lisi"])
    task = HumanTask.objects.get(instance=instance)
    with pytest.raises(ExecutionError):
        complete_task(task.pk, centre["zhangsan"], {"decision": "approve"})
    instance.refresh_from_db()
    task.refresh_from_db()
    assert (instance.status, instance.error_element, instance.revision) == (ProcessInstance.ERRORED, "compute_score", 1)
    assert task.state == HumanTask.OPEN
    assert AuditEvent.objects.filter(instance=instance, action="instance_errored").exists()
    with pytest.raises(Conflict):
        complete_task(task.pk, centre["zhangsan"], {"decision": "approve"})


def test_retry_after_an_error_runs_again_from_the_last_good_state(db, centre, clock):
    deploy_from_files("broken_after_review", [FIXTURES / "broken_after_review.bpmn"])
    instance = start_process("broken_after_review", data={"divisor": 0}, business_key="SH-4",
                             applicant=centre["lisi"])
    task = HumanTask.objects.get(instance=instance)
    with pytest.raises(ExecutionError):
        complete_task(task.pk, centre["zhangsan"], {"decision": "approve"})
    retried = retry_instance(instance.pk, centre["admin"])
    assert retried.status == ProcessInstance.RUNNING
    assert HumanTask.objects.get(pk=task.pk).state == HumanTask.OPEN


def test_audit_rows_have_no_update_or_delete_path():
    import workflows

    pattern = re.compile(r"AuditEvent\.objects[^\n]*\.(update|delete|bulk_update)\(|audit[^\n]*\.(save|delete)\(")
    offenders = [str(p) for p in Path(workflows.__file__).parent.rglob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert offenders == []


def test_a_new_window_head_takes_over_the_open_tasks_of_the_post(review, centre):
    task = HumanTask.objects.get(instance=review)
    zhangsan, chensx = centre["zhangsan"], centre["chensx"]  # not lisi: the applicant never heads her own review
    moved = change_post(zhangsan, roles=["window_staff"], department=zhangsan.department, window=zhangsan.window,
                        actor=centre["admin"])
    # The window has no head now. Issue 10 (empty-approver rule): a vacant post no longer leaves the task with
    # someone who lost the post; it goes to the centre office, flagged, and the audit says why.
    assert moved == 1
    task.refresh_from_db()
    assert task.escalated and task.assignment_note == "岗位空缺（窗口负责人），已转中心办公室"
    assert task.assignee is None and set(task.candidates.all()) == {centre["zhaobgs"], centre["admin"]}
    [vacant] = AuditEvent.objects.filter(task=task, action="task_vacant_escalated")
    assert vacant.message == "岗位空缺（窗口负责人），已转中心办公室"
    assert vacant.after["vacant"] == ["window_head（applicant.window）"]
    moved = change_post(chensx, roles=["window_staff", "window_head"], department=chensx.department,
                        window=chensx.window, actor=centre["admin"])
    task.refresh_from_db()
    assert moved == 1 and task.assignee == chensx and list(task.candidates.all()) == [chensx]
    assert not task.escalated and task.assignment_note == ""
    assert list(AuditEvent.objects.filter(task=task, action="task_reassigned").values_list("message", flat=True)) == [
        f"{zhangsan.name} 岗位变动", f"{chensx.name} 岗位变动"]
    assert AuditEvent.objects.filter(action="post_changed").count() == 2


def test_a_post_change_names_every_unknown_role(centre):
    zhangsan = centre["zhangsan"]
    with pytest.raises(InvalidInput, match="^未知角色：“chief”、“deputy”$"):
        change_post(zhangsan, roles=["window_staff", "deputy", "chief"], department=zhangsan.department,
                    window=zhangsan.window)


def test_editing_an_official_in_the_admin_goes_through_the_post_change(review, centre, client):
    task = HumanTask.objects.get(instance=review)
    admin_user = centre["admin"].user
    admin_user.is_staff = admin_user.is_superuser = True
    client.force_login(admin_user)
    chensx = centre["chensx"]
    zhangsan = centre["zhangsan"]
    for official, roles in ((zhangsan, ["window_staff"]), (chensx, ["window_staff", "window_head"])):
        response = client.post(f"/admin/org/official/{official.pk}/change/", {
            "user": official.user_id, "name": official.name, "department": official.department_id,
            "window": official.window_id, "active": "on",
            "roles": [Role.objects.get(code=c).pk for c in roles],
        })
        assert response.status_code == 302, response.content.decode()[:500]
    task.refresh_from_db()
    assert task.assignee == chensx
    assert AuditEvent.objects.filter(action="post_changed", actor=centre["admin"]).count() == 2
