"""One injectable source of "now" so tests move time instead of sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

CENTRE_TZ = ZoneInfo("Asia/Shanghai")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time in the centre's time zone."""

    def now(self) -> datetime:
        return datetime.now(CENTRE_TZ)


class FrozenClock:
    """A clock that only moves when told to (tests, simulations, benchmarks)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = at

    def now(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = at

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)
