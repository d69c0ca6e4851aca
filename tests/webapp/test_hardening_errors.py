"""With DEBUG off every 500 is logged with a request id, and the person sees that id: a Chinese page, or JSON
under /api/. Every response carries X-Request-ID; a sane incoming one is kept, anything else replaced."""

from __future__ import annotations

import io
import logging
import re

import pytest
from django.test import Client, override_settings

from webapp.request_id import HEADER, RequestIdFilter, current_request_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_output():
    """What the configured console handler (settings.LOGGING) writes, captured."""
    handler = next(h for h in logging.getLogger().handlers if any(isinstance(f, RequestIdFilter) for f in h.filters))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.fixture
def client_without_raising():
    return Client(raise_request_exception=False)


def test_every_response_carries_a_new_request_id(client):
    first, second = client.get("/login/"), client.get("/login/")
    assert re.fullmatch(r"[0-9a-f]{32}", first[HEADER])
    assert first[HEADER] != second[HEADER]


def test_a_sane_incoming_request_id_is_kept(client):
    assert client.get("/login/", HTTP_X_REQUEST_ID="proxy-7f3a.1")[HEADER] == "proxy-7f3a.1"


@pytest.mark.parametrize("incoming", ["evil\nERROR forged line", "x" * 65, "", "a b"])
def test_an_odd_incoming_request_id_is_replaced(client, incoming):
    assert re.fullmatch(r"[0-9a-f]{32}", client.get("/login/", HTTP_X_REQUEST_ID=incoming)[HEADER])


def test_outside_a_request_the_id_is_a_dash():
    assert current_request_id() == "-"


@override_settings(ROOT_URLCONF="tests.webapp.hardening_urls", DEBUG=False)
def test_a_page_500_is_logged_with_the_request_id_and_shows_it(client_without_raising, log_output):
    response = client_without_raising.get("/boom/", HTTP_X_REQUEST_ID="req-page-1")
    assert response.status_code == 500 and response[HEADER] == "req-page-1"
    page = response.content.decode()
    assert "服务器错误" in page and "req-page-1" in page and "请求编号" in page
    assert "Traceback" not in page and "page broke" not in page
    log = log_output.getvalue()
    assert "WARNING [req-page-1] govflow.test: about to fail" in log  # every line of the request
    assert "ERROR [req-page-1] django.request: Internal Server Error: /boom/" in log
    assert "Boom: page broke" in log  # with the traceback


@override_settings(ROOT_URLCONF="tests.webapp.hardening_urls", DEBUG=False)
def test_an_api_500_is_json_with_the_request_id(client_without_raising, log_output):
    response = client_without_raising.get("/api/boom/")
    request_id = response[HEADER]
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "服务器错误。报告问题时请提供请求编号。", "request_id": request_id}
    assert f"ERROR [{request_id}] django.request: Internal Server Error: /api/boom/" in log_output.getvalue()


def test_log_lines_outside_requests_carry_a_dash(log_output):
    logging.getLogger("govflow.test").warning("from the timer sweep")
    assert "WARNING [-] govflow.test: from the timer sweep" in log_output.getvalue()


def test_an_api_url_that_matches_no_route_is_a_json_404(login):
    response = login("lisi").get("/api/tasks/abc/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}


def test_a_page_url_that_matches_nothing_is_the_404_page(login):
    response = login("lisi").get("/nowhere/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "您要访问的页面不存在。" in response.content.decode()
