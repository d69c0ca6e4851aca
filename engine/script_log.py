"""What definitions `print`: collected per engine run, for the instance's history.

A definition's author debugs a script the way Python people do, with `print`. The sandbox
sends each printed line here instead of to the server's stdout; the runner collects the lines
of one engine run (`collecting`), and the Django side writes them as audit rows of the
instance. Bounded: a loop of prints must not flood the history or the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

MAX_LINES = 50
MAX_LINE_CHARS = 500
TRUNCATED = "…（输出过多，其余已省略）"


@dataclass(frozen=True)
class PrintedLine:
    element_id: str | None
    text: str


_collected: ContextVar[list[PrintedLine] | None] = ContextVar("script_log_collected", default=None)
_element: ContextVar[str | None] = ContextVar("script_log_element", default=None)


_by_workflow: WeakKeyDictionary[Any, list[PrintedLine]] = WeakKeyDictionary()


def printed_lines(workflow: Any) -> list[PrintedLine]:
    """The lines printed by the engine runs on this workflow object and not yet taken (`take_printed`): they are
    not part of its stored state, they go to the instance's history when the run is saved."""
    return _by_workflow.setdefault(workflow, [])


def take_printed(workflow: Any) -> list[PrintedLine]:
    """The lines printed since they were last taken, and forget them: a workflow kept in memory for the next write
    (workflows.runtime.workflow_cache) must not hand the same lines to the history twice."""
    return _by_workflow.pop(workflow, [])


@contextmanager
def collecting() -> Iterator[list[PrintedLine]]:
    """Collect the lines printed inside the block (nested blocks share the outer list)."""
    outer = _collected.get()
    if outer is not None:
        yield outer
        return
    lines: list[PrintedLine] = []
    token = _collected.set(lines)
    try:
        yield lines
    finally:
        _collected.reset(token)


@contextmanager
def running(element_id: str | None) -> Iterator[None]:
    """Mark the element whose script or expression runs now, so its prints say where they came from."""
    token = _element.set(element_id)
    try:
        yield
    finally:
        _element.reset(token)


def write(text: str) -> None:
    """One printed line; dropped outside an engine run (a deploy check), cut when the run printed too much."""
    lines = _collected.get()
    if lines is None or (lines and lines[-1].text == TRUNCATED):
        return
    if len(lines) >= MAX_LINES:
        lines.append(PrintedLine(_element.get(), TRUNCATED))
        return
    if len(text) > MAX_LINE_CHARS:
        text = text[:MAX_LINE_CHARS] + "…"
    lines.append(PrintedLine(_element.get(), text))
