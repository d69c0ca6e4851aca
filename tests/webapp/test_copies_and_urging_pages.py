"""抄送, 催办 and the notification centre through the pages and the API: who sees which button, what a refusal
says, read/unread on opening the case, 抄送我的 and the notification page paged with flat query counts, and the
header's unread count."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from workflows.runtime.clock import now
from workflows.runtime.models import AuditEvent, CaseCopy, HumanTask, Notification
from workflows.runtime.services.copies import copy_case
from workflows.runtime.services.definitions import deploy_from_files
from workflows.runtime.services.instances import start_process

FIXTURE = Path(__file__).parents[1] / "workflows" / "fixtures" / "copy_after_review.bpmn"


@pytest.fixture
def case(centre, leave_definition):
    """李四's review request to her window head 张三, due in one working day."""
    deploy_from_files("copy_after_review", [FIXTURE])
    return start_process("copy_after_review", data={}, business_key="CC-1", applicant=centre["lisi"],
                         started_by=centre["lisi"])


def _review(case) -> HumanTask:
    return HumanTask.objects.get(instance=case, spec_name="review_by_window_head")


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_copy_from_the_task_page_then_opening_the_case_reads_it(case, centre, login):
    review = _review(case)
    zhangsan = login("zhangsan")
    page = _text(zhangsan.get(reverse("task", args=[review.pk])))
    assert "抄送本案" in page and 'name="roles"' in page
    response = zhangsan.post(reverse("case_copy", args=[case.pk]),
                             {"officials": [centre["wangwu"].pk], "note": "请知悉", "next": f"/tasks/{review.pk}/"})
    assert response.status_code == 302 and response["Location"] == f"/tasks/{review.pk}/"
    copy = CaseCopy.objects.get()
    assert copy.recipient == centre["wangwu"] and copy.read_at is None
    wangwu = login("wangwu")
    listed = _text(wangwu.get(reverse("copies")))
    assert "CC-1" in listed and "张三" in listed and "请知悉" in listed and "未读" in listed
    case_page = _text(wangwu.get(reverse("case", args=[case.pk])))
    assert "窗口负责人审核" in case_page and "抄送给 王五：请知悉" in case_page  # the copy is in the history
    copy.refresh_from_db()
    assert copy.read_at is not None
    assert "未读" not in _text(wangwu.get(reverse("copies"), {"unread": "1"})).split("</nav>", 2)[-1]


def test_copy_to_a_role_from_the_case_page(case, centre, login):
    response = login("lisi").post(reverse("case_copy", args=[case.pk]), {"roles": ["centre_director"]})
    assert response.status_code == 302
    assert [c.recipient for c in CaseCopy.objects.all()] == [centre["wangzr"]]


def test_copy_with_bad_input_says_why_in_chinese(case, centre, login):
    lisi = login("lisi")
    response = lisi.post(reverse("case_copy", args=[case.pk]), {"note": "x"}, follow=True)
    assert "请至少选择一名抄送人员或一个角色" in _text(response)
    response = lisi.post(reverse("case_copy", args=[case.pk]), {"roles": ["mayor"]}, follow=True)
    assert response.status_code == 200 and not CaseCopy.objects.exists()
    response = lisi.post(reverse("case_copy", args=[case.pk]), {"officials": ["abc"]}, follow=True)
    assert response.status_code == 200 and not CaseCopy.objects.exists()


def test_someone_outside_the_case_neither_sees_nor_copies_it(case, centre, login):
    sunqi = login("sunqi")
    assert sunqi.get(reverse("case", args=[case.pk])).status_code == 404  # as an unknown case: nothing told
    assert sunqi.post(reverse("case_copy", args=[case.pk]), {"roles": ["centre_director"]}).status_code == 404
    assert login("lisi").get(reverse("case", args=[999999])).status_code == 404
    assert not CaseCopy.objects.exists()


def test_the_urge_button_shows_only_when_allowed_and_urging_notifies_the_holder(case, centre, login, now):
    review = _review(case)
    lisi = login("lisi")
    assert "催办" not in _text(lisi.get(reverse("case", args=[case.pk])))  # not overdue yet
    now.advance(days=5)
    assert f'action="/tasks/{review.pk}/urge/"' in _text(lisi.get(reverse("case", args=[case.pk])))
    assert f'action="/tasks/{review.pk}/urge/"' in _text(login("wangzr").get(reverse("case", args=[case.pk])))
    assert "/urge/" not in _text(login("zhangsan").get(reverse("task", args=[review.pk])))  # the holder himself
    response = lisi.post(reverse("task_urge", args=[review.pk]), {"next": f"/cases/{case.pk}/"}, follow=True)
    assert "已催办" in _text(response) and "催办：窗口负责人审核" in _text(response)  # in the history
    assert Notification.objects.filter(recipient=centre["zhangsan"], kind=Notification.URGE).count() == 1
    again = lisi.post(reverse("task_urge", args=[review.pk]), follow=True)
    assert "后可再次催办" in _text(again)
    assert AuditEvent.objects.filter(action="task_urged").count() == 1


def test_urge_through_the_api_answers_403_and_429_with_the_reason(case, centre, login, now):
    review = _review(case)
    url = f"/api/tasks/{review.pk}/urge/"
    early = login("lisi").post(url)
    assert early.status_code == 403 and "尚未逾期" in early.json()["detail"]
    now.advance(days=5)
    stranger = login("wangwu").post(url)
    assert stranger.status_code == 403 and "发起人或中心领导" in stranger.json()["detail"]
    assert login("lisi").post(url).status_code == 200
    too_soon = login("lisi").post(url)
    assert too_soon.status_code == 429 and "后可再次催办" in too_soon.json()["detail"]
    assert login("wangzr").post(url).status_code == 200
    assert login("lisi").post("/api/tasks/999999/urge/").status_code == 404


def test_copy_through_the_api_and_the_copies_list(case, centre, login):
    lisi = login("lisi")
    created = lisi.post(f"/api/instances/{case.pk}/copies/",
                        {"officials": [centre["wangwu"].pk], "roles": ["centre_deputy_director"], "note": "阅"},
                        content_type="application/json")
    assert created.status_code == 201
    assert sorted(c["recipient"]["name"] for c in created.json()) == ["李红梅", "王五"]
    bad = lisi.post(f"/api/instances/{case.pk}/copies/", {"roles": ["mayor"]}, content_type="application/json")
    assert bad.status_code == 400
    empty = lisi.post(f"/api/instances/{case.pk}/copies/", {}, content_type="application/json")
    assert empty.status_code == 400 and "至少选择" in empty.json()["detail"]
    outsider = login("sunqi").post(f"/api/instances/{case.pk}/copies/", {"roles": ["centre_director"]},
                                   content_type="application/json")
    assert outsider.status_code == 403
    mine = login("wangwu").get("/api/copies/").json()
    assert [row["business_key"] for row in mine["results"]] == ["CC-1"] and mine["results"][0]["read_at"] is None


def test_notification_centre_lists_unread_first_and_marks_read(case, centre, login):
    zhangsan = login("zhangsan")
    copy_case(case, centre["lisi"], official_ids=[centre["zhangsan"].pk], note="第二条")
    first = Notification.objects.get(recipient=centre["zhangsan"], kind=Notification.TASK)
    page = _text(zhangsan.get(reverse("notifications")))
    assert page.index("第二条") < page.index("新待办")  # newest first among the unread
    assert 'data-unread>2<' in page
    zhangsan.post(reverse("notification_read", args=[first.pk]), {"next": "/notifications/"})
    page = _text(zhangsan.get(reverse("notifications")))
    assert page.index("第二条") < page.index("新待办") and 'data-unread>1<' in page
    assert zhangsan.post(reverse("notification_read", args=[first.pk + 1000])).status_code == 404
    assert login("wangwu").post(reverse("notification_read", args=[first.pk])).status_code == 404  # not his
    zhangsan.post(reverse("notifications_all_read"))
    assert "data-unread" not in _text(zhangsan.get(reverse("inbox")))
    api = zhangsan.get("/api/notifications/").json()
    assert {row["kind"] for row in api["results"]} == {"task", "copy"}


def _count_queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured.captured_queries)


def test_notification_and_copies_pages_cost_the_same_for_few_and_many(case, centre, login):
    wangwu = login("wangwu")
    official = centre["wangwu"]
    Notification.objects.bulk_create(Notification(recipient=official, message=f"通知{i}", created_at=now())
                                     for i in range(3))
    CaseCopy.objects.bulk_create(CaseCopy(instance=case, recipient=official, copied_at=now()) for _ in range(3))
    few = (_count_queries(wangwu, reverse("notifications")), _count_queries(wangwu, reverse("copies")),
           _count_queries(wangwu, reverse("inbox")))
    Notification.objects.bulk_create(Notification(recipient=official, message=f"通知{i}", created_at=now())
                                     for i in range(150))
    CaseCopy.objects.bulk_create(CaseCopy(instance=case, recipient=official, copied_at=now(), copied_by=centre[name])
                                 for name in ("lisi", "zhangsan", "wangzr") * 20)
    many = (_count_queries(wangwu, reverse("notifications")), _count_queries(wangwu, reverse("copies")),
            _count_queries(wangwu, reverse("inbox")))
    assert many == few
    assert 'data-unread>99+<' in _text(wangwu.get(reverse("notifications"), {"page": 2}))


def test_the_header_count_is_one_query_per_page(case, centre, login):
    zhangsan = login("zhangsan")
    with CaptureQueriesContext(connection) as captured:
        _text(zhangsan.get(reverse("notifications")))
    counts = [q["sql"] for q in captured.captured_queries
              if "runtime_notification" in q["sql"] and "COUNT" in q["sql"].upper()]
    assert len(counts) == 2  # the header's, and the paginator's of the list itself


def test_a_family_case_opens_on_the_case_page_with_its_record(centre, login, file_leave):
    leave = file_leave()
    page = _text(login("lisi").get(reverse("case", args=[leave.instance_id])))
    assert leave.case_number in page and "抄送本案" in page
    assert f'href="/cases/{leave.instance_id}/"' in _text(
        login("lisi").get(reverse("task", args=[leave.instance.tasks.get().pk])))


def test_a_leader_reaches_an_overdue_task_from_monitoring_to_its_case_page_and_urges(case, login, now):
    now.advance(days=5)
    monitoring = _text(login("wangzr").get(reverse("monitoring")))
    assert f'href="/cases/{case.pk}/"' in monitoring
    assert f'action="/tasks/{_review(case).pk}/urge/"' in _text(login("wangzr").get(reverse("case", args=[case.pk])))
