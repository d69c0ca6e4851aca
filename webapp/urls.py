"""URL map: pages, the REST API and its OpenAPI schema."""

from django.contrib import admin
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
]
