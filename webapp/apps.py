from django.apps import AppConfig


class WebappConfig(AppConfig):
    name = "webapp"
    verbose_name = "govflow"

    def ready(self) -> None:
        # Until the families register their own forms, the task pages' forms are the known form keys for deploy.
        from webapp.task_forms import SERVICE_COMPLETED, TASK_FORMS
        from workflows.runtime.registry import register_form_keys

        register_form_keys([*TASK_FORMS, *SERVICE_COMPLETED])
