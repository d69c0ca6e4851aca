"""The joint review's demo: chief representatives for 建设项目并联审批's departments and one case waiting for the lead
to inform the co-departments; seeding again changes nothing."""

from __future__ import annotations

from tests.conftest import BPMN_DIR
from workflows.applications.demo import DEMO_JOINT_NUMBER, seed_demo_catalogue, seed_demo_joint_review
from workflows.applications.joint_process import deploy_joint_review
from workflows.applications.models import Application
from workflows.org.models import Official
from workflows.runtime.models import HumanTask, ProcessInstance


def test_the_demo_joint_case_waits_for_the_lead_and_a_second_seed_changes_nothing(centre, clock):
    deploy_joint_review(BPMN_DIR)
    seed_demo_catalogue()
    lines = seed_demo_joint_review()
    assert any("hefg" in line for line in lines) and any(DEMO_JOINT_NUMBER in line for line in lines)
    application = Application.objects.get(number=DEMO_JOINT_NUMBER)
    [task] = HumanTask.objects.filter(instance=application.instance, state=HumanTask.OPEN)
    assert task.spec_name == "inform_co_departments"
    assert [o.user.username for o in task.candidates.all()] == ["hefg"]
    officials = Official.objects.count()

    seed_demo_joint_review()
    assert Official.objects.count() == officials
    assert Application.objects.count() == 1 and ProcessInstance.objects.count() == 1
    assert Official.objects.get(user__username="yanghb").department.name == "县生态环境局"
