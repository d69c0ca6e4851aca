"""GET /api/applications/ and /api/applications/<number>/: read-only, for officials, under the same access rule as
the pages (another department's case is 404), late first, with each case's time and current holders, in the same
number of queries whatever the page's size."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

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
from workflows.applications.models import Application, Rating

RECEIVED = datetime(2026, 11, 20, 10, 0, tzinfo=CENTRE_TZ)
LIST = "/api/applications/"


@pytest.fixture
def api(centre):
    def make(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(centre[username].user)
        return client

    return make


@pytest.fixture
def cases(centre):
    catalogue = items()
    instance = application_instance("N-SOON", RECEIVED)
    soon = make_case("N-SOON", catalogue["CN-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 27)),
                     instance=instance, missing=("食品安全管理人员名单",))
    open_task(instance, "承诺件审查决定", RECEIVED, assignee=centre["chensx"], holders=(centre["chensx"],))
    make_case("N-LATE", catalogue["CN-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 24)))
    paused = make_case("N-PAUSED", catalogue["CN-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 12, 1)))
    pause(paused, datetime(2026, 11, 23, 9, 0, tzinfo=CENTRE_TZ), "上报审批")
    done = make_case("N-DONE", catalogue["CN-002"], centre["lisi"], RECEIVED, status=Application.ISSUED,
                     due_at=close_of(date(2026, 11, 20)))
    Rating.objects.create(application=done, score=5, rated_at=RECEIVED)
    joint = make_case("N-JOINT", catalogue["LB-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 12, 1)))
    ask_co_department(joint, department("县公安局"), RECEIVED, close_of(date(2026, 11, 26)))
    make_case("N-PASS", catalogue["CN-001"], centre["zhengshi"], RECEIVED, due_at=close_of(date(2026, 11, 30)))
    return soon


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def test_the_list_is_late_first_with_time_and_holders(api, cases):
    body = api("lisi").get(LIST).json()
    assert [row["number"] for row in body["results"]] == ["N-LATE", "N-SOON", "N-JOINT", "N-PAUSED", "N-DONE"]
    rows = {row["number"]: row for row in body["results"]}
    assert rows["N-LATE"]["time"] == {"due_at": "2026-11-24T23:59:59+08:00", "days_left": -1, "overdue": True,
                                      "paused": False, "pause_reason": ""}
    assert rows["N-SOON"]["time"]["days_left"] == 2
    assert rows["N-SOON"]["current_steps"] == [{"title": "承诺件审查决定", "names": ["陈首席"]}]
    assert rows["N-PAUSED"]["time"] == {"due_at": None, "days_left": None, "overdue": False, "paused": True,
                                        "pause_reason": "上报审批"}
    assert rows["N-DONE"]["time"]["overdue"] is False and rows["N-DONE"]["time"]["days_left"] is None
    assert "N-PASS" not in rows  # 公安局's own case


def test_filters_status_department_kind_and_overdue(api, cases):
    office = api("zhaobgs")
    police = department("县公安局")
    assert _numbers(office.get(LIST, {"status": "paused"})) == ["N-PAUSED"]
    assert _numbers(office.get(LIST, {"department": police.pk})) == ["N-PASS"]
    assert _numbers(office.get(LIST, {"kind": "joint"})) == ["N-JOINT"]
    assert _numbers(office.get(LIST, {"overdue": "true"})) == ["N-LATE"]
    assert "N-LATE" not in _numbers(office.get(LIST, {"overdue": "false"}))
    bad = office.get(LIST, {"status": "nonsense"})
    assert bad.status_code == 400


def test_the_detail_by_number_has_materials_reviews_clock_and_rating(api, cases):
    body = api("lisi").get(f"{LIST}N-SOON/").json()
    assert body["number"] == "N-SOON" and body["item"]["code"] == "CN-002"
    assert {"name": "食品安全管理人员名单", "is_main": False, "received_at": None} in body["materials"]
    assert [entry["kind"] for entry in body["clock"]] == ["accepted"]
    assert body["rating"] is None and body["time"]["days_left"] == 2
    joint = api("zhengshi").get(f"{LIST}N-JOINT/").json()
    assert [(r["department"]["name"], r["answer"]) for r in joint["co_reviews"]] == [("县公安局", "")]
    assert api("lisi").get(f"{LIST}N-DONE/").json()["rating"]["score_label"] == "非常满意"


def test_another_departments_case_is_404_and_non_officials_are_refused(api, cases, centre):
    assert api("zhaoliu").get(f"{LIST}N-SOON/").status_code == 404
    assert api("zhaoliu").get(LIST).json()["results"] == []
    assert api("lisi").get(f"{LIST}N-PASS/").status_code == 404
    assert api("lisi").get(f"{LIST}NO-SUCH/").status_code == 404
    stranger = get_user_model().objects.create_user("stranger", password="x")
    client = APIClient()
    client.force_authenticate(stranger)
    assert client.get(LIST).status_code == 403
    assert APIClient().get(LIST).status_code in (401, 403)


def test_a_list_page_costs_the_same_queries_for_5_and_25_cases(api, cases, centre):
    client = api("zhaobgs")

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured.captured_queries)

    few = count()
    for i in range(20):
        instance = application_instance(f"M-{i}", RECEIVED)
        make_case(f"M-{i}", items()["CN-002"], centre["lisi"], RECEIVED, due_at=close_of(date(2026, 11, 30)),
                  instance=instance)
        open_task(instance, "审查", RECEIVED, holders=(centre["chensx"], centre["zhangsan"]))
    assert count() == few
