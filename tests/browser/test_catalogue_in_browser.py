"""The centre office adds a joint service item in a real browser, from the menu to the list."""

from __future__ import annotations

from workflows.applications.models import ServiceItem
from workflows.org.models import Department


def test_the_centre_office_creates_a_joint_item_in_the_browser(centre, log_in, live_server):
    taxes, police = (Department.objects.get(name=n).pk for n in ("县税务局", "县公安局"))
    page = log_in("zhaobgs")
    page.click("nav >> text=服务事项")
    page.click("text=新建服务事项")
    page.fill("input[name=name]", "烟草专卖零售许可")
    page.fill("input[name=code]", "LB-900")
    page.select_option("select[name=department]", label="县市场监督管理局")
    page.select_option("select[name=kind]", "joint")
    page.fill("input[name=promised_days]", "10")
    page.fill("textarea[name=legal_basis]", "《中华人民共和国烟草专卖法实施条例》第十五条")
    page.fill("textarea[name=main_materials]", "烟草专卖零售许可证申请表")
    page.fill("textarea[name=other_materials]", "经营场所产权证明\n营业执照复印件")
    page.check("input[name=deciding_roles][value=chief_representative]")
    page.click("main form button[type=submit]")  # no co-department yet: refused on the form, in Chinese
    page.wait_for_load_state()
    assert "联办件须至少有一个牵头部门以外的协办部门" in page.locator("main").inner_text()
    assert not ServiceItem.objects.exists()
    page.check(f"input[name=co_departments][value='{taxes}']")
    page.check(f"input[name=co_departments][value='{police}']")
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/catalogue/")
    assert "烟草专卖零售许可" in page.locator("table").inner_text()
    item = ServiceItem.objects.get(code="LB-900")
    assert {d.pk for d in item.co_departments.all()} == {taxes, police}
    assert item.materials.count() == 3
