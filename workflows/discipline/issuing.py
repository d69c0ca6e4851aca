"""Issuing a letter: the next number of its kind and year, the PDF, the stored file and its hash.

Numbers run without gaps per kind and year (诫字, 告字, 复字); two cases issuing at the same
moment on PostgreSQL meet at the unique constraint and the later one takes the next number.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max

from engine.clock import CENTRE_TZ
from workflows.discipline.catalogue import citation
from workflows.discipline.letters import (
    ReplyLetterContent,
    SanctionLetterContent,
    render_reply_letter,
    render_sanction_letter,
)
from workflows.discipline.models import Appeal, Letter, SanctionCase
from workflows.discipline.rules import JIEMIAN, WINDOW
from workflows.runtime.clock import now
from workflows.runtime.letter_pdf import stored_pdf

NUMBER_WORDS = {Letter.JIEMIAN_LETTER: "诫字", Letter.WARNING_LETTER: "告字", Letter.REPLY_LETTER: "复字"}
FILE_WORDS = {Letter.JIEMIAN_LETTER: "jiemian", Letter.WARNING_LETTER: "gaojie", Letter.REPLY_LETTER: "reply"}
_ATTEMPTS = 5


def centre_name() -> str:
    return settings.GOVFLOW_CENTRE_NAME


def rule_book() -> str:
    return f"{centre_name()}工作人员诫勉教育和效能告诫实施细则"


def issuing_body(deciding_role: str) -> str:
    """第四条: the efficiency group decides on windows, the centre office on officials."""
    return f"{centre_name()}机关效能建设领导小组" if deciding_role == "efficiency_group" else f"{centre_name()}办公室"


def letter_number(kind: str, year: int, sequence: int) -> str:
    """尼勒克县行政服务中心 诫字〔2026〕第1号"""
    return f"{centre_name()} {NUMBER_WORDS[kind]}〔{year}〕第{sequence}号"


def sanction_letter_kind(measure: str) -> str:
    return Letter.JIEMIAN_LETTER if measure == JIEMIAN else Letter.WARNING_LETTER


def addressee(case: SanctionCase) -> str:
    if case.target_kind == WINDOW:
        return f"{case.department.name}{case.target_window.name}"
    place = " ".join(x.name for x in (case.department, case.target_window) if x is not None)
    return f"{case.target_official.name}（{place}）" if place else case.target_official.name


def violation_text(case: SanctionCase) -> str:
    """How the letter names the breach: the catalogue item, quoted, plus any free text."""
    if case.rule is None:
        return f"其他情形：{case.other_text}"
    quoted = case.rule.text.rstrip("；;。. ")
    text = f"《{rule_book()}》{citation(case.rule.article, case.rule.item)}“{quoted}”所列情形"
    return f"{text}（{case.other_text}）" if case.other_text else text


def _create_next(case: SanctionCase, kind: str, render: Callable[[str], bytes], issued_at) -> Letter:
    year = issued_at.astimezone(CENTRE_TZ).year
    sequence = (Letter.objects.filter(kind=kind, year=year).aggregate(m=Max("sequence"))["m"] or 0) + 1
    number = letter_number(kind, year, sequence)
    file, sha256 = stored_pdf(render(number), f"{case.register_number}-{FILE_WORDS[kind]}.pdf")
    with transaction.atomic():
        return Letter.objects.create(
            case=case, kind=kind, year=year, sequence=sequence, number=number, issued_at=issued_at,
            file=file, sha256=sha256,
        )


def _store(case: SanctionCase, kind: str, render: Callable[[str], bytes]) -> Letter:
    existing = Letter.objects.filter(case=case, kind=kind).first()
    if existing is not None:  # a handler run again must not issue a second letter
        return existing
    issued_at = now()
    for _ in range(_ATTEMPTS - 1):
        try:
            return _create_next(case, kind, render, issued_at)
        except IntegrityError:
            continue  # another case took this number meanwhile: take the next one
    return _create_next(case, kind, render, issued_at)


def issue_sanction_letter(case: SanctionCase) -> Letter:
    """《诫勉教育书》 or 《效能告诫书》 for the decided case."""
    kind = sanction_letter_kind(case.measure)
    department = case.department.name if case.department else ""

    def render(number: str) -> bytes:
        return render_sanction_letter(SanctionLetterContent(
            kind=kind, number=number, issued_on=now().astimezone(CENTRE_TZ).date(), centre=centre_name(),
            rule_book=rule_book(), addressee=addressee(case), to_window=case.target_kind == WINDOW, facts=case.facts,
            violation=violation_text(case), measure=case.measure, issuing_body=issuing_body(case.deciding_role),
            copy_to="；".join(x for x in (department, "县机关效能投诉中心（县效能办）") if x),
        ))

    return _store(case, kind, render)


def issue_reply_letter(case: SanctionCase, appeal: Appeal) -> Letter:
    """《申辩答复书》: the decision on the appeal and its reasons."""

    def render(number: str) -> bytes:
        return render_reply_letter(ReplyLetterContent(
            number=number, issued_on=now().astimezone(CENTRE_TZ).date(), centre=centre_name(),
            addressee=case.respondent.name, appeal_received_on=appeal.received_on,
            sanction_kind=sanction_letter_kind(case.measure), sanction_number=case.number, measure=case.measure,
            revoked=appeal.decision == Appeal.REVOKE, reasons=appeal.reasons,
            issuing_body=issuing_body(case.deciding_role),
        ))

    return _store(case, Letter.REPLY_LETTER, render)
