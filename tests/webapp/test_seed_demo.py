"""seed_demo: the demo centre, the processes and 李四's delivered 诫勉教育书 to appeal; running it twice is once."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from workflows.discipline.models import SanctionCase
from workflows.discipline.selectors import open_step


def test_seed_demo_leaves_lisi_a_letter_to_appeal_and_runs_twice(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    case = SanctionCase.objects.get()
    assert f"申辩期限至 2026-12-02：/discipline/cases/{case.pk}/" in first.getvalue()
    assert second.getvalue() == first.getvalue()
    assert open_step(case.instance, "file_appeal").candidates.get().user.username == "lisi"
