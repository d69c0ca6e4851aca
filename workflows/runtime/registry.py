"""Service-task handlers by operator name, registered by each process family's app.

Handlers run inside the engine step, in the same transaction as the instance write, and
get the task data plus the operator's parameters.
"""

from __future__ import annotations

from engine.runtime import ServiceHandler

_handlers: dict[str, ServiceHandler] = {}


def register_service(name: str, handler: ServiceHandler) -> None:
    _handlers[name] = handler


def service_handlers() -> dict[str, ServiceHandler]:
    return dict(_handlers)
