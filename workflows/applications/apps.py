from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "workflows.applications"
    label = "applications"
    verbose_name = "事项办理"

    def ready(self) -> None:
        from workflows.applications.family import APPLICATIONS_FAMILY
        from workflows.runtime.registry import register_family

        register_family(APPLICATIONS_FAMILY)
