"""Errors the runtime services raise; messages are Chinese then English."""

from engine.errors import EngineError


class Conflict(EngineError):
    """Someone else changed the instance or task first; reload and try again."""


class InvalidInput(EngineError):
    """The request itself is wrong (bad form data, unknown definition, …)."""
