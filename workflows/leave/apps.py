from django.apps import AppConfig


class LeaveConfig(AppConfig):
    name = "workflows.leave"
    label = "leave"
    verbose_name = "请销假"

    def ready(self) -> None:
        from workflows.leave.handlers import register

        register()
