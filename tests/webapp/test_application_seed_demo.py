"""seed_demo receives the demo applications: three in different states and the joint case waiting for the lead;
running it again changes nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from workflows.applications.models import Application


def test_seed_demo_receives_the_demo_applications_once(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    assert "已部署：" in first.getvalue() and "演示办件：3 件" in first.getvalue()
    assert second.getvalue() == first.getvalue()
    statuses = dict(Application.objects.values_list("applicant", "status"))
    assert statuses == {"伊犁天山餐饮有限公司": Application.IN_PROGRESS,
                        "尼勒克县喀拉苏小吃店": Application.AWAITING_MATERIALS,
                        "尼勒克县康宁大药房": Application.PAUSED,
                        "伊犁河谷新能源开发有限公司": Application.IN_PROGRESS}
    joint = Application.objects.get(applicant="伊犁河谷新能源开发有限公司")
    assert joint.number in first.getvalue()
    assert list(joint.instance.tasks.filter(state="open").values_list("spec_name", flat=True)) == [
        "inform_co_departments"]
