"""The board of open applications and the department list: late first, paused marked, days left counted on the
calendar, who holds the current step, filters, one access rule, and a page that costs the same queries for 3 rows
as for 30 (限时办结制; 管理暂行办法 第十二条)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from engine.clock import CENTRE_TZ
from tests.application_rows import (
    application_instance,
    ask_co_department,
    close_of,
    department,
    items,
    make_case,
    open_task,
    pause,
)
from workflows.applications.models import Application

# tests/webapp/conftest.py freezes the clock at Wednesday 2026-11-25 09:00; 11-26 Thu, 11-27 Fri, 11-30 Mon.
RECEIVED = datetime(2026, 11, 20, 10, 0, tzinfo=CENTRE_TZ)  # a Friday


@pytest.fixture
def catalogue(centre):
    return items()


def _numbers(response) -> list[str]:
    return [row.application.number for row, _ in response.context["rows"]]


def test_late_cases_come_first_then_by_due_date_and_paused_ones_are_marked(client_of, centre, catalogue):
    food = catalogue["CN-002"]  # 县市场监督管理局, lisi's department
    make_case("A-LATER", food, centre["lisi"], RECEIVED, due_at=close_of(date(2026, 12, 1)))
    make_case("A-SOON", food, centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 27)))
    make_case("A-LATE1", food, centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 24)))
    make_case("A-LATE3", food, centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 20)))
    paused = make_case("A-PAUSED", food, centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 30)))
    pause(paused, datetime(2026, 11, 24, 15, 0, tzinfo=CENTRE_TZ), "补正材料")
    make_case("A-ISSUED", food, centre["lisi"], RECEIVED, status=Application.ISSUED,
              due_at=close_of(date(2026, 11, 20)))

    response = client_of("lisi").get(reverse("application_board"))

    assert response.status_code == 200
    assert _numbers(response) == ["A-LATE3", "A-LATE1", "A-SOON", "A-LATER", "A-PAUSED"]
    times = {row.application.number: (row.time.days_left, row.time.overdue, row.time.paused, due.label)
             for row, due in response.context["rows"]}
    assert times["A-LATE3"] == (-3, True, False, "已逾期3个工作日")
    assert times["A-LATE1"] == (-1, True, False, "已逾期1个工作日")
    assert times["A-SOON"] == (2, False, False, "剩余2个工作日")
    assert times["A-PAUSED"][:3] == (None, False, True)
    page = response.content.decode()
    assert "暂停计时" in page and "补正材料" in page
    assert page.count('class="overdue') == 2 + 1  # two late rows, and the department's line in the summary


def test_a_case_found_late_stays_late_while_paused(client_of, centre, catalogue):
    case = make_case("A-1", catalogue["CN-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 23)),
                     overdue_since=close_of(date(2026, 11, 23)) + timedelta(seconds=1))
    pause(case, datetime(2026, 11, 24, 10, 0, tzinfo=CENTRE_TZ), "特别程序", date(2026, 12, 4))
    make_case("A-2", catalogue["CN-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 26)))

    rows = client_of("lisi").get(reverse("application_board")).context["rows"]

    assert [(row.application.number, row.time.overdue, row.time.paused) for row, _ in rows] == [
        ("A-1", True, True), ("A-2", False, False)]


def test_the_board_names_who_holds_the_current_step(client_of, centre, catalogue):
    instance = application_instance("A-1", RECEIVED)
    make_case("A-1", catalogue["CN-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 27)),
              instance=instance)
    open_task(instance, "承诺件审查决定", RECEIVED, holders=(centre["chensx"], centre["zhangsan"]))
    open_task(instance, "联办部门意见", RECEIVED, assignee=centre["zhengshi"], holders=(centre["zhengshi"],),
              process_key="joint_review")
    open_task(instance, "别的流程的任务", RECEIVED, assignee=centre["wangwu"], process_key="leave_approval")

    row, _ = client_of("zhaobgs").get(reverse("application_board")).context["rows"][0]

    assert [(h.title, h.names) for h in row.holders] == [
        ("承诺件审查决定", ("张三", "陈首席")), ("联办部门意见", ("郑十",))]


def test_filters_by_department_kind_and_late_only(client_of, centre, catalogue):
    make_case("F-FOOD", catalogue["CN-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 27)))
    make_case("F-LATE", catalogue["CN-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 24)))
    make_case("F-PASS", catalogue["CN-001"], centre["zhengshi"], RECEIVED, due_at=close_of(date(2026, 11, 30)))
    make_case("F-JOINT", catalogue["LB-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 30)))
    office = client_of("zhaobgs")
    police = department("县公安局")

    assert _numbers(office.get(reverse("application_board"))) == ["F-LATE", "F-FOOD", "F-PASS", "F-JOINT"]
    assert _numbers(office.get(reverse("application_board"), {"department": police.pk})) == ["F-PASS"]
    assert _numbers(office.get(reverse("application_board"), {"kind": "joint"})) == ["F-JOINT"]
    assert _numbers(office.get(reverse("application_board"), {"overdue": "on"})) == ["F-LATE"]
    # A filter value that is no department or kind is dropped, not a 500.
    assert office.get(reverse("application_board"), {"department": "x", "kind": "nonsense"}).status_code == 200
    counts = {row["department__name"]: (row["open"], row["late"])
              for row in office.get(reverse("application_board")).context["departments"]}
    assert counts == {"县市场监督管理局": (3, 1), "县公安局": (1, 0)}


def test_each_official_sees_their_departments_cases_and_the_centre_sees_all(client_of, centre, catalogue):
    make_case("V-FOOD", catalogue["CN-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 27)))
    joint = make_case("V-JOINT", catalogue["LB-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 30)))
    ask_co_department(joint, department("县公安局"), RECEIVED, close_of(date(2026, 11, 26)))
    make_case("V-PASS", catalogue["CN-001"], centre["zhengshi"], RECEIVED, due_at=close_of(date(2026, 12, 1)))

    def seen(username: str) -> set[str]:
        return set(_numbers(client_of(username).get(reverse("application_board"))))

    assert seen("lisi") == {"V-FOOD", "V-JOINT"}
    assert seen("zhengshi") == {"V-JOINT", "V-PASS"}  # 公安局: its own case and the one it is asked about
    assert seen("zhaoliu") == set()  # 人社局
    assert seen("zhaobgs") == seen("wangzr") == seen("admin") == {"V-FOOD", "V-JOINT", "V-PASS"}
    response = client_of("zhaoliu").get(reverse("application_board"))
    assert "没有符合条件的在办件" in response.content.decode()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _many(centre, catalogue, start: int, n: int) -> None:
    """n cases of 县市场监督管理局 with a task each, every third paused, every other one joint, asking 县公安局."""
    for i in range(start, start + n):
        instance = application_instance(f"Q-{i}", RECEIVED)
        item = catalogue["LB-002"] if i % 2 else catalogue["CN-002"]
        case = make_case(f"Q-{i}", item, centre["lisi"], RECEIVED,
                         due_at=close_of(date(2026, 11, 20) + timedelta(days=i % 12)), instance=instance)
        if i % 2:
            ask_co_department(case, department("县公安局"), RECEIVED, close_of(date(2026, 11, 26)))
        open_task(instance, "审查", RECEIVED, holders=(centre["chensx"],), assignee=centre["lisi"] if i % 2 else None)
        if i % 3 == 0:
            pause(case, datetime(2026, 11, 24, 9, 0, tzinfo=CENTRE_TZ), "上报审批")


@pytest.mark.parametrize(("username", "url"), [
    ("lisi", "/applications/board/"), ("zhaobgs", "/applications/board/"), ("lisi", "/applications/department/"),
    ("zhengshi", "/applications/department/?tab=co"),
])
def test_a_page_costs_the_same_queries_for_3_and_20_rows(client_of, centre, catalogue, username, url):
    client = client_of(username)
    _many(centre, catalogue, 0, 3)
    few = _queries(client, url)
    _many(centre, catalogue, 3, 17)
    assert _queries(client, url) == few
    assert len(client.get(url).context["rows"]) >= 10


def test_the_department_list_shows_what_waits_on_my_department(client_of, centre, catalogue):
    make_case("D-MINE", catalogue["CN-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 27)))
    make_case("D-DECIDED", catalogue["CN-002"], centre["lisi"], RECEIVED, status=Application.DECIDED,
              due_at=close_of(date(2026, 11, 27)))
    make_case("D-WAITS-APPLICANT", catalogue["CN-002"], centre["lisi"], RECEIVED,
              status=Application.AWAITING_MATERIALS, missing=("食品安全管理制度目录",))
    joint = make_case("D-JOINT", catalogue["LB-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 12, 1)))
    ask_co_department(joint, department("县公安局"), RECEIVED, close_of(date(2026, 11, 24)))
    ask_co_department(joint, department("县税务局"), RECEIVED, close_of(date(2026, 11, 24)), answer="agreed")

    lead = client_of("lisi").get(reverse("department_applications"))
    assert [case.number for case, *_ in lead.context["rows"]] == ["D-MINE", "D-DECIDED", "D-JOINT"]
    assert (lead.context["lead_count"], lead.context["co_count"]) == (3, 0)

    police = client_of("zhengshi").get(reverse("department_applications"), {"tab": "co"})
    [(case, time, due, review)] = police.context["rows"]
    assert case.number == "D-JOINT" and review.department.name == "县公安局"
    assert (time.days_left, time.overdue, due.label) == (-1, True, "已逾期1个工作日")
    tax = client_of("chushisan").get(reverse("department_applications"), {"tab": "co"})
    assert tax.context["rows"] == []  # 税务局 answered

    nobody = client_of("zhaobgs").get(reverse("department_applications"))
    assert nobody.status_code == 200 and "不属于任何部门" in nobody.content.decode()


def test_board_and_department_list_are_in_the_menu(client_of):
    page = client_of("lisi").get(reverse("inbox")).content.decode()
    assert reverse("application_board") in page and reverse("department_applications") in page
    office = client_of("zhaobgs").get(reverse("inbox")).content.decode()
    assert reverse("application_board") in office and reverse("department_applications") not in office


def test_the_board_needs_a_login(client):
    response = client.get(reverse("application_board"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
