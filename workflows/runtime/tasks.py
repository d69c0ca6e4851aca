"""Celery tasks: beat sends the timer sweep every minute; a worker runs it."""

from celery import shared_task

from workflows.runtime.services import instances


@shared_task(name="workflows.runtime.tasks.fire_due_timers")
def fire_due_timers() -> int:
    return instances.fire_due_timers()
