"""Discipline API: complaints and the ledger for the centre office and the efficiency group; cases and appeals
visible to the sanctioned official and those two roles; the appeal with files, late ones refused naming the deadline.
"""

from __future__ import annotations

from datetime import datetime

from discipline_files import EXE_BYTES, JPEG_BYTES, PDF_BYTES
from django.core.files.uploadedfile import SimpleUploadedFile

from engine.clock import CENTRE_TZ
from workflows.discipline.models import Appeal, Complaint
from workflows.discipline.rules import JIEMIAN, OFFICIAL
from workflows.discipline.selectors import open_step
from workflows.discipline.services import open_case
from workflows.runtime.models import AuditEvent, HumanTask

LATE = datetime(2026, 12, 3, 9, 0, tzinfo=CENTRE_TZ)


def test_cases_are_visible_to_the_sanctioned_official_and_the_two_roles(login, delivered_case, official):
    other = open_case(target_kind=OFFICIAL, target_official=official("sunqi"), measure=JIEMIAN, rule_code="5.15",
                      facts="与群众争吵", opened_by=official("zhaobgs"))
    mine = login("lisi").get("/api/cases/").json()["results"]
    assert [c["register_number"] for c in mine] == [delivered_case.register_number]
    assert mine[0]["rule_text"].startswith("第五条第（十五）项") and mine[0]["letters"][0]["kind"] == "诫勉教育书"
    assert mine[0]["appeal"] is None and mine[0]["appeal_deadline"] == "2026-12-02"
    assert login("lisi").get(f"/api/cases/{other.pk}/").status_code == 404
    for username in ("zhaobgs", "qianxn"):
        assert len(login(username).get("/api/cases/").json()["results"]) == 2
    assert login("zhaobgs").get("/api/cases/", {"status": "delivered"}).json()["count"] == 1
    assert login("zhangsan").get("/api/cases/").json()["results"] == []


def test_appeal_with_files_then_listed_and_refused_twice(login, delivered_case):
    lisi = login("lisi")
    files = [SimpleUploadedFile("说明.pdf", PDF_BYTES), SimpleUploadedFile("照片.jpg", JPEG_BYTES)]
    response = lisi.post(f"/api/cases/{delivered_case.pk}/appeal/", {"text": "事实不清", "files": files})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["received_on"] == "2026-11-25" and body["due_on"] == "2026-12-09"
    assert sorted((a["original_name"], a["kind"]) for a in body["attachments"]) == [("照片.jpg", "jpg"),
                                                                                  ("说明.pdf", "pdf")]
    again = lisi.post(f"/api/cases/{delivered_case.pk}/appeal/", {"text": "再申辩"})
    assert again.status_code == 409
    assert [a["id"] for a in lisi.get("/api/appeals/").json()["results"]] == [body["id"]]
    assert login("sunqi").get("/api/appeals/").json()["results"] == []
    assert len(login("zhaobgs").get("/api/appeals/").json()["results"]) == 1
    assert open_step(delivered_case.instance, "decide_appeal") is not None


def test_attachments_over_the_size_limit_are_refused(login, delivered_case, monkeypatch):
    monkeypatch.setattr("workflows.discipline.attachments.MAX_FILE_BYTES", 3)
    response = login("lisi").post(f"/api/cases/{delivered_case.pk}/appeal/",
                                  {"text": "不服", "files": [SimpleUploadedFile("大.pdf", PDF_BYTES)]})
    assert response.status_code == 400 and "“大.pdf”超过" in str(response.json()["files"])
    assert not Appeal.objects.exists()


def test_an_exe_renamed_pdf_is_refused_by_the_api_with_the_reason(login, delivered_case):
    response = login("lisi").post(f"/api/cases/{delivered_case.pk}/appeal/",
                                  {"text": "不服", "files": [SimpleUploadedFile("证据.pdf", EXE_BYTES)]})
    assert response.status_code == 400
    assert "“证据.pdf”的内容不是.pdf文件（文件内容与扩展名不符），不予接收" in str(response.json()["files"])
    assert not Appeal.objects.exists() and open_step(delivered_case.instance, "file_appeal") is not None


def test_a_late_appeal_is_a_400_naming_the_deadline(login, delivered_case, clock):
    clock.set(LATE)
    response = login("lisi").post(f"/api/cases/{delivered_case.pk}/appeal/", {"text": "不服"})
    assert response.status_code == 400
    assert response.json()["detail"] == "申辩期限已于2026年12月2日届满"
    assert not Appeal.objects.exists()


def test_only_the_sanctioned_official_appeals_or_waives(login, delivered_case):
    assert login("sunqi").post(f"/api/cases/{delivered_case.pk}/appeal/", {"text": "x"}).status_code == 404
    refused = login("zhaobgs").post(f"/api/cases/{delivered_case.pk}/waive-appeal/", {"confirm": True})
    assert refused.status_code == 400 and refused.json()["detail"] == "只有被处理人本人可以申辩"
    waived = login("lisi").post(f"/api/cases/{delivered_case.pk}/waive-appeal/", {"confirm": True})
    assert waived.status_code == 200
    assert login("lisi").post(f"/api/cases/{delivered_case.pk}/appeal/", {"text": "又想申辩"}).status_code == 409


def test_waiving_through_the_api_needs_an_explicit_confirm(login, delivered_case):
    lisi = login("lisi")
    url = f"/api/cases/{delivered_case.pk}/waive-appeal/"
    assert lisi.post(url).status_code == 400  # no confirm field at all
    unconfirmed = lisi.post(url, {"confirm": False}, content_type="application/json")
    assert unconfirmed.status_code == 400
    assert unconfirmed.json()["detail"] == "请确认放弃申辩：确认后处理决定维持不变，且以后不能再提出申辩"
    assert open_step(delivered_case.instance, "file_appeal") is not None
    waived = lisi.post(url, {"confirm": True}, content_type="application/json").json()
    assert waived["appeal_status"] == "放弃申辩" and waived["appeal_waived_at"] is not None
    assert lisi.get(f"/api/cases/{delivered_case.pk}/").json()["appeal_status"] == "放弃申辩"
    task = HumanTask.objects.get(instance=delivered_case.instance, spec_name="file_appeal")
    assert task.outcome == "waived"
    assert AuditEvent.objects.filter(instance=delivered_case.instance, action="appeal_waived").exists()


def test_the_appeal_task_is_not_completed_through_the_task_api(login, delivered_case):
    task = open_step(delivered_case.instance, "file_appeal")
    response = login("lisi").post(f"/api/tasks/{task.pk}/complete/", {"data": {"comment": ""}},
                                  content_type="application/json")
    detail = response.json()["detail"]
    assert response.status_code == 400 and f"/api/cases/{delivered_case.pk}/appeal/" in detail


def test_ledger_is_for_the_two_roles(login, delivered_case):
    assert login("lisi").get("/api/ledger/").status_code == 403
    refused = login("zhangsan").get("/api/ledger/")
    assert refused.status_code == 403 and refused.json()["detail"] == "仅中心办公室和效能建设领导小组可用"
    ledger = login("qianxn").get("/api/ledger/").json()
    assert ledger["year"] == 2026
    [row] = ledger["officials"]
    assert (row["official"]["name"], row["jiemian"], row["warnings"], row["revoked"], row["rating"]) == (
        "李四", 1, 0, 0, "")
    assert ledger["windows"][0]["window"]["name"] == "企业登记窗口"
    filtered = login("zhaobgs").get("/api/ledger/", {"year": 2025, "official": delivered_case.target_official_id})
    assert filtered.json() == {"year": 2025, "officials": [], "windows": []}
    assert login("zhaobgs").get("/api/ledger/", {"year": "x"}).status_code == 400


def test_complaints_list_and_create_for_the_two_roles(login, discipline, official):
    body = {"source": "public", "summary": "孙七态度蛮横", "target_kind": OFFICIAL,
            "target_official": official("sunqi").pk, "complainant_name": "王女士"}
    lisi = login("lisi")
    assert lisi.get("/api/complaints/").status_code == 403
    assert lisi.post("/api/complaints/", body, content_type="application/json").status_code == 403
    created = login("qianxn").post("/api/complaints/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert created.json()["status"] == Complaint.INVESTIGATING and created.json()["received_by"]["name"] == "钱志刚"
    listed = login("zhaobgs").get("/api/complaints/").json()["results"]
    assert [c["number"] for c in listed] == [created.json()["number"]]
    no_target = login("zhaobgs").post("/api/complaints/", {**body, "target_official": None},
                                      content_type="application/json")
    assert no_target.status_code == 400 and no_target.json()["detail"] == "请指定被投诉（处理）的工作人员"


def test_the_complaint_api_refuses_contradictory_targets_and_bad_numbers(login, discipline, official):
    lisi = official("lisi")
    body = {"source": "public", "summary": "态度差", "target_kind": "window", "target_window": lisi.window.pk,
            "target_official": lisi.pk}
    office = login("zhaobgs")
    both = office.post("/api/complaints/", body, content_type="application/json")
    assert both.status_code == 400 and "投诉对象为窗口时不能同时选择工作人员李四" in both.json()["detail"]
    bad = office.post("/api/complaints/", {**body, "target_kind": OFFICIAL, "target_window": None,
                                           "complainant_contact": "12345"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"].startswith("联系电话“12345”不是有效的电话号码")
    assert not Complaint.objects.exists()


def test_the_api_previews_an_appeal_without_filing_it(login, delivered_case):
    lisi = login("lisi")
    url = f"/api/cases/{delivered_case.pk}/appeal/"
    files = [SimpleUploadedFile("说明.pdf", PDF_BYTES), SimpleUploadedFile("照片.jpg", JPEG_BYTES)]
    preview = lisi.post(url, {"text": " 事实不清 ", "files": files, "preview": "true"})
    assert preview.status_code == 200, preview.json()
    assert preview.json() == {"text": "事实不清", "appeal_deadline": "2026-12-02", "files": [
        {"name": "说明.pdf", "kind": "pdf", "size": len(PDF_BYTES)},
        {"name": "照片.jpg", "kind": "jpg", "size": len(JPEG_BYTES)}]}
    assert not Appeal.objects.exists() and open_step(delivered_case.instance, "file_appeal") is not None
    refused = lisi.post(url, {"text": "x", "files": [SimpleUploadedFile("a.pdf", EXE_BYTES)], "preview": "true"})
    assert refused.status_code == 400
    assert login("zhaobgs").post(url, {"text": "x", "preview": "true"}).status_code == 400  # not the appellant
