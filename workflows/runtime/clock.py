"""The Django side's one "now": tests swap in a FrozenClock instead of sleeping."""

from __future__ import annotations

from datetime import date, datetime

from engine.clock import CENTRE_TZ, Clock, SystemClock

_clock: Clock = SystemClock()


def get_clock() -> Clock:
    return _clock


def set_clock(clock: Clock) -> None:
    global _clock
    _clock = clock


def now() -> datetime:
    return _clock.now()


def today() -> date:
    return _clock.now().astimezone(CENTRE_TZ).date()
