"""The embedded timer runner: the same sweep as the Celery task, in a thread, when no broker is configured.

Every interval it drains everything due (batch after batch, see services.sweep), so a day's deadlines falling
due together are all fired in one pass rather than a fixed number per minute.
"""

from __future__ import annotations

import logging
import threading

from django.db import close_old_connections

from workflows.runtime.services.sweep import fire_due_timers

log = logging.getLogger(__name__)


class EmbeddedTimerRunner(threading.Thread):
    def __init__(self, interval_seconds: float = 60.0) -> None:
        super().__init__(name="govflow-timers", daemon=True)
        self.interval = interval_seconds
        self._stop_event = threading.Event()

    def sweep(self) -> int:
        """One pass: drain all due timers; a failure is logged and the next pass tries again."""
        try:
            close_old_connections()
            fired = fire_due_timers()
            if fired:
                log.info("fired timers of %d instance(s)", fired)
            return fired
        except Exception:  # keep sweeping; the failure is logged and instances keep their error state
            log.exception("timer sweep failed")
            return 0
        finally:
            close_old_connections()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sweep()
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
