"""Reads of complaints, cases and letters, and the yearly ledger (台帐) with its consequences.

Counts take effective sanctions only (issued, not revoked); the ledger still lists revoked ones,
marked, because the record of what was decided and undone is part of the 台帐.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from engine.clock import CENTRE_TZ
from workflows.discipline.catalogue import rule_label
from workflows.discipline.models import (
    Appeal,
    AppealAttachment,
    AppealDraft,
    AppealDraftFile,
    Complaint,
    Letter,
    SanctionCase,
    ViolationRecord,
)
from workflows.discipline.rules import (
    JIEMIAN,
    OFFICIAL,
    WARNING,
    Consequence,
    Counts,
    WindowStanding,
    official_consequence,
    window_standing,
)
from workflows.org.models import Official, Window
from workflows.runtime.csv_export import csv_bytes
from workflows.runtime.models import HumanTask, ProcessInstance

SEE_ALL_ROLES = ("centre_office", "efficiency_group")
_RELATED = ("target_official", "target_window", "department", "respondent", "rule", "decided_by")


def _cases() -> QuerySet[SanctionCase]:
    return SanctionCase.objects.select_related(*_RELATED, "appeal")


def cases_visible_to(official: Official) -> QuerySet[SanctionCase]:
    """Officials see their own cases; the centre office and the efficiency group see all.

    An official given a step of the case (e.g. the centre director supervising an overdue appeal
    decision) sees that case too: nobody can act on what they may not read.
    """
    if official.roles.filter(code__in=SEE_ALL_ROLES).exists():
        return _cases()
    acting = HumanTask.objects.filter(Q(candidates=official) | Q(assignee=official) | Q(completed_by=official))
    return _cases().filter(
        Q(respondent=official) | Q(target_official=official) | Q(instance__in=acting.values("instance"))
    ).distinct()


def case_visible_to(case: SanctionCase, official: Official) -> bool:
    return cases_visible_to(official).filter(pk=case.pk).exists()


def appeals_visible_to(official: Official) -> QuerySet[Appeal]:
    """The appeals on the cases the official may see."""
    return (Appeal.objects.filter(case__in=cases_visible_to(official))
            .select_related("case", "appellant", "decided_by").prefetch_related("attachments")
            .order_by("-received_on", "-id"))


def complaints() -> QuerySet[Complaint]:
    return (Complaint.objects.select_related("target_window__department", "target_official", "received_by")
            .prefetch_related("sanction_cases"))


def violation_records(*, pending: bool | None = None) -> QuerySet[ViolationRecord]:
    """Records handed over to discipline, newest first; `pending` True: only those waiting for the centre office
    (no case opened), False: only those with a case."""
    records = ViolationRecord.objects.select_related("window__department", "official__window", "case")
    if pending is not None:
        records = records.filter(case__isnull=pending)
    return records


def find_violation_record(record_id: int) -> ViolationRecord | None:
    return violation_records().filter(pk=record_id).first()


def appeal_draft_of(case: SanctionCase, official: Official) -> AppealDraft | None:
    """The appeal the official prepared on this case and has not sent yet."""
    return AppealDraft.objects.filter(case=case, appellant=official).prefetch_related("files").first()


def find_draft_file(draft_file_id: int) -> AppealDraftFile | None:
    return AppealDraftFile.objects.select_related("draft").filter(pk=draft_file_id).first()


def find_letter(letter_id: int) -> Letter | None:
    return Letter.objects.select_related("case").filter(pk=letter_id).first()


def find_attachment(attachment_id: int) -> AppealAttachment | None:
    return AppealAttachment.objects.select_related("appeal__case").filter(pk=attachment_id).first()


def find_case(case_id: int) -> SanctionCase | None:
    return _cases().select_related("instance", "origin_complaint", "escalated_from").filter(pk=case_id).first()


def case_of_instance(instance: ProcessInstance) -> SanctionCase | None:
    return _cases().filter(instance=instance).first()


def complaint_of_instance(instance: ProcessInstance) -> Complaint | None:
    return Complaint.objects.select_related("target_window", "target_official").filter(instance=instance).first()


def window_head(window: Window) -> Official | None:
    """Who answers for a window (receives its letters, may appeal): its head (窗口负责人)."""
    heads = Official.objects.filter(window=window, active=True, roles__code="window_head")
    return heads.select_related("department", "window").order_by("id").first()


def open_step(instance: ProcessInstance, spec_name: str) -> HumanTask | None:
    return instance.tasks.filter(spec_name=spec_name, state=HumanTask.OPEN).first()


def letter_is_intact(letter: Letter) -> bool:
    """The stored file still has the hash recorded when it was issued; a file that is gone is not intact."""
    digest = hashlib.sha256()
    try:
        with letter.file.open("rb") as stored:
            for chunk in stored.chunks():
                digest.update(chunk)
    except FileNotFoundError:
        return False
    return digest.hexdigest() == letter.sha256


def finding_occurrence(complaint: Complaint, duty_rule: str, finding: str) -> int:
    """第几次查实, counted from the record, never typed: 1 + the other complaints already found founded for the
    same duty-rule finding against the same target (the official, or the window) in the same calendar year.

    The rule book's 限期改正；拒不改正的…效能告诫 and 超限一次…两次… (seed 003, 六项工作制度的处理办法) count
    repeats within the year whose 考评 they decide (当年考评), so the count starts afresh each 1 January.
    """
    if not duty_rule or not finding:
        return 1
    year = complaint.received_at.astimezone(CENTRE_TZ).year
    earlier = Complaint.objects.filter(
        founded=True, duty_rule=duty_rule, finding=finding,
        received_at__gte=datetime(year, 1, 1, tzinfo=CENTRE_TZ),
        received_at__lt=datetime(year + 1, 1, 1, tzinfo=CENTRE_TZ),
    ).exclude(pk=complaint.pk)
    if complaint.target_official_id is not None:
        earlier = earlier.filter(target_official_id=complaint.target_official_id)
    else:
        earlier = earlier.filter(target_kind=complaint.target_kind, target_window_id=complaint.target_window_id)
    return earlier.count() + 1


def effective_jiemian_count(official_id: int, year: int) -> int:
    return SanctionCase.objects.filter(target_kind=OFFICIAL, target_official_id=official_id, year=year,
                                       measure=JIEMIAN, issued_at__isnull=False, revoked=False).count()


def standing_escalations(official_id: int, year: int) -> int:
    """效能告诫 proposals already opened under 第六条(十三) for that year, not dismissed or revoked."""
    return (SanctionCase.objects.filter(escalated_from__target_official_id=official_id, escalated_from__year=year)
            .exclude(status=SanctionCase.DISMISSED).exclude(revoked=True).count())


def ledger_entries(
    year: int, *, department_id: int | None = None, window_id: int | None = None, official_id: int | None = None
) -> QuerySet[SanctionCase]:
    """Issued cases of the year, revoked ones included, in the order they were issued."""
    entries = _cases().filter(year=year, issued_at__isnull=False).select_related("appeal")
    if department_id:
        entries = entries.filter(department_id=department_id)
    if window_id:
        entries = entries.filter(target_window_id=window_id)
    if official_id:
        entries = entries.filter(target_official_id=official_id)
    return entries.order_by("issued_at", "id")


_COUNTS = {
    "jiemian": Count("id", filter=Q(measure=JIEMIAN, revoked=False)),
    "warnings": Count("id", filter=Q(measure=WARNING, revoked=False)),
    "revoked_count": Count("id", filter=Q(revoked=True)),
}


def _grouped(entries: QuerySet[SanctionCase], *fields: str) -> list[dict]:
    return list(entries.order_by().values(*fields).annotate(**_COUNTS))


@dataclass(frozen=True)
class OfficialLedgerRow:
    official: Official
    jiemian: int
    warnings: int
    revoked: int
    warnings_last_year: int
    consequence: Consequence


@dataclass(frozen=True)
class WindowLedgerRow:
    window: Window
    jiemian: int  # the window's own and its officials', effective
    warnings: int
    revoked: int
    standing: WindowStanding


def official_ledger(
    year: int, *, department_id: int | None = None, window_id: int | None = None, official_id: int | None = None
) -> list[OfficialLedgerRow]:
    """One row per official with a sanction issued in the year, with what it means for the yearly rating."""
    entries = ledger_entries(year, department_id=department_id, window_id=window_id, official_id=official_id)
    groups = _grouped(entries.filter(target_kind=OFFICIAL), "target_official")
    ids = [g["target_official"] for g in groups]
    last_year = dict(
        SanctionCase.objects.filter(target_official_id__in=ids, year=year - 1, measure=WARNING,
                                    issued_at__isnull=False, revoked=False)
        .order_by().values("target_official").annotate(n=Count("id")).values_list("target_official", "n")
    )
    officials = Official.objects.select_related("department", "window").in_bulk(ids)
    rows = [
        OfficialLedgerRow(
            official=officials[g["target_official"]], jiemian=g["jiemian"], warnings=g["warnings"],
            revoked=g["revoked_count"], warnings_last_year=last_year.get(g["target_official"], 0),
            consequence=official_consequence(Counts(g["jiemian"], g["warnings"]),
                                             last_year.get(g["target_official"], 0)),
        )
        for g in groups
    ]
    return sorted(rows, key=lambda r: (r.official.department_id or 0, r.official.window_id or 0, r.official.pk))


def window_ledger(
    year: int, *, department_id: int | None = None, window_id: int | None = None
) -> list[WindowLedgerRow]:
    """One row per window with a sanction (its own or an official's) in the year: 第十条 and 六(二)."""
    entries = ledger_entries(year, department_id=department_id, window_id=window_id).filter(
        target_window__isnull=False
    )
    totals = {g["target_window"]: g for g in _grouped(entries, "target_window")}
    per_official: dict[int, list[Counts]] = defaultdict(list)
    for g in _grouped(entries.filter(target_kind=OFFICIAL), "target_window", "target_official"):
        per_official[g["target_window"]].append(Counts(g["jiemian"], g["warnings"]))
    windows = Window.objects.select_related("department").in_bulk(list(totals))
    rows = [
        WindowLedgerRow(
            window=windows[window], jiemian=g["jiemian"], warnings=g["warnings"], revoked=g["revoked_count"],
            standing=window_standing(Counts(g["jiemian"], g["warnings"]), per_official[window]),
        )
        for window, g in totals.items()
    ]
    return sorted(rows, key=lambda r: (r.window.department_id, r.window.pk))


def ledger_csv(year: int, **filters: int | None) -> bytes:
    """The 台帐 of the year as CSV: one line per issued case, revoked ones marked."""
    header = ["文号", "登记号", "处理对象", "所在部门", "窗口", "处理措施", "违规条款", "事实", "下达日期", "送达日期",
              "申辩", "状态", "撤销理由"]
    rows = []
    for case in ledger_entries(year, **filters):
        appeal = getattr(case, "appeal", None)
        appealed = (appeal.get_decision_display() or "待复核") if appeal else ""
        target = case.target_official.name if case.target_official else str(case.target_window)
        rows.append([
            case.number, case.register_number, target, case.department.name if case.department else "",
            case.target_window.name if case.target_window else "", case.measure,
            rule_label(case.rule, case.other_text), case.facts,
            case.issued_at.astimezone(CENTRE_TZ).date().isoformat(),
            case.delivered_on.isoformat() if case.delivered_on else "", appealed, "已撤销" if case.revoked else "有效",
            case.revoked_reason,
        ])
    return csv_bytes(header, rows)


def official_ledger_csv(year: int, **filters: int | None) -> bytes:
    """The yearly summary per official (counts and what they mean for the rating) as CSV."""
    header = ["姓名", "所在部门", "窗口", "诫勉教育", "效能告诫", "已撤销", "上年度效能告诫", "年度考评", "依据"]
    rows = [
        [r.official.name, r.official.department.name if r.official.department else "",
         r.official.window.name if r.official.window else "", r.jiemian, r.warnings, r.revoked,
         r.warnings_last_year, r.consequence.rating, "；".join(r.consequence.reasons)]
        for r in official_ledger(year, **filters)
    ]
    return csv_bytes(header, rows)
