"""The definitions pages and API for versions: the list with each key's active version, 设为当前版本 with a reason,
comparing two versions (diagrams marked, XML diff), uploading .bpmn / .dmn files, the validate endpoint; all for the
centre office only (zhaobgs), 403 for others (lisi)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from workflows.runtime.models import AuditEvent, ProcessDefinition
from workflows.runtime.services.definitions import active_definition, deploy_definition

FIXTURES = Path(__file__).resolve().parent.parent / "workflows" / "fixtures"
REVIEW = (FIXTURES / "window_review.bpmn").read_text(encoding="utf-8")
REVIEW_2 = REVIEW.replace('name="窗口负责人审核"', 'name="窗口负责人复核"', 1)


@pytest.fixture
def versions(centre):
    """window_review v1 and v2 (v2 active)."""
    return (deploy_definition("window_review", {"review.bpmn": REVIEW}),
            deploy_definition("window_review", {"review.bpmn": REVIEW_2}))


def test_the_list_shows_each_key_with_its_active_version_and_all_versions(client_of, versions):
    first, second = versions
    page = client_of("zhaobgs").get("/definitions/").content.decode()
    assert "当前版本" in page
    assert f'href="/definitions/{first.pk}/"' in page and f'href="/definitions/{second.pk}/"' in page
    assert f"/definitions/compare/?a={first.pk}&amp;b={second.pk}" in page


@pytest.mark.parametrize("url", ["/definitions/", "/definitions/upload/", "/definitions/compare/?a=1&b=2"])
def test_the_pages_are_the_centre_offices_alone(client_of, versions, url):
    assert client_of("lisi").get(url).status_code == 403


def test_making_an_older_version_active_needs_a_reason_and_a_confirmation(client_of, versions):
    first, second = versions
    client = client_of("zhaobgs")
    page = client.get(f"/definitions/{first.pk}/").content.decode()
    assert "设为当前版本" in page
    refused = client.post(f"/definitions/{first.pk}/activate/", {"reason": "第二版有误"})
    assert refused.status_code == 400
    assert active_definition("window_review") == second
    done = client.post(f"/definitions/{first.pk}/activate/", {"reason": "第二版有误", "confirm": "on"}, follow=True)
    assert done.status_code == 200
    assert active_definition("window_review") == first
    assert AuditEvent.objects.filter(action="definition_activated", after__reason="第二版有误").exists()
    assert "设为当前版本" not in done.content.decode()  # the active version offers no activation


def test_others_cannot_activate_a_version(client_of, versions):
    first, second = versions
    response = client_of("lisi").post(f"/definitions/{first.pk}/activate/", {"reason": "x", "confirm": "on"})
    assert response.status_code == 403
    assert active_definition("window_review") == second


def test_the_compare_page_marks_the_changed_element_and_shows_the_xml_diff(client_of, versions):
    first, second = versions
    response = client_of("zhaobgs").get(f"/definitions/compare/?a={second.pk}&b={first.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-changed="review_by_window_head"' in page  # both diagrams mark it
    assert page.count('data-changed="review_by_window_head"') == 2
    assert 'class="diff_chg">审</span>' in page and 'class="diff_chg">复</span>' in page  # the diff table, both sides
    assert 'class="diff"' in page
    assert client_of("zhaobgs").get("/definitions/compare/?a=x&b=1").status_code == 404


def test_uploading_files_publishes_a_new_active_version(client_of, versions):
    changed = REVIEW.replace('name="窗口负责人审核"', 'name="窗口负责人终审"', 1)
    response = client_of("zhaobgs").post("/definitions/upload/", {
        "key": "window_review", "files": [SimpleUploadedFile("review.bpmn", changed.encode("utf-8"))]})
    third = ProcessDefinition.objects.get(key="window_review", version=3)
    assert response.status_code == 302 and response["Location"] == f"/definitions/{third.pk}/"
    assert active_definition("window_review") == third


def test_an_upload_with_problems_lists_them_by_file_and_element_and_publishes_nothing(client_of, versions):
    broken = REVIEW.replace('value="window_head"', 'value="no_such_role"')
    response = client_of("zhaobgs").post("/definitions/upload/", {
        "key": "window_review", "files": [SimpleUploadedFile("review.bpmn", broken.encode("utf-8"))]})
    page = response.content.decode()
    assert response.status_code == 400
    assert "review_by_window_head" in page and "no_such_role" in page
    assert ProcessDefinition.objects.filter(key="window_review").count() == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("review.txt", REVIEW.encode("utf-8"), "只能上传 .bpmn 或 .dmn 文件"),
     ("review.bpmn", REVIEW.encode("gbk"), "须为 UTF-8 编码"),
     ("review.bpmn", REVIEW.encode("utf-8") + b" " * 3000, "过大"),
     ("review.bpmn", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', "不允许 DTD 或实体声明"),
     ("review.bpmn", "不是 XML".encode(), "XML 格式错误")],
    ids=["extension", "encoding", "oversize", "dtd", "not-xml"],
)
def test_refused_uploads_say_why_in_chinese(client_of, versions, settings, name, content, message):
    settings.GOVFLOW_DEFINITION_MAX_BYTES = len(REVIEW.encode("utf-8")) + 1000
    response = client_of("zhaobgs").post("/definitions/upload/", {
        "key": "window_review", "files": [SimpleUploadedFile(name, content)]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ProcessDefinition.objects.filter(key="window_review").count() == 2


# --- API --------------------------------------------------------------------------------------------------------


def test_api_activate_rolls_back_by_version_with_a_reason(client_of, versions):
    first, _second = versions
    response = client_of("zhaobgs").post("/api/definitions/window_review/activate/",
                                         {"version": 1, "reason": "回退"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["version"] == 1
    assert active_definition("window_review") == first


def test_api_activate_refuses_an_unknown_version_and_others(client_of, versions):
    unknown = client_of("zhaobgs").post("/api/definitions/window_review/activate/",
                                        {"version": 9, "reason": "回退"}, content_type="application/json")
    assert unknown.status_code == 400
    assert unknown.json()["field"] == "version"
    forbidden = client_of("lisi").post("/api/definitions/window_review/activate/",
                                       {"version": 1, "reason": "回退"}, content_type="application/json")
    assert forbidden.status_code == 403


def test_api_validate_answers_200_with_the_problems_and_stores_nothing(client_of, centre):
    client = client_of("zhaobgs")
    broken = REVIEW.replace('value="window_head"', 'value="no_such_role"')
    response = client.post("/api/definitions/validate/", {"key": "window_review", "sources": {"review.bpmn": broken}},
                           content_type="application/json")
    assert response.status_code == 200
    [problem] = response.json()["problems"]
    assert (problem["file"], problem["element_id"]) == ("review.bpmn", "review_by_window_head")
    assert "no_such_role" in problem["message"]
    fine = client.post("/api/definitions/validate/", {"key": "window_review", "sources": {"review.bpmn": REVIEW}},
                       content_type="application/json")
    assert fine.json() == {"problems": []}
    assert not ProcessDefinition.objects.exists()
    assert client_of("lisi").post("/api/definitions/validate/", {"key": "window_review", "sources": {
        "review.bpmn": REVIEW}}, content_type="application/json").status_code == 403
