"""How often the public look-up may be tried: 10 tries per 10 minutes per client address and per case number.

The look-up asks for a number and a phone and needs no login, so without a limit it would let anyone guess phones.
Counting per address slows one guesser; counting per number slows many addresses guessing one case. The counts
live in Django's shared cache (Redis when REDIS_URL is set, else the database table `createcachetable` makes), so
every web process and worker sees the same counts; one process's memory would let a guesser spread over them.
Windows are fixed 10-minute slots of the centre's clock (workflows.runtime.clock), so tests move time instead of
waiting. Keys hold hashes, never an address or a number in clear.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db import DatabaseError
from redis.exceptions import RedisError

from engine.calendar import centre_day
from workflows.runtime.clock import now

LIMIT = 10
WINDOW_SECONDS = 600


class CountsUnavailable(RuntimeError):
    """The shared cache did not answer: without counts the look-up cannot be limited, so it is not offered."""


def _key(kind: str, value: str, slot: int) -> str:
    digest = hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:32]
    return f"govflow:lookup:{kind}:{digest}:{slot}"


def _count(key: str) -> int:
    """One more try under `key`; the count after it. add + incr: atomic on Redis, close enough on the database."""
    cache.add(key, 0, timeout=2 * WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=2 * WINDOW_SECONDS)
        return 1


def try_allowed(client_address: str, number: str) -> bool:
    """Count this try against the address and (when given) the case number; False once either is over the limit.

    CountsUnavailable when the cache (Redis, or its database table) fails: the look-up is then refused, never
    offered without its limit."""
    slot = int(now().timestamp()) // WINDOW_SECONDS
    try:
        counts = [_count(_key("address", client_address, slot))]
        if number:
            counts.append(_count(_key("number", number, slot)))
    except (RedisError, DatabaseError) as exc:
        raise CountsUnavailable(str(exc)) from exc
    return max(counts) <= LIMIT


def first_look_up_today(case_pk: int) -> bool:
    """True once per case and centre day: the look-up audits only that one (workflows.applications.lookup)."""
    day = centre_day(now()).isoformat()
    return cache.add(f"govflow:lookup:audited:{case_pk}:{day}", 1, timeout=86_400)
