"""The workflow a committed write left in memory, reused by the next write to the same instance in this process.

Restoring an instance rebuilds every task of its tree from the stored JSON: with 200 open tasks that is most of
what one completion costs. The database stays the only truth: an entry is used only when the locked row still has
the revision (and definition) the entry was saved under, so any other process's write, which bumps the revision,
makes it a miss. An entry is taken out when used and put back only once the write that saved it has committed, so
a workflow a failed or rolled-back write mutated is never seen again. Only a workflow whose stored form holds
exactly what it does (no date, tuple, set or function JSON would change) is kept, so a hit behaves as a restore.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.db import transaction
from SpiffWorkflow.bpmn import BpmnWorkflow

from engine.runtime import ProcessRunner
from engine.serializer import dumped_exactly
from workflows.runtime.models import ProcessInstance

# A restored workflow with 200 open tasks (1,000 tasks in its tree) holds 0.9 MB: 32 of them stay well under 30 MB.
CAPACITY = 32

_entries: OrderedDict[int, tuple[int, int, BpmnWorkflow]] = OrderedDict()
_lock = threading.Lock()


def restored(instance: ProcessInstance, runner: ProcessRunner) -> BpmnWorkflow:
    """The instance's workflow at the locked row's revision: the kept one if still current, else a restore."""
    with _lock:
        entry = _entries.pop(instance.pk, None)
    if entry is not None:
        revision, definition_id, workflow = entry
        if (revision, definition_id) == (instance.revision, instance.definition_id) and \
                workflow.spec is runner.bundle.spec:
            return runner.adopt(workflow)
    return runner.restore(instance.state)


def keep_after_commit(instance: ProcessInstance, workflow: BpmnWorkflow) -> None:
    """Call right after `save_step`: keep `workflow` for the next write once this transaction commits."""
    if not dumped_exactly(workflow):
        return
    key, entry = instance.pk, (instance.revision, instance.definition_id, workflow)
    transaction.on_commit(lambda: _keep(key, entry))


def _keep(key: int, entry: tuple[int, int, BpmnWorkflow]) -> None:
    with _lock:
        _entries[key] = entry
        _entries.move_to_end(key)
        while len(_entries) > CAPACITY:
            _entries.popitem(last=False)


def forget_all() -> None:
    """Drop every kept workflow (tests; a process that must restore from the database)."""
    with _lock:
        _entries.clear()
