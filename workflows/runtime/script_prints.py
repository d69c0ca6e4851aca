"""What a definition printed during an engine run, written as audit rows of its instance (action `script_print`).

The engine collects the lines (engine.script_log); here they become the instance's history, so the author of a
definition sees them where the administrator sees everything else, in order with the steps around them.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.script_log import PrintedLine
from workflows.runtime import audit
from workflows.runtime.models import AuditEvent, ProcessInstance


def printed_events(instance: ProcessInstance, lines: Iterable[PrintedLine]) -> list[AuditEvent]:
    """One audit row per printed line, naming the element that printed it (not yet written)."""
    return [audit.event("script_print", instance=instance, message=line.text, after={"element": line.element_id})
            for line in lines]


def record_printed(instance: ProcessInstance, lines: Iterable[PrintedLine]) -> None:
    """Record the lines with the write that saves the run (or marks it errored): in its batch when one is open."""
    events = printed_events(instance, lines)
    if events:
        audit.record_all(events)
