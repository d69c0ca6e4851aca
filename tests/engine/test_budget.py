"""The CPU-time and memory budget of definitions: obvious excess refused at check (deploy) time, the rest stopped
at run time, in scripts, conditions, timer expressions, DMN cells and service parameters, in any thread."""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path

import pytest

from engine.budget import Limits
from engine.calendar import WorkingCalendar
from engine.clock import CENTRE_TZ, FrozenClock
from engine.errors import BudgetExceeded, ExecutionError, UnsafeScript
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.sandbox import RestrictedEnvironment, check_expression, check_script
from engine.specs import load_bundle

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def mutate(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, f"fixture text not found exactly once: {old!r}"
    return source.replace(old, new)


# --- refused at check (deploy) time: excess visible in the source -----------------------------


@pytest.mark.parametrize(
    "expression",
    [
        "9 ** 9 ** 9",
        "'x' * 10 ** 9",
        "10 ** 9 * [0]",
        "1 << 10 ** 8",
        "('ab' + 'cd') * 10 ** 9",
        "'x'.ljust(10 ** 9)",
        "f'{name:>1000000000}'",
        "[i for i in range(10 ** 9)]",
        "'%1000000000d' % 5",
    ],
)
def test_obvious_excess_is_refused_at_check_time(expression):
    with pytest.raises(UnsafeScript):
        check_expression(expression)


def test_obvious_excess_in_a_script_is_refused_with_the_reason():
    with pytest.raises(UnsafeScript, match="乘方"):
        check_script("a = 1\nb = 9 ** 9 ** 9")


@pytest.mark.parametrize(
    "expression", ["2 ** 64", "'-' * 20", "[0] * 100", "1 << 32", "10 ** 6 * 3", "'%05d' % n", "f'{n:>8}'"]
)
def test_ordinary_constant_arithmetic_passes_the_check(expression):
    check_expression(expression)


# --- stopped at run time: excess that depends on the data ---------------------------------------


@pytest.fixture
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment()


@pytest.mark.parametrize(
    ("script", "data"),
    [
        ("x = n ** n", {"n": 10**6}),
        ("x = pow(9, n)", {"n": 10**9}),
        ("x = 1 << n", {"n": 10**9}),
        ("x = big * big", {"big": 2**15000}),
        ("x = s * n", {"s": "ab", "n": 10**9}),
        ("x = [0] * n", {"n": 10**9}),
        ("x = bytes(n)", {"n": 10**9}),
        ("x = s.ljust(n)", {"s": "a", "n": 10**9}),
        ("x = s.replace('a', s)", {"s": "a" * 100_000}),
        ("x = ','.join([s] * 1000)", {"s": "a" * 100_000}),
        ("x = str.join(',', [s] * 1000)", {"s": "a" * 100_000}),
        ("x = '%*d' % (n, 1)", {"n": 10**9}),
        ("x = f'{1:>{n}}'", {"n": 10**9}),
        ("x = sum([[0] * 1000] * 1000, [])", {}),
    ],
    ids=["pow", "pow builtin", "shift", "big multiply", "str repeat", "list repeat", "bytes", "ljust", "replace",
         "join", "unbound join", "star width", "f-string width", "quadratic sum"],
)
def test_data_dependent_excess_is_stopped_at_run_time(env, script, data):
    with pytest.raises(BudgetExceeded):
        env.execute(script, dict(data))


def test_a_list_doubled_in_a_loop_is_stopped():
    with pytest.raises(BudgetExceeded, match="过大|内存"):
        RestrictedEnvironment().execute("items = [1]\nfor i in range(60):\n    items = items + items", {})


def test_extend_doubling_in_a_loop_is_stopped():
    with pytest.raises(BudgetExceeded):
        RestrictedEnvironment().execute("items = [1]\nfor i in range(60):\n    items.extend(items)", {})


def test_a_loop_growing_its_own_list_is_stopped_by_the_iteration_budget():
    with pytest.raises(BudgetExceeded, match="循环次数"):
        RestrictedEnvironment(limits=Limits(iterations=10_000, cpu_seconds=30.0)).execute(
            "items = [1]\nfor x in items:\n    items.append(x)", {}
        )


def test_nested_loops_count_every_iteration():
    env = RestrictedEnvironment(limits=Limits(iterations=5_000, cpu_seconds=30.0))
    with pytest.raises(BudgetExceeded, match="5000"):
        env.execute("n = 0\nfor i in range(100):\n    for j in range(100):\n        n += 1", {})


def test_runaway_recursion_is_stopped_by_the_cpu_deadline():
    # 2**40 calls without any guarded operation: only the per-line/per-call CPU check can stop it.
    env = RestrictedEnvironment(limits=Limits(cpu_seconds=0.05))
    script = "def f(n):\n    return [f(n - 1), f(n - 1)] if n else 0\nx = f(40)"
    with pytest.raises(BudgetExceeded, match="计算时间"):
        env.execute(script, {})


def test_catching_the_breach_does_not_help():
    script = "try:\n    x = 9 ** n\nexcept Exception:\n    x = 0\ny = 1"
    with pytest.raises(BudgetExceeded, match="乘方"):
        RestrictedEnvironment().execute(script, {"n": 10**9})


def test_each_evaluation_has_its_own_budget():
    env = RestrictedEnvironment(limits=Limits(iterations=1_500))
    for _ in range(3):  # 900 iterations each: would breach 1,500 if the count carried over
        assert env.evaluate("sum(1 for i in range(900))", {}) == 900


def test_ordinary_work_within_the_budget_still_runs(env):
    context = {"periods": [{"days": d} for d in range(500)], "name": "张三"}
    env.execute(
        "total = sum(p['days'] for p in periods)\nbanner = '-' * 20 + name\n"
        "label = f'{total:>8}'\ncode = '%05d' % 42\nrows = ','.join(str(p['days']) for p in periods)",
        context,
    )
    assert context["total"] == sum(range(500))
    assert context["banner"] == "-" * 20 + "张三"
    assert context["label"] == "  124750"
    assert context["code"] == "00042"
    assert context["rows"].startswith("0,1,2,")


def test_the_budget_works_in_a_worker_thread():
    # Web requests and the embedded timer runner evaluate outside the main thread (no signals there).
    outcome: list[BaseException] = []

    def work() -> None:
        try:
            RestrictedEnvironment(limits=Limits(cpu_seconds=0.05)).execute(
                "def f(n):\n    return [f(n - 1), f(n - 1)] if n else 0\nx = f(40)", {}
            )
        except BaseException as exc:  # handed to the main thread to assert on
            outcome.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    assert len(outcome) == 1 and isinstance(outcome[0], BudgetExceeded)


# --- through the runner: every kind of evaluation is bounded and names its element ----------------


@pytest.fixture
def engine_env() -> EngineEnvironment:
    def lookup(context, **params):
        return {"registered": True}

    return EngineEnvironment(FrozenClock(datetime(2026, 9, 25, 10, 0, tzinfo=CENTRE_TZ)), WorkingCalendar(),
                             services={"population.lookup": lookup})


def run_to_error(bundle, env, data) -> ExecutionError:
    with pytest.raises(ExecutionError) as info:
        ProcessRunner(bundle, env).start(data)
    return info.value


def test_a_script_over_budget_fails_at_its_element(engine_env):
    source = mutate(fixture("automated.bpmn"), "long_leave = total_days &gt; 3", "blob = 'x' * total_days")
    bundle = load_bundle({"automated.bpmn": source})
    error = run_to_error(bundle, engine_env, {"id_no": "1", "periods": [{"days": 10**9}], "divisor": 1})
    assert error.element_id == "compute_days"
    assert "重复结果过大" in error.message


def test_a_condition_over_budget_fails_at_its_gateway(engine_env):
    source = mutate(fixture("automated.bpmn"), "total_days &gt; 3 and person",
                    "len('x' * total_days) &gt; 3 and person")
    bundle = load_bundle({"automated.bpmn": source})
    error = run_to_error(bundle, engine_env, {"id_no": "1", "periods": [{"days": 10**9}], "divisor": 1})
    assert error.element_id == "route_by_length"
    assert "过大" in error.message


def test_a_service_parameter_over_budget_fails_at_its_task(engine_env):
    source = mutate(fixture("automated.bpmn"), 'value="id_no"', 'value="id_no * 10 ** 8"')
    bundle = load_bundle({"automated.bpmn": source})
    error = run_to_error(bundle, engine_env, {"id_no": "330102", "periods": [], "divisor": 1})
    assert error.element_id == "lookup_applicant"
    assert "过大" in error.message


def test_a_dmn_cell_over_budget_fails_at_its_rule_task(engine_env):
    dmn = mutate(fixture("route.dmn"), "? &lt;= 1", "len('x' * ?) &lt;= 1")
    bundle = load_bundle({"rule_task.bpmn": fixture("rule_task.bpmn"), "route.dmn": dmn})
    error = run_to_error(bundle, engine_env, {"days": 10**9})
    assert error.element_id == "route"
    assert "过大" in error.message


def test_a_timer_expression_over_budget_fails_at_its_timer(engine_env):
    source = mutate(fixture("two_step.bpmn"), "working_days_after(received_on, 5)",
                    "working_days_after(received_on, len('x' * days))")
    runner = ProcessRunner(load_bundle({"two_step.bpmn": source}), engine_env)
    workflow = runner.start({"applicant": "张三", "received_on": "2026-09-25", "days": 10**9})
    [receive] = runner.ready_human_tasks(workflow)
    with pytest.raises(ExecutionError) as info:
        runner.complete(workflow, receive.id, {}, 1, [1])
    assert info.value.element_id == "wait_five_days"
    assert "过大" in info.value.message


def test_many_small_evaluations_cannot_add_up_past_the_step_budget(engine_env):
    # Each evaluation is within its own budget; the step (one complete or timer sweep) is not.
    engine_env.limits = Limits(cpu_seconds=10.0, step_cpu_seconds=0.0)
    bundle = load_bundle({"automated.bpmn": fixture("automated.bpmn")})
    error = run_to_error(bundle, engine_env, {"id_no": "1", "periods": [{"days": 1}], "divisor": 1})
    assert "本步骤合计超出计算时间上限" in error.message


# --- printing and plain copies ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    ["x = str(many)", "x = repr(many)", "x = f'{many}'", "x = '%s' % (many,)", "x = f'{many!r:>5}'"],
)
def test_printing_many_references_to_one_long_string_is_stopped(env, script):
    # [s] * 1000 is 1,000 references (small); printed it would be 100 million characters.
    context = {"many": ["a" * 100_000] * 1000}
    with pytest.raises(BudgetExceeded, match="过大"):
        env.execute(script, context)


def test_printing_ordinary_data_still_works(env):
    context = {"periods": [{"days": 2}, {"days": 3}], "n": 7}
    env.execute("a = str(periods)\nb = f'{periods}'\nc = repr(n)\nd = str(n)\ne = isinstance(a, str)", context)
    assert context["a"] == context["b"] == "[{'days': 2}, {'days': 3}]"
    assert (context["c"], context["d"], context["e"]) == ("7", "7", True)


def test_copies_kept_in_a_loop_are_stopped_by_the_memory_bound():
    # list(s) is an ordinary builtin; 999 copies of a million-item list would be 8 GB.
    env = RestrictedEnvironment(limits=Limits(max_memory_mb=32, cpu_seconds=30.0))
    with pytest.raises(BudgetExceeded, match="内存"):
        env.execute("copies = [list(s) for i in range(999)]", {"s": "a" * 1_000_000})
