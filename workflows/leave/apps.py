from django.apps import AppConfig


class LeaveConfig(AppConfig):
    name = "workflows.leave"
    label = "leave"
    verbose_name = "请销假"

    def ready(self) -> None:
        from workflows.leave.family import LEAVE_FAMILY
        from workflows.runtime.registry import register_family

        register_family(LEAVE_FAMILY)
