"""In a real browser: 李红梅 adds a comment and uploads a file on a task page (the case's timeline links the file),
then approves two leaves at once from the inbox with 批量同意 and sees what happened to each."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from engine.clock import CENTRE_TZ
from tests.task_files import PDF
from workflows.leave.services import LeaveApplication, submit_leave
from workflows.org.models import Official
from workflows.runtime.models import HumanTask, TaskAttachment, TaskComment

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=CENTRE_TZ)


@pytest.fixture
def leaves(centre, deploy_leave, clock, settings, tmp_path):
    clock.set(NOW)
    settings.MEDIA_ROOT = tmp_path / "media"
    deploy_leave("shenxian")
    lisi = Official.objects.get(user__username="lisi")
    return [submit_leave(lisi, LeaveApplication("事假", date(2026, 12, day), "am", date(2026, 12, day), "pm",
                                                "家中有事", None)) for day in (1, 3)]


def test_comment_and_file_on_a_task_then_bulk_approval(leaves, log_in, live_server, shots, tmp_path):
    task = HumanTask.objects.get(instance=leaves[0].instance, state=HumanTask.OPEN)
    page = log_in("lifzr")
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    page.fill("#comment-text", "请提供返岗时间")
    with page.expect_navigation(url=re.compile(rf".*/tasks/{task.pk}/#task-extras$")):
        page.click("form.comment-form button[type=submit]")
    assert "请提供返岗时间" in page.locator("#task-extras").inner_text()
    document = tmp_path / "说明.pdf"
    document.write_bytes(PDF)
    page.set_input_files("#attach-file", str(document))
    with page.expect_navigation(url=re.compile(rf".*/tasks/{task.pk}/#task-extras$")):  # the same address again
        page.click("form.attach-form button[type=submit]")
    assert "已上传“说明.pdf”" in page.locator(".messages").inner_text()
    assert TaskComment.objects.count() == 1 and TaskAttachment.objects.count() == 1
    with page.expect_download() as download:
        page.click("#task-extras a.attachment-link")
    assert download.value.suggested_filename == "说明.pdf"
    assert "说明.pdf" in page.locator("ol.timeline").inner_text()
    page.screenshot(path=str(shots / "task-comments-and-files.png"), full_page=True)

    page.goto(f"{live_server.url}/?tab=mine")
    for box in page.locator("input[name=task_ids]").all():
        box.check()
    page.fill("#bulk-opinion", "同意")
    with page.expect_navigation(url=re.compile(r".*/tasks/bulk-approve/$")):
        page.click("form.bulk-approve button[type=submit]")
    assert "共 2 个任务，已同意 2 个。" in page.locator("main").inner_text()
    assert not HumanTask.objects.filter(instance__in=[leave.instance for leave in leaves], spec_name=task.spec_name,
                                        state=HumanTask.OPEN).exists()
    page.screenshot(path=str(shots / "bulk-approval-result.png"), full_page=True)
