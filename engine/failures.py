"""Any failure inside an engine run, as the ExecutionError that puts the instance into its error state.

SpiffWorkflow wraps most failures in its own exceptions, which carry the task; but not all: a
correlation expression is evaluated without its wrapper (a NameError comes out raw), a parallel
multi-instance over a missing collection raises a bare TypeError, a service handler may raise
anything. Whatever the type, the caller must get one error naming the element and saying why,
so it rolls back and marks the instance errored instead of answering with a 500.
"""

from __future__ import annotations

import traceback

from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task

from engine.errors import BudgetExceeded, EngineError, ExecutionError


def execution_error(exc: Exception) -> ExecutionError:
    """The ExecutionError for `exc`, raised while the engine ran a definition."""
    if isinstance(exc, ExecutionError):
        return exc
    return ExecutionError(_element_of(exc), _message_of(exc))


def _element_of(exc: Exception) -> str | None:
    spec = getattr(exc, "task_spec", None) or getattr(getattr(exc, "task", None), "task_spec", None)
    if spec is None:
        spec = getattr(_running_task(exc), "task_spec", None)
    return getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)


def _running_task(exc: BaseException) -> Task | None:
    """The task SpiffWorkflow was working on when `exc` was raised: the innermost frame that has one as
    `my_task` (SpiffWorkflow's name for it throughout) or as `self`."""
    found = None
    for frame, _line in traceback.walk_tb(exc.__traceback__):
        for name in ("my_task", "self"):
            candidate = frame.f_locals.get(name)
            if isinstance(candidate, Task):
                found = candidate
                break
    return found


def _message_of(exc: Exception) -> str:
    """SpiffWorkflow's wrapper says only which expression failed; a budget breach says why, and a raw Python
    error gets its type in front (`KeyError: 'x'` says less than `KeyError` does alone)."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, BudgetExceeded):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return str(cause)
    if isinstance(exc, SpiffWorkflowException | EngineError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
