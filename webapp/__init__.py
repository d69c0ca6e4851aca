"""The govflow Django project: settings, URLs, templates, API."""

from webapp.celery import app as celery_app

__all__ = ["celery_app"]
