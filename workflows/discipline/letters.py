"""The letters as PDF: 《诫勉教育书》, 《效能告诫书》 and 《申辩答复书》.

Font, styles and frame are shared (workflows.runtime.letter_pdf). Rendering is
pure (content in, bytes out); the caller stores the bytes once with their hash and never renders
an issued letter again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from workflows.runtime.letter_pdf import (
    BODY,
    PLAIN,
    SMALL,
    chinese_date,
    letter_head,
    pdf_document,
    sentence,
    signature,
)


@dataclass(frozen=True)
class SanctionLetterContent:
    kind: str  # 诫勉教育书 | 效能告诫书
    number: str
    issued_on: date
    centre: str
    rule_book: str
    addressee: str  # 李四（县市场监督管理局 企业登记窗口）
    to_window: bool
    facts: str
    violation: str  # 《…实施细则》第五条第（十五）项“…”所列情形
    measure: str
    issuing_body: str
    copy_to: str  # 抄送


@dataclass(frozen=True)
class ReplyLetterContent:
    number: str
    issued_on: date
    centre: str
    addressee: str
    appeal_received_on: date
    sanction_kind: str
    sanction_number: str
    measure: str
    revoked: bool
    reasons: str
    issuing_body: str


def render_sanction_letter(content: SanctionLetterContent) -> bytes:
    you = "你窗口" if content.to_window else "你"
    paragraphs = [
        f"经查，{sentence(content.facts)}",
        f"上述行为属于{content.violation}。根据《{content.rule_book}》第四条、第七条的规定，"
        f"决定给予{you}{content.measure}。望认真吸取教训，切实改进作风，提高效能。",
        f"如对本决定不服，可自收到本书之日起五个工作日内向{content.issuing_body}提出书面申辩。"
        "申辩期间不停止本决定的执行。",
    ]
    flowables = [
        *letter_head(content.centre, content.kind, content.number),
        Paragraph(escape(f"{content.addressee}："), PLAIN),
        *(Paragraph(escape(p), BODY) for p in paragraphs),
        *signature(content.issuing_body, content.issued_on),
        Spacer(1, 12 * mm),
        Paragraph(escape(f"抄送：{content.copy_to}"), SMALL),
    ]
    return pdf_document(f"{content.kind} {content.number}", content.issuing_body, flowables)


def render_reply_letter(content: ReplyLetterContent) -> bytes:
    if content.revoked:
        outcome = f"撤销原{content.measure}决定，该{content.measure}不再计入年度考评。"
    else:
        outcome = f"维持原{content.measure}决定，原决定继续执行。"
    paragraphs = [
        f"你于{chinese_date(content.appeal_received_on)}对《{content.sanction_kind}》（{content.sanction_number}）"
        "提出的书面申辩收悉。经复核，决定如下：",
        outcome,
        f"理由：{sentence(content.reasons)}",
    ]
    flowables = [
        *letter_head(content.centre, "申辩答复书", content.number),
        Paragraph(escape(f"{content.addressee}："), PLAIN),
        *(Paragraph(escape(p), BODY) for p in paragraphs),
        *signature(content.issuing_body, content.issued_on),
    ]
    return pdf_document(f"申辩答复书 {content.number}", content.issuing_body, flowables)
