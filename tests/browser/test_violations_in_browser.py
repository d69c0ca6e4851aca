"""In a real browser: the centre office finds the violation records handed over by rule from the menu, filters the
ones waiting for its decision, and follows an overdue window's record to its 诫勉教育 case."""

from __future__ import annotations

from workflows.discipline.violations import record_violation


def test_the_office_follows_a_record_to_its_case(centre, clock, deploy_discipline, log_in, live_server):
    window = centre["zhangsan"].window
    overdue = record_violation(source="application:1:overdue", duty_rule="限时办结制", finding="over_time_limit",
                               window=window, facts="申请件 SQ2026-00001 超过承诺时限未办结。")
    record_violation(source="inspection:2", duty_rule="服务承诺制", finding="serious_corruption",
                     official=centre["lisi"], facts="明察暗访发现索要财物，情节严重。")

    office = log_in("zhaobgs")
    office.click("nav >> text=违规记录移送")
    office.wait_for_url(f"{live_server.url}/discipline/violations/")
    rows = office.locator("table.violations tbody tr")
    assert rows.count() == 2
    assert "待中心办公室决定" in rows.nth(0).inner_text() and "inspection:2" in rows.nth(0).inner_text()

    office.select_option("select[name=status]", "pending")
    office.click("form.filters button[type=submit]")
    office.wait_for_url("**status=pending**")
    assert rows.count() == 1 and "处理办法对该情形没有规定处理措施。" in rows.nth(0).inner_text()

    office.select_option("select[name=status]", "case")
    office.click("form.filters button[type=submit]")
    office.wait_for_url("**status=case**")
    office.click(f"text={overdue.case.register_number}")
    office.wait_for_url(f"{live_server.url}/discipline/cases/{overdue.case.pk}/")
    body = office.locator("main").inner_text()
    assert "工作记录自动移送" in body and "application:1:overdue" in body and "诫勉教育" in body
