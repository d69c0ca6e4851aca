"""At phone width (390 px): an applicant looks up a case without logging in, and the centre office opens the board
from the menu; neither page is wider than the screen. Screenshots go to the `shots` folder
(tests/browser/conftest.py), for a person to look at."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.clock import CENTRE_TZ
from tests.application_rows import PHONE, application_instance, close_of, items, make_case, open_task, pause
from workflows.runtime.clock import now

PHONE_WIDTH = 390



@pytest.fixture
def cases(centre):
    received = datetime.combine(now().date(), datetime.min.time(), CENTRE_TZ).replace(hour=9)
    catalogue = items()
    instance = application_instance("20261130-0001", received)
    case = make_case("20261130-0001", catalogue["CN-002"], centre["lisi"], received,
                     due_at=close_of(date(2099, 1, 5)), instance=instance, missing=("食品安全管理人员名单",))
    open_task(instance, "承诺件审查决定", received, holders=(centre["chensx"], centre["zhangsan"]))
    make_case("20261130-0002", catalogue["CN-001"], centre["zhengshi"], received, due_at=close_of(date(2020, 1, 3)),
              applicant="阿依古丽·买买提")
    paused = make_case("20261130-0003", catalogue["LB-002"], centre["lisi"], received,
                       due_at=close_of(date(2099, 1, 6)), applicant="尼勒克县某商贸有限责任公司")
    pause(paused, received, "补正材料")
    return case


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_an_applicant_looks_up_a_case_on_a_phone(cases, new_page, live_server, shots):
    page = new_page(PHONE_WIDTH)
    page.goto(f"{live_server.url}/login/")
    page.click("text=办件进度查询")
    page.fill("input[name=number]", "20261130-0001")
    page.fill("input[name=phone]", "138 0013 8000")
    page.click("main form button[type=submit]")
    page.wait_for_selector("dl.lookup-result")
    text = page.locator("main").inner_text()
    assert "食品经营许可" in text and "办理中" in text and "食品安全管理人员名单" in text
    assert PHONE not in text and "李四" not in text
    assert _fits(page)
    page.screenshot(path=str(shots / "lookup-390.png"), full_page=True)

    page.fill("input[name=number]", "20261130-0001")
    page.fill("input[name=phone]", "13900139000")
    page.click("main form button[type=submit]")
    page.wait_for_selector("p.form-errors")
    assert "未查到与该办件编号和联系电话相符的办件" in page.locator("main").inner_text()


def test_the_centre_office_reads_the_board_on_a_phone(cases, log_in, live_server, shots):
    page = log_in("zhaobgs", width=PHONE_WIDTH)
    page.click("nav >> text=办件看板")
    page.wait_for_url(f"{live_server.url}/applications/board/")
    rows = page.locator("table.board tbody tr")
    assert rows.count() == 3
    assert "20261130-0002" in rows.nth(0).inner_text()  # the late one first
    assert "暂停计时" in rows.nth(2).inner_text()
    assert "张三、陈首席" in rows.nth(1).inner_text()
    assert _fits(page)
    page.screenshot(path=str(shots / "board-390.png"), full_page=True)

    page.click("a:text('20261130-0001')")
    page.wait_for_url(f"{live_server.url}/applications/20261130-0001/receipt/")
    assert page.locator("article.receipt svg.segno").count() == 1
    assert _fits(page)
    page.screenshot(path=str(shots / "receipt-390.png"), full_page=True)
    page.emulate_media(media="print")  # printed: the receipt alone, without the menu and the print button
    assert not page.locator("header.topbar").is_visible() and not page.locator("button:text('打印')").is_visible()
    assert page.locator("article.receipt svg.segno").is_visible()
    page.screenshot(path=str(shots / "receipt-print.png"), full_page=True)
