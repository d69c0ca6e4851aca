"""Errors the runtime services raise; messages are in Chinese."""

from engine.errors import EngineError


class Conflict(EngineError):
    """Someone else changed the instance or task first; reload and try again."""


class InvalidInput(EngineError):
    """The request itself is wrong (bad form data, unknown definition, …); `field` names the input it is about.

    Process families raise subclasses of it (LeaveRefused, DisciplineRefused), so pages and the API answer
    them without knowing the family.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class Forbidden(EngineError):
    """This official may not do this here, and the message says why (the API answers 403)."""


class TooSoon(EngineError):
    """The same action was taken too recently; the message says when it may be taken again (the API answers 429)."""
