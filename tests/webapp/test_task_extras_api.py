"""Comments, attachments, bulk approval and signatures through the API and the pages: 200/201, 400 naming the field,
403 with the reason; files served only to who may see the case."""

from __future__ import annotations

from datetime import date

import pytest

from tests.task_files import PDF, png_bytes, upload
from workflows.runtime.models import AuditEvent, HumanTask, TaskAttachment, TaskComment


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def task(file_leave, open_task) -> HumanTask:
    """李四's leave, to be approved by the deputy director 李红梅 (lifzr); the step allows bulk approval."""
    return open_task(file_leave())


def test_comments_through_the_api(task, login):
    client = login("lifzr")
    created = client.post(f"/api/tasks/{task.pk}/comments/", {"text": "请补充病历"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["text"] == "请补充病历"
    listed = client.get(f"/api/tasks/{task.pk}/comments/").json()
    assert [(c["author"]["name"], c["text"]) for c in listed] == [("李红梅", "请补充病历")]
    empty = client.post(f"/api/tasks/{task.pk}/comments/", {"text": " "}, content_type="application/json")
    assert empty.status_code == 400 and empty.json()["field"] == "text"


def test_a_stranger_gets_403_with_the_reason_and_the_applicant_may_read(task, login):
    refused = login("wangzr").post(f"/api/tasks/{task.pk}/comments/", {"text": "x"}, content_type="application/json")
    assert refused.status_code == 403
    applicant = login("lisi")  # sees the case (its applicant) but does not act on this step
    assert applicant.get(f"/api/tasks/{task.pk}/comments/").status_code == 200
    answer = applicant.post(f"/api/tasks/{task.pk}/attachments/", {"file": upload("a.pdf", PDF)})
    assert answer.status_code == 403 and answer.json()["detail"] == "只有办理或办理过此任务的人员才能添加备注或附件。"
    assert not TaskComment.objects.exists() and not TaskAttachment.objects.exists()


def test_attachments_through_the_api_and_the_case_checked_download(task, login):
    client = login("lifzr")
    created = client.post(f"/api/tasks/{task.pk}/attachments/", {"file": upload("病历.pdf", PDF)})
    assert created.status_code == 201
    body = created.json()
    assert (body["name"], body["size"], body["content_type"]) == ("病历.pdf", len(PDF), "application/pdf")
    assert client.get(f"/api/tasks/{task.pk}/attachments/").json()[0]["download"] == body["download"]
    download = client.get(body["download"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert login("lisi").get(body["download"]).status_code == 200  # the applicant sees the case
    assert login("zhangsan").get(body["download"]).status_code == 404  # outside the case: not found


@pytest.mark.parametrize(("name", "content", "words"), [
    ("a.exe", b"MZ", "文件类型不在允许范围内"),
    ("a.pdf", b"", "空文件"),
    ("a.pdf", png_bytes(), "内容不是.pdf文件"),
])
def test_a_bad_file_answers_400_naming_the_field(task, login, name, content, words):
    answer = login("lifzr").post(f"/api/tasks/{task.pk}/attachments/", {"file": upload(name, content)})
    assert answer.status_code == 400 and answer.json()["field"] == "file" and words in answer.json()["detail"]
    missing = login("lifzr").post(f"/api/tasks/{task.pk}/attachments/", {})
    assert missing.status_code == 400 and missing.json()["field"] == "file"


def test_a_too_big_file_answers_400(task, login, settings):
    settings.GOVFLOW_TASK_ATTACHMENT_MAX_BYTES = 10
    answer = login("lifzr").post(f"/api/tasks/{task.pk}/attachments/", {"file": upload("a.pdf", PDF)})
    assert answer.status_code == 400 and "超过" in answer.json()["detail"]


def test_bulk_approve_through_the_api_reports_per_task(file_leave, open_task, login):
    first = open_task(file_leave())
    second = open_task(file_leave(first=date(2026, 12, 3), last=date(2026, 12, 3)))
    answer = login("lifzr").post("/api/tasks/bulk-approve/", {"task_ids": [first.pk, second.pk], "opinion": "同意"},
                                 content_type="application/json")
    assert answer.status_code == 200
    assert [(o["task_id"], o["done"]) for o in answer.json()] == [(first.pk, True), (second.pk, True)]
    assert AuditEvent.objects.filter(action="task_completed", task__in=[first, second]).count() == 2
    again = login("lifzr").post("/api/tasks/bulk-approve/", {"task_ids": [first.pk]}, content_type="application/json")
    assert again.json()[0]["done"] is False and again.json()[0]["reason"]
    bad = login("lifzr").post("/api/tasks/bulk-approve/", {"task_ids": []}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "task_ids"


def test_a_required_opinion_is_refused_by_the_api_naming_the_field(task, login):
    HumanTask.objects.filter(pk=task.pk).update(opinion_required="always")
    answer = login("lifzr").post(f"/api/tasks/{task.pk}/complete/", {"data": {"decision": "approve"}},
                                 content_type="application/json")
    assert answer.status_code == 400 and answer.json()["errors"] == {"comment": ["请填写意见。"]}


# --- pages -------------------------------------------------------------------------------------------------------

def test_the_task_page_takes_a_comment_and_a_file_and_shows_them(task, login):
    client = login("lifzr")
    page = client.get(f"/tasks/{task.pk}/")
    assert "备注与附件" in page.content.decode() and 'name="file"' in page.content.decode()
    client.post(f"/tasks/{task.pk}/comments/", {"text": "已核实"})
    answer = client.post(f"/tasks/{task.pk}/attachments/", {"file": upload("核实.pdf", PDF)}, follow=True)
    html = answer.content.decode()
    assert "已上传“核实.pdf”" in html and "已核实" in html
    attachment = TaskAttachment.objects.get()
    assert f"/tasks/attachments/{attachment.pk}/" in html
    refused = client.post(f"/tasks/{task.pk}/attachments/", {"file": upload("x.exe", b"MZ")}, follow=True)
    assert "附件未上传" in refused.content.decode() and TaskAttachment.objects.count() == 1


def test_the_case_page_timeline_links_the_file(task, login):
    client = login("lifzr")
    client.post(f"/tasks/{task.pk}/attachments/", {"file": upload("核实.pdf", PDF)})
    html = client.get(f"/cases/{task.instance_id}/").content.decode()
    assert "上传附件" in html and f"/tasks/attachments/{TaskAttachment.objects.get().pk}/" in html


def test_the_task_page_refuses_a_missing_required_opinion(task, login):
    HumanTask.objects.filter(pk=task.pk).update(opinion_required="always")
    answer = login("lifzr").post(f"/tasks/{task.pk}/", {"decision": "approve", "comment": ""})
    assert answer.status_code == 200 and "请填写意见。" in answer.content.decode()
    task.refresh_from_db()
    assert task.state == HumanTask.OPEN


def test_the_inbox_offers_bulk_approval_and_reports_each_task(file_leave, open_task, login):
    first = open_task(file_leave())
    second = open_task(file_leave(first=date(2026, 12, 3), last=date(2026, 12, 3)))
    client = login("lifzr")
    html = client.get("/?tab=mine").content.decode()
    assert f'name="task_ids" value="{first.pk}"' in html and "批量同意" in html
    answer = client.post("/tasks/bulk-approve/", {"task_ids": [first.pk, second.pk], "opinion": "同意"})
    result = answer.content.decode()
    assert answer.status_code == 200 and "共 2 个任务，已同意 2 个。" in result
    assert HumanTask.objects.get(pk=second.pk).state == HumanTask.COMPLETED


def test_my_signature_page_and_the_signed_approval(task, login, official):
    client = login("lifzr")
    assert "我的签名" in client.get("/").content.decode()
    refused = client.post("/signature/", {"signature": upload("sig.png", PDF)}, follow=True)
    assert "内容不是.png文件" in refused.content.decode()
    client.post("/signature/", {"signature": upload("sig.png", png_bytes())})
    assert client.get("/signature/image/").status_code == 200
    client.post(f"/tasks/{task.pk}/", {"decision": "approve", "comment": "同意"})
    task.refresh_from_db()
    assert task.signature_file and task.signature_sha256 == official("lifzr").signature_sha256
    assert f"/tasks/{task.pk}/signature/" in client.get(f"/cases/{task.instance_id}/sheet/").content.decode()
    assert login("lisi").get(f"/tasks/{task.pk}/signature/").status_code == 200
    assert login("zhangsan").get(f"/tasks/{task.pk}/signature/").status_code == 404
    pdf = client.get(f"/cases/{task.instance_id}/sheet.pdf")
    assert pdf.status_code == 200 and b"/Image" in pdf.content
