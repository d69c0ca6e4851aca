from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "workflows.runtime"
    label = "runtime"
    verbose_name = "流程运行"

    def ready(self) -> None:
        from workflows.runtime.family import COMMON
        from workflows.runtime.registry import register_family

        register_family(COMMON)
