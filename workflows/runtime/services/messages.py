"""Messages and signals from outside: a higher authority's reply, an applicant's 补正 materials, a policy change.

A message goes to the one running instance waiting for it with the given correlation values (found through
the WaitingEvent index, never by opening workflows), or starts an instance of the latest definition whose
start event catches it. A signal goes to every instance waiting for it. Each delivery is one write under the
instance lock (`write_instance`), audited; what nobody waits for, or what two instances would both take, is
refused with its reason and the refusal audited, never dropped.

The correlation values travel inside the message too (the payload, with them, is what the catch event's
message variable receives), so the definition's correlation expressions read them as BPMN says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from engine.errors import ExecutionError
from engine.events import MESSAGE, SIGNAL, EventRefused, WaitingCatch, correlation_key, waiting_catches
from workflows.org.models import Official
from workflows.runtime import audit
from workflows.runtime.errors import Conflict, InvalidInput
from workflows.runtime.event_models import MessageStart, WaitingEvent
from workflows.runtime.models import ProcessDefinition, ProcessInstance
from workflows.runtime.services.definitions import active_definition
from workflows.runtime.services.instances import start_process, write_instance


class DeliveryRefused(InvalidInput):
    """A message or signal that cannot be delivered; the reason says why (nobody waits, ambiguous, …)."""


@dataclass(frozen=True)
class Delivery:
    """What a delivery reached: the instances, and whether the message started the (one) instance."""

    instances: list[ProcessInstance] = field(default_factory=list)
    started: bool = False


def _waiting_instances(kind: str, name: str, correlation: str | None, limit: int | None = None) -> list[int]:
    rows = WaitingEvent.objects.filter(kind=kind, name=name, instance__status=ProcessInstance.RUNNING)
    if correlation is not None:
        rows = rows.filter(correlation=correlation)
    ids = rows.order_by("instance_id").values_list("instance_id", flat=True).distinct()
    return list(ids[:limit] if limit else ids)


def _refuse(action: str, reason: str, *, name: str, actor: Official | None, caller: str, detail: Mapping[str, Any],
            input_field: str = "name") -> DeliveryRefused:
    """The refusal, audited in its own row (nothing else of the request is written)."""
    audit.record(action, actor=actor, message=reason, after={"name": name, "caller": caller, **detail})
    return DeliveryRefused(reason, field=input_field)


def _deliver_to(instance_id: int, kind: str, name: str, correlation: str, payload: dict[str, Any],
                actor: Official | None, caller: str) -> ProcessInstance:
    """One delivery under the instance lock; it must still wait for exactly this (else the caller's look-up raced
    a write and is refused)."""

    def work(instance: ProcessInstance, runner, workflow) -> None:
        if kind == MESSAGE and WaitingCatch(kind, name, correlation) not in waiting_catches(workflow):
            raise EventRefused(_("The process no longer waits for message “%(name)s”.") % {"name": name})
        runner.deliver_event(workflow, kind, name, payload)
        action = "message_delivered" if kind == MESSAGE else "signal_delivered"
        audit.record(action, instance=instance, actor=actor, message=name,
                     after={"caller": caller, "correlation": correlation, "payload": payload})

    return write_instance(instance_id, work)


def _definitions_started_by(name: str) -> list[ProcessDefinition]:
    """The active version of each definition whose own start event catches message `name`."""
    keys = sorted(set(MessageStart.objects.filter(name=name).values_list("definition__key", flat=True)))
    active = [active_definition(key) for key in keys]
    return [d for d in active if MessageStart.objects.filter(definition=d, name=name).exists()]


def deliver_message(name: str, correlation: Mapping[str, Any], payload: Mapping[str, Any],
                    actor: Official | None = None, caller: str = "") -> Delivery:
    """Deliver message `name` to the instance waiting for it with these correlation values, or start one.

    `caller` names who sent it when that is not an official (a service account's user name), for the audit.
    Raises DeliveryRefused (audited as `message_refused`) when nobody waits for it and no definition starts on
    it, or when it would be ambiguous; an error inside the definition marks the instance errored as any write.
    """
    key = correlation_key(correlation)
    content = {**payload, **correlation}
    detail = {"correlation": key, "payload": dict(payload)}
    waiting = _waiting_instances(MESSAGE, name, key, limit=2)
    if len(waiting) > 1:
        reason = _("Correlation %(key)s matches several processes waiting for “%(name)s”: it is ambiguous.")
        raise _refuse("message_refused", reason % {"key": key, "name": name}, name=name, actor=actor, caller=caller,
                      detail=detail, input_field="correlation")
    if waiting:
        try:
            return Delivery([_deliver_to(waiting[0], MESSAGE, name, key, content, actor, caller)])
        except (EventRefused, Conflict) as exc:
            raise _refuse("message_refused", str(exc), name=name, actor=actor, caller=caller, detail=detail) from exc
    starting = _definitions_started_by(name)
    if len(starting) != 1:
        reason = (_("Message “%(name)s” starts several processes (%(keys)s): it is ambiguous.") if starting
                  else _("No process waits for message “%(name)s” with correlation %(key)s, and none starts on it."))
        values = {"name": name, "key": key, "keys": "、".join(d.key for d in starting)}
        raise _refuse("message_refused", reason % values, name=name, actor=actor, caller=caller, detail=detail)

    def receive(instance: ProcessInstance, runner, workflow) -> None:
        runner.deliver_event(workflow, MESSAGE, name, content)
        audit.record("message_delivered", instance=instance, actor=actor, message=name,
                     after={"caller": caller, "correlation": key, "payload": content, "started": True})

    business_key = "、".join(str(v) for v in correlation.values()) or name
    instance = start_process(starting[0].key, data={}, business_key=business_key[:100], started_by=actor,
                             then=receive)
    return Delivery([instance], started=True)


def broadcast_signal(name: str, payload: Mapping[str, Any], actor: Official | None = None,
                     caller: str = "") -> Delivery:
    """Deliver signal `name` to every running instance waiting for it, each in its own write.

    One instance failing (an error in its definition marks it errored; it finished meanwhile) does not keep the
    signal from the others. Raises DeliveryRefused (audited as `signal_refused`) when it reached none.
    """
    reached: list[ProcessInstance] = []
    for instance_id in _waiting_instances(SIGNAL, name, None):
        try:
            reached.append(_deliver_to(instance_id, SIGNAL, name, "{}", dict(payload), actor, caller))
        except (EventRefused, Conflict, ExecutionError):  # gone meanwhile, or now errored: the others go on
            continue
    if not reached:
        reason = _("No process waits for signal “%(name)s”.") % {"name": name}
        raise _refuse("signal_refused", reason, name=name, actor=actor, caller=caller,
                      detail={"payload": dict(payload)})
    return Delivery(reached)
