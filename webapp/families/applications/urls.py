"""Catalogue pages (the centre office lists, creates and edits service items), the refusal register, the
applications' receipt, board and department list, and the public look-up."""

from django.urls import path

from webapp.families.applications import case_pages, intake, lookup_page, refusal_proposal, refusal_register, views

urlpatterns = [
    path("applications/new/", intake.application_new, name="application_new"),
    path("applications/notices/<int:notice_id>.pdf", intake.application_notice, name="application_notice"),
    path("catalogue/", views.service_item_list, name="service_item_list"),
    path("catalogue/new/", views.service_item_new, name="service_item_new"),
    path("catalogue/<int:item_id>/", views.service_item_edit, name="service_item_edit"),
    path("refusals/", refusal_register.refusal_register, name="refusal_register"),
    path("refusals/new/", refusal_proposal.refusal_propose, name="refusal_propose"),
    path("refusals/register.csv", refusal_register.refusal_register_csv, name="refusal_register_csv"),
    path("refusals/register.xlsx", refusal_register.refusal_register_xlsx, name="refusal_register_xlsx"),
    path("refusals/<int:refusal_id>/return/", refusal_register.refusal_return_materials,
         name="refusal_return_materials"),
    path("refusals/<int:refusal_id>/notice.pdf", refusal_register.refusal_notice, name="refusal_notice"),
    path("applications/board/", case_pages.application_board, name="application_board"),
    path("applications/department/", case_pages.department_applications, name="department_applications"),
    path("applications/<str:number>/receipt/", case_pages.application_receipt, name="application_receipt"),
    path("lookup/", lookup_page.application_lookup, name="application_lookup"),
    path("lookup/rate/", lookup_page.application_rate, name="application_rate"),
]
