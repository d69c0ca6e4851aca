"""The 否定报备登记表 pages: the centre office and centre leaders read it, filtered and paged; the CSV and Excel
exports hold the registered rows (typed text neutralised); the notice is served as stored; others get 403."""

from __future__ import annotations

import csv
from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from workflows.applications.demo import seed_demo_catalogue
from workflows.applications.refusals import RefusalInput, propose_refusal
from workflows.org.models import Official
from workflows.runtime.clock import today


@pytest.fixture
def refusals(centre, settings, tmp_path):
    """One registered refusal of a passport (公安局) and one waiting for a leader (not in the register)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    items = {item.code: item for item in seed_demo_catalogue()}
    registered = propose_refusal(RefusalInput(
        item_id=items["CN-001"].pk, applicant="=HYPERLINK(\"http://x\")", phone="0999-4562233",
        matter="申请普通护照签发", reason="申请人系限制出境人员", legal_basis="《中华人民共和国护照法》第十三条",
    ), handler=centre["zhangsan"])
    waiting = propose_refusal(RefusalInput(
        item_id=items["CN-002"].pk, applicant="伊犁某餐饮有限公司", phone="13800138000", matter="食品经营许可",
        reason="经营场所不符合要求", legal_basis="《食品经营许可和备案管理办法》第十六条",
    ), handler=centre["lisi"])
    return {"registered": registered, "waiting": waiting, "items": items}


def _client(username: str) -> Client:
    client = Client()
    client.force_login(Official.objects.get(user__username=username).user)
    return client


def test_the_register_lists_registered_refusals_for_the_centre_office(refusals):
    page = _client("zhaobgs").get(reverse("refusal_register"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "否定报备登记表" in text and refusals["registered"].notice_number in text
    assert "伊犁某餐饮有限公司" not in text  # waiting for a leader, not registered


def test_the_register_filters_by_item_department_and_date(refusals):
    client = _client("wangzr")  # a centre leader reads it too
    other_item = refusals["items"]["CN-002"]
    number = refusals["registered"].notice_number
    assert number not in client.get(reverse("refusal_register"), {"item": other_item.pk}).content.decode()
    assert number not in client.get(reverse("refusal_register"),
                                    {"department": other_item.department_id}).content.decode()
    tomorrow = (today() + timedelta(days=1)).isoformat()
    assert number not in client.get(reverse("refusal_register"), {"date_from": tomorrow}).content.decode()
    assert number in client.get(reverse("refusal_register"),
                                {"date_from": today().isoformat(), "date_to": today().isoformat()}).content.decode()


def test_the_csv_and_excel_exports_hold_the_row_with_formulas_neutralised(refusals):
    client = _client("zhaobgs")
    number = refusals["registered"].notice_number
    response = client.get(reverse("refusal_register_csv"))
    rows = list(csv.reader(StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "文书编号" and len(rows) == 2
    assert rows[1][0] == number and rows[1][2] == "'=HYPERLINK(\"http://x\")" and rows[1][3] == "0999-4562233"

    response = client.get(reverse("refusal_register_xlsx"))
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "文书编号" and len(values) == 2
    assert values[1][0] == number and values[1][2] == "'=HYPERLINK(\"http://x\")"
    assert values[1][-1] == refusals["registered"].notice_sha256


def test_the_notice_is_served_as_stored(refusals):
    refusal = refusals["registered"]
    response = _client("zhaobgs").get(reverse("refusal_notice", args=[refusal.pk]))
    with refusal.notice_file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert _client("zhaobgs").get(reverse("refusal_notice", args=[refusals["waiting"].pk])).status_code == 404


def test_window_staff_get_403(refusals):
    client = _client("lisi")
    for name in ("refusal_register", "refusal_register_csv", "refusal_register_xlsx"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("refusal_notice", args=[refusals["registered"].pk])).status_code == 403


def test_the_return_of_materials_is_recorded_at_the_counter(refusals):
    refusal = refusals["registered"]  # CN-001 of 县公安局
    url = reverse("refusal_return_materials", args=[refusal.pk])
    assert _client("zhaoliu").get(url).status_code == 403  # a window head of another department
    client = _client("zhengshi")  # a window head of 县公安局
    refused = client.post(url, {"identity_document": "居民身份证", "applicant_confirmation": "  "})
    assert refused.status_code == 200
    refusal.refresh_from_db()
    assert refusal.materials_returned_at is None
    response = client.post(url, {"identity_document": "居民身份证 654028199001011234",
                                 "applicant_confirmation": "马晓东"})
    assert response.status_code == 302
    refusal.refresh_from_db()
    assert refusal.materials_returned_by.user.username == "zhengshi" and refusal.applicant_confirmation == "马晓东"
    assert "马晓东" in client.get(url).content.decode()
