"""In a real browser: a window official proposes a refusal beyond their authority from the menu, the centre director
opens the task from the inbox and agrees, and the refusal is registered with its notice."""

from __future__ import annotations

from tests.conftest import BPMN_DIR
from workflows.applications.demo import seed_demo_catalogue
from workflows.applications.models import Refusal
from workflows.applications.rejection_report import deploy_rejection_report
from workflows.runtime.models import HumanTask


def test_a_refusal_is_proposed_and_agreed_in_the_browser(centre, log_in, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    deploy_rejection_report(BPMN_DIR)
    item = next(item for item in seed_demo_catalogue() if item.code == "CN-002")

    handler = log_in("lisi")
    handler.click("nav >> text=提出否定意见")
    handler.select_option("select[name=item]", str(item.pk))
    handler.fill("input[name=applicant]", "伊犁某餐饮有限公司")
    handler.fill("input[name=phone]", "13800138000")
    handler.fill("textarea[name=matter]", "食品经营许可")
    handler.fill("textarea[name=reason]", "经营场所不符合要求")
    handler.fill("textarea[name=legal_basis]", "《食品经营许可和备案管理办法》第十六条")
    handler.click("main form button[type=submit]")
    handler.wait_for_url(f"{live_server.url}/")
    assert "已报中心领导决定" in handler.locator("body").inner_text()

    task = HumanTask.objects.get(spec_name="decide_by_centre_leader", state=HumanTask.OPEN)
    leader = log_in("wangzr")
    leader.click(f"a[href='/tasks/{task.pk}/']")
    leader.check("input[name=agree][value=true]")
    leader.fill("textarea[name=opinion]", "同意不予受理")
    leader.click("form.task-form button[type=submit]")
    leader.wait_for_url(f"{live_server.url}/")
    assert "“中心领导决定”已办理" in leader.locator("body").inner_text()
    refusal = Refusal.objects.get()
    assert refusal.status == Refusal.REGISTERED and refusal.notice_number
