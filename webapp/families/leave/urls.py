"""Leave pages: my requests, a new request, one request."""

from django.urls import path

from webapp.families.leave import views

urlpatterns = [
    path("leave/", views.leave_list, name="leave_list"),
    path("leave/new/", views.leave_new, name="leave_new"),
    path("leave/<int:leave_id>/", views.leave_detail, name="leave_detail"),
]
