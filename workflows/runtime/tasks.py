"""Celery tasks: beat sends the timer sweep every minute; workers drain what is due under a time budget.

A sweep that finds a full batch waiting asks `GOVFLOW_TIMER_SWEEPERS - 1` more workers to help (once per beat
tick), and a sweep whose budget runs out with work still due sends itself again: a backlog is drained by every
sweeper at once and to the end, never at a fixed number per minute. The budget keeps one task short enough to
leave the worker free for other tasks between rounds.
"""

from celery import shared_task
from django.conf import settings

from workflows.runtime.services import sweep

SWEEP_SECONDS = 50.0  # less than the beat interval: a round ends before beat sends the next


@shared_task(bind=True, name="workflows.runtime.tasks.fire_due_timers")
def fire_due_timers(self, spread: bool = True) -> int:
    if spread and sweep.backlog():
        for _ in range(settings.GOVFLOW_TIMER_SWEEPERS - 1):
            self.apply_async(kwargs={"spread": False})
    result = sweep.drain(total_seconds=SWEEP_SECONDS)
    if result.more_due:
        self.apply_async(kwargs={"spread": False})
    return result.fired
