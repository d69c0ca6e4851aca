"""The centre administrator's bulk actions on selected cases (monitoring): 改派, 终止, 重试.

Each case is acted on in its own transaction through the transition that does it for one case (so the one
may-act rule, the lock and the audit are those of that transition); a case refused or failing never holds back
the others, and the answer says, per case, what happened or why not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from engine.errors import EngineError
from workflows.org.models import Official
from workflows.runtime.errors import InvalidInput
from workflows.runtime.models import ProcessInstance
from workflows.runtime.services.instances import retry_instance
from workflows.runtime.services.transitions import (
    OperationRefused,
    _reason,
    allowed_administration,
    cancel_instance,
    reassign_instance_tasks,
)

BULK_ACTIONS = ("reassign", "cancel", "retry")


@dataclass(frozen=True)
class BulkOutcome:
    """What a bulk action did to one case: done, or refused / failed with the reason."""

    instance_id: int
    done: bool
    message: str


def _retry(instance_id: int, actor: Official) -> None:
    instance = ProcessInstance.objects.filter(pk=instance_id).first()
    if instance is None:
        raise InvalidInput(_("No such case."), field="instance")
    verdict = allowed_administration(instance, actor)["retry"]
    if not verdict:
        raise OperationRefused(actor.pk, verdict.reason)
    retry_instance(instance_id, actor)


def bulk_administer(action: str, instance_ids: Iterable[int], actor: Official, *, reason: str = "",
                    to_official_id: int | None = None) -> list[BulkOutcome]:
    """Do `action` to each case; bad input that concerns every case (action, reason) is refused before any."""
    if action not in BULK_ACTIONS:
        raise InvalidInput(_("Choose an action."), field="action")
    ids = list(dict.fromkeys(instance_ids))
    if not ids:
        raise InvalidInput(_("Select at least one case."), field="instances")
    if action in ("reassign", "cancel"):
        reason = _reason(reason, "reason")
    if action == "reassign" and not to_official_id:
        raise InvalidInput(_("Choose an active official."), field="to")
    outcomes = []
    for instance_id in ids:
        try:
            if action == "reassign":
                rows = reassign_instance_tasks(instance_id, actor, to_official_id, reason)
                message = _("%(count)d open task(s) reassigned.") % {"count": len(rows)}
            elif action == "cancel":
                cancel_instance(instance_id, actor, reason)
                message = _("Cancelled.")
            else:
                _retry(instance_id, actor)
                message = _("The instance runs again.")
        except EngineError as exc:
            outcomes.append(BulkOutcome(instance_id, False, str(exc)))
        else:
            outcomes.append(BulkOutcome(instance_id, True, message))
    return outcomes
