"""The joint review's demo: chief representatives for 建设项目并联审批's departments and one application waiting for
the lead to inform the co-departments; seeding again changes nothing."""

from __future__ import annotations

from tests.conftest import BPMN_DIR
from workflows.applications.application_process import deploy_application
from workflows.applications.demo import DEMO_JOINT_APPLICANT, seed_demo_catalogue, seed_demo_joint_review
from workflows.applications.models import Application
from workflows.org.models import Official
from workflows.runtime.models import HumanTask, ProcessInstance


def test_the_demo_joint_case_waits_for_the_lead_and_a_second_seed_changes_nothing(centre, clock, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    deploy_application(BPMN_DIR)
    seed_demo_catalogue()
    lines = seed_demo_joint_review()
    application = Application.objects.get(applicant=DEMO_JOINT_APPLICANT)
    assert any("hefg" in line for line in lines) and any(application.number in line for line in lines)
    assert application.instance.definition.key == "application"
    [task] = HumanTask.objects.filter(instance=application.instance, state=HumanTask.OPEN)
    assert task.spec_name == "inform_co_departments"
    assert [o.user.username for o in task.candidates.all()] == ["hefg"]
    officials = Official.objects.count()

    seed_demo_joint_review()
    assert Official.objects.count() == officials
    assert Application.objects.count() == 1 and ProcessInstance.objects.count() == 1
    assert Official.objects.get(user__username="yanghb").department.name == "县生态环境局"
