"""/api/: definitions, instances, tasks, messages and signals from outside, each registered family's resources,
and the OpenAPI schema."""

from importlib import import_module

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from webapp.api import copy_views, event_views, views
from workflows.runtime.registry import families

app_name = "api"

router = DefaultRouter()
router.register("definitions", views.DefinitionViewSet, basename="definition")
router.register("instances", views.InstanceViewSet, basename="instance")
router.register("tasks", views.TaskViewSet, basename="task")
router.register("messages", event_views.MessageViewSet, basename="message")
router.register("signals", event_views.SignalViewSet, basename="signal")
for family in families():
    if family.api_routes:
        for prefix, viewset, basename in import_module(family.api_routes).routes:
            router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("tasks/<int:pk>/urge/", copy_views.UrgeViewSet.as_view({"post": "create"}), name="task-urge"),
    path("instances/<int:instance_pk>/copies/", copy_views.CaseCopyViewSet.as_view({"post": "create"}),
         name="instance-copies"),
    path("copies/", copy_views.CaseCopyViewSet.as_view({"get": "list"}), name="copy-list"),
    path("notifications/", copy_views.NotificationViewSet.as_view({"get": "list"}), name="notification-list"),
    path("notifications/read/", copy_views.NotificationViewSet.as_view({"post": "read_all"}),
         name="notification-read-all"),
    *router.urls,
]
