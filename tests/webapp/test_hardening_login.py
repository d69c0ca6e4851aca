"""Login throttling (django-axes): five wrong passwords lock that account from that address; the sixth attempt is
refused even with the right password, in Chinese; another account from the same address, or the same account
from another address, still logs in. The same holds for the API's HTTP Basic."""

from __future__ import annotations

import base64

import pytest
from axes.models import AccessAttempt, AccessLog
from django.test import Client
from django.urls import reverse

from workflows.org.demo import DEMO_PASSWORD


@pytest.fixture
def wrong_five_times(centre):
    """lisi's password typed wrong five times on the login page from 10.0.0.1."""
    client = Client(REMOTE_ADDR="10.0.0.1")
    answers = [client.post(reverse("login"), {"username": "lisi", "password": f"wrong-{n}"}) for n in range(5)]
    return client, answers


def _log_in(client: Client, username: str, password: str = DEMO_PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_four_wrong_passwords_then_the_right_one_logs_in(centre):
    client = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(4):
        assert _log_in(client, "lisi", f"wrong-{n}").status_code == 200
    response = _log_in(client, "lisi")
    assert response.status_code == 302 and response["Location"] == reverse("inbox")
    assert not AccessAttempt.objects.filter(username="lisi").exists()  # a success starts the count again


def test_the_sixth_attempt_is_refused_even_with_the_right_password(wrong_five_times):
    client, answers = wrong_five_times
    assert [a.status_code for a in answers[:4]] == [200] * 4
    assert answers[4].status_code == 429
    refused = _log_in(client, "lisi")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "登录已锁定" in page and "密码已连续输错 5 次" in page and "锁定 30 分钟" in page
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("inbox")).status_code == 302  # still sent to the login page


def test_another_account_from_the_same_address_is_not_locked(wrong_five_times):
    client, _ = wrong_five_times
    response = _log_in(client, "zhangsan")
    assert response.status_code == 302
    assert client.get(reverse("inbox")).status_code == 200


def test_the_same_account_from_another_address_is_not_locked(wrong_five_times):
    response = _log_in(Client(REMOTE_ADDR="10.0.0.2"), "lisi")
    assert response.status_code == 302


def _basic(username: str, password: str) -> dict:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}", "REMOTE_ADDR": "10.0.0.9"}


def test_api_basic_auth_is_throttled_the_same_way(centre):
    client = Client()
    assert client.get("/api/tasks/", **_basic("lisi", DEMO_PASSWORD)).status_code == 200
    wrong = [client.get("/api/tasks/", **_basic("lisi", f"wrong-{n}")) for n in range(5)]
    assert [w.status_code for w in wrong] == [403] * 5
    assert wrong[0].json()["detail"] == "用户名或者密码错误。"
    refused = client.get("/api/tasks/", **_basic("lisi", DEMO_PASSWORD))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "密码错误次数过多：该账号在此地址的登录已锁定 30 分钟。"
    assert client.get("/api/tasks/", **_basic("zhangsan", DEMO_PASSWORD)).status_code == 200
    assert not AccessLog.objects.exists()  # successful requests leave no row each


def test_failures_are_kept_per_account_and_address(wrong_five_times):
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == ("lisi", "10.0.0.1", 5)
