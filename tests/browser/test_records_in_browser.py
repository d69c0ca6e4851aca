"""The defects a new user and a tester found, tried again in a real browser: none can be reproduced."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.clock import CENTRE_TZ
from workflows.discipline.demo import seed_discipline_demo
from workflows.discipline.models import SanctionCase
from workflows.leave.models import LeaveRequest
from workflows.runtime.models import HumanTask

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ)  # a Wednesday


@pytest.fixture
def demo_case(centre, deploy_leave, deploy_discipline, clock) -> SanctionCase:
    """李四's 诫勉 from the demo complaint of 王女士 (13900000000), delivered today."""
    clock.set(NOW)
    deploy_leave("shenxian")
    return seed_discipline_demo()


def test_a_leave_whose_days_have_passed_is_refused_on_the_form(centre, deploy_leave, clock, log_in, live_server):
    clock.set(NOW)
    deploy_leave("shenxian")
    page = log_in("lisi")
    page.goto(f"{live_server.url}/leave/new/")
    page.select_option("select[name=leave_type]", "事假")
    page.fill("input[name=first_day]", "2026-11-23")
    page.fill("input[name=last_day]", "2026-11-23")
    page.fill("textarea[name=reason]", "补请上周一的事假")
    page.click("form.leave-form button[type=submit]")
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/leave/new/"
    assert "2026-11-23" in page.locator(".leave-form").inner_text()
    assert not LeaveRequest.objects.exists()


def test_the_accused_never_sees_who_complained(demo_case, log_in, live_server):
    page = log_in("lisi")
    complaint_steps = HumanTask.objects.filter(instance=demo_case.origin_complaint.instance)
    assert complaint_steps.exists()
    for url in [f"/discipline/cases/{demo_case.pk}/", *(f"/tasks/{t.pk}/" for t in complaint_steps)]:
        page.goto(f"{live_server.url}{url}")
        text = page.locator("main").inner_text()
        assert "王女士" not in text and "13900000000" not in text, url
    office = log_in("zhaobgs")
    office.goto(f"{live_server.url}/tasks/{complaint_steps.first().pk}/")
    assert "王女士" in office.locator("main").inner_text()  # the centre office does see the complainant


def test_waiving_the_appeal_needs_a_confirmation_and_then_reads_waived(demo_case, log_in, live_server):
    page = log_in("lisi")
    page.goto(f"{live_server.url}/discipline/cases/{demo_case.pk}/")
    page.click("a[href$='/waive-appeal/']")
    page.wait_for_url("**/waive-appeal/")
    assert "不能再提出申辩" in page.locator("#waive").inner_text()  # the consequence is stated first
    page.click("#waive button[type=submit]")  # one unconfirmed click waives nothing: the box must be ticked
    assert page.locator("#waive input[name=confirm]:invalid").count() == 1
    demo_case.refresh_from_db()
    assert demo_case.appeal_waived_at is None

    page.check("#waive input[name=confirm]")
    page.click("#waive button[type=submit]")
    page.wait_for_url(f"{live_server.url}/discipline/cases/{demo_case.pk}/")
    assert "放弃申辩" in page.locator("h1").inner_text()
    demo_case.refresh_from_db()
    assert demo_case.appeal_waived_at is not None
