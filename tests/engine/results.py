"""What an official entered into a task, without the completion stamp the runner adds to every result."""

from __future__ import annotations

from typing import Any

COMPLETION_KEYS = ("completed_by", "completed_at")


def entered(result: Any) -> Any:
    """A result dict (or a list of them, e.g. a multi-instance output) less `completed_by` / `completed_at`."""
    if isinstance(result, list):
        return [entered(item) for item in result]
    if isinstance(result, dict):
        return {k: v for k, v in result.items() if k not in COMPLETION_KEYS}
    return result
