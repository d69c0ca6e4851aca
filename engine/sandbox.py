"""Restricted execution of the scripts and expressions that definitions carry.

SpiffWorkflow's default script engine is plain eval/exec (imports and open() work), so a
definition could do anything the server can. Here every script is compiled with
RestrictedPython (no imports, no dunder or underscore attributes, guarded item and
attribute access) and may call only safe builtins plus the functions the engine provides.
`check_expression` / `check_script` run at deploy time so a bad definition is refused then,
not at 3 a.m. in a timer. Every evaluation also runs under the CPU-time and memory budget of
engine.budget: the compiler routes the operations that can blow up (`*`, `**`, `<<`, `+`, `%`,
f-string widths) through its guards, and excess visible in the source itself (`9**9**9`,
`'x' * 10**9`, `range(10**9)`) is refused at compile time, hence at deploy.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from RestrictedPython.Limits import limited_range
from RestrictedPython.transformer import RestrictingNodeTransformer
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine import budget, script_log
from engine.budget import DEFAULT_LIMITS, SANDBOX_FILENAME, Limits
from engine.errors import BudgetExceeded, UnsafeScript

# Builtins refused wherever they appear, each for its safety reason (docs/sandbox.md lists them too).
REFUSED_NAMES: dict[str, str] = {
    "open": "可读写服务器上的文件",
    "exec": "可执行绕过沙箱检查的任意代码",
    "eval": "可执行绕过沙箱检查的任意代码",
    "compile": "可编译绕过沙箱检查的任意代码",
    "__import__": "可导入任意模块",
    "globals": "可读取和替换沙箱的守卫函数",
    "locals": "可读取和替换沙箱的守卫函数",
    "vars": "可读取对象内部属性，绕过属性守卫",
    "getattr": "可按字符串取属性，绕过属性守卫",
    "setattr": "可按字符串改属性，绕过写入守卫",
    "delattr": "可按字符串删属性，绕过写入守卫",
    "breakpoint": "会挂起执行该步骤的进程",
    "help": "会读取服务器终端，挂起进程",
    "memoryview": "可直接访问内存",
    "object": "可经子类列表取得任意类",
    "BaseException": "不是 Exception 的异常会越过引擎的错误处理，使进程退出",
    "SystemExit": "不是 Exception 的异常会越过引擎的错误处理，使进程退出",
    "KeyboardInterrupt": "不是 Exception 的异常会越过引擎的错误处理，使进程退出",
    "GeneratorExit": "不是 Exception 的异常会越过引擎的错误处理，使进程退出",
}

# Builtins the sandbox does not provide, yet free as names of data (a form field `type`, `input`): only a call
# of one is refused, since data (JSON) is never callable, so the call could only mean the builtin.
NOT_PROVIDED: dict[str, str] = {
    "input": "会等待服务器终端输入，挂起进程",
    "type": "三参数形式可创建任意类；判断类型请用 isinstance",
}

# Class methods that read the server's wall clock instead of the engine's (injected, movable) clock.
WALL_CLOCK_METHODS: dict[str, str] = {
    "now": "读取服务器时钟而非引擎时钟，请用 now()",
    "utcnow": "读取服务器时钟而非引擎时钟，请用 now()",
    "today": "读取服务器时钟而非引擎时钟，请用 today()",
}
_DATE_TYPES = (date, datetime)

_BUILTINS: dict[str, Any] = {
    **safe_builtins,
    **limited_builtins,
    "dict": dict, "list": list, "set": set, "min": min, "max": max, "any": any, "all": all,
    "enumerate": enumerate, "sorted": sorted, "reversed": reversed, "map": map, "filter": filter,
    "pow": budget.guarded_pow, "bytes": budget.guarded_bytes, "sum": budget.guarded_sum, "repr": budget.guarded_repr,
    "datetime": datetime, "date": date, "timedelta": timedelta,
}
for _name in [*REFUSED_NAMES, *NOT_PROVIDED]:
    _BUILTINS.pop(_name, None)


def _print(*objects: Any, sep: str | None = " ", **_: Any) -> str:
    """`print` writes one line to the instance's log (engine.script_log), never to the server's stdout or a file."""
    text = (" " if sep is None else budget.guarded_str(sep)).join(budget.guarded_str(o) for o in objects)
    script_log.write(text)
    return text


class _PrintCollector:
    """RestrictedPython's `_print_`: a script's `print(...)` calls `_call_print`; `printed` gives what it printed."""

    def __init__(self, _getattr_: Any = None) -> None:
        self.lines: list[str] = []

    def __call__(self) -> str:
        return "\n".join(self.lines)

    def _call_print(self, *objects: Any, **kwargs: Any) -> None:
        self.lines.append(_print(*objects, **kwargs))


_BUILTINS["print"] = _print


def _getattr(obj: Any, name: str, *default: Any) -> Any:
    if name in WALL_CLOCK_METHODS and (obj in _DATE_TYPES or isinstance(obj, date)):
        raise UnsafeScript(f"禁止使用“{name}”：{WALL_CLOCK_METHODS[name]}")
    return budget.guard_method(obj, name, safer_getattr(obj, name, *default))


_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": _getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": budget.getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": budget.inplace,
    "_binop_": budget.binop,
    "_format_spec_": budget.format_spec,
    "_printable_": budget.printable,
    "_str_": budget.guarded_str,
    "_print_": _PrintCollector,
}

_GUARDED_OPS: dict[type[ast.operator], str] = {
    ast.Add: "+", ast.Mult: "*", ast.Pow: "**", ast.LShift: "<<", ast.Mod: "%",
}


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])


class _BudgetedTransformer(RestrictingNodeTransformer):
    """RestrictedPython's policy, plus: what can build huge objects goes through the budget's guards.

    Operators become `_binop_` calls; `str(x)` becomes `_str_(x)` and f-string fields are checked by
    `_printable_` (printing a list of many references to one long string is huge); widths computed into
    f-string format specs go through `_format_spec_`. `str` itself stays the type, for isinstance checks.
    """

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node = super().visit_Call(node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and node.args:
            node.func = ast.copy_location(ast.Name("_str_", ast.Load()), node.func)
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        node = self.node_contents_visit(node)
        op = _GUARDED_OPS.get(type(node.op))
        if op is None:
            return node
        call = _call("_binop_", ast.Constant(op), node.left, node.right)
        return ast.fix_missing_locations(ast.copy_location(call, node))

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        node = self.node_contents_visit(node)
        if isinstance(node.format_spec, ast.JoinedStr):
            for part in node.format_spec.values:
                if isinstance(part, ast.FormattedValue):  # a width computed from data: checked when it is known
                    part.value = ast.fix_missing_locations(ast.copy_location(_call("_format_spec_", part.value),
                                                                             part.value))
        node.value = ast.fix_missing_locations(ast.copy_location(_call("_printable_", node.value), node.value))
        return node


_FOLDED_OPS = {**_GUARDED_OPS, ast.Sub: "-", ast.Div: "/", ast.FloorDiv: "//"}
_UNKNOWN = object()
_PADDING = frozenset({"ljust", "rjust", "center", "zfill"})


def _fold(node: ast.AST) -> Any:
    """The value of a constant sub-expression, computed through the budget's guards; _UNKNOWN if it depends on data."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _fold(node.operand)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return -value if isinstance(node.op, ast.USub) else value
        return _UNKNOWN
    if isinstance(node, ast.Tuple | ast.List):
        items = [_fold(item) for item in node.elts]
        if any(item is _UNKNOWN for item in items):
            return _UNKNOWN
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.BinOp) and type(node.op) in _FOLDED_OPS:
        left, right = _fold(node.left), _fold(node.right)
        if left is _UNKNOWN or right is _UNKNOWN:
            return _UNKNOWN
        try:
            return budget.binop(_FOLDED_OPS[type(node.op)], left, right)
        except BudgetExceeded:
            raise
        except Exception:  # e.g. 1 / 0: a run-time error, not excess; the run reports it
            return _UNKNOWN
    return _UNKNOWN


def _refuse_visible_excess(tree: ast.AST) -> None:
    """Refuse what would obviously exceed the budget whatever the data: `9**9**9`, `'x' * 10**9`, `range(10**9)`."""
    with budget.metered(trace=False):
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp):
                _fold(node)
            elif isinstance(node, ast.Call) and node.args:
                args = [_fold(arg) for arg in node.args]
                if any(arg is _UNKNOWN for arg in args):
                    continue
                if isinstance(node.func, ast.Name) and node.func.id == "range":
                    try:
                        limited_range(*args)
                    except ValueError as exc:
                        raise UnsafeScript("range 过大（上限 1000 项）") from exc
                    except (TypeError, AttributeError):
                        continue  # e.g. range('a'): a run-time error, not excess
                elif isinstance(node.func, ast.Attribute) and node.func.attr in _PADDING and isinstance(args[0], int):
                    budget.current().charge(args[0], "填充")
            elif isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
                for part in node.format_spec.values:
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        budget.check_format_text(budget.current(), part.value)


def _refuse_forbidden_names(source: str) -> None:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            raise UnsafeScript("流程定义中禁止导入模块")
        if isinstance(node, ast.While):
            # An unbounded loop would hang the worker that runs the step; `for` loops are bounded
            # because range() is limited to 1,000 items.
            raise UnsafeScript("流程定义中禁止使用 while 循环")
        if isinstance(node, ast.Name) and node.id in REFUSED_NAMES:
            raise UnsafeScript(f"流程定义中禁止使用“{node.id}”：{REFUSED_NAMES[node.id]}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in NOT_PROVIDED:
            raise UnsafeScript(f"流程定义中禁止调用“{node.func.id}”：{NOT_PROVIDED[node.func.id]}")
        if (isinstance(node, ast.Attribute) and node.attr in WALL_CLOCK_METHODS
                and isinstance(node.value, ast.Name) and node.value.id in {"date", "datetime"}):
            raise UnsafeScript(f"流程定义中禁止使用“{node.value.id}.{node.attr}”：{WALL_CLOCK_METHODS[node.attr]}")


@lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> CodeType:
    try:
        _refuse_forbidden_names(source)
    except SyntaxError as exc:
        raise UnsafeScript(f"语法错误（第 {exc.lineno} 行）：{exc.msg}") from exc
    try:
        _refuse_visible_excess(ast.parse(source, mode=mode))
    except SyntaxError:
        pass  # e.g. a statement where an expression is wanted: the restricted compiler below reports it
    except BudgetExceeded as exc:
        raise UnsafeScript(f"超出计算预算：{exc}") from exc
    compile_mode = compile_restricted_eval if mode == "eval" else compile_restricted_exec
    compiled = compile_mode(source, filename=SANDBOX_FILENAME, policy=_BudgetedTransformer)
    if compiled.errors:
        raise UnsafeScript("; ".join(compiled.errors))
    return compiled.code


def check_expression(expression: str) -> None:
    """Raise UnsafeScript when the expression would be refused at run time."""
    _compile(expression, "eval")


def check_script(script: str) -> None:
    _compile(script, "exec")


def _is_data(name: str, value: Any) -> bool:
    return not name.startswith("_") and not callable(value)


_STORABLE_SCALARS = (type(None), bool, int, float, str, date, datetime, timedelta)


def _check_storable(name: str, value: Any) -> None:
    """Refuse, while the script's element is still known, a value the instance's state cannot store (a `map`
    or `range` object, bytes): else saving the step would fail later, with no element to name."""
    pending, seen = [value], set()
    while pending:
        item = pending.pop()
        if id(item) in seen:  # shared or self-containing containers: each looked at once
            continue
        seen.add(id(item))
        if isinstance(item, list | tuple | set):
            pending.extend(item)
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif not isinstance(item, _STORABLE_SCALARS):
            raise TypeError(f"变量“{name}”的值（{type(item).__name__}）无法保存，请转为 list、dict、str 或数字")


def _defined(scope: Mapping[str, Any], name: str) -> bool:
    """`defined("x")`: whether the data has a variable x (a form may leave a field out), without a NameError."""
    return isinstance(name, str) and name in scope and _is_data(name, scope[name])


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """A SpiffWorkflow script environment that runs everything through RestrictedPython.

    `functions` are the helpers definitions may call (e.g. working_days_after);
    `services` answer service tasks by operator name; `limits` bound every evaluation
    (engine.budget), so DMN cells, gateway conditions, timer expressions and service
    parameters — which SpiffWorkflow all evaluates through `evaluate` — are bounded too.
    """

    def __init__(
        self,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        services: Mapping[str, Callable[..., Any]] | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        super().__init__(dict(functions or {}))
        self.services = dict(services or {})
        self.limits = limits

    def _globals(self, context: Mapping[str, Any], external: Mapping[str, Any] | None) -> dict[str, Any]:
        # Guards last: task data (form fields) named like a guard must not replace it.
        scope = {**self.globals, **(external or {})}
        scope["defined"] = partial(_defined, scope)
        scope["_print"] = _PrintCollector()  # a script sets its own; an expression's print(...) needs this one
        scope.update(context)
        scope.update(_GUARDS)
        return scope

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        code = _compile(expression, "eval")
        with budget.metered(self.limits):
            return eval(code, self._globals(context, external_context))  # noqa: S307

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        scope = self._globals(context, external_context)
        code = _compile(script, "exec")
        with budget.metered(self.limits):
            exec(code, scope)  # noqa: S102
        reserved = set(_GUARDS) | set(self.globals) | set(external_context or {})
        for name in [n for n in context if n not in scope]:
            del context[name]
        results = {k: v for k, v in scope.items() if k not in reserved and _is_data(k, v)}
        for name, value in results.items():
            if context.get(name) is not value:
                _check_storable(name, value)
        context.update(results)
        return True

    def call_service(self, context: dict, operation_name: str, operation_params: dict, **_: Any) -> str:
        handler = self.services.get(operation_name)
        if handler is None:
            raise KeyError(f"未注册的服务“{operation_name}”")
        params = {name: spec["value"] for name, spec in operation_params.items()}
        return handler(context, **params)
