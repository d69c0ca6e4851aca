"""Seed a demo centre, deploy every registered family's shipped definitions and demo data, print the demo logins."""

from django.core.management.base import BaseCommand

from workflows.org.demo import DEMO_PASSWORD, seed_demo_centre
from workflows.org.roles import ROLE_LABELS
from workflows.runtime.registry import families


class Command(BaseCommand):
    help = "Create the demo centre (idempotent), deploy each family's bpmn/ definitions and seed its demo cases."

    def handle(self, *args, **options):
        officials = seed_demo_centre()
        for family in families():  # the leave rule set comes from GOVFLOW_LEAVE_RULE_SET
            for definition in family.deploy() if family.deploy else []:
                self.stdout.write(f"已部署：{definition}")
        for family in families():
            for line in family.seed_demo() if family.seed_demo else []:
                self.stdout.write(line)
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        self.stdout.write("  admin  系统管理员（超级用户）")
        for demo in officials:
            roles = "、".join(ROLE_LABELS[r] for r in demo.roles)
            self.stdout.write(f"  {demo.username:<10} {demo.name}  {roles}")
