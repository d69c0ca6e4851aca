"""seed_demo with the application process deployable (bpmn/joint_review.bpmn present, as after the merge of the joint
review): three demo applications in different states, and running it again changes nothing. On this branch the
folder gets the tests' stand-in joint_review; without it seed_demo says the application process is not deployed."""

from __future__ import annotations

import shutil
from io import StringIO

from django.core.management import call_command

from tests.conftest import BPMN_DIR
from tests.workflows.application_steps import JOINT_REVIEW_STAND_IN
from workflows.applications.models import Application


def test_seed_demo_receives_three_demo_applications_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    bpmn = tmp_path / "bpmn"
    shutil.copytree(BPMN_DIR, bpmn)
    shutil.copy(JOINT_REVIEW_STAND_IN, bpmn / "joint_review.bpmn")
    settings.GOVFLOW_BPMN_DIR = bpmn
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    assert "已部署：" in first.getvalue() and "演示办件：3 件" in first.getvalue()
    assert second.getvalue() == first.getvalue()
    statuses = dict(Application.objects.values_list("applicant", "status"))
    assert statuses == {"伊犁天山餐饮有限公司": Application.IN_PROGRESS,
                        "尼勒克县喀拉苏小吃店": Application.AWAITING_MATERIALS,
                        "尼勒克县康宁大药房": Application.PAUSED}


def test_without_the_joint_review_process_seed_demo_says_the_application_process_is_not_deployed(db, settings,
                                                                                                  tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    bpmn = tmp_path / "bpmn"
    shutil.copytree(BPMN_DIR, bpmn)
    (bpmn / "joint_review.bpmn").unlink(missing_ok=True)
    settings.GOVFLOW_BPMN_DIR = bpmn
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "办件流程未部署：缺少 bpmn/joint_review.bpmn" in out.getvalue()
    assert not Application.objects.exists()
