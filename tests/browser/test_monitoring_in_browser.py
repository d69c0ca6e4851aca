"""The monitoring page draws its ECharts charts (one canvas each) from the charts JSON; an instance of the list
opens with its diagram, the current step highlighted. Screenshots go to the `shots` folder
(tests/browser/conftest.py): monitoring-charts.png and monitoring-instance.png."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from application_rows import items, make_case

from engine.clock import CENTRE_TZ
from workflows.leave.models import LeaveRequest
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import Official

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=CENTRE_TZ)


@pytest.fixture
def seeded(centre, deploy_leave, clock):
    """Leaves in two windows (one approved each, one still open), three applications of which one is late."""
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CENTRE_TZ))
    deploy_leave("shenxian")
    officials = {o.user.username: o for o in Official.objects.select_related("user")}
    leaves = [submit_leave(officials[name], LeaveApplication("事假", first, "am", last, "pm", "家中有事", None))
              for name, first, last in [("lisi", date(2026, 12, 1), date(2026, 12, 1)),
                                        ("sunqi", date(2026, 12, 2), date(2026, 12, 3)),
                                        ("zhouba", date(2026, 12, 9), date(2026, 12, 9))]]
    LeaveRequest.objects.filter(pk__in=[leaves[0].pk, leaves[1].pk]).update(status=LeaveRequest.APPROVED)
    promised = next(i for i in items().values() if i.kind == "promised")
    at = datetime(2026, 11, 2, 10, 0, tzinfo=CENTRE_TZ)
    for number, late in [("A-1", None), ("A-2", datetime(2026, 11, 20, tzinfo=CENTRE_TZ)), ("A-3", None)]:
        make_case(number, promised, officials["lisi"], at, overdue_since=late)
    clock.set(NOW)
    return leaves


def test_the_monitoring_charts_and_an_instance_diagram(seeded, log_in, live_server, shots):
    page = log_in("zhaobgs")
    page.goto(f"{live_server.url}/monitoring/")
    page.wait_for_load_state()
    page.wait_for_selector(".monitoring-charts[data-drawn='4']")
    charts = page.locator(".monitoring-charts .chart")
    assert charts.count() == 4
    assert page.locator(".monitoring-charts .chart canvas").count() >= 4
    assert page.locator(".charts-error").is_hidden()
    page.screenshot(path=str(shots / "monitoring-charts.png"), full_page=True)

    page.click("nav.monitoring-links >> text=流程实例")
    page.wait_for_url(f"{live_server.url}/monitoring/instances/")
    rows = page.locator("table.instances tbody tr")
    assert rows.count() == 3
    rows.nth(0).locator("a").first.click()
    page.wait_for_load_state()
    page.wait_for_selector(".diagram .djs-element.highlight-current")
    page.screenshot(path=str(shots / "monitoring-instance.png"), full_page=True)
