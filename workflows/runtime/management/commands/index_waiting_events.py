"""manage.py index_waiting_events: once after migrating, index what older instances wait for from outside."""

from django.core.management.base import BaseCommand

from workflows.runtime.services.waiting_index import index_waiting_events


class Command(BaseCommand):
    help = "为迁移前的流程建立等待中的消息与信号索引"

    def handle(self, *args, **options) -> None:
        waiting = index_waiting_events()
        self.stdout.write(f"{waiting} 个运行中的流程在等待消息或信号")
