from django.apps import AppConfig


class DisciplineConfig(AppConfig):
    name = "workflows.discipline"
    label = "discipline"
    verbose_name = "诫勉教育和效能告诫"

    def ready(self) -> None:
        from workflows.discipline.family import DISCIPLINE_FAMILY
        from workflows.runtime.registry import register_family

        register_family(DISCIPLINE_FAMILY)
