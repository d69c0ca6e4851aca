"""Catalogue pages: the centre office lists, creates and edits service items."""

from django.urls import path

from webapp.families.applications import views

urlpatterns = [
    path("catalogue/", views.service_item_list, name="service_item_list"),
    path("catalogue/new/", views.service_item_new, name="service_item_new"),
    path("catalogue/<int:item_id>/", views.service_item_edit, name="service_item_edit"),
]
