"""The written notice of a refusal as PDF: 《不予受理告知书》 or 《驳回件通知书》 (否定报备制, 一次性告知制).

Pure: content in, bytes out. The refusal services store the bytes once with their hash and never render an issued
notice again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.platypus import Paragraph

from workflows.runtime.letter_pdf import BODY, PLAIN, letter_head, pdf_document, sentence, signature


@dataclass(frozen=True)
class RefusalNoticeContent:
    kind: str  # 不予受理告知书 | 驳回件通知书
    number: str
    issued_on: date
    centre: str
    applicant: str
    item: str  # LB-002 企业登记注册
    department: str
    matter: str
    reason: str
    legal_basis: str


def render_refusal_notice(content: RefusalNoticeContent) -> bytes:
    verdict = "决定不予受理" if content.kind == "不予受理告知书" else "决定予以驳回"
    paragraphs = [
        f"你（单位）申请办理的“{content.item}”事项（{sentence(content.matter)}），经{content.department}审查，"
        f"{verdict}。",
        f"理由：{sentence(content.reason)}",
        f"依据：{sentence(content.legal_basis)}",
        "你（单位）提交的申请材料可凭本人有效身份证件领回。如对本决定不服，可依法申请行政复议或者提起行政诉讼。",
    ]
    flowables = [
        *letter_head(content.centre, content.kind, content.number),
        Paragraph(escape(f"{content.applicant}："), PLAIN),
        *(Paragraph(escape(p), BODY) for p in paragraphs),
        *signature(content.centre, content.issued_on),
    ]
    return pdf_document(f"{content.kind} {content.number}", content.centre, flowables)
