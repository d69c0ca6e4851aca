"""Wires the pure engine to Django: cached bundles per definition version, clock, calendar, services."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from engine.calendar import WorkingCalendar
from engine.runtime import EngineEnvironment, ProcessRunner
from engine.specs import SpecBundle, Vocabulary, load_bundle
from workflows.org.roles import ROLE_LABELS
from workflows.org.selectors import working_calendar
from workflows.runtime.clock import get_clock
from workflows.runtime.models import ProcessDefinition
from workflows.runtime.registry import service_handlers


@lru_cache(maxsize=128)
def _bundle(definition_id: int, checksum: str) -> SpecBundle:
    definition = ProcessDefinition.objects.get(pk=definition_id)
    return load_bundle(definition.sources, definition.key, Vocabulary(role_labels=ROLE_LABELS))  # lanes by label


def bundle_for(definition: ProcessDefinition) -> SpecBundle:
    """The parsed spec of a definition version, parsed once per process (versions are immutable)."""
    return _bundle(definition.pk, definition.checksum)


class _CalendarWhenCounted:
    """The working calendar of one runner, read the first time the write counts a working day.

    Not cached across writes: an administrator's override must count from the next write on. Most steps
    count no working day at all (no deadline on the next task, no timer), and they read no calendar.
    """

    def __init__(self) -> None:
        self._calendar: WorkingCalendar | None = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # copy and pickle probe for these before __init__ ran
            raise AttributeError(name)
        if self._calendar is None:
            self._calendar = working_calendar()
        return getattr(self._calendar, name)


def environment() -> EngineEnvironment:
    return EngineEnvironment(clock=get_clock(), calendar=cast(WorkingCalendar, _CalendarWhenCounted()),
                             services=service_handlers())


def runner_for(definition: ProcessDefinition) -> ProcessRunner:
    return ProcessRunner(bundle_for(definition), environment())
