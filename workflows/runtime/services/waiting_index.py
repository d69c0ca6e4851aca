"""Fill the waiting-event index for what was saved before it existed (run once after migrating to it).

From then on every save keeps it in step (`save_step`); instances and definitions from before would otherwise
never be found by a message, a signal or a message start event.
"""

from __future__ import annotations

from django.db import transaction

from workflows.runtime.engine_env import bundle_for, runner_for
from workflows.runtime.models import ProcessDefinition, ProcessInstance
from workflows.runtime.services.instances import lock_instance
from workflows.runtime.waiting import record_message_starts, sync_waiting_events, waits_for_events


def index_waiting_events() -> int:
    """Record every definition's message starts and every running instance's waits; how many instances wait."""
    with transaction.atomic():
        for definition in ProcessDefinition.objects.filter(message_starts__isnull=True).defer("sources"):
            record_message_starts(definition, bundle_for(definition))
    waiting = 0
    for instance_id in ProcessInstance.objects.filter(status=ProcessInstance.RUNNING).values_list("pk", flat=True):
        with transaction.atomic():
            instance = lock_instance(instance_id)
            if instance is None or instance.status != ProcessInstance.RUNNING:
                continue
            runner = runner_for(instance.definition)
            if waits_for_events(runner):
                sync_waiting_events(instance, runner, runner.restore(instance.state))
                waiting += instance.waiting_events.exists()
    return waiting
