from django.apps import AppConfig


class RuntimeConfig(AppConfig):
    name = "workflows.runtime"
    label = "runtime"
    verbose_name = "流程运行"
