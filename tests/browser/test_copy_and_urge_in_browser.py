"""In a real browser: the initiator copies her case to a colleague from the case page and urges the overdue review;
the colleague finds it under 抄送我的 and opening it reads it; the reviewer sees the urge in his notifications and
the header's unread count."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from engine.clock import CENTRE_TZ
from workflows.runtime.models import CaseCopy, HumanTask
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process

FIXTURE = Path(__file__).parents[1] / "workflows" / "fixtures" / "copy_after_review.bpmn"


@pytest.fixture
def case(centre, clock):
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ))
    deploy_from_files("copy_after_review", [FIXTURE])
    return start_process("copy_after_review", data={}, business_key="CC-7", applicant=centre["lisi"],
                         started_by=centre["lisi"])


def test_copy_urge_and_notifications(case, centre, clock, log_in, live_server):
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=CENTRE_TZ))  # the review was due last Thursday
    lisi = log_in("lisi")
    lisi.goto(f"{live_server.url}/cases/{case.pk}/")
    lisi.select_option("select[name=officials]", label="王五")
    lisi.fill("input[name=note]", "请协助跟进")
    lisi.click("form.copy-form button[type=submit]")
    lisi.wait_for_load_state()
    assert "已抄送给 1 人" in lisi.locator(".messages").inner_text()
    lisi.click("form.urge button")
    lisi.wait_for_load_state()
    assert "已催办" in lisi.locator(".messages").inner_text()
    assert lisi.locator("form.urge button").count() == 1  # still shown: pressing again is refused with when
    lisi.click("form.urge button")
    lisi.wait_for_load_state()
    assert "后可再次催办" in lisi.locator(".messages").inner_text()

    wangwu = log_in("wangwu")
    assert wangwu.locator("[data-unread]").inner_text() == "1"
    wangwu.click("text=抄送我的")
    row = wangwu.locator("table.copies tr.unread")
    assert "请协助跟进" in row.inner_text() and "李四" in row.inner_text()
    row.locator("a").click()
    wangwu.wait_for_url(f"{live_server.url}/cases/{case.pk}/")
    assert CaseCopy.objects.get().read_at is not None

    zhangsan = log_in("zhangsan")
    assert zhangsan.locator("[data-unread]").inner_text() == "2"  # the new task, the urge
    zhangsan.click("a.notification-bell")
    zhangsan.wait_for_url("**/notifications/")
    assert "李四催办：窗口负责人审核" in zhangsan.locator(".notification-list").inner_text()
    zhangsan.click("text=全部标为已读")
    zhangsan.wait_for_load_state()
    assert zhangsan.locator("[data-unread]").count() == 0
    assert HumanTask.objects.get(instance=case).state == HumanTask.OPEN
