"""The application process (bpmn/application.bpmn) through the services: intake, acceptance with its notice, each
kind's way of handling, 出件 and the rating."""

from __future__ import annotations

from datetime import datetime

import pytest
from pypdf import PdfReader

from engine.clock import CENTRE_TZ
from tests.workflows.application_steps import all_materials, do, items, open_steps, open_task, usernames  # noqa: F401
from workflows.applications.intake import receive_application
from workflows.applications.models import Application, ClockEntry
from workflows.applications.ratings import rate_application
from workflows.runtime.models import AuditEvent, ProcessInstance


def pdf_text(notice) -> str:
    return "".join(page.extract_text() for page in PdfReader(notice.file.open("rb")).pages).replace("\n", "")


def receive(items, centre, code="CN-002", brought=None, **changes) -> Application:
    item = items[code]
    fields = {"applicant": "伊犁天山餐饮有限公司", "phone": "13899912345", "matter": "新开餐馆"}
    fields.update(changes)
    return receive_application(item.pk, fields["applicant"], fields["phone"], fields["matter"],
                               all_materials(item) if brought is None else brought, centre["lisi"])


def test_a_complete_promised_application_is_accepted_decided_issued_and_rated(items, centre, clock):
    application = receive(items, centre)
    assert application.number == "20261130-0001" and application.status == Application.IN_PROGRESS
    assert application.kind == "promised" and application.department == items["CN-002"].department
    # CN-002 promises 10 working days from Monday 2026-11-30: due Monday 2026-12-14 at the close of the day.
    assert application.due_at.astimezone(CENTRE_TZ).date().isoformat() == "2026-12-14"
    acceptance = application.notices.get(kind="受理通知书")
    text = pdf_text(acceptance)
    assert "20261130-0001" in text and "10个工作日" in text and "2026年12月14日" in text
    assert [e.kind for e in application.clock_entries.all()] == [ClockEntry.ACCEPTED]

    task = open_task(application, "handle_application")
    assert usernames(task) == ["chensx"] and task.due_at == application.due_at
    do(application, "handle_application", centre["chensx"],
       {"action": "decide", "decision": "approved", "opinion": "符合条件，准予许可"})
    assert application.status == Application.DECIDED and application.outcome == Application.APPROVED

    assert "lisi" in usernames(open_task(application, "issue_result"))
    do(application, "issue_result", centre["lisi"], {"handed_over": "on"})
    assert application.status == Application.ISSUED and application.issued_at is not None
    assert "准予许可" in pdf_text(application.notices.get(kind="办结通知书"))

    rating = rate_application(application.number, "138 9991 2345", 5, "很快")
    assert rating.score == 5 and not rating.is_bad
    application.instance.refresh_from_db()
    assert application.instance.status == ProcessInstance.COMPLETED and application.instance.end_event == "rated"
