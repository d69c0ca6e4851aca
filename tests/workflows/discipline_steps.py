"""Steps shared by the discipline tests: walk a sanction case through its process with the real services."""

from __future__ import annotations

from datetime import date

from pypdf import PdfReader

from workflows.discipline.models import Letter, SanctionCase
from workflows.discipline.rules import JIEMIAN, OFFICIAL, WINDOW
from workflows.discipline.services import file_appeal, open_case
from workflows.runtime.clock import today
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.services.transitions import complete_task

RULE_FOR = {JIEMIAN: "5.15", "效能告诫": "6.9"}


def open_task(instance: ProcessInstance, step: str) -> HumanTask:
    return HumanTask.objects.get(instance=instance, spec_name=step, state=HumanTask.OPEN)


def usernames(task: HumanTask) -> list[str]:
    return sorted(o.user.username for o in task.candidates.select_related("user"))


def do(instance: ProcessInstance, step: str, actor, data: dict) -> HumanTask:
    return complete_task(open_task(instance, step).pk, actor, data)


def issued(centre, who: str = "lisi", measure: str = JIEMIAN, *, window: str | None = None,
           delivered_on: date | None = None, facts: str = "与办事群众发生争吵") -> SanctionCase:
    """A case the centre office opens against `who` (or the window of `window`'s head), decided, talked, issued."""
    target = {"target_kind": WINDOW, "target_window": centre[window].window} if window else {
        "target_kind": OFFICIAL, "target_official": centre[who]}
    case = open_case(measure=measure, rule_code=RULE_FOR[measure], facts=facts, opened_by=centre["zhaobgs"], **target)
    decider = centre["qianxn"] if window else centre["zhaobgs"]
    do(case.instance, "decide_sanction", decider, {"decision": "sanction", "measure": measure, "facts": facts,
                                                   "reason": "经查属实"})
    do(case.instance, "record_talk", decider, {"talked_on": today(), "record": "已谈话，本人表示接受"})
    if delivered_on is not None:
        do(case.instance, "record_delivery", centre["zhaobgs"], {"delivered_on": delivered_on})
    case.refresh_from_db()
    return case


def revoke_on_appeal(centre, case: SanctionCase) -> SanctionCase:
    """Deliver today, appeal today, revoke: the case stays in the ledger, revoked."""
    do(case.instance, "record_delivery", centre["zhaobgs"], {"delivered_on": today()})
    case.refresh_from_db()
    file_appeal(case, case.respondent, "事实认定有误")
    decider = centre["qianxn"] if case.target_kind == WINDOW else centre["zhaobgs"]
    do(case.instance, "decide_appeal", decider, {"decision": "revoke", "reasons": "经复核，事实不清"})
    case.refresh_from_db()
    return case


def pdf_text(letter: Letter) -> str:
    """The letter's text as a reader sees it, line breaks dropped (ReportLab wraps Chinese anywhere)."""
    with letter.file.open("rb") as stored:
        return "".join(page.extract_text() for page in PdfReader(stored).pages).replace("\n", "")
