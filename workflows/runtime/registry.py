"""Service-task handlers by operator name, and the task form keys, registered by each process family's app.

Handlers run inside the engine step, in the same transaction as the instance write, and
get the task data plus the operator's parameters. Deploying checks a definition's service
operators and form keys against what is registered here, so a typo is refused at deploy.
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.runtime import ServiceHandler

_handlers: dict[str, ServiceHandler] = {}
_form_keys: set[str] = set()


def register_service(name: str, handler: ServiceHandler) -> None:
    _handlers[name] = handler


def service_handlers() -> dict[str, ServiceHandler]:
    return dict(_handlers)


def register_form_keys(keys: Iterable[str]) -> None:
    """Form keys (a user task's `form` property) some task page or API can complete."""
    _form_keys.update(keys)


def form_keys() -> frozenset[str]:
    return frozenset(_form_keys)
