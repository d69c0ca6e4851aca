"""In a real browser: the centre office adds a calendar override on the calendar page (confirming the dialog) and
changes an official's roles on the org chart page; screenshots of both pages go to the `shots` folder."""

from __future__ import annotations

from datetime import date, datetime

from engine.clock import CENTRE_TZ
from workflows.org.models import CalendarOverride, OrgChange


def test_add_an_override_on_the_calendar_page(log_in, live_server, centre, clock, shots):
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ))
    page = log_in("zhaobgs")
    page.click("nav a:has-text('工作日历')")
    page.wait_for_url(f"{live_server.url}/calendar/")
    assert page.locator(".calendar-month").count() == 12
    assert "2027" in page.locator(".calendar-warning").inner_text()
    assert "春节" in page.locator("td[data-day='2026-02-17']").get_attribute("title")

    page.fill("#id_day", "2026-12-31")
    page.select_option("#id_kind", "holiday")
    page.fill("#id_note", "跨年值守调整")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("form.override-form button[type=submit]")
    page.wait_for_load_state()
    page.wait_for_selector("td[data-day='2026-12-31'].overridden")
    assert "已保存 2026-12-31 的日历调整" in page.locator(".messages").inner_text()
    assert "跨年值守调整" in page.locator("tr[data-override='2026-12-31']").inner_text()
    assert CalendarOverride.objects.get(day=date(2026, 12, 31)).kind == CalendarOverride.HOLIDAY
    page.locator(".calendar-year").screenshot(path=str(shots / "calendar-grid.png"))

    phone = log_in("lisi", width=390)
    phone.goto(f"{live_server.url}/calendar/?year=2026")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.locator("form.override-form").count() == 0  # everyone may look; only the office edits


def test_change_a_role_on_the_org_page(log_in, live_server, centre, shots):
    page = log_in("zhaobgs")
    page.click("nav a:has-text('组织架构')")
    page.wait_for_url(f"{live_server.url}/org/")
    page.click("li[data-official='lisi'] a")
    page.wait_for_url(f"{live_server.url}/org/officials/{centre['lisi'].pk}/")
    page.check("input[name=roles][value=window_head]")
    page.fill("#id_reason", "竞聘上岗")
    page.click("form.official-form button[type=submit]")
    page.wait_for_load_state()
    assert "已保存" in page.locator(".messages").inner_text()
    assert "李四：增加角色窗口负责人" in page.locator("table.org-changes").inner_text()
    assert OrgChange.objects.get(official=centre["lisi"]).reason == "竞聘上岗"
    page.goto(f"{live_server.url}/org/")
    assert "窗口负责人" in page.locator("li[data-official='lisi']").inner_text()
    page.screenshot(path=str(shots / "org-chart.png"), full_page=True)
