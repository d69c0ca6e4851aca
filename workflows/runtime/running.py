"""Which instance the engine is running right now, for service-task operators that act on the case itself.

A family's operators find their record from an id in the process data; a generic operator (`runtime.copy_to`)
has no such id, so every write that runs the engine (start, a task or message write, the timer sweep) says
which instance it runs while it does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from workflows.runtime.models import ProcessInstance

_running: ContextVar[ProcessInstance | None] = ContextVar("govflow_running_instance", default=None)


@contextmanager
def running(instance: ProcessInstance) -> Iterator[None]:
    token = _running.set(instance)
    try:
        yield
    finally:
        _running.reset(token)


def running_instance() -> ProcessInstance | None:
    """The instance whose engine step is running, or None outside one."""
    return _running.get()
