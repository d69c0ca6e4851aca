"""In a real browser: the centre office compares the active version of a process with the one before (the changed
task is marked on both diagrams, the XML differs line by line), then makes the older version current again with a
reason; the list then shows it as the active one."""

from __future__ import annotations

from pathlib import Path

import pytest

from workflows.runtime.services.definitions import active_definition, deploy_definition

BPMN = Path(__file__).resolve().parent.parent.parent / "bpmn"


@pytest.fixture
def versions(centre, deploy_leave):
    first = deploy_leave("shenxian")
    sources = dict(first.sources)
    sources["leave_approval.bpmn"] = sources["leave_approval.bpmn"].replace('name="确认顶岗人员"', 'name="确认顶岗人"')
    return first, deploy_definition("leave_approval", sources)


def test_compare_two_versions_then_roll_back(versions, log_in, live_server, shots):
    first, second = versions
    page = log_in("zhaobgs")
    page.goto(f"{live_server.url}/definitions/")
    page.click("a:has-text('与当前版本比较')")
    page.wait_for_url(f"{live_server.url}/definitions/compare/*")
    marked = page.locator(".diff-changed[data-element-id=confirm_substitute]")
    marked.first.wait_for()
    assert marked.count() == 2  # the task, on the older and the newer diagram
    assert page.locator("table.diff .diff_sub").count() == 1  # 员 left the name
    page.screenshot(path=str(shots / "compare.png"), full_page=True)

    page.click(f"a[href='/definitions/{first.pk}/']")
    page.wait_for_url(f"{live_server.url}/definitions/{first.pk}/")
    page.fill("input[name=reason]", "复核环节名称待定，先回到第一版")
    page.check("input[name=confirm]")
    page.click("button:has-text('设为当前版本')")
    page.wait_for_load_state()
    assert "现按第 1 版启动" in page.locator(".messages").inner_text()
    assert active_definition("leave_approval") == first
    page.goto(f"{live_server.url}/definitions/")
    assert "v1" in page.locator("tr.active-version").inner_text()
