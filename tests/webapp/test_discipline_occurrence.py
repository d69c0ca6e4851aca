"""第几次查实 is counted from the record, not typed: the investigation form has no such field, and the second
founded 超过承诺时限 against the same official in a year escalates to 效能告诫 by itself (page and API alike)."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from engine.clock import CENTRE_TZ
from workflows.discipline.models import Complaint, SanctionCase
from workflows.discipline.rules import JIEMIAN, OFFICIAL, WARNING
from workflows.discipline.selectors import finding_occurrence, open_step
from workflows.discipline.services import file_complaint

OVER_TIME = {"founded": "true", "findings": "办件超过承诺时限三天", "duty_rule": "服务承诺制",
             "finding": "over_time_limit", "rule_code": "", "proposed_measure": "", "target_kind": OFFICIAL}


def complain(official, office) -> Complaint:
    return file_complaint(source=Complaint.SUPERVISOR, summary="办件超时", target_kind=OFFICIAL,
                          target_official=official, received_by=office)


def test_the_occurrence_is_counted_from_founded_complaints_of_the_year(login, discipline, official, now):
    lisi, sunqi, office = official("lisi"), official("sunqi"), official("zhaobgs")
    client = login("zhaobgs")

    first = complain(lisi, office)
    task = open_step(first.instance, "investigate_complaint")
    page = client.get(reverse("task", args=[task.pk])).content.decode()
    assert 'name="duty_rule"' in page and 'name="occurrence"' not in page
    assert client.post(reverse("task", args=[task.pk]), OVER_TIME).status_code == 302
    first.refresh_from_db()
    assert (first.duty_rule, first.finding, first.occurrence) == ("服务承诺制", "over_time_limit", 1)
    assert SanctionCase.objects.get(origin_complaint=first).measure == JIEMIAN

    other = complain(sunqi, office)  # another official: counts on its own
    assert finding_occurrence(other, "服务承诺制", "over_time_limit") == 1

    second = complain(lisi, office)
    assert finding_occurrence(second, "服务承诺制", "over_time_limit") == 2
    assert finding_occurrence(second, "服务承诺制", "rude_service") == 1
    task = open_step(second.instance, "investigate_complaint")
    typed = {"data": {**OVER_TIME, "founded": True, "occurrence": 1}}  # a typed count is ignored
    done = client.post(f"/api/tasks/{task.pk}/complete/", typed, content_type="application/json")
    assert done.status_code == 200, done.json()
    second.refresh_from_db()
    assert second.occurrence == 2
    assert SanctionCase.objects.get(origin_complaint=second).measure == WARNING  # 两次给予效能告诫
    detail = client.get(reverse("task", args=[task.pk])).content.decode()
    assert "本年度第2次查实" in detail

    now.set(datetime(2027, 1, 4, 9, 0, tzinfo=CENTRE_TZ))  # a new year: the count starts again
    assert finding_occurrence(complain(lisi, office), "服务承诺制", "over_time_limit") == 1
