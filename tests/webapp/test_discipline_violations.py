"""The centre office's list of violation records handed over by rule (工作记录移送): source, rule, the how-many-th
time, the case opened or 待中心办公室决定; linked from the discipline navigation, paged, closed to others."""

from __future__ import annotations

from django.urls import reverse

from webapp.paging import PAGE_SIZE
from workflows.discipline.models import SanctionCase
from workflows.discipline.violations import record_violation
from workflows.runtime.models import AuditEvent

LIST = reverse("violation_list")


def overdue(window, number: int):
    return record_violation(source=f"application:{number}:overdue", duty_rule="限时办结制", finding="over_time_limit",
                            window=window, facts=f"申请件 SQ2026-{number:05d} 超过承诺时限未办结。")


def test_the_office_sees_each_record_with_its_case_or_that_it_waits_for_a_decision(login, centre, deploy_discipline):
    window = centre["zhangsan"].window
    first, second = overdue(window, 1), overdue(window, 2)
    pending = record_violation(source="inspection:3", duty_rule="服务承诺制", finding="serious_corruption",
                               official=centre["lisi"], facts="明察暗访发现索要财物，情节严重。")
    office = login("zhaobgs")
    inbox = office.get(reverse("inbox")).content.decode()
    assert f'href="{LIST}"' in inbox and "违规记录移送" in inbox  # the discipline navigation links it

    page = office.get(LIST).content.decode()
    assert "application:1:overdue" in page and "application:2:overdue" in page and "inspection:3" in page
    assert "超出规定时限（窗口造成）" in page and "第1次" in page and "第2次" in page
    assert reverse("case_detail", args=[first.case.pk]) in page and first.case.register_number in page
    assert reverse("case_detail", args=[second.case.pk]) in page and "效能告诫" in page
    assert "待中心办公室决定" in page and "处理办法对该情形没有规定处理措施。" in page

    only_pending = office.get(LIST, {"status": "pending"}).content.decode()
    assert "inspection:3" in only_pending and "application:1:overdue" not in only_pending
    with_case = office.get(LIST, {"status": "case"}).content.decode()
    assert "application:1:overdue" in with_case and "inspection:3" not in with_case
    assert "inspection:3" in office.get(LIST, {"status": "nonsense"}).content.decode()  # a bad filter shows all
    assert pending.case is None


def test_the_case_page_names_the_record_it_came_from(login, centre, deploy_discipline):
    record = overdue(centre["zhangsan"].window, 1)
    page = login("qianxn").get(reverse("case_detail", args=[record.case.pk])).content.decode()
    assert "工作记录自动移送" in page and "application:1:overdue" in page
    assert AuditEvent.objects.get(action="violation_recorded").message in page  # its history says how it came


def test_the_list_pages(login, centre, deploy_discipline):
    window = centre["zhangsan"].window
    for number in range(PAGE_SIZE + 1):
        overdue(window, number)
    office = login("zhaobgs")
    first_page = office.get(LIST).content.decode()
    assert "application:20:overdue" in first_page and "application:0:overdue" not in first_page  # newest first
    assert "1 / 2" in first_page
    second_page = office.get(LIST, {"page": 2}).content.decode()
    assert "application:0:overdue" in second_page


def test_other_officials_neither_see_the_list_nor_its_link(login, centre, deploy_discipline):
    overdue(centre["zhangsan"].window, 1)
    lisi = login("lisi")
    assert lisi.get(LIST).status_code == 403
    assert f'href="{LIST}"' not in lisi.get(reverse("inbox")).content.decode()


def pending_record(centre):
    return record_violation(source="inspection:3", duty_rule="服务承诺制", finding="serious_corruption",
                            official=centre["lisi"], facts="明察暗访发现索要财物，情节严重。")


def test_the_office_opens_the_case_for_a_record_left_to_it(login, centre, deploy_discipline):
    record = pending_record(centre)
    office = login("zhaobgs")
    open_case_url = reverse("violation_open_case", args=[record.pk])
    assert open_case_url in office.get(LIST).content.decode()
    form = office.get(open_case_url).content.decode()
    assert "inspection:3" in form and "处理办法对该情形没有规定处理措施。" in form and "明察暗访发现索要财物" in form

    refused = office.post(open_case_url, {"measure": "效能告诫", "target_kind": "official", "facts": "索要财物"})
    assert "请选择违规条目或说明其他情形" in refused.content.decode()  # open_case's own refusal, nothing saved
    assert SanctionCase.objects.count() == 0

    done = office.post(open_case_url, {"measure": "效能告诫", "target_kind": "official", "rule_code": "6.12",
                                       "facts": ""})
    record.refresh_from_db()
    case = record.case
    assert done.status_code == 302 and done["Location"] == reverse("case_detail", args=[case.pk])
    assert (case.origin, case.opened_by, case.target_official, case.measure, case.rule.code, case.facts) == (
        SanctionCase.RECORD, centre["zhaobgs"], centre["lisi"], "效能告诫", "6.12", "明察暗访发现索要财物，情节严重。")
    assert AuditEvent.objects.get(action="violation_case_opened").instance_id == case.instance_id

    again = office.post(open_case_url, {"measure": "诫勉教育", "target_kind": "official", "rule_code": "5.1",
                                        "facts": "又一次"})
    assert again["Location"] == reverse("case_detail", args=[case.pk])
    assert SanctionCase.objects.count() == 1


def test_only_the_centre_office_opens_cases_for_records(login, centre, deploy_discipline):
    record = pending_record(centre)
    url = reverse("violation_open_case", args=[record.pk])
    group = login("qianxn")  # the efficiency group sees the list, without the link
    assert url not in group.get(LIST).content.decode()
    assert group.post(url, {"measure": "效能告诫", "target_kind": "official", "rule_code": "6.12",
                            "facts": "x"}).status_code == 403
    assert login("lisi").get(url).status_code == 403
    assert login("zhaobgs").get(reverse("violation_open_case", args=[record.pk + 99])).status_code == 404
    assert SanctionCase.objects.count() == 0


def test_the_api_lists_records_and_the_office_opens_a_case_for_one(login, centre, deploy_discipline):
    first = overdue(centre["zhangsan"].window, 1)
    record = pending_record(centre)
    office = login("zhaobgs")
    listed = office.get("/api/violation-records/").json()["results"]
    assert [r["source"] for r in listed] == ["inspection:3", "application:1:overdue"]
    assert (listed[1]["case"], listed[1]["case_number"], listed[1]["measure"], listed[1]["occurrence"]) == (
        first.case.pk, first.case.register_number, "诫勉教育", 1)
    assert listed[1]["finding_label"] == "超出规定时限（窗口造成）" and listed[1]["window"]["name"] == "企业登记窗口"
    assert (listed[0]["case"], listed[0]["note"]) == (None, "处理办法对该情形没有规定处理措施。")
    assert [r["source"] for r in office.get("/api/violation-records/", {"pending": "true"}).json()["results"]] == [
        "inspection:3"]
    assert login("lisi").get("/api/violation-records/").status_code == 403

    url = f"/api/violation-records/{record.pk}/case/"
    assert office.post(url, {"measure": "效能告诫", "target_kind": "official", "rule_code": "9.9"},
                       content_type="application/json").status_code == 400
    refused = login("qianxn").post(url, {"measure": "效能告诫", "target_kind": "official", "rule_code": "6.12"},
                                   content_type="application/json")
    assert refused.status_code == 400 and "只有中心办公室" in refused.content.decode()
    opened = office.post(url, {"measure": "效能告诫", "target_kind": "official", "rule_code": "6.12"},
                         content_type="application/json")
    assert opened.status_code == 201, opened.json()
    assert (opened.json()["origin"], opened.json()["rule_code"]) == ("record", "6.12")
    again = office.post(url, {"measure": "效能告诫", "target_kind": "official", "rule_code": "6.12"},
                        content_type="application/json")
    assert again.status_code == 409 and opened.json()["register_number"] in again.content.decode()
    assert SanctionCase.objects.count() == 2
