"""`runserver` (with static files) plus the embedded timer runner when no Redis/Celery is configured."""

import os

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand

from workflows.runtime.timer_runner import EmbeddedTimerRunner


class Command(RunserverCommand):
    help = "Serve govflow; sweeps due timers in-process unless REDIS_URL points at a Celery broker."

    def inner_run(self, *args, **options):
        # runserver's autoreloader runs this in the child process only: one runner per server.
        if not settings.REDIS_URL and os.environ.get("GOVFLOW_EMBEDDED_TIMERS", "1") == "1":
            EmbeddedTimerRunner().start()
            self.stdout.write("内置定时器已启动（每分钟运行一次）")
        return super().inner_run(*args, **options)
