from django.apps import AppConfig, apps
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _create_cache_table(sender, using: str = "default", **kwargs) -> None:
    """The database cache's table follows every `migrate` (make run, the image, the test database): no deployment
    step of its own to forget. Nothing happens when the cache is Redis or the table exists."""
    call_command("createcachetable", database=using, verbosity=0)


class WebappConfig(AppConfig):
    name = "webapp"
    verbose_name = "govflow"

    def ready(self) -> None:
        # webapp has no models, so no post_migrate of its own: follow the runtime app's, which every install has.
        post_migrate.connect(_create_cache_table, sender=apps.get_app_config("runtime"),
                             dispatch_uid="govflow-cache-table")
