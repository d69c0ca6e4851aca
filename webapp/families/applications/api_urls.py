"""The applications API's routes under /api/."""

from webapp.families.applications import api

routes = [
    ("service-items", api.ServiceItemViewSet, "service-item"),
]
