"""The 否定报备 process (bpmn/rejection_report.bpmn): starting it from a handler's proposal and its service tasks.

The rules stay in refusals.py; the process only decides the order of the steps (within authority: registered at
once; beyond it: a centre leader decides first), so a refusal proposed on a page and one proposed through the
services obey the same checks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from workflows.applications.models import Refusal
from workflows.applications.refusals import RefusalInput, record_decision, record_proposal, register_refusal
from workflows.org.models import Official
from workflows.runtime.models import ProcessDefinition, ProcessInstance
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process

REJECTION_REPORT_PROCESS = "rejection_report"


def deploy_rejection_report(bpmn_dir: Path | None = None,
                            deployed_by: Official | None = None) -> list[ProcessDefinition]:
    """Deploy bpmn/rejection_report.bpmn; an unchanged file keeps its deployed version."""
    bpmn_dir = Path(bpmn_dir or settings.GOVFLOW_BPMN_DIR)
    return [deploy_from_files(REJECTION_REPORT_PROCESS, [bpmn_dir / "rejection_report.bpmn"], deployed_by)]


@transaction.atomic
def start_rejection_report(data: RefusalInput, *, handler: Official) -> Refusal:
    """Save the checked proposal and start its process; a refused proposal or start saves nothing."""
    refusal = record_proposal(data, handler=handler)
    refusal.instance = start_process(
        REJECTION_REPORT_PROCESS,
        data={"refusal_id": refusal.pk, "within_authority": refusal.within_authority,
              "item": str(refusal.item), "applicant": refusal.applicant},
        business_key=f"否定报备第{refusal.pk}号", applicant=handler, started_by=handler,
    )
    refusal.save(update_fields=["instance"])
    refusal.refresh_from_db()
    return refusal


def refusal_of_instance(instance: ProcessInstance) -> Refusal | None:
    """The refusal a rejection_report instance decides on: the instance's business record."""
    return Refusal.objects.select_related("item__department", "proposed_by", "leader").filter(
        instance=instance).first()


def record_leader_decision(context: dict[str, Any], refusal_id: int) -> dict:
    """Service task: the leader's form answer onto the refusal (disagreeing withdraws it)."""
    answer = context.get("leader_decision") or {}
    leader = Official.objects.get(pk=answer["completed_by"])
    refusal = record_decision(Refusal.objects.get(pk=refusal_id), leader=leader, agree=bool(answer.get("agree")),
                              opinion=str(answer.get("opinion") or ""))
    return {"status": refusal.status}


def register_decided_refusal(context: dict[str, Any], refusal_id: int) -> dict:
    """Service task: register the refusal and store its notice, in the name of whoever decided it last."""
    refusal = Refusal.objects.select_related("leader", "proposed_by").get(pk=refusal_id)
    refusal = register_refusal(refusal, actor=refusal.leader or refusal.proposed_by)
    return {"notice_number": refusal.notice_number}


SERVICES = {
    "applications.record_leader_decision": record_leader_decision,
    "applications.register_refusal": register_decided_refusal,
}
