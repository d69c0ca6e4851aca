"""Shared fixtures for engine tests: a frozen centre clock and service handlers that record their calls.

Fixtures only (no helpers to import): test modules in other folders may have a conftest too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from engine.clock import CENTRE_TZ, FrozenClock


class ServiceRecorder:
    """Service handlers for EngineEnvironment.services that remember every call, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.contexts: list[dict[str, Any]] = []  # the task data each handler saw, in call order

    def handlers(self, *names: str) -> dict[str, Callable[..., dict[str, Any]]]:
        """`{name: handler}` for EngineEnvironment.services; each handler records (name, params)."""
        return {name: self._handler(name) for name in names}

    def _handler(self, name: str) -> Callable[..., dict[str, Any]]:
        def handle(context: dict[str, Any], **params: Any) -> dict[str, Any]:
            self.calls.append((name, dict(params)))
            self.contexts.append(dict(context))
            return {"called": name}

        return handle

    def names(self) -> list[str]:
        return [name for name, _params in self.calls]

    def count(self, name: str) -> int:
        return self.names().count(name)


@pytest.fixture
def frozen_clock() -> FrozenClock:
    """Monday 2026-03-02 09:00 in the centre (Asia/Shanghai), moved only by the test."""
    return FrozenClock(datetime(2026, 3, 2, 9, 0, tzinfo=CENTRE_TZ))


@pytest.fixture
def service_recorder() -> ServiceRecorder:
    return ServiceRecorder()
