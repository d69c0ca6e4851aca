"""The receipt (受理回执): printable, with what the applicant needs, and a QR code of the look-up with the number
filled in (never the phone); shown only to those the access rule lets see the case, others get 404."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import segno
from django.urls import reverse

from engine.clock import CENTRE_TZ
from tests.application_rows import PHONE, ask_co_department, close_of, department, items, make_case
from webapp.families.applications.qr import qr_svg
from workflows.applications.models import Application

RECEIVED = datetime(2026, 11, 20, 10, 0, tzinfo=CENTRE_TZ)


@pytest.fixture
def case(centre):
    return make_case("20261120-0001", items()["CN-002"], centre["lisi"], RECEIVED,
                     due_at=close_of(date(2026, 12, 4)), missing=("食品安全管理人员名单",))


def test_the_receipt_shows_the_case_its_materials_and_the_look_up_qr_code(client_of, case):
    response = client_of("lisi").get(reverse("application_receipt", args=["20261120-0001"]))

    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("受理回执", "20261120-0001", "CN-002 食品经营许可", "承诺件", "县市场监督管理局",
                  "伊犁某餐饮有限公司", "2026-11-20 10:00", "企业登记窗口", "2026-12-04（自受理之日起 10 个工作日）",
                  "食品经营许可申请书", "主件", "营业执照复印件"):
        assert shown in page, shown
    assert re.search(r"食品安全管理人员名单</td>\s*<td[^>]*><strong>缺</strong>", page)
    assert not re.search(r"营业执照复印件</td>\s*<td[^>]*><strong>缺</strong>", page)
    url = "http://testserver/lookup/?number=20261120-0001"
    assert url in page
    drawn = re.search(r'<svg width="\d+" height="\d+" class="segno">.*?</svg>', page).group(0)
    assert drawn == segno.make(url, error="m", micro=False).svg_inline(scale=4, title="办件查询二维码")
    assert drawn == qr_svg(url) and drawn != qr_svg(f"{url}&phone={PHONE}")  # exactly that address, no phone
    assert PHONE not in page
    assert "@media print" in page


def test_a_case_awaiting_materials_says_when_the_clock_starts(client_of, centre):
    make_case("20261120-0002", items()["CN-002"], centre["lisi"], RECEIVED, status=Application.AWAITING_MATERIALS,
              missing=("食品安全管理制度目录",))
    page = client_of("zhangsan").get(reverse("application_receipt", args=["20261120-0002"])).content.decode()
    assert "材料补齐后开始计算办理时限。" in page


def test_another_departments_official_gets_404_not_403(client_of, case):
    assert client_of("zhaoliu").get(reverse("application_receipt", args=["20261120-0001"])).status_code == 404
    assert client_of("lisi").get(reverse("application_receipt", args=["NO-SUCH"])).status_code == 404


def test_the_centre_office_the_leaders_a_co_department_and_the_receiving_window_see_it(client_of, centre):
    joint = make_case("20261120-0003", items()["LB-002"], centre["zhaoliu"], RECEIVED,  # received at 人社局's window
                      due_at=close_of(date(2026, 11, 30)))
    ask_co_department(joint, department("县公安局"), RECEIVED, close_of(date(2026, 11, 26)))
    url = reverse("application_receipt", args=["20261120-0003"])
    for username in ("zhaobgs", "wangzr", "lisi", "zhengshi", "zhaoliu", "sunqi"):
        assert client_of(username).get(url).status_code == 200, username
    for username in ("chushisan", "wujiu", "qianxn"):  # 税务局 not asked, 自然资源局, the efficiency group
        assert client_of(username).get(url).status_code == 404, username


def test_the_receipt_needs_a_login(client, case):
    response = client.get(reverse("application_receipt", args=["20261120-0001"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
