"""The restricted environment: forbidden constructs refused at check time, task data usable."""

from datetime import date, datetime
from pathlib import Path

import pytest

from engine import script_log
from engine.errors import DefinitionError, UnsafeScript
from engine.sandbox import RestrictedEnvironment, check_expression, check_script
from engine.script_log import PrintedLine
from engine.specs import load_bundle

ELEMENTS = Path(__file__).parent / "fixtures" / "elements"

# --- refused at check (deploy) time ---------------------------------------------------------

REFUSED_SCRIPTS = {
    "import": ("import os", "导入"),
    "import as": ("import subprocess as sp", "导入"),
    "from-import": ("from os import path", "导入"),
    "open": ("data = open('/etc/passwd').read()", "open"),
    "exec": ("exec('x = 1')", "exec"),
    "eval": ("x = eval('1 + 1')", "eval"),
    "compile": ("c = compile('1', 'f', 'eval')", "compile"),
    "__import__": ("os = __import__('os')", "__import__"),
    "subclasses escape": ("x = ().__class__.__base__.__subclasses__()", "__class__"),
    "getattr": ("x = getattr(applicant, 'name')", "getattr"),
    "setattr": ("setattr(applicant, 'name', 'x')", "setattr"),
    "globals": ("g = globals()", "globals"),
    "type called": ("t = type(applicant)", "type"),
    "input called": ("answer = input()", "input"),
    "SystemExit": ("raise SystemExit(1)", "SystemExit"),
    "KeyboardInterrupt": ("raise KeyboardInterrupt", "KeyboardInterrupt"),
    "BaseException": ("class Stop(BaseException):\n    pass", "BaseException"),
    "wall clock now": ("t = datetime.now()", "datetime.now"),
    "wall clock today": ("t = date.today()", "date.today"),
    "underscore attribute": ("x = applicant._secret", "_secret"),
    "dunder dict": ("x = applicant.__dict__", "__dict__"),
    "while loop": ("while True:\n    pass", "while"),
}


@pytest.mark.parametrize(("script", "named"), REFUSED_SCRIPTS.values(), ids=REFUSED_SCRIPTS.keys())
def test_forbidden_script_is_refused_at_check_time(script, named):
    with pytest.raises(UnsafeScript, match=named):
        check_script(script)


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('id')",
        "open('/etc/passwd')",
        "().__class__.__base__.__subclasses__()",
        "[c for c in ().__class__.__mro__]",
        "getattr(x, '__class__')",
        "eval('1')",
    ],
)
def test_forbidden_expression_is_refused_at_check_time(expression):
    with pytest.raises(UnsafeScript):
        check_expression(expression)


def test_a_statement_is_not_an_expression():
    with pytest.raises(UnsafeScript):
        check_expression("x = 1")


def test_syntax_error_is_refused_with_its_line():
    with pytest.raises(UnsafeScript, match=r"^语法错误（第 2 行）："):
        check_script("x = 1\nif x\n    y = 2")


@pytest.mark.parametrize(
    "script",
    [
        "total = a + b * 2 - c // 3 % 2",
        "doubled = [p['days'] * 2 for p in periods if p['days'] > 1]",
        "by_kind = {p['kind']: p['days'] for p in periods}",
        "form['approved'] = True\nitems[0] = 5",
        "n = 0\nfor p in periods:\n    n += p['days']",
        "deadline = working_days_after(received_on, 5)",
        "name = applicant.upper()",
    ],
)
def test_ordinary_scripts_pass_the_check(script):
    check_script(script)


def test_check_does_not_need_the_names_to_exist():
    check_expression("undefined_variable > 3")


# --- running --------------------------------------------------------------------------------


@pytest.fixture
def env() -> RestrictedEnvironment:
    return RestrictedEnvironment({"double": lambda n: n * 2, "today": lambda: "2026-10-09"})


def test_execute_writes_new_data_back_into_the_context(env):
    context = {"periods": [{"kind": "事假", "days": 2}, {"kind": "病假", "days": 3}]}
    env.execute(
        "total = sum(p['days'] for p in periods)\n"
        "long = [p['kind'] for p in periods if p['days'] > 2]\n"
        "kinds = {p['kind']: p['days'] for p in periods}\n"
        "total += 1",
        context,
    )
    assert context["total"] == 6
    assert context["long"] == ["病假"]
    assert context["kinds"] == {"事假": 2, "病假": 3}


def test_execute_allows_item_writes_on_task_data(env):
    context = {"form": {"approved": False}, "items": [0, 0]}
    env.execute("form['approved'] = True\nform['comment'] = '同意'\nitems[1] = 7", context)
    assert context["form"] == {"approved": True, "comment": "同意"}
    assert context["items"] == [0, 7]


def test_execute_can_call_provided_functions(env):
    context = {"n": 21}
    env.execute("answer = double(n)\nwhen = today()", context)
    assert context["answer"] == 42
    assert context["when"] == "2026-10-09"


def test_execute_does_not_leak_functions_guards_or_builtins(env):
    context = {"n": 1}
    env.execute("m = n + 1\nhelper = lambda x: x", context)
    assert context == {"n": 1, "m": 2}


def test_execute_removes_deleted_names(env):
    context = {"draft": "x", "keep": 1}
    env.execute("del draft", context)
    assert context == {"keep": 1}


def test_scripts_read_dates_in_task_data(env):
    context = {"start": date(2026, 10, 8), "other": date(2026, 1, 1)}
    env.execute("year = start.year\nlater = start > other", context)
    assert context == {"start": date(2026, 10, 8), "other": date(2026, 1, 1), "year": 2026, "later": True}


def test_evaluate_sees_task_data_and_functions(env):
    context = {"days": 4, "kind": "病假"}
    assert env.evaluate("days > 3 and kind in ('病假', '事假')", context) is True
    assert env.evaluate("double(days)", context) == 8
    assert context == {"days": 4, "kind": "病假"}


def test_evaluate_refuses_unsafe_expressions_at_run_time_too(env):
    with pytest.raises(UnsafeScript):
        env.evaluate("__import__('os')", {})


def test_string_format_cannot_reach_dunders(env):
    # str.format can walk attributes ("{0.__class__}"); RestrictedPython's getattr guard blocks it.
    with pytest.raises(NotImplementedError):
        env.evaluate("'{0.__class__}'.format(days)", {"days": 1})


def test_task_data_cannot_replace_the_guards_or_builtins(env):
    # Form fields end up in task data; a field named like a guard must not switch the guard off.
    context = {"__builtins__": {}, "_getiter_": "x", "_getattr_": "x", "items": [3, 1, 2], "s": "a"}
    assert env.evaluate("sorted(i for i in items)", context) == [1, 2, 3]
    assert env.evaluate("s.upper()", context) == "A"


def test_execute_runtime_error_propagates(env):
    with pytest.raises(ZeroDivisionError):
        env.execute("x = 1 // zero", {"zero": 0})


def test_call_service_passes_parameter_values(env):
    calls = []
    env = RestrictedEnvironment(services={"lookup": lambda context, id_no: calls.append((context, id_no)) or "ok"})
    assert env.call_service({"a": 1}, "lookup", {"id_no": {"value": "3301", "type": "str"}}) == "ok"
    assert calls == [({"a": 1}, "3301")]


def test_call_service_unknown_operation_is_named(env):
    with pytest.raises(KeyError, match="population.lookup"):
        env.call_service({}, "population.lookup", {})


def test_a_for_loop_cannot_run_away_because_range_is_bounded():
    with pytest.raises(ValueError, match="1000"):
        RestrictedEnvironment().execute("total = 0\nfor i in range(n):\n    total += i", {"n": 10**9})


def test_a_range_too_large_to_run_is_refused_at_check_time():
    with pytest.raises(UnsafeScript, match="range"):
        check_script("total = 0\nfor i in range(10 ** 9):\n    total += i")


# --- what is harmless is allowed (docs/sandbox.md) ------------------------------------------------------------

DATA_NAMES = ["input", "type", "id", "format", "filter", "list", "date"]


@pytest.mark.parametrize("name", DATA_NAMES)
def test_a_builtins_name_is_free_as_a_data_variable(env, name):
    check_script(f"{name} = 'x'\nlabel = {name} + '!'")
    check_expression(f"{name} == 'x'")
    assert env.evaluate(f"{name} == '表格'", {name: "表格"}) is True
    context = {name: "表格"}
    env.execute(f"label = {name} + '!'", context)
    assert context == {name: "表格", "label": "表格!"}


@pytest.mark.parametrize("name", ["input", "type"])
def test_an_unprovided_builtin_called_is_refused_with_its_reason(name):
    with pytest.raises(UnsafeScript, match=f"禁止调用“{name}”：.+"):
        check_expression(f"{name}(x)")


@pytest.mark.parametrize("name", ["open", "getattr", "SystemExit"])
def test_a_refusal_names_its_safety_reason(name):
    with pytest.raises(UnsafeScript, match=f"禁止使用“{name}”：.+"):
        check_script(f"x = {name}")


def test_defined_tells_whether_a_variable_exists(env):
    context = {"urgent": None, "n": 1}
    assert env.evaluate("defined('urgent') and not defined('missing')", context) is True
    assert env.evaluate("defined('double') or defined('_getattr_') or defined('len')", context) is False
    env.execute("if not defined('extra'):\n    extra = 0\nlate = 1\nboth = defined('late')", context)
    assert context == {"urgent": None, "n": 1, "extra": 0, "late": 1, "both": True}


def test_dates_and_durations_are_built_and_computed(env):
    context = {"received_on": "2026-09-25"}
    env.execute("start = date.fromisoformat(received_on)\n"
                "due = start + timedelta(days=7)\n"
                "at = datetime(2026, 9, 25, 9, 30) + timedelta(hours=2)\n"
                "weekend = due.weekday() >= 5\n"
                "is_date = isinstance(due, date)", context)
    assert context["due"] == date(2026, 10, 2) and context["at"] == datetime(2026, 9, 25, 11, 30)
    assert (context["weekend"], context["is_date"]) == (False, True)
    assert env.evaluate("date(2026, 10, 2) - date.fromisoformat(received_on) == timedelta(days=7)", context)


@pytest.mark.parametrize("expression", ["datetime.now()", "date.today()", "datetime.utcnow()"])
def test_the_wall_clock_is_refused_at_check_time(expression):
    with pytest.raises(UnsafeScript, match="引擎时钟"):
        check_expression(expression)


@pytest.mark.parametrize("expression", ["d.today()", "d.now()", "kind.today()"])
def test_the_wall_clock_is_refused_at_run_time_however_reached(env, expression):
    with pytest.raises(UnsafeScript, match="引擎时钟"):
        env.evaluate(expression, {"d": datetime(2026, 1, 1), "kind": date})


def test_print_goes_to_the_run_log_with_the_printed_text(env):
    with script_log.collecting() as lines, script_log.running("count_days"):
        env.execute("print('天数', n, sep='：')\nprint([1, 2])\ncopy = printed", {"n": 3})
        env.evaluate("print('条件', n > 2) or n > 2", {"n": 3})
    assert lines == [PrintedLine("count_days", "天数：3"), PrintedLine("count_days", "[1, 2]"),
                     PrintedLine("count_days", "条件 True")]


def test_print_outside_an_engine_run_goes_nowhere_and_a_flood_is_cut(env):
    env.execute("print('deploy check')", {})
    with script_log.collecting() as lines:
        env.execute("for i in range(500):\n    print('x' * 1000)", {})
    assert len(lines) == script_log.MAX_LINES + 1 and lines[-1].text == script_log.TRUNCATED
    assert len(lines[0].text) == script_log.MAX_LINE_CHARS + 1


def test_a_value_the_state_cannot_store_is_refused_where_it_is_made(env):
    with pytest.raises(TypeError, match="变量“names”的值（map）无法保存"):
        env.execute("names = map(str, ids)", {"ids": [1, 2]})
    with pytest.raises(TypeError, match="变量“nested”的值（range）"):
        env.execute("nested = {'a': [range(3)]}", {})
    context = {"kept": {1, 2}}
    env.execute("ok = [date(2026, 1, 1), timedelta(days=1), (1, 'a'), {'k': None}]", context)
    assert "ok" in context


def test_a_correlation_expression_is_checked_at_deploy_like_every_other():
    source = (ELEMENTS / "sandbox_correlation_undefined.bpmn").read_text(encoding="utf-8")
    load_bundle({"c.bpmn": source})  # an undefined name is a run-time failure, not a refusal
    with pytest.raises(DefinitionError) as error:
        load_bundle({"c.bpmn": source.replace(">case_no<", ">open('/etc/passwd')<")})
    assert error.value.element_id == "report_upwards"
    assert "禁止使用“open”：可读写服务器上的文件" in error.value.reason
