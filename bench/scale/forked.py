"""Run calls in forked processes at once and wait for all: the two sweep workers, the two lifecycle processes.

Each child must open its own database connection, so the parent's are closed before the fork; a child that
fails fails the benchmark instead of leaving a figure that silently counts less work.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections


def run_forked(calls: Sequence[tuple[Callable[..., Any], tuple]], what: str) -> None:
    """Fork one process per (function, args), start them together, join them; `what` names one in errors."""
    connections.close_all()
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=target, args=args) for target, args in calls]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise RuntimeError(f"{what} exited with {process.exitcode}")
