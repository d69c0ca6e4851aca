"""The discipline demo: 李四 holds a delivered 诫勉教育书 and can appeal in the browser."""

from __future__ import annotations

from discipline_steps import open_task, usernames

from workflows.discipline.demo import seed_discipline_demo
from workflows.discipline.models import Complaint, SanctionCase


def test_the_demo_leaves_lisi_an_open_appeal_and_is_idempotent(centre, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = seed_discipline_demo()
    assert (case.status, case.respondent, case.rule.code) == (SanctionCase.DELIVERED, centre["lisi"], "5.15")
    assert usernames(open_task(case.instance, "file_appeal")) == ["lisi"]
    assert case.origin_complaint.status == Complaint.ANSWERED
    assert seed_discipline_demo() == case
    assert (Complaint.objects.count(), SanctionCase.objects.count()) == (1, 1)
