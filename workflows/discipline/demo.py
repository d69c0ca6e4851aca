"""Demo data for the discipline processes: one public complaint against 李四, walked to a delivered
《诫勉教育书》 through the real services, so 李四 can file an appeal in the browser.

Needs the demo centre (workflows.org.demo). Idempotent: an existing demo complaint's case is returned as it is.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from workflows.discipline.catalogue import sync_violation_rules
from workflows.discipline.definitions import deploy_discipline_processes
from workflows.discipline.models import Complaint, SanctionCase
from workflows.discipline.rules import JIEMIAN, OFFICIAL
from workflows.discipline.selectors import open_step
from workflows.discipline.services import file_complaint
from workflows.org.models import Official
from workflows.runtime.clock import today
from workflows.runtime.models import ProcessInstance
from workflows.runtime.services.transitions import complete_task

DEMO_SUMMARY = "办事群众王女士反映：企业登记窗口李四办理营业执照变更时态度生硬，与其发生争吵。"
FINDINGS = "经调取窗口监控录像并询问当事人，李四在办理营业执照变更时语气生硬，与办事群众发生争吵，投诉属实。"


def _complete(instance: ProcessInstance, step: str, actor: Official, data: dict[str, Any]) -> None:
    complete_task(open_step(instance, step).pk, actor, data)


@transaction.atomic
def seed_discipline_demo() -> SanctionCase:
    """Complaint → investigated (founded, 第五条(十五)) → answered; case → decided → talk → letter delivered today."""
    existing = SanctionCase.objects.filter(origin_complaint__summary=DEMO_SUMMARY).first()
    if existing is not None:
        return existing
    deploy_discipline_processes()
    sync_violation_rules()
    officials = {o.user.username: o for o in Official.objects.filter(user__username__in=["zhaobgs", "lisi"])
                 .select_related("user", "window")}
    office, lisi = officials["zhaobgs"], officials["lisi"]
    complaint: Complaint = file_complaint(
        source=Complaint.PUBLIC, summary=DEMO_SUMMARY, target_kind=OFFICIAL, target_official=lisi,
        complainant_name="王女士", complainant_contact="13900000000", received_by=office,
    )
    _complete(complaint.instance, "investigate_complaint", office, {
        "founded": True, "findings": FINDINGS, "duty_rule": "", "finding": "", "occurrence": 1, "rule_code": "5.15",
        "proposed_measure": JIEMIAN, "target_kind": OFFICIAL,
    })
    _complete(complaint.instance, "reply_to_complainant", office,
              {"reply": "您反映的问题经查属实，中心已对相关工作人员立案处理。感谢您的监督。"})
    case = SanctionCase.objects.select_related("instance").get(origin_complaint=complaint)
    _complete(case.instance, "decide_sanction", office, {
        "decision": "sanction", "measure": JIEMIAN, "facts": FINDINGS, "reason": "首次查实，给予诫勉教育。",
    })
    _complete(case.instance, "record_talk", office,
              {"talked_on": today(), "record": "指出服务态度问题，李四表示接受批评、认真改正。"})
    _complete(case.instance, "record_delivery", office, {"delivered_on": today()})
    case.refresh_from_db()
    return case
