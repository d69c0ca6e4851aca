"""The admin speaks Chinese: every registered model's pages name models, fields, filters and objects in Chinese.

Issue item 3. A heuristic over the rendered pages: every form label, column header and filter title holds
a Chinese character, and no object is shown by Django's English fallback name ("… object (1)").
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.test import RequestFactory

from workflows.org.models import ABPair, Absence, CalendarOverride

CJK = re.compile(r"[\u4e00-\u9fff]")
LABEL = re.compile(r"<label[^>]*>(.*?)</label>", re.S)
COLUMN = re.compile(r'<th scope="col" class="[^"]*column-(?!action-checkbox)[^"]*">(.*?)</th>', re.S)
FILTER = re.compile(r"<summary>(.*?)</summary>", re.S)
TAG = re.compile(r"<[^>]+>")


def texts(pattern: re.Pattern, html: str) -> list[str]:
    return [t for t in (TAG.sub("", m).strip().rstrip(":：") for m in pattern.findall(html)) if t]


@pytest.fixture
def admin_client(centre, client):
    user = centre["admin"].user
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    ABPair.objects.create(a=centre["lisi"], b=centre["zhangsan"], kind=ABPair.TEMPORARY, note="临时顶岗")
    Absence.objects.create(official=centre["lisi"], first_day=date(2026, 12, 1), last_day=date(2026, 12, 2),
                           reason="事假")
    CalendarOverride.objects.create(day=date(2028, 3, 1), kind=CalendarOverride.HOLIDAY, note="临时放假")
    return client


def admin_pages(client) -> list[tuple[str, str]]:
    """Every registered model's list, add (where the admin offers adding: not for login records) and change page."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        request = RequestFactory().get(base)
        request.user = User.objects.get(pk=client.session["_auth_user_id"])
        urls = [base, *([f"{base}add/"] if model_admin.has_add_permission(request) else [])]
        first = model.objects.order_by("pk").first()
        if first is not None:
            urls.append(f"{base}{first.pk}/change/")
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            pages.append((url, response.content.decode()))
    return pages


def test_every_registered_model_has_a_chinese_name():
    for model in admin.site._registry:
        assert CJK.search(str(model._meta.verbose_name)), model
        assert CJK.search(str(model._meta.verbose_name_plural)), model


def test_admin_pages_name_fields_filters_and_objects_in_chinese(admin_client):
    english = []
    for url, html in admin_pages(admin_client):
        assert " object (" not in html, url
        for kind, pattern in (("label", LABEL), ("column", COLUMN), ("filter", FILTER)):
            english += [(url, kind, t) for t in texts(pattern, html) if not CJK.search(t)]
    assert english == []


def test_the_admin_site_has_a_chinese_title(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "政务服务中心管理后台" in html and "Django" not in html


def test_objects_read_as_words(centre):
    pair = ABPair.objects.create(a=centre["lisi"], b=centre["zhangsan"])
    assert str(pair) == "李四 → 张三（常设）"
    assert str(CalendarOverride(day=date(2028, 3, 4), kind=CalendarOverride.WORKING_DAY)) == "2028-03-04 上班（调休）"
    absence = Absence(official=centre["lisi"], first_day=date(2026, 12, 1), last_day=date(2026, 12, 2), reason="事假")
    assert str(absence) == "李四 2026-12-01至2026-12-02"
