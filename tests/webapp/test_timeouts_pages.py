"""The timeout rule and the empty-approver flag as officials see them: the API, the inbox, the case timeline and
the notification centre (issue 10, items 9, 10 and 14). The clock is moved, the sweep run; nothing sleeps."""

from __future__ import annotations

from datetime import datetime

import pytest

from engine.clock import CENTRE_TZ
from workflows.runtime.models import HumanTask, Notification
from workflows.runtime.services.sweep import drain


@pytest.fixture
def task(file_leave, open_task) -> HumanTask:
    """李四's leave, approved by 李红梅 (lifzr): 审批请假 reminds its approver after 1 working day."""
    return open_task(file_leave())


def test_the_api_shows_the_timeout_and_the_reminder_reaches_the_notification_centre(task, login, now):
    assert (task.timeout_action, task.timeout_working_days) == ("remind", 1)
    [row] = login("lifzr").get("/api/tasks/").json()["results"]
    assert row["timeout_action"] == "remind" and row["timeout_at"].startswith("2026-11-26T23:59:59")
    now.set(datetime(2026, 11, 27, 0, 1, tzinfo=CENTRE_TZ))
    assert drain().deadlines.timeouts == 1
    reminder = Notification.objects.get(kind=Notification.TIMEOUT)
    assert reminder.recipient.user.username == "lifzr"
    page = login("lifzr").get("/notifications/").content.decode()
    assert "待办已超时：审批请假" in page
    timeline = login("lisi").get(f"/cases/{task.instance_id}/").content.decode()
    assert "超时提醒" in timeline


def test_an_escalated_task_is_flagged_in_the_inbox_and_the_api(task, login, now):
    HumanTask.objects.filter(pk=task.pk).update(timeout_action="escalate", escalate_role="centre_director",
                                                escalate_scope="centre")
    now.set(datetime(2026, 11, 27, 0, 1, tzinfo=CENTRE_TZ))
    drain()
    client = login("wangzr")
    [row] = client.get("/api/tasks/").json()["results"]
    assert (row["escalated"], row["held_by"]) == (True, "timeout")
    assert row["assignment_note"] == "超时未办理，已升级至中心主任"
    inbox = client.get("/").content.decode()
    assert "超时升级" in inbox and "超时未办理，已升级至中心主任" in inbox
    assert client.get(f"/tasks/{task.pk}/").status_code == 200
