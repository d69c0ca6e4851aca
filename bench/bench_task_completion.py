"""What one task completion costs through the services, next to what the engine alone costs for the same step.

    .venv/bin/python bench/bench_task_completion.py [N]

Builds a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL is set), seeds the demo
centre, deploys a two-step approval (window head, then centre director) and starts N instances. Then it
completes the first task of each through `complete_task` (lock, engine, state save, task sync, audit) and
prints one table: mean and p95 per completion, SQL statements per completion, and the engine alone on the
same step (restore the stored state, complete, dump) with the ratio between the two. Not part of the tests.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

TWO_STEPS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="bench_definitions" targetNamespace="http://govflow.example/bpmn">
  <bpmn:process id="bench_two_steps" name="两级审批（基准测试）" isExecutable="true">
    <bpmn:startEvent id="requested"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="requested" targetRef="review_by_window_head"/>
    <bpmn:userTask id="review_by_window_head" name="窗口负责人审核">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="role" value="window_head"/>
        <spiffworkflow:property name="form" value="approval"/>
        <spiffworkflow:property name="result_variable" value="review"/>
        <spiffworkflow:property name="due_working_days" value="2"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review_by_window_head" targetRef="approve_by_director"/>
    <bpmn:userTask id="approve_by_director" name="中心主任审批">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="role" value="centre_director"/>
        <spiffworkflow:property name="form" value="approval"/>
        <spiffworkflow:property name="result_variable" value="approval"/>
        <spiffworkflow:property name="due_working_days" value="3"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f3" sourceRef="approve_by_director" targetRef="done"/>
    <bpmn:endEvent id="done"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""


def _row(label: str, samples: list[float], extra: str = "") -> None:
    p95 = sorted(samples)[max(int(len(samples) * 0.95) - 1, 0)]
    print(f"| {label:<34} | {statistics.mean(samples):8.2f} | {p95:8.2f} | {extra:<24} |")


def main(n: int) -> None:
    from workflows.org.demo import seed_demo_centre
    from workflows.org.models import Official
    from workflows.runtime.engine_env import runner_for
    from workflows.runtime.models import HumanTask, ProcessInstance
    from workflows.runtime.services.definitions import deploy_definition
    from workflows.runtime.services.instances import start_process
    from workflows.runtime.services.transitions import complete_task

    seed_demo_centre()
    lisi = Official.objects.get(user__username="lisi")
    head = Official.objects.get(user__username="zhangsan")
    definition = deploy_definition("bench_two_steps", {"bench_two_steps.bpmn": TWO_STEPS})
    instances = [start_process("bench_two_steps", data={}, business_key=f"B-{i}", applicant=lisi, started_by=lisi)
                 for i in range(n)]
    tasks = {t.instance_id: t for t in HumanTask.objects.filter(state=HumanTask.OPEN)}

    runner = runner_for(definition)
    engine: list[float] = []
    for instance in instances:  # the engine alone on the same step, from the same stored state
        state = ProcessInstance.objects.values_list("state", flat=True).get(pk=instance.pk)
        started = time.perf_counter()
        workflow = runner.restore(state)
        runner.complete(workflow, tasks[instance.pk].engine_task_id, {"decision": "approve"}, head.pk, [head.pk])
        runner.dump(workflow)
        engine.append((time.perf_counter() - started) * 1000)

    services: list[float] = []
    statements: list[int] = []
    for instance in instances:
        connection.queries_log.clear()  # only this completion's statements are kept
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            complete_task(tasks[instance.pk].pk, head, {"decision": "approve", "comment": ""})
            services.append((time.perf_counter() - started) * 1000)
        statements.append(len(queries.captured_queries))

    ratio = statistics.mean(engine) / statistics.mean(services)
    print(f"task completion, {n} instances of a two-step approval ({connection.vendor}); times in ms")
    print(f"| {'measurement':<34} | {'mean':>8} | {'p95':>8} | {'':<24} |")
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 10}|{'-' * 26}|")
    _row("engine alone: restore, complete, dump", engine)
    _row("complete_task through the services", services,
         f"{statistics.mean(statements):.1f} SQL statements")
    print(f"engine / services: {ratio:.0%} (the share of a completion that is the engine's own work)")


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
