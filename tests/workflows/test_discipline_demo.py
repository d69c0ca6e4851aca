"""The discipline demo: 李四 holds a delivered 诫勉教育书 and can appeal in the browser."""

from __future__ import annotations

import pytest
from discipline_files import PDF_BYTES
from discipline_steps import open_task, usernames
from django.core.files.uploadedfile import SimpleUploadedFile

from workflows.discipline import services
from workflows.discipline.demo import seed_discipline_demo
from workflows.discipline.models import Appeal, AppealAttachment, Complaint, SanctionCase
from workflows.runtime.errors import Conflict


def test_the_demo_leaves_lisi_an_open_appeal_and_is_idempotent(centre, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = seed_discipline_demo()
    assert (case.status, case.respondent, case.rule.code) == (SanctionCase.DELIVERED, centre["lisi"], "5.15")
    assert usernames(open_task(case.instance, "file_appeal")) == ["lisi"]
    assert case.origin_complaint.status == Complaint.ANSWERED
    assert seed_discipline_demo() == case
    assert (Complaint.objects.count(), SanctionCase.objects.count()) == (1, 1)


def test_an_appeal_that_fails_leaves_no_attachment_files_behind(centre, clock, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    case = seed_discipline_demo()
    files_before = sorted(p for p in tmp_path.rglob("*") if p.is_file())

    def lost_race(*args, **kwargs):
        raise Conflict("流程已被他人更新，请刷新后重试")

    monkeypatch.setattr(services, "complete_task", lost_race)
    with pytest.raises(Conflict):
        services.file_appeal(case, centre["lisi"], "请求撤销。", [SimpleUploadedFile("说明.pdf", PDF_BYTES)])
    assert (Appeal.objects.count(), AppealAttachment.objects.count()) == (0, 0)
    assert sorted(p for p in tmp_path.rglob("*") if p.is_file()) == files_before
