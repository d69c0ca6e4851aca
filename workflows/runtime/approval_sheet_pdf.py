"""The 审批单 of a case as a PDF: the case's head (title, number, applicant, department, start) and a table of its
steps with approver, time, result and opinion, in the letters' font and frame (letter_pdf).

Rendered on demand from the task rows and the timeline (workflows/runtime/timeline.py), never stored: it shows the
case as it stands when printed, and says when that was. A letter issued to someone is stored by its family.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from xml.sax.saxutils import escape

from django.core.files.storage import default_storage
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph, Spacer, Table, TableStyle

from workflows.runtime.letter_pdf import FONT, HEAD, SMALL, TITLE, pdf_document
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.registry import labels
from workflows.runtime.timeline import Step

CELL = ParagraphStyle("sheet_cell", parent=SMALL, fontSize=10, leading=14)
HEADER = ["序号", "环节", "审批人", "时间", "结果", "意见"]
WIDTHS = [10 * mm, 30 * mm, 22 * mm, 28 * mm, 18 * mm, 48 * mm]


def _cell(text: str) -> Paragraph:
    return Paragraph(escape(text or "—"), CELL)


def _signed(opinion: str, task: HumanTask) -> Paragraph | list[Flowable]:
    """The opinion, with the signature image the step was completed with beneath it (when it has one and it is
    still stored: a missing file leaves the opinion alone rather than failing the sheet)."""
    if not task.signature_file:
        return _cell(opinion)
    try:
        with default_storage.open(task.signature_file, "rb") as stored:
            image = Image(BytesIO(stored.read()), width=30 * mm, height=12 * mm, kind="proportional")
    except OSError:
        return _cell(opinion)
    return [_cell(opinion), image]


def _time(value: datetime | None, tz) -> str:
    return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""


def _grid(rows: list[list[Paragraph]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), FONT),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def approval_sheet_pdf(centre: str, instance: ProcessInstance, steps: list[Step], printed_at: datetime) -> bytes:
    """The PDF bytes of the sheet."""
    tz = printed_at.tzinfo
    outcomes = labels("outcome")
    head = [[_cell("事项"), _cell(instance.definition.name), _cell("办件编号"), _cell(instance.business_key)],
            [_cell("申请人"), _cell(instance.applicant.name if instance.applicant else ""),
             _cell("部门"), _cell(instance.department.name if instance.department else "")],
            [_cell("发起时间"), _cell(_time(instance.started_at, tz)),
             _cell("状态"), _cell(instance.get_status_display())]]
    rows = [[_cell(text) for text in HEADER]]
    for number, step in enumerate(steps, start=1):
        task = step.task
        if task.state == HumanTask.COMPLETED:
            who, when = (task.completed_by.name if task.completed_by else ""), _time(task.completed_at, tz)
            result, opinion = str(outcomes.get(task.outcome, task.outcome)), _signed(step.opinion, task)
        else:
            who, when, result, opinion = "、".join(step.holders), "", "待办理", _cell("")
        rows.append([_cell(str(number)), _cell(task.title), _cell(who), _cell(when), _cell(result), opinion])
    flowables = [Paragraph(escape(centre), HEAD), Paragraph("审批单", TITLE), Spacer(1, 4 * mm),
                 _grid(head, [24 * mm, 54 * mm, 24 * mm, 54 * mm]), Spacer(1, 6 * mm), _grid(rows, WIDTHS),
                 Spacer(1, 4 * mm), Paragraph(f"打印时间：{_time(printed_at, tz)}", CELL)]
    return pdf_document(f"审批单 {instance.business_key}", centre, flowables)
