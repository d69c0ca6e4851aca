"""The letters as PDF: 《诫勉教育书》, 《效能告诫书》 and 《申辩答复书》.

ReportLab's built-in CID font STSong-Light renders Chinese without any system font. Rendering is
pure (content in, bytes out); the caller stores the bytes once with their hash and never renders
an issued letter again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))

_BODY = ParagraphStyle("body", fontName=FONT, fontSize=14, leading=26, firstLineIndent=28, wordWrap="CJK")
_PLAIN = ParagraphStyle("plain", parent=_BODY, firstLineIndent=0)
_HEAD = ParagraphStyle("head", parent=_PLAIN, fontSize=16, alignment=TA_CENTER)
_TITLE = ParagraphStyle("title", parent=_PLAIN, fontSize=24, leading=40, alignment=TA_CENTER)
_NUMBER = ParagraphStyle("number", parent=_PLAIN, fontSize=12, alignment=TA_CENTER)
_SIGN = ParagraphStyle("sign", parent=_PLAIN, alignment=TA_RIGHT)
_SMALL = ParagraphStyle("small", parent=_PLAIN, fontSize=11, leading=18)


def chinese_date(day: date) -> str:
    """2026年9月25日"""
    return f"{day.year}年{day.month}月{day.day}日"


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith(("。", "！", "？", ".")) else text + "。"


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


def _pdf(title: str, author: str, flowables: list) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=30 * mm,
                                 bottomMargin=25 * mm, title=title, author=author, subject=title)
    document.build(flowables)
    return buffer.getvalue()


def _signature(body: str, day: date) -> list:
    return [Spacer(1, 18 * mm), Paragraph(escape(body), _SIGN), Paragraph(chinese_date(day), _SIGN)]


def render_sanction_letter(content: SanctionLetterContent) -> bytes:
    you = "你窗口" if content.to_window else "你"
    paragraphs = [
        f"经查，{_sentence(content.facts)}",
        f"上述行为属于{content.violation}。根据《{content.rule_book}》第四条、第七条的规定，"
        f"决定给予{you}{content.measure}。望认真吸取教训，切实改进作风，提高效能。",
        f"如对本决定不服，可自收到本书之日起五个工作日内向{content.issuing_body}提出书面申辩。"
        "申辩期间不停止本决定的执行。",
    ]
    flowables = [
        Paragraph(escape(content.centre), _HEAD),
        Paragraph(escape(content.kind), _TITLE),
        Paragraph(escape(content.number), _NUMBER),
        Spacer(1, 8 * mm),
        Paragraph(escape(f"{content.addressee}："), _PLAIN),
        *(Paragraph(escape(p), _BODY) for p in paragraphs),
        *_signature(content.issuing_body, content.issued_on),
        Spacer(1, 12 * mm),
        Paragraph(escape(f"抄送：{content.copy_to}"), _SMALL),
    ]
    return _pdf(f"{content.kind} {content.number}", content.issuing_body, flowables)


def render_reply_letter(content: ReplyLetterContent) -> bytes:
    if content.revoked:
        outcome = f"撤销原{content.measure}决定，该{content.measure}不再计入年度考评。"
    else:
        outcome = f"维持原{content.measure}决定，原决定继续执行。"
    paragraphs = [
        f"你于{chinese_date(content.appeal_received_on)}对《{content.sanction_kind}》（{content.sanction_number}）"
        "提出的书面申辩收悉。经复核，决定如下：",
        outcome,
        f"理由：{_sentence(content.reasons)}",
    ]
    flowables = [
        Paragraph(escape(content.centre), _HEAD),
        Paragraph("申辩答复书", _TITLE),
        Paragraph(escape(content.number), _NUMBER),
        Spacer(1, 8 * mm),
        Paragraph(escape(f"{content.addressee}："), _PLAIN),
        *(Paragraph(escape(p), _BODY) for p in paragraphs),
        *_signature(content.issuing_body, content.issued_on),
    ]
    return _pdf(f"申辩答复书 {content.number}", content.issuing_body, flowables)
