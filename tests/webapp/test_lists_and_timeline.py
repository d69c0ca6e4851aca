"""我发起的, the lists' business-field filters and Excel exports, the case page's progress timeline and the 审批单
(issue 10 items 12, 13 and 15).

A leave filed by 李四 (lisi) is decided by 李红梅 (lifzr): lisi started it, lifzr worked on it, anyone else may
not see it (404 on the case page and the 审批单), the centre office sees every case.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from engine.clock import CENTRE_TZ
from workflows.runtime import audit, list_export
from workflows.runtime.clock import now
from workflows.runtime.models import HumanTask, ProcessInstance
from workflows.runtime.selectors import started_instances
from workflows.runtime.services.sweep import fire_due_timers
from workflows.runtime.services.transitions import complete_task
from workflows.runtime.timeline import case_timeline


def _sheet(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    return [tuple(cell for cell in row) for row in sheet.iter_rows(values_only=True)]


def _bulk_cases(definition, official, n: int, prefix: str = "S") -> list[ProcessInstance]:
    """n cases the official started, each with one open step offered to nobody in particular."""
    start = now() - timedelta(days=10)
    cases = ProcessInstance.objects.bulk_create(
        ProcessInstance(definition=definition, business_key=f"{prefix}{i:03d}", state={"big": "x" * 100},
                        started_at=start + timedelta(minutes=i), applicant=official, started_by=official)
        for i in range(n))
    HumanTask.objects.bulk_create(
        HumanTask(instance=case, engine_task_id=f"t{i}", spec_name="approve", title=f"审批{i}", form="approval",
                  role="window_head", scope="centre", created_at=case.started_at, case_number=case.business_key,
                  process_key=definition.key, due_at=now() + timedelta(days=2), assignee=official)
        for i, case in enumerate(cases))
    return cases


@pytest.fixture
def decided_leave(file_leave, official, now):
    """lisi's leave, approved by lifzr on 11-25 with an opinion; on its first day (12-01) the 销假 step waits for
    lisi."""
    leave = file_leave("lisi", date(2026, 12, 1), date(2026, 12, 1))
    task = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    complete_task(task.pk, official("lifzr"), {"decision": "approve", "comment": "同意，注意安全"})
    now.set(datetime(2026, 12, 1, 8, 0, tzinfo=CENTRE_TZ))
    fire_due_timers()
    return leave


# 我发起的

def test_started_list_shows_my_cases_with_their_current_step_holder_and_status(login, file_leave):
    leave = file_leave("lisi")
    html = login("lisi").get(reverse("started_list")).content.decode()
    assert leave.instance.business_key in html
    step = HumanTask.objects.get(instance=leave.instance, state=HumanTask.OPEN)
    assert step.title in html
    holders = [step.assignee.name] if step.assignee else [c.name for c in step.candidates.all()]
    assert holders and all(name in html for name in holders)
    assert "运行中" in html
    assert reverse("case", args=[leave.instance.pk]) in html
    # somebody else's 我发起的 does not list it
    assert leave.instance.business_key not in login("zhangsan").get(reverse("started_list")).content.decode()


def test_started_list_filters_by_case_number_process_status_and_dates(login, file_leave, leave_definition):
    leave = file_leave("lisi")
    key = leave.instance.business_key
    client = login("lisi")

    def shown(**params) -> bool:
        return key in client.get(reverse("started_list"), params).content.decode()

    assert shown(q=key) and not shown(q="NO-SUCH-NUMBER")
    assert shown(q="李四")  # the applicant's name
    assert shown(process=leave_definition.key)
    assert shown(status="running") and not shown(status="completed")
    assert shown(date_from="2026-11-25", date_to="2026-11-25")
    assert not shown(date_from="2026-11-26") and not shown(date_to="2026-11-24")


def test_a_date_typed_wrong_is_named_in_chinese_and_the_list_still_shows(login, file_leave):
    leave = file_leave("lisi")
    response = login("lisi").get(reverse("started_list"), {"date_from": "2026-13-45"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "输入一个有效的日期" in html
    assert leave.instance.business_key in html


def test_started_list_costs_the_same_queries_for_5_and_60_cases_and_pages_by_cursor(login, leave_definition,
                                                                                      official):
    client = login("lisi")
    _bulk_cases(leave_definition, official("lisi"), 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("started_list")).status_code == 200
    _bulk_cases(leave_definition, official("lisi"), 55, prefix="T")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("started_list"))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert not [q for q in many.captured_queries if '"runtime_processinstance"."state"' in q["sql"]]
    html = response.content.decode()
    assert "cursor=" in html and "T054" in html and "S000" not in html  # newest first, 20 a page


# the inbox's date range

def test_done_tab_filters_by_the_day_a_task_was_completed(login, decided_leave, now):
    client = login("lifzr")

    def done(**params) -> str:
        return client.get(reverse("inbox"), {"tab": "done", **params}).content.decode()

    number = decided_leave.instance.business_key
    assert number in done(date_from="2026-11-25", date_to="2026-11-25")
    assert number not in done(date_from="2026-11-26")
    assert number not in done(date_to="2026-11-24")


def test_my_tasks_filter_by_the_day_the_task_arrived(login, decided_leave):
    client = login("lisi")
    number = decided_leave.instance.business_key
    html = client.get(reverse("inbox"), {"tab": "mine", "date_from": "2026-12-01"}).content.decode()
    assert number in html
    assert "请销假审批 · 2026-12-01 08:00" in html  # the row names its process and when the task arrived
    assert number not in client.get(reverse("inbox"), {"tab": "mine", "date_from": "2026-12-02"}).content.decode()
    assert number not in client.get(reverse("inbox"), {"tab": "mine", "date_to": "2026-11-30"}).content.decode()


# Excel exports

def test_done_tab_exports_to_excel_with_its_filters(login, decided_leave):
    rows = _sheet(login("lifzr").get(reverse("inbox_xlsx"), {"tab": "done", "q": decided_leave.instance.business_key}))
    assert rows[0] == tuple(list_export.TASK_HEADER)
    assert len(rows) == 2
    task = HumanTask.objects.get(instance=decided_leave.instance, state=HumanTask.COMPLETED)
    assert rows[1][0] == task.title and rows[1][1] == decided_leave.instance.business_key
    assert rows[1][3] == "李四" and rows[1][8] == "李红梅" and rows[1][9] == "同意"
    assert len(_sheet(login("lifzr").get(reverse("inbox_xlsx"), {"tab": "done", "q": "NOPE"}))) == 1


def test_started_export_neutralises_formulas_and_says_when_it_stops_at_its_limit(login, leave_definition, official,
                                                                                 monkeypatch):
    cases = _bulk_cases(leave_definition, official("lisi"), 4)
    ProcessInstance.objects.filter(pk=cases[0].pk).update(business_key="=HYPERLINK(\"x\")")
    rows = _sheet(login("lisi").get(reverse("started_xlsx")))
    assert rows[0] == tuple(list_export.CASE_HEADER)
    assert len(rows) == 5
    assert "'=HYPERLINK(\"x\")" in [row[0] for row in rows]
    assert rows[1][6] == "审批3" and rows[1][7] == "李四" and rows[1][5] == "运行中"
    monkeypatch.setattr(list_export, "EXPORT_LIMIT", 2)
    rows = _sheet(login("lisi").get(reverse("started_xlsx")))
    assert len(rows) == 4 and "仅导出前 2 条" in rows[-1][0]


def test_my_tasks_export_never_lists_another_officials_tasks(login, decided_leave):
    rows = _sheet(login("zhangsan").get(reverse("inbox_xlsx"), {"tab": "mine"}))
    assert decided_leave.instance.business_key not in [row[1] for row in rows]


# the progress timeline

def test_case_page_shows_the_timeline_steps_who_when_opinion_and_the_waiting_step(login, decided_leave, now):
    instance = decided_leave.instance
    waiting = HumanTask.objects.get(instance=instance, state=HumanTask.OPEN)
    audit.record("leave_report_back_reminded", instance=instance, task=waiting, message="请按时销假")
    html = login("lisi").get(reverse("case", args=[instance.pk])).content.decode()
    assert 'class="timeline"' in html
    assert "李红梅" in html and "同意，注意安全" in html and "2026-11-25 09:00" in html
    assert waiting.title in html and "等待" in html
    assert "about-time" in html and "请按时销假" in html  # the reminder, marked
    assert reverse("approval_sheet", args=[instance.pk]) in html


def test_the_timeline_orders_steps_and_events_and_reads_in_three_queries(decided_leave, file_leave, now):
    instance = decided_leave.instance
    with CaptureQueriesContext(connection) as captured:
        entries = case_timeline(instance)
    assert len(captured.captured_queries) == 3
    kinds = [(entry.kind, entry.task.state if entry.kind == "step" else entry.event.action) for entry in entries]
    assert kinds[0] == ("event", "instance_started")
    steps = [entry for entry in entries if entry.kind == "step"]
    assert [step.task.state for step in steps] == ["completed", "open"]
    assert steps[0].opinion == "同意，注意安全" and steps[1].holders
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)
    # a bigger case costs the same three queries
    for _ in range(5):
        audit.record("timers_fired", instance=instance, message="到期")
    with CaptureQueriesContext(connection) as captured:
        case_timeline(instance)
    assert len(captured.captured_queries) == 3


def test_task_and_leave_pages_show_the_timeline(login, decided_leave):
    waiting = HumanTask.objects.get(instance=decided_leave.instance, state=HumanTask.OPEN)
    client = login("lisi")
    assert "同意，注意安全" in client.get(reverse("task", args=[waiting.pk])).content.decode()
    assert 'class="timeline"' in client.get(f"/leave/{decided_leave.pk}/").content.decode()


# the 审批单 and who may see a case

def test_approval_sheet_lists_each_step_with_approver_time_and_opinion(login, decided_leave):
    instance = decided_leave.instance
    html = login("lisi").get(reverse("approval_sheet", args=[instance.pk])).content.decode()
    assert "审批单" in html and "@media print" in html
    assert instance.definition.name in html and instance.business_key in html and "李四" in html
    assert "李红梅" in html and "2026-11-25 09:00" in html and "同意，注意安全" in html


def test_approval_sheet_pdf_reads_back_with_each_step(login, decided_leave):
    instance = decided_leave.instance
    response = login("lisi").get(reverse("approval_sheet_pdf", args=[instance.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    text = "".join(text.split())  # table cells wrap
    for expected in ("审批单", instance.business_key, "李四", "审批请假李红梅2026-11-2509:00同意同意，注意安全",
                     "销假李四—待办理"):
        assert expected in text, expected


def test_started_list_indexes_exist_and_postgresql_takes_them(official):
    with connection.cursor() as cursor:
        names = set(connection.introspection.get_constraints(cursor, "runtime_processinstance"))
    assert {"instance_started_by", "instance_applicant"} <= names
    if connection.vendor != "postgresql":
        return
    sql, params = started_instances(official("lisi")).values("id")[:20].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test table is nearly empty
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "instance_started_by" in plan and "instance_applicant" in plan, plan


@pytest.mark.parametrize("page", ["case", "approval_sheet", "approval_sheet_pdf"])
def test_someone_outside_the_case_gets_404_and_the_centre_office_sees_it(login, decided_leave, page):
    url = reverse(page, args=[decided_leave.instance.pk])
    assert login("zhangsan").get(url).status_code == 404
    assert login("lifzr").get(url).status_code == 200  # worked on it
    assert login("zhaobgs").get(url).status_code == 200  # centre office
    assert login("lisi").get(reverse(page, args=[999999])).status_code == 404


# the same filters through the API

def test_api_lists_my_started_cases_and_filters_tasks_and_cases_by_dates(login, decided_leave):
    number = decided_leave.instance.business_key
    lisi, office = login("lisi"), login("zhaobgs")
    assert [c["business_key"] for c in lisi.get("/api/instances/", {"started_by_me": "true"}).json()["results"]] \
        == [number]
    assert office.get("/api/instances/", {"started_by_me": "true"}).json()["results"] == []  # sees all, started none
    assert len(office.get("/api/instances/", {"started_from": "2026-11-25"}).json()["results"]) == 1
    assert office.get("/api/instances/", {"started_from": "2026-11-26"}).json()["results"] == []
    assert office.get("/api/instances/", {"started_to": "2026-11-24"}).json()["results"] == []
    done = login("lifzr")
    assert [t["case_number"] for t in done.get("/api/tasks/", {"view": "done", "date_from": "2026-11-25"})
            .json()["results"]] == [number]
    assert done.get("/api/tasks/", {"view": "done", "date_to": "2026-11-24"}).json()["results"] == []
    refused = done.get("/api/tasks/", {"view": "done", "date_from": "2026-02-30"})
    assert refused.status_code == 400 and "日期" in str(refused.json()["date_from"])


def test_who_started_a_case_for_someone_else_sees_it_in_the_list_and_on_its_page(login, leave_definition, official):
    """A window official receives an application (started_by, no step of theirs): it is in 我发起的, and its page,
    timeline and 审批单 open for them; still 404 for anyone else."""
    case = ProcessInstance.objects.create(definition=leave_definition, business_key="SJ-0001", state={},
                                          started_at=now(), started_by=official("zhangsan"))
    window = login("zhangsan")
    assert "SJ-0001" in window.get(reverse("started_list")).content.decode()
    for page in ("case", "approval_sheet", "approval_sheet_pdf"):
        assert window.get(reverse(page, args=[case.pk])).status_code == 200
        assert login("lisi").get(reverse(page, args=[case.pk])).status_code == 404
    assert [c["business_key"] for c in window.get("/api/instances/").json()["results"]] == ["SJ-0001"]
