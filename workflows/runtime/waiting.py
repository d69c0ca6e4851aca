"""Keeps the WaitingEvent rows (what each running instance waits for from outside) in step with the engine,
and records at deploy which messages start a definition.

Called inside the write transaction at every save, like the task-row sync: the delivery of a message or a
signal then finds its instance by an indexed query instead of opening workflows.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from engine.events import WaitingCatch, catches_events, message_start_names, waiting_catches
from engine.runtime import ProcessRunner
from engine.specs import SpecBundle
from workflows.runtime.event_models import MessageStart, WaitingEvent
from workflows.runtime.models import ProcessDefinition, ProcessInstance

_catches: WeakKeyDictionary = WeakKeyDictionary()  # parsed spec → whether it has a message/signal catch event


def waits_for_events(runner: ProcessRunner) -> bool:
    """Whether instances of this definition can wait for a message or signal (else there is nothing to sync)."""
    spec = runner.bundle.spec
    if spec not in _catches:
        _catches[spec] = catches_events(spec, runner.bundle.subprocess_specs)
    return _catches[spec]


def sync_waiting_events(instance: ProcessInstance, runner: ProcessRunner, workflow) -> None:
    """Rows for the events the instance waits for now; rows for those it no longer waits for go."""
    if not waits_for_events(runner):
        return
    wanted = waiting_catches(workflow)
    have = {WaitingCatch(kind, name, correlation): pk for pk, kind, name, correlation
            in instance.waiting_events.values_list("pk", "kind", "name", "correlation")}
    stale = [pk for catch, pk in have.items() if catch not in wanted]
    if stale:
        WaitingEvent.objects.filter(pk__in=stale).delete()
    new = [WaitingEvent(instance=instance, kind=c.kind, name=c.name, correlation=c.correlation)
           for c in wanted if c not in have]
    if new:
        WaitingEvent.objects.bulk_create(new)


def record_message_starts(definition: ProcessDefinition, bundle: SpecBundle) -> None:
    """At deploy: the messages whose arrival starts an instance of this version."""
    MessageStart.objects.bulk_create(
        [MessageStart(definition=definition, name=name) for name in sorted(message_start_names(bundle.spec))]
    )
