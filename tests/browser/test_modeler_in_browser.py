"""In a real browser: the centre office opens the leave process in the modeler, changes one cell of the leave tier
table (DMN), saves a draft, sees a deliberately broken multi-approver setting marked on the diagram, undoes it and
publishes; the new version carries the changed cell, a one-day leave filed afterwards follows the new tier while one
filed before keeps the old. Screenshots go to the browser tests' folder
(build/screenshots/, or $GOVFLOW_SCREENSHOT_DIR)."""

from __future__ import annotations

from datetime import date

from workflows.leave.services import LeaveApplication, submit_leave
from workflows.runtime.engine_env import runner_for
from workflows.runtime.models import DefinitionDraft, ProcessDefinition
from workflows.runtime.services.definitions import validate_sources

KEY = "leave_approval"
DMN = "leave_route_shenxian.dmn"
CELL = "shenxian_half_day_days"  # 半天（及更少）: `? <= 0.5`


def set_approval_mode(page, value: str) -> None:
    """Pick a multi-approver mode for the selected step in the panel's govflow group."""
    header = page.locator("[data-group-id=group-govflow] .bio-properties-panel-group-header")
    if "open" not in (header.get_attribute("class") or ""):
        header.click()
    page.select_option("#bio-properties-panel-govflow-approval-mode", value)


def one_day_leave(official):
    """A one-day 事假 on Tuesday 2026-12-01 (the clock stands at Monday 2026-11-30), without a substitute."""
    day = date(2026, 12, 1)
    return submit_leave(official, LeaveApplication("事假", day, "am", day, "pm", "家中有事"))


def approver_chain(leave) -> list[str]:
    """The roles the leave's routing table chose, as its process holds them."""
    instance = leave.instance
    instance.refresh_from_db()
    runner = runner_for(instance.definition)
    return runner.open_data(runner.restore(instance.state))["approver_chain"]


def test_edit_validate_and_publish_the_leave_process(centre, clock, deploy_leave, log_in, live_server, shots):
    deploy_leave("shenxian")
    before = one_day_leave(centre["lisi"])  # 0.5 < 1 day < 3: the deputy director, under version 1
    assert approver_chain(before) == ["centre_deputy_director"]
    page = log_in("zhaobgs", width=1600)
    page.goto(f"{live_server.url}/definitions/{KEY}/edit/")
    page.wait_for_selector("[data-modeler][data-ready=true]")
    assert page.locator(".modeler-canvas .djs-element[data-element-id=approve_leave]").count() == 1
    assert page.locator(".modeler-properties .bio-properties-panel").count() == 1
    # bpmn-js's own labels in Chinese (webapp/frontend/translate-zh.js): the panel's general group, the palette
    panel = page.locator(".modeler-properties .bio-properties-panel")
    general = panel.locator("[data-group-id=group-general] .bio-properties-panel-group-header-title")
    assert general.inner_text() == "常规"
    assert "General" not in panel.inner_text()
    assert page.locator(".djs-palette [aria-label='创建任务']").count() == 1
    page.screenshot(path=str(shots / "modeler-bpmn.png"))

    # the leave tier table: half a day or less becomes one day or less
    page.click(f".modeler-tab[data-file='{DMN}']")
    cell = page.locator(f"td[data-element-id={CELL}] .content-editable")
    assert cell.inner_text().strip() == "? <= 0.5"
    assert page.locator(".modeler-dmn .hit-policy .dms-label").first.inner_text().strip() == "命中策略："
    assert page.locator(".modeler-dmn th.input-cell .clause").first.inner_text().strip() == "当"
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("? <= 1")
    assert cell.inner_text().strip() == "? <= 1"
    page.screenshot(path=str(shots / "modeler-dmn.png"))

    page.click("[data-save]")
    page.wait_for_selector("[data-status].ok")
    assert "? &lt;= 1" in DefinitionDraft.objects.get(key=KEY).sources[DMN]

    # 会签 on a step that is not multi-instance: refused by the server's check, marked on the diagram
    page.click(".modeler-tab[data-file='leave_approval.bpmn']")
    page.click(".modeler-canvas .djs-element[data-element-id=confirm_substitute]")
    set_approval_mode(page, "all")
    page.click("[data-validate]")
    page.wait_for_selector("[data-status].error")
    assert page.locator(".djs-element.govflow-problem[data-element-id=confirm_substitute]").count() == 1
    assert page.locator(".govflow-problem-badge").count() == 1
    problems = page.locator("[data-problems]").inner_text()
    assert "confirm_substitute" in problems and "多实例" in problems
    page.screenshot(path=str(shots / "modeler-validation.png"))

    # publishing the broken diagram is refused with the same marks; nothing is stored
    page.click("[data-publish]")
    page.wait_for_selector("[data-status].error")
    assert ProcessDefinition.objects.filter(key=KEY).count() == 1

    page.click(".modeler-problem[data-element=confirm_substitute]")  # the listed problem selects its step
    set_approval_mode(page, "")
    page.click("[data-validate]")
    page.wait_for_selector("[data-status].ok")
    assert page.locator(".govflow-problem-badge").count() == 0
    page.click("[data-publish]")
    page.wait_for_selector("[data-version-link]:not([hidden])")
    assert page.locator("[data-version-link]").inner_text() == "v2"

    published = ProcessDefinition.objects.get(key=KEY, version=2)
    assert "? &lt;= 1" in published.sources[DMN] and "? &lt;= 0.5" not in published.sources[DMN]
    assert 'name="form" value="confirm_substitute"' in published.sources["leave_approval.bpmn"]
    assert not DefinitionDraft.objects.filter(key=KEY).exists()

    # the new tier: a one-day leave filed now is the window head's; the one filed before finishes on version 1
    after = one_day_leave(centre["wangwu"])
    assert (after.instance.definition.version, approver_chain(after)) == (2, ["window_head"])
    assert (before.instance.definition.version, approver_chain(before)) == (1, ["centre_deputy_director"])


# How the families deploy their shipped files (workflows/*/: leave, discipline, applications).
SHIPPED = {
    "leave_approval": ["leave_approval.bpmn", "leave_route_nileke.dmn"],
    "complaint": ["complaint.bpmn", "duty_rule_measures.dmn"],
    "sanction": ["sanction.bpmn"],
    "application": ["application.bpmn", "joint_review.bpmn"],
    "rejection_report": ["rejection_report.bpmn"],
}


def test_every_shipped_definition_survives_the_modeler_unchanged(centre, log_in, live_server):
    """Opening a definition and saving it without an edit must not lose what the engine reads (extension
    elements, loop references): each exported file set still passes the deploy checks."""
    page = log_in("zhaobgs", width=1600)
    for key, files in SHIPPED.items():
        page.goto(f"{live_server.url}/definitions/{key}/edit/?" + "&".join(f"file={name}" for name in files))
        page.wait_for_selector("[data-modeler][data-ready=true]")
        for name in files:  # each tab's editor is made when first shown
            page.click(f".modeler-tab[data-file='{name}']")
        sources = page.evaluate("govflowModeler.sources()")
        assert set(sources) == set(files)
        assert validate_sources(key, sources) == [], key
        assert "spiffworkflow:property" in sources[files[0]] or "spiffworkflow:serviceTaskOperator" in sources[files[0]]
