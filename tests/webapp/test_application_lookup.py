"""The public look-up (办件查询): no login, the case found by number and phone only, the same answer for an unknown
number and a wrong phone, nothing of officials, and a limit on tries kept in the shared cache."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from engine.clock import CENTRE_TZ
from tests.application_rows import PHONE, application_instance, close_of, items, make_case, pause
from workflows.applications.lookup_throttle import LIMIT
from workflows.applications.models import Application, Rating
from workflows.runtime.models import AuditEvent

RECEIVED = datetime(2026, 11, 20, 10, 0, tzinfo=CENTRE_TZ)
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def own_counts(settings):
    """Each test counts tries under keys of its own (the Redis cache outlives a test's transaction)."""
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "KEY_PREFIX": f"t{uuid.uuid4().hex}"}}


@pytest.fixture
def case(centre):
    return make_case("20261120-0001", items()["CN-002"], centre["lisi"], RECEIVED,
                     due_at=close_of(date(2026, 11, 27)), instance=application_instance("20261120-0001", RECEIVED))


def _look_up(client: Client, number: str, phone: str, address: str = "10.0.0.1"):
    return client.post(reverse("application_lookup"), {"number": number, "phone": phone}, REMOTE_ADDR=address)


def test_the_applicant_sees_their_case_with_days_left_and_nothing_of_officials(client, case):
    response = _look_up(client, "20261120-0001", "138 0013 8000")  # spaces ignored

    assert response.status_code == 200
    page = response.content.decode()
    for shown in ("食品经营许可", "县市场监督管理局", "办理中", "2026-11-20 10:00", "2026-11-27", "剩余2个工作日"):
        assert shown in page
    assert "李四" not in page and PHONE not in page
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]


def test_the_number_may_be_typed_with_a_full_width_dash_and_spaces(client, case):
    page = _look_up(client, " 20261120－0001 ", "138-0013-8000").content.decode()
    assert "食品经营许可" in page and "剩余2个工作日" in page


def test_a_paused_case_says_why_and_until_when_and_the_missing_materials(client, centre):
    case = make_case("20261120-0002", items()["CN-002"], centre["lisi"], RECEIVED, missing=("食品安全管理人员名单",),
                     due_at=close_of(date(2026, 11, 27)))
    pause(case, datetime(2026, 11, 24, 10, 0, tzinfo=CENTRE_TZ), "特别程序", date(2026, 12, 4))

    page = _look_up(client, "20261120-0002", PHONE).content.decode()

    assert "暂停计时: 特别程序" in page and "预计 2026-12-04 结束" in page
    assert "尚需补交的材料" in page and "食品安全管理人员名单" in page


def test_the_result_the_rating_and_the_reply_to_it_are_shown(client, case):
    Application.objects.filter(pk=case.pk).update(
        status=Application.ISSUED, outcome=Application.APPROVED,
        decided_at=datetime(2026, 11, 24, 16, 0, tzinfo=CENTRE_TZ),
        issued_at=datetime(2026, 11, 25, 8, 30, tzinfo=CENTRE_TZ))
    Rating.objects.create(application=case, score=2, comment="等候时间太长", rated_at=RECEIVED + timedelta(days=5),
                          rectification_reply="已增设取号窗口，感谢监督。", rectified_by=case.received_by,
                          rectified_at=RECEIVED + timedelta(days=6))

    page = _look_up(client, "20261120-0001", PHONE).content.decode()

    for shown in ("已出件", "准予许可（办结）", "2026-11-25 08:30", "不满意", "等候时间太长",
                  "已增设取号窗口，感谢监督。"):
        assert shown in page
    assert "剩余" not in page and "李四" not in page  # a closed case counts nothing down; the replier is not named


def test_an_unknown_number_and_a_wrong_phone_get_the_same_bytes(case):
    wrong_phone = _look_up(Client(), "20261120-0001", "13900139000")
    unknown = _look_up(Client(), "20261120-9999", "13800138000")
    empty_like = _look_up(Client(), "20261120-0001", "1380013800")  # one digit short

    assert wrong_phone.status_code == unknown.status_code == empty_like.status_code == 200
    assert "未查到与该办件编号和联系电话相符的办件" in unknown.content.decode()
    assert CSRF.sub(b"", wrong_phone.content) == CSRF.sub(b"", unknown.content) == CSRF.sub(b"", empty_like.content)
    assert "20261120-0001" not in wrong_phone.content.decode()  # nothing typed is echoed back


def test_an_incomplete_form_is_answered_in_chinese(client, case):
    response = client.post(reverse("application_lookup"), {"number": "20261120-0001", "phone": ""})
    assert response.status_code == 200 and "该字段是必填项。" in response.content.decode()


def test_the_qr_code_fills_in_the_number(client, case):
    page = client.get(reverse("application_lookup"), {"number": " 20261120-0001 "}).content.decode()
    assert 'value="20261120-0001"' in page


def test_eleven_tries_from_one_address_get_429_across_two_clients(case):
    first, second = Client(), Client()
    for i in range(LIMIT):
        assert _look_up(first if i % 2 else second, f"20261120-{i:04d}", "13900000000").status_code == 200

    limited = _look_up(first, "20261120-0001", PHONE)

    assert limited.status_code == 429
    assert "查询过于频繁，请 10 分钟后再试。" in limited.content.decode()
    assert _look_up(Client(), "20261120-0001", PHONE, address="10.0.0.2").status_code == 200  # another address


def test_one_case_number_is_limited_across_addresses_and_the_limit_lifts_after_ten_minutes(case, now):
    for i in range(LIMIT):
        assert _look_up(Client(), "20261120-0001", f"1390000{i:04d}", address=f"10.0.1.{i}").status_code == 200

    assert _look_up(Client(), "20261120-0001", PHONE, address="10.0.2.1").status_code == 429
    assert _look_up(Client(), "20261120-0002", PHONE, address="10.0.2.2").status_code == 200  # another number

    now.set(now.now() + timedelta(minutes=10))
    assert _look_up(Client(), "20261120-0001", PHONE, address="10.0.2.1").status_code == 200


def test_the_counts_live_in_the_shared_store_not_in_process_memory(case):
    _look_up(Client(), "20261120-0001", PHONE)
    backend = django_settings.CACHES["default"]["BACKEND"]
    if backend.endswith("DatabaseCache"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM govflow_cache")
            keys = [row[0] for row in cursor.fetchall()]
    else:
        assert backend.endswith("RedisCache")
        client = cache._cache.get_client()
        keys = [key.decode() for key in client.keys("*govflow:lookup:*")]
    assert any(":govflow:lookup:address:" in key for key in keys)
    assert any(":govflow:lookup:number:" in key for key in keys)
    assert not any("10.0.0.1" in key or "20261120-0001" in key for key in keys)  # hashes only


def test_a_look_up_is_audited_once_a_day_without_the_phone_and_failures_never(case, now):
    for _ in range(3):
        _look_up(Client(), "20261120-0001", PHONE)
    _look_up(Client(), "20261120-0001", "13900139000")

    rows = list(AuditEvent.objects.filter(action="application_looked_up"))
    assert len(rows) == 1 and rows[0].instance_id == case.instance_id and PHONE not in rows[0].message
    assert AuditEvent.objects.filter(message__contains="13900139000").count() == 0

    now.set(now.now() + timedelta(days=1))
    _look_up(Client(), "20261120-0001", PHONE)
    assert AuditEvent.objects.filter(action="application_looked_up").count() == 2


def test_the_login_page_leads_applicants_to_the_look_up(client, db):
    page = client.get(reverse("login")).content.decode()
    assert reverse("application_lookup") in page and "办件进度查询" in page


def test_a_look_up_sent_without_its_csrf_cookie_is_told_in_chinese(case):
    response = Client(enforce_csrf_checks=True).post(reverse("application_lookup"),
                                                      {"number": "20261120-0001", "phone": PHONE})
    assert response.status_code == 403
    assert "页面已失效" in response.content.decode() and "刷新后重新提交" in response.content.decode()


@pytest.mark.parametrize("data", [{"number": "x" * 500, "phone": "1" * 500}, {"number": "\x00", "phone": "<script>"}])
def test_odd_input_is_refused_on_the_form_not_with_a_500(client, case, data):
    response = client.post(reverse("application_lookup"), data)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()


def test_the_generic_templates_reach_the_look_up_through_the_registry():
    for name in ("registration/login.html", "403_csrf.html"):
        text = (Path(django_settings.BASE_DIR) / "webapp" / "templates" / name).read_text(encoding="utf-8")
        assert "application_lookup" not in text and "public_links" in text


def test_without_its_cache_the_look_up_is_refused_in_chinese_not_offered_unlimited(settings, case):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:1/0"}}  # nothing listens on port 1
    response = _look_up(Client(), "20261120-0001", PHONE)
    assert response.status_code == 503
    assert "查询服务暂时不可用，请稍后再试。" in response.content.decode()
