"""URL map: pages, the REST API and its OpenAPI schema."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from webapp.views import complaints, definitions, inbox, leave, ledger, monitoring, sanctions, tasks

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", inbox.inbox, name="inbox"),
    path("notifications/<int:notification_id>/read/", inbox.notification_read, name="notification_read"),
    path("tasks/<int:task_id>/", tasks.task_detail, name="task"),
    path("tasks/<int:task_id>/claim/", tasks.claim, name="task_claim"),
    path("leave/", leave.leave_list, name="leave_list"),
    path("leave/new/", leave.leave_new, name="leave_new"),
    path("leave/<int:leave_id>/", leave.leave_detail, name="leave_detail"),
    path("discipline/cases/", sanctions.case_list, name="case_list"),
    path("discipline/cases/<int:case_id>/", sanctions.case_detail, name="case_detail"),
    path("discipline/cases/<int:case_id>/appeal/", sanctions.appeal, name="case_appeal"),
    path("discipline/cases/<int:case_id>/waive-appeal/", sanctions.waive, name="case_waive_appeal"),
    path("discipline/letters/<int:letter_id>/", sanctions.letter_download, name="letter_download"),
    path("discipline/appeal-files/<int:attachment_id>/", sanctions.attachment_download, name="appeal_attachment"),
    path("discipline/complaints/", complaints.complaint_list, name="complaint_list"),
    path("discipline/complaints/new/", complaints.complaint_new, name="complaint_new"),
    path("discipline/ledger/", ledger.ledger, name="ledger"),
    path("discipline/ledger.csv", ledger.ledger_export, name="ledger_csv"),
    path("discipline/ledger-officials.csv", ledger.official_ledger_export, name="official_ledger_csv"),
    path("monitoring/", monitoring.monitoring, name="monitoring"),
    path("monitoring/instances/<int:instance_id>/retry/", monitoring.retry, name="monitoring_retry"),
    path("definitions/", definitions.definition_list, name="definition_list"),
    path("definitions/<int:definition_id>/", definitions.definition_detail, name="definition_detail"),
    path("api/", include("webapp.api.urls")),
]

# JSON under /api/, pages elsewhere; a 500 shows the request id (the traceback is in the log).
handler400 = "webapp.views.errors.bad_request"
handler404 = "webapp.views.errors.page_not_found"
handler500 = "webapp.views.errors.server_error"
