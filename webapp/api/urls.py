"""/api/: definitions, instances, tasks, leave requests and the OpenAPI schema."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from webapp.api import views

app_name = "api"

router = DefaultRouter()
router.register("definitions", views.DefinitionViewSet, basename="definition")
router.register("instances", views.InstanceViewSet, basename="instance")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("leave-requests", views.LeaveRequestViewSet, basename="leave-request")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    *router.urls,
]
