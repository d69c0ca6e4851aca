"""A joint application (联办件: bpmn/application.bpmn calling bpmn/joint_review.bpmn) end to end through the services,
with four co-departments and with one.

    .venv/bin/python bench/bench_joint_application.py [N]

Builds a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL is set), seeds the demo centre,
its catalogue and the joint chief representatives, deploys the application process (with joint_review) and adds two
joint items led by 县发展和改革委员会: one with FOUR co-departments, one with ONE. For each it runs N applications
through the same services the pages and the API call — the window's intake (receive_application: checks, case
number, materials, 受理通知书 PDF, process start up to the lead's task), the lead's inform task, every department's
review, the lead's conclusion, the result issued at the window with its notice (complete_task: lock, engine, state
save, task sync, audit) — and prints one table per item: mean and p95 of each step in ms and its SQL statements
(BEGIN/COMMIT included where the step opens a transaction).

What it compares: a review is one department's own write, so its cost should be flat in the number of departments
(the "per department" row of 4 against 1); informing creates one review row and one task per department, so it
grows with them, and so does the total. Not part of the tests.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

FOUR = ("县自然资源局", "县住房和城乡建设局", "县生态环境局", "县税务局")


def _p95(samples: list[float]) -> float:
    return sorted(samples)[max(int(len(samples) * 0.95) - 1, 0)]


class Steps:
    """Times (ms) and statements of each named step, over every run."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.statements: dict[str, list[int]] = {}

    def run(self, name: str, action):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = action()
            elapsed = (time.perf_counter() - started) * 1000
        self.times.setdefault(name, []).append(elapsed)
        self.statements.setdefault(name, []).append(len(queries.captured_queries))
        return result

    def row(self, name: str, label: str | None = None) -> None:
        times, statements = self.times[name], self.statements[name]
        print(f"| {label or name:<56} | {statistics.mean(times):8.1f} | {_p95(times):8.1f} | "
              f"{statistics.mean(statements):10.1f} |")


def _item(code: str, co_departments: tuple[str, ...]):
    from workflows.applications.models import ServiceItem
    from workflows.applications.services import Material, ServiceItemInput, create_service_item
    from workflows.org.models import Department

    departments = {d.name: d.pk for d in Department.objects.all()}
    create_service_item(ServiceItemInput(
        name=f"基准测试联办事项（{len(co_departments)} 个协办部门）", code=code,
        department_id=departments["县发展和改革委员会"], kind=ServiceItem.JOINT, promised_days=20,
        legal_basis="基准测试", materials=[Material("申请表", is_main=True)],
        co_department_ids=[departments[name] for name in co_departments], silent_consent=False,
        deciding_roles=("chief_representative",), refusing_roles=("chief_representative",)), actor=None)
    return ServiceItem.objects.get(code=code)


def _run_item(item, n: int) -> Steps:
    from webapp.task_forms import task_form
    from workflows.applications.intake import receive_application
    from workflows.org.models import Official
    from workflows.runtime.models import HumanTask
    from workflows.runtime.services.transitions import complete_task

    window = Official.objects.get(user__username="lisi")
    materials = list(item.materials.values_list("pk", flat=True))
    steps = Steps()
    for _ in range(n):
        started = time.perf_counter()
        application = steps.run("intake", lambda: receive_application(
            item.pk, "基准测试有限公司", "0999-8123456", "基准测试", materials, window))
        instance = application.instance
        [inform] = HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN)
        steps.run("inform", lambda task=inform: complete_task(task.pk, task.candidates.get(),
                                                              {"mode": "written", "review_days": 3}))
        reviews = list(HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN)
                       .prefetch_related("candidates"))
        for task in reviews:
            steps.run("review", lambda task=task: complete_task(task.pk, task.candidates.all()[0],
                                                                {"agree": True, "opinion": "同意"}))
        [conclude] = HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN)
        steps.run("conclude", lambda task=conclude: complete_task(task.pk, task.candidates.get(),
                                                                  {"decision": "approve", "opinion": "准予办理"}))
        [issue] = HumanTask.objects.filter(instance=instance, state=HumanTask.OPEN)
        steps.run("issue", lambda task=issue: complete_task(task.pk, window,
                                                            task_form(task, {"handed_over": "on"}).payload()))
        steps.times.setdefault("total", []).append((time.perf_counter() - started) * 1000)
        steps.statements.setdefault("total", []).append(
            sum(s[-1] for name, s in steps.statements.items() if name not in ("review", "total"))
            + sum(steps.statements["review"][-len(reviews):]))
    return steps


def main(n: int) -> None:
    from tests.conftest import BPMN_DIR
    from workflows.applications.application_process import deploy_application
    from workflows.applications.demo import seed_demo_catalogue, seed_joint_representatives
    from workflows.org.demo import seed_demo_centre

    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-joint-")  # the notices the intake and the issue store
    seed_demo_centre()
    seed_demo_catalogue()
    seed_joint_representatives()
    deploy_application(BPMN_DIR)
    results = {4: _run_item(_item("BENCH-4", FOUR), n), 1: _run_item(_item("BENCH-1", FOUR[:1]), n)}

    print(f"joint application end to end through the services, {n} applications each ({connection.vendor}); ms")
    for departments, steps in results.items():
        print(f"\n{departments} co-department(s)")
        print(f"| {'step':<56} | {'mean':>8} | {'p95':>8} | {'statements':>10} |")
        print(f"|{'-' * 58}|{'-' * 10}|{'-' * 10}|{'-' * 12}|")
        steps.row("intake", "intake (accepted, notice PDF, up to the lead's task)")
        steps.row("inform", f"inform ({departments} review rows and tasks)")
        steps.row("review", "one department's review (per department)")
        steps.row("conclude", "lead concludes (the case is decided)")
        steps.row("issue", "result issued at the window (notice PDF)")
        steps.row("total", "total: intake → inform → reviews → conclusion → issued")
    per_department = statistics.mean(results[4].times["review"]) / statistics.mean(results[1].times["review"])
    inform = statistics.mean(results[4].times["inform"]) / statistics.mean(results[1].times["inform"])
    total = statistics.mean(results[4].times["total"]) / statistics.mean(results[1].times["total"])
    print(f"\n4 vs 1 department(s): one review {per_department:.2f}× (flat is 1×), inform {inform:.2f}×, "
          f"whole review {total:.2f}×")


if __name__ == "__main__":
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
