"""/api/: definitions, instances, tasks, leave requests, discipline (complaints, cases, appeals, ledger) and the
OpenAPI schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from webapp.api import discipline_views, views

app_name = "api"

router = DefaultRouter()
router.register("definitions", views.DefinitionViewSet, basename="definition")
router.register("instances", views.InstanceViewSet, basename="instance")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("leave-requests", views.LeaveRequestViewSet, basename="leave-request")
router.register("complaints", discipline_views.ComplaintViewSet, basename="complaint")
router.register("cases", discipline_views.SanctionCaseViewSet, basename="case")
router.register("appeals", discipline_views.AppealViewSet, basename="appeal")
router.register("ledger", discipline_views.LedgerViewSet, basename="ledger")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
]
