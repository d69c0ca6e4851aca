"""Every timeline entry reads as words, not process keys (issue item 3).

The history of a finished leave and of a discipline case, as their pages show it, holds no snake_case
code: actions have labels, the start names the process, the end names the end event.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import workflows
from engine.clock import CENTRE_TZ
from workflows.runtime.models import HumanTask
from workflows.runtime.registry import labels
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task

HISTORY = re.compile(r'<table class="history">(.*?)</table>', re.S)
CODE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b|\bv\d+\b")


def codes_in_history(html: str) -> list[str]:
    histories = HISTORY.findall(html)
    assert histories
    return [code for history in histories for code in CODE.findall(re.sub(r"<[^>]+>", " ", history))]


def test_a_finished_leave_reads_as_words(file_leave, login, now, official):
    leave = file_leave("lisi", date(2026, 12, 1), date(2026, 12, 1))
    complete_task(HumanTask.objects.get(instance=leave.instance).pk, official("lifzr"),
                  {"decision": "approve", "comment": "同意"})
    now.set(datetime(2026, 12, 1, 8, 0, tzinfo=CENTRE_TZ))
    fire_due_timers()
    report_back = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    now.set(datetime(2026, 12, 2, 8, 30, tzinfo=CENTRE_TZ))
    complete_task(report_back.pk, official("lisi"), {"sick_certificate_supplied": False, "comment": "已返岗"})
    leave.instance.refresh_from_db()
    assert leave.instance.status == "completed"
    html = login("lisi").get(f"/leave/{leave.pk}/").content.decode()
    assert codes_in_history(html) == []
    assert "请销假审批（第1版）" in html  # the start names the process
    assert "已销假" in html  # the end names its end event (leave_closed)


def test_a_discipline_case_reads_as_words(delivered_case, login):
    html = login("zhaobgs").get(f"/discipline/cases/{delivered_case.pk}/").content.decode()
    assert codes_in_history(html) == []


def test_every_audit_action_written_anywhere_has_a_label(db):
    action_labels = labels("action")
    written = {
        code
        for path in Path(workflows.__file__).parent.rglob("*.py")
        for code in re.findall(r"""audit\.record\(\s*["']([a-z_]+)["']""", path.read_text("utf-8"))
    }
    assert written and written <= set(action_labels), written - set(action_labels)
