"""The calendar page (grid, warning, overrides) and the org chart pages (who sees them, the forms, the history)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from workflows.org.models import ABPair, CalendarOverride, Official, OrgChange, Role
from workflows.runtime.models import AuditEvent


def _cell(html: str, day: str) -> str:
    """The <td> of one day in the grid."""
    match = re.search(r'<td class="([^"]*)"\s+data-day="' + day + r'"\s+title="([^"]*)"', html)
    assert match, day
    return f"{match.group(1)} | {match.group(2)}"


def test_everyone_sees_the_calendar_grid_with_holidays_make_up_days_and_overrides(client_of):
    CalendarOverride.objects.create(day=date(2026, 12, 31), kind=CalendarOverride.HOLIDAY, note="跨年值守调整")
    response = client_of("lisi").get("/calendar/?year=2026")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="calendar-month"') == 12
    assert "holiday is-off" in _cell(html, "2026-02-17") and "春节" in _cell(html, "2026-02-17")
    assert "make_up is-working" in _cell(html, "2026-01-04") and "调休上班" in _cell(html, "2026-01-04")
    assert "weekend is-off" in _cell(html, "2026-11-29") and "working is-working today" in _cell(html, "2026-11-25")
    override = _cell(html, "2026-12-31")
    assert "overridden is-off" in override and "放假" in override and "跨年值守调整" in override
    assert 'data-override="2026-12-31"' in html
    # lisi may look, not edit
    assert "calendar_override_add" not in html and 'action="/calendar/overrides/"' not in html


def test_the_calendar_warns_when_a_year_has_no_statutory_data(client_of, monkeypatch):
    html = client_of("lisi").get("/calendar/?year=2026").content.decode()
    assert 'data-missing-year="2027"' in html and 'data-missing-year="2026"' not in html
    assert "国务院每年冬季公布" in html and "调整" in html
    monkeypatch.setattr("webapp.views.org.statutory_year_known", lambda year: year != 2026)
    html = client_of("lisi").get("/calendar/?year=2026").content.decode()
    assert 'data-missing-year="2026"' in html and 'data-missing-year="2027"' not in html


def test_the_office_adds_and_removes_an_override_and_sees_how_many_deadlines_moved(client_of):
    office = client_of("zhaobgs")
    response = office.post("/calendar/overrides/", {"day": "2027-02-08", "kind": "holiday", "note": "2027年春节",
                                                    "year": "2027"}, follow=True)
    assert response.status_code == 200
    override = CalendarOverride.objects.get(day=date(2027, 2, 8))
    assert override.note == "2027年春节"
    assert "已保存 2027-02-08 的日历调整，0 个未到期期限随之调整" in response.content.decode()
    assert AuditEvent.objects.filter(action="calendar_override_saved").count() == 1
    office.post("/calendar/overrides/", {"day": "2027-02-08", "kind": "holiday", "note": "除夕前调整"})
    assert CalendarOverride.objects.get().note == "除夕前调整"  # the day's override replaced, not doubled
    response = office.post("/calendar/overrides/", {"day": "2027-13-45", "kind": "holiday"}, follow=True)
    assert response.status_code == 200 and "日期：" in response.content.decode()
    response = office.post(f"/calendar/overrides/{override.pk}/remove/", follow=True)
    assert not CalendarOverride.objects.exists()
    assert "已撤销 2027-02-08 的日历调整，0 个未到期期限随之调整" in response.content.decode()


def test_an_override_against_the_statutory_calendar_needs_the_tick(client_of):
    office = client_of("zhaobgs")
    response = office.post("/calendar/overrides/", {"day": "2026-10-01", "kind": "working_day", "note": "x"},
                           follow=True)
    assert "与国务院公布的安排相反" in response.content.decode() and not CalendarOverride.objects.exists()


def test_others_may_not_change_the_calendar(client_of):
    assert client_of("lisi").post("/calendar/overrides/", {"day": "2027-02-08", "kind": "holiday"}).status_code == 403
    assert not CalendarOverride.objects.exists()


@pytest.mark.parametrize("username", ["lisi", "zhangsan", "sunfj"])
def test_the_org_pages_are_closed_to_other_officials(client_of, username):
    client = client_of(username)
    lisi = Official.objects.get(user__username="lisi")
    for url in ("/org/", "/org/history/", f"/org/officials/{lisi.pk}/"):
        assert client.get(url).status_code == 403
    assert client.post(f"/org/officials/{lisi.pk}/", {"roles": ["window_head"], "active": "on"}).status_code == 403
    assert "/org/" not in client.get("/calendar/").content.decode()


def test_leaders_read_the_org_chart_without_forms(client_of):
    html = client_of("wangzr").get("/org/").content.decode()
    assert "县市场监督管理局" in html or "data-department" in html
    lisi = Official.objects.get(user__username="lisi")
    page = client_of("wangzr").get(f"/org/officials/{lisi.pk}/").content.decode()
    assert "李四" in page and "<form method=\"post\" class=\"org-form" not in page
    assert client_of("wangzr").post(f"/org/officials/{lisi.pk}/", {"active": "on"}).status_code == 403


def test_the_office_changes_a_role_and_the_history_shows_it(client_of):
    office = client_of("zhaobgs")
    lisi = Official.objects.get(user__username="lisi")
    chart = office.get("/org/").content.decode()
    assert 'data-official="lisi"' in chart and f'href="/org/officials/{lisi.pk}/"' in chart
    response = office.post(f"/org/officials/{lisi.pk}/", {
        "roles": ["window_staff", "window_head"], "department": lisi.department_id, "window": lisi.window_id,
        "active": "on", "reason": "竞聘上岗"}, follow=True)
    assert response.status_code == 200
    assert set(lisi.roles.values_list("code", flat=True)) == {"window_staff", "window_head"}
    page = response.content.decode()
    assert "李四：增加角色窗口负责人" in page and "竞聘上岗" in page and "赵文静" in page
    assert "李四：增加角色窗口负责人" in office.get("/org/history/").content.decode()


def test_a_bad_org_form_is_refused_in_chinese_naming_the_field(client_of):
    office = client_of("zhaobgs")
    lisi = Official.objects.get(user__username="lisi")
    response = office.post(f"/org/officials/{lisi.pk}/", {"roles": ["nobody"], "active": "on"})
    assert response.status_code == 400 and "角色：" in response.content.decode()
    response = office.post(f"/org/officials/{lisi.pk}/pairs/", {"b": lisi.pk, "kind": "standing"})
    assert response.status_code == 400 and "B岗：不能与A岗是同一人" in response.content.decode()
    response = office.post(f"/org/officials/{lisi.pk}/pairs/", {
        "b": Official.objects.get(user__username="chensx").pk, "kind": "temporary",
        "valid_from": "2026-12-10", "valid_to": "2026-12-01"})
    assert response.status_code == 400 and "截止日期：不能早于起始日期" in response.content.decode()
    assert not OrgChange.objects.exists()
    assert set(lisi.roles.values_list("code", flat=True)) == {"window_staff"}
    assert Role.objects.filter(code="nobody").count() == 0


def test_the_office_adds_and_ends_an_a_b_pair(client_of):
    office = client_of("zhaobgs")
    lisi, chensx = (Official.objects.get(user__username=u) for u in ("lisi", "chensx"))
    office.post(f"/org/officials/{lisi.pk}/pairs/", {"b": chensx.pk, "kind": "standing", "note": "常设"})
    pair = ABPair.objects.get(a=lisi, b=chensx)
    response = office.post(f"/org/pairs/{pair.pk}/end/", {"last_day": "2026-12-31"}, follow=True)
    pair.refresh_from_db()
    assert pair.valid_to == date(2026, 12, 31)
    assert "结束AB岗：李四 → 陈首席" in response.content.decode()
    assert list(OrgChange.objects.filter(official=lisi).values_list("what", flat=True).order_by("pk")) == [
        "ab_pair_added", "ab_pair_ended"]
