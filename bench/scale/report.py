"""The one table the scale benchmark prints, and the small statistics it needs."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line of the table: what was measured, its value, the issue's target and whether it is met.

    `met` is None for reference lines (the engine alone, the small side of a ratio), which have no target.
    """

    measurement: str
    value: str
    target: str = "—"
    met: bool | None = None


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(round(0.95 * len(ordered)) - 1, 0)]


def mean(samples: list[float]) -> float:
    return statistics.fmean(samples)


def timed_ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def as_engine(ms: float, engine_ms: float) -> str:
    """A time as a multiple of the engine-alone lifecycle of the same run: the figure that compares across runs."""
    return f"{ms / engine_ms:.2f}× engine"


def stage(text: str) -> None:
    """Say on stderr what is being measured now: the default run takes minutes."""
    sys.stderr.write(f"{text}…\n")
    sys.stderr.flush()


class Progress:
    """A progress line on stderr for bulk seeding (tqdm is not a dependency): label, rows done, percent."""

    def __init__(self, label: str, total: int) -> None:
        self.label, self.total, self.done = label, total, 0
        self._started = time.perf_counter()

    def advance(self, rows: int) -> None:
        self.done += rows
        percent = 100 * self.done // max(self.total, 1)
        sys.stderr.write(f"\r  {self.label}: {self.done:,}/{self.total:,} ({percent}%)")
        sys.stderr.flush()

    def close(self) -> None:
        took = time.perf_counter() - self._started
        sys.stderr.write(f"\r  {self.label}: {self.done:,} rows in {took:.1f} s{' ' * 20}\n")
        sys.stderr.flush()


def render(rows: list[Row]) -> str:
    """Markdown, so the README can show the latest table as printed."""
    header = ("measurement", "value", "target (issue 7)", "met?")
    lines = [(r.measurement, r.value, r.target, "—" if r.met is None else ("yes" if r.met else "no")) for r in rows]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]

    def fmt(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join([fmt(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(fmt, lines)])
