"""Discipline pages: cases, appeals, letters, complaints and the ledger (台帐)."""

from django.urls import path

from webapp.families.discipline import complaints, ledger, sanctions, violations

urlpatterns = [
    path("discipline/cases/", sanctions.case_list, name="case_list"),
    path("discipline/cases/<int:case_id>/", sanctions.case_detail, name="case_detail"),
    path("discipline/cases/<int:case_id>/appeal/", sanctions.appeal, name="case_appeal"),
    path("discipline/cases/<int:case_id>/appeal/preview/", sanctions.appeal_preview, name="case_appeal_preview"),
    path("discipline/cases/<int:case_id>/appeal/send/", sanctions.appeal_send, name="case_appeal_send"),
    path("discipline/cases/<int:case_id>/waive-appeal/", sanctions.waive, name="case_waive_appeal"),
    path("discipline/appeal-drafts/<int:draft_file_id>/", sanctions.draft_file_download, name="appeal_draft_file"),
    path("discipline/letters/<int:letter_id>/", sanctions.letter_download, name="letter_download"),
    path("discipline/appeal-files/<int:attachment_id>/", sanctions.attachment_download, name="appeal_attachment"),
    path("discipline/complaints/", complaints.complaint_list, name="complaint_list"),
    path("discipline/complaints/new/", complaints.complaint_new, name="complaint_new"),
    path("discipline/violations/", violations.violation_list, name="violation_list"),
    path("discipline/violations/<int:record_id>/case/", violations.violation_open_case, name="violation_open_case"),
    path("discipline/ledger/", ledger.ledger, name="ledger"),
    path("discipline/ledger.csv", ledger.ledger_export, name="ledger_csv"),
    path("discipline/ledger-officials.csv", ledger.official_ledger_export, name="official_ledger_csv"),
]
