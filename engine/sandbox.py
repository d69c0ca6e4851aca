"""Restricted execution of the scripts and expressions that definitions carry.

SpiffWorkflow's default script engine is plain eval/exec (imports and open() work), so a
definition could do anything the server can. Here every script is compiled with
RestrictedPython (no imports, no dunder or underscore attributes, guarded item and
attribute access) and may call only safe builtins plus the functions the engine provides.
`check_expression` / `check_script` run at deploy time so a bad definition is refused then,
not at 3 a.m. in a timer.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import CodeType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, limited_builtins, safe_builtins
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.errors import UnsafeScript

FORBIDDEN_NAMES = frozenset(
    {
        "open", "exec", "eval", "compile", "__import__", "globals", "locals", "vars", "getattr",
        "setattr", "delattr", "input", "breakpoint", "help", "memoryview", "type", "object",
        "print",  # compiles, but always fails at run time (no _print_ collector): refuse at deploy
    }
)

_BUILTINS: dict[str, Any] = {
    **safe_builtins,
    **limited_builtins,
    "dict": dict, "list": list, "set": set, "min": min, "max": max, "sum": sum, "any": any, "all": all,
    "enumerate": enumerate, "sorted": sorted, "reversed": reversed, "map": map, "filter": filter,
}
for _name in FORBIDDEN_NAMES:
    _BUILTINS.pop(_name, None)


def _inplace(op: str, x: Any, y: Any) -> Any:
    ops: dict[str, Callable[[Any, Any], Any]] = {
        "+=": lambda a, b: a + b, "-=": lambda a, b: a - b, "*=": lambda a, b: a * b,
        "/=": lambda a, b: a / b, "//=": lambda a, b: a // b, "%=": lambda a, b: a % b,
    }
    if op not in ops:
        raise UnsafeScript(f"不支持的运算 / operator {op} is not allowed")
    return ops[op](x, y)


_GUARDS: dict[str, Any] = {
    "__builtins__": _BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": _inplace,
}


def _refuse_forbidden_names(source: str) -> None:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            raise UnsafeScript("禁止导入模块 / imports are not allowed in definitions")
        if isinstance(node, ast.While):
            # An unbounded loop would hang the worker that runs the step; `for` loops are bounded
            # because range() is limited to 1,000 items.
            raise UnsafeScript("禁止使用 while 循环 / while loops are not allowed in definitions")
        if isinstance(node, ast.Name) and node.id in FORBIDDEN_NAMES:
            raise UnsafeScript(f"禁止使用 '{node.id}' / '{node.id}' is not allowed in definitions")


@lru_cache(maxsize=4096)
def _compile(source: str, mode: str) -> CodeType:
    try:
        _refuse_forbidden_names(source)
    except SyntaxError as exc:
        raise UnsafeScript(f"语法错误 / syntax error: {exc.msg} (line {exc.lineno})") from exc
    compiled = compile_restricted_eval(source) if mode == "eval" else compile_restricted_exec(source)
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


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """A SpiffWorkflow script environment that runs everything through RestrictedPython.

    `functions` are the helpers definitions may call (e.g. working_days_after);
    `services` answer service tasks by operator name.
    """

    def __init__(
        self,
        functions: Mapping[str, Callable[..., Any]] | None = None,
        services: Mapping[str, Callable[..., Any]] | None = None,
    ) -> None:
        super().__init__(dict(functions or {}))
        self.services = dict(services or {})

    def _globals(self, context: Mapping[str, Any], external: Mapping[str, Any] | None) -> dict[str, Any]:
        # Guards last: task data (form fields) named like a guard must not replace it.
        return {**self.globals, **(external or {}), **context, **_GUARDS}

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        return eval(_compile(expression, "eval"), self._globals(context, external_context))  # noqa: S307

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        scope = self._globals(context, external_context)
        exec(_compile(script, "exec"), scope)  # noqa: S102
        reserved = set(_GUARDS) | set(self.globals) | set(external_context or {})
        for name in [n for n in context if n not in scope]:
            del context[name]
        context.update({k: v for k, v in scope.items() if k not in reserved and _is_data(k, v)})
        return True

    def call_service(self, context: dict, operation_name: str, operation_params: dict, **_: Any) -> str:
        handler = self.services.get(operation_name)
        if handler is None:
            raise KeyError(f"未注册的服务 / no service registered as '{operation_name}'")
        params = {name: spec["value"] for name, spec in operation_params.items()}
        return handler(context, **params)
