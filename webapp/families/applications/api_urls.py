"""The applications API's routes under /api/."""

from webapp.families.applications import api, case_api

routes = [
    ("service-items", api.ServiceItemViewSet, "service-item"),
    ("applications", case_api.ApplicationViewSet, "application"),
]
