"""What every official letter PDF shares: the Chinese font, the styles, the date, the document frame.

ReportLab's built-in CID font STSong-Light renders Chinese without any system font. Rendering is pure (content in,
bytes out); each family lays out its own letters with these parts and stores the bytes once with their hash
(`stored_pdf`), so a letter shown years later is the one that was issued, never a new rendering.
"""

from __future__ import annotations

import hashlib
from datetime import date
from io import BytesIO
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

FONT = "STSong-Light"
if FONT not in pdfmetrics.getRegisteredFontNames():
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=14, leading=26, firstLineIndent=28, wordWrap="CJK")
PLAIN = ParagraphStyle("plain", parent=BODY, firstLineIndent=0)
HEAD = ParagraphStyle("head", parent=PLAIN, fontSize=16, alignment=TA_CENTER)
TITLE = ParagraphStyle("title", parent=PLAIN, fontSize=24, leading=40, alignment=TA_CENTER)
NUMBER = ParagraphStyle("number", parent=PLAIN, fontSize=12, alignment=TA_CENTER)
SIGN = ParagraphStyle("sign", parent=PLAIN, alignment=TA_RIGHT)
SMALL = ParagraphStyle("small", parent=PLAIN, fontSize=11, leading=18)


def chinese_date(day: date) -> str:
    """2026年9月25日"""
    return f"{day.year}年{day.month}月{day.day}日"


def sentence(text: str) -> str:
    """The text ending with a full stop, so a typed reason reads as a sentence in the letter."""
    text = text.strip()
    return text if text.endswith(("。", "！", "？", ".")) else text + "。"


def letter_head(centre: str, title: str, number: str) -> list[Flowable]:
    """The centre's name, the letter's title and its number, centred, as every letter opens."""
    return [Paragraph(escape(centre), HEAD), Paragraph(escape(title), TITLE), Paragraph(escape(number), NUMBER),
            Spacer(1, 8 * mm)]


def signature(body: str, day: date) -> list[Flowable]:
    return [Spacer(1, 18 * mm), Paragraph(escape(body), SIGN), Paragraph(chinese_date(day), SIGN)]


def pdf_document(title: str, author: str, flowables: list[Flowable]) -> bytes:
    buffer = BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=28 * mm, rightMargin=26 * mm, topMargin=30 * mm,
                                 bottomMargin=25 * mm, title=title, author=author, subject=title)
    document.build(flowables)
    return buffer.getvalue()


def stored_pdf(pdf: bytes, name: str) -> tuple[ContentFile, str]:
    """The file to save on the letter's row and its SHA-256, the proof that the stored letter is unchanged."""
    return ContentFile(pdf, name=name), hashlib.sha256(pdf).hexdigest()
