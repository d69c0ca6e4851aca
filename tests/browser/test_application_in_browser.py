"""In a real browser: window staff 李四 receives a 承诺件 at the intake screen with all its materials, and the
department's chief representative opens the handling task from the inbox and approves it."""

from __future__ import annotations

import re

from tests.workflows.application_steps import items_fixture  # noqa: F401 (the `items` fixture)
from workflows.applications.models import Application
from workflows.runtime.models import HumanTask


def test_a_promised_application_is_received_and_approved_in_the_browser(items, log_in, live_server):
    item = items["CN-002"]
    window = log_in("lisi")
    window.click("nav >> text=窗口收件")
    window.select_option("select#choose_item", str(item.pk))
    window.click("text=选择事项")
    for material in item.materials.all():
        window.check(f"input[name=materials][value='{material.pk}']")
    window.fill("input[name=applicant]", "伊犁天山餐饮有限公司")
    window.fill("input[name=phone]", "13899912345")
    window.fill("textarea[name=matter]", "新开餐馆申请食品经营许可")
    window.click("main form[method=post] button[type=submit]")
    window.wait_for_url(re.compile(r".*/applications/\d{8}-\d{4}/receipt/$"))
    application = Application.objects.get()
    assert window.url.endswith(f"/applications/{application.number}/receipt/")
    assert application.status == Application.IN_PROGRESS

    task = HumanTask.objects.get(spec_name="handle_application", state=HumanTask.OPEN)
    official = log_in("chensx")
    official.click(f"a[href='/tasks/{task.pk}/']")
    official.wait_for_url(f"**/tasks/{task.pk}/")
    assert application.number in official.locator("main").inner_text()
    official.check("input[name=action][value=decide]")
    official.check("input[name=decision][value=approved]")
    official.fill("textarea[name=opinion]", "材料齐全，符合条件，准予许可")
    official.click("form.task-form button[type=submit]")
    official.wait_for_url(f"{live_server.url}/")
    assert "“审查并作出决定”已办理" in official.locator("body").inner_text()
    application.refresh_from_db()
    assert application.status == Application.DECIDED and application.outcome == Application.APPROVED
