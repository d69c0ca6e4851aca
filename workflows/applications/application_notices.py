"""The written notices of an application, rendered once and stored with their SHA-256 (ApplicationNotice).

受理通知书 (the due date in working days, 限时办结制), 补正材料通知书 (every missing material at once, 一次性告知制;
seed 001 窗口服务制度 10), 上报件通知书 (第十一条(六)), 延期办理告知书 (限时办结制 三: the reason told to the
applicant), 办结通知书 / 不予许可决定书 (综合窗口出件). Each is laid out with the shared letter parts
(workflows.runtime.letter_pdf) and never rendered again after it was issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab.platypus import Paragraph

from engine.clock import CENTRE_TZ
from workflows.applications.models import Application, ApplicationNotice
from workflows.runtime.clock import now
from workflows.runtime.letter_pdf import BODY, PLAIN, chinese_date, letter_head, pdf_document, signature, stored_pdf

ACCEPTANCE = "受理通知书"
SUPPLEMENT = "补正材料通知书"
REPORTED = "上报件通知书"
EXTENSION = "延期办理告知书"
COMPLETION = "办结通知书"
NOT_APPROVED = "不予许可决定书"

_WORD = {ACCEPTANCE: "受", SUPPLEMENT: "补", REPORTED: "报", EXTENSION: "延", COMPLETION: "结", NOT_APPROVED: "否"}


def issue_notice(application: Application, kind: str, paragraphs: Sequence[str]) -> ApplicationNotice:
    """Render the notice to the applicant and store it once, numbered within the case."""
    issued_at = now()
    sequence = application.notices.count() + 1
    number = (f"{settings.GOVFLOW_CENTRE_NAME} {_WORD[kind]}字〔{issued_at.astimezone(CENTRE_TZ).year}〕"
              f"第{application.number}-{sequence}号")
    flowables = [
        *letter_head(settings.GOVFLOW_CENTRE_NAME, kind, number),
        Paragraph(escape(f"{application.applicant}："), PLAIN),
        *(Paragraph(escape(p), BODY) for p in paragraphs),
        *signature(settings.GOVFLOW_CENTRE_NAME, issued_at.astimezone(CENTRE_TZ).date()),
    ]
    pdf = pdf_document(f"{kind} {number}", settings.GOVFLOW_CENTRE_NAME, flowables)
    file, sha256 = stored_pdf(pdf, f"application-{application.number}-{sequence}.pdf")
    return ApplicationNotice.objects.create(application=application, kind=kind, number=number, issued_at=issued_at,
                                            file=file, sha256=sha256)


def matter_line(application: Application) -> str:
    return (f"你（单位）于{chinese_date(application.received_at.astimezone(CENTRE_TZ).date())}申请办理的"
            f"“{application.item}”事项（办件编号 {application.number}）")


def due_line(application: Application) -> str:
    if application.due_at is None:
        return ""
    day = application.due_at.astimezone(CENTRE_TZ).date()
    promised = application.clock_entries.filter(kind="accepted").values_list("days", flat=True).first() or 0
    if promised == 0:
        return f"本事项为即办件，当场办结，办理时限至{chinese_date(day)}。"
    return (f"承诺办理时限为{promised}个工作日（不含补正材料、上报审批和特别程序所需时间），"
            f"将于{chinese_date(day)}前办结。")
