"""The embedded timer runner: the same sweep as Celery beat, in a thread, when no broker is configured."""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

from workflows.runtime.services.instances import fire_due_timers

log = logging.getLogger(__name__)


class EmbeddedTimerRunner(threading.Thread):
    def __init__(self, interval_seconds: float = 60.0) -> None:
        super().__init__(name="govflow-timers", daemon=True)
        self.interval = interval_seconds
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                close_old_connections()
                fired = fire_due_timers()
                if fired:
                    log.info("fired timers of %d instance(s)", fired)
            except Exception:  # keep sweeping; the failure is logged and instances keep their error state
                log.exception("timer sweep failed")
            finally:
                close_old_connections()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
