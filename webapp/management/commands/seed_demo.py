"""Seed a demo centre, deploy the shipped process definitions, walk the demo 诫勉 case, print the demo logins."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse

from workflows.discipline.definitions import deploy_discipline_processes
from workflows.discipline.demo import seed_discipline_demo
from workflows.org.demo import DEMO_PASSWORD, seed_demo_centre
from workflows.org.roles import ROLE_LABELS
from workflows.runtime.services.definitions import deploy_from_files


class Command(BaseCommand):
    help = "Create the demo centre and its 诫勉 case (idempotent) and deploy bpmn/ definitions."

    def add_arguments(self, parser):
        parser.add_argument("--rule-set", default=settings.GOVFLOW_LEAVE_RULE_SET,
                            choices=["nileke", "shenxian", "window_rules"],
                            help="leave rule set to deploy (DMN bpmn/leave_route_<rule-set>.dmn)")

    def handle(self, *args, **options):
        officials = seed_demo_centre()
        bpmn = settings.GOVFLOW_BPMN_DIR
        definition = deploy_from_files(
            "leave_approval", [bpmn / "leave_approval.bpmn", bpmn / f"leave_route_{options['rule_set']}.dmn"]
        )
        self.stdout.write(f"已部署 / deployed: {definition} （请假规则 / leave rules: {options['rule_set']}）")
        for discipline in deploy_discipline_processes():
            self.stdout.write(f"已部署 / deployed: {discipline}")
        case = seed_discipline_demo()
        self.stdout.write(f"李四的《诫勉教育书》{case.number} 已送达，申辩期限至 {case.appeal_deadline}："
                          f"{reverse('case_detail', args=[case.pk])} / lisi can appeal until {case.appeal_deadline}")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）/ demo logins (password {DEMO_PASSWORD}):")
        self.stdout.write("  admin  系统管理员 (superuser)")
        for demo in officials:
            roles = "、".join(ROLE_LABELS[r] for r in demo.roles)
            self.stdout.write(f"  {demo.username:<10} {demo.name}  {roles}")
