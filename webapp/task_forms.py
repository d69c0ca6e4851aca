"""Which form completes which task: the BPMN's `form` property names a key some family registered."""

from __future__ import annotations

from typing import Any

from workflows.runtime.forms import AcknowledgeForm, TaskForm
from workflows.runtime.models import HumanTask
from workflows.runtime.registry import ServiceCompletedStep, service_completed_step, task_form_class


def service_step(task: HumanTask) -> ServiceCompletedStep | None:
    """The step's own page when no task form completes it (e.g. the written appeal with its files)."""
    return service_completed_step(task.form)


def has_task_form(task: HumanTask) -> bool:
    return service_step(task) is None


def task_form(task: HumanTask, data: Any = None) -> TaskForm:
    """The form for `task`, bound to `data` when given; a key no family knows gets a comment-only form
    (deploy refuses unknown keys, so only definitions deployed before a family dropped a form reach it)."""
    return (task_form_class(task.form) or AcknowledgeForm).for_task(task, data)
