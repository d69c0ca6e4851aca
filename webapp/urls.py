"""URL map: generic pages, each registered process family's pages, the REST API and its OpenAPI schema."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from webapp.views import cases, copies, definitions, inbox, monitoring, notifications, started, task_extras, tasks
from workflows.runtime.registry import families

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", inbox.inbox, name="inbox"),
    path("inbox.xlsx", inbox.inbox_xlsx, name="inbox_xlsx"),
    path("started/", started.started_list, name="started_list"),
    path("started.xlsx", started.started_xlsx, name="started_xlsx"),
    path("cases/<int:instance_id>/", cases.case_detail, name="case"),
    path("cases/<int:instance_id>/sheet/", cases.approval_sheet, name="approval_sheet"),
    path("cases/<int:instance_id>/sheet.pdf", cases.approval_sheet_pdf, name="approval_sheet_pdf"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_all_read, name="notifications_all_read"),
    path("notifications/<int:notification_id>/read/", notifications.notification_read, name="notification_read"),
    path("copies/", copies.copied_to_me, name="copies"),
    path("cases/<int:instance_id>/copy/", copies.copy, name="case_copy"),
    path("tasks/<int:task_id>/urge/", copies.urge, name="task_urge"),
    path("tasks/<int:task_id>/", tasks.task_detail, name="task"),
    path("tasks/<int:task_id>/claim/", tasks.claim, name="task_claim"),
    path("tasks/<int:task_id>/unclaim/", tasks.unclaim, name="task_unclaim"),
    path("tasks/<int:task_id>/transfer/", tasks.transfer, name="task_transfer"),
    path("tasks/<int:task_id>/delegate/", tasks.delegate, name="task_delegate"),
    path("tasks/<int:task_id>/resolve/", tasks.resolve, name="task_resolve"),
    path("tasks/<int:task_id>/add-signer/", tasks.add_signer, name="task_add_signer"),
    path("tasks/<int:task_id>/remove-signer/", tasks.remove_signer, name="task_remove_signer"),
    path("tasks/<int:task_id>/send-back/", tasks.send_back, name="task_send_back"),
    path("tasks/<int:task_id>/take-back/", tasks.take_back, name="task_take_back"),
    path("cases/<int:instance_id>/withdraw/", cases.withdraw, name="case_withdraw"),
    path("tasks/<int:task_id>/comments/", task_extras.comment, name="task_comment"),
    path("tasks/<int:task_id>/attachments/", task_extras.attach, name="task_attach"),
    path("tasks/<int:task_id>/signature/", task_extras.task_signature, name="task_signature"),
    path("tasks/attachments/<int:attachment_id>/", task_extras.attachment_download, name="task_attachment_download"),
    path("tasks/bulk-approve/", task_extras.bulk, name="tasks_bulk_approve"),
    path("signature/", task_extras.my_signature, name="my_signature"),
    path("signature/image/", task_extras.my_signature_image, name="my_signature_image"),
    path("monitoring/", monitoring.monitoring, name="monitoring"),
    path("monitoring/instances/<int:instance_id>/retry/", monitoring.retry, name="monitoring_retry"),
    path("monitoring/charts.json", monitoring.charts_json, name="monitoring_charts"),
    path("monitoring/instances/", monitoring.instance_list, name="monitoring_instances"),
    path("monitoring/instances/<int:instance_id>/", monitoring.instance_detail, name="monitoring_instance"),
    path("monitoring/instances/bulk/", monitoring.bulk, name="monitoring_bulk"),
    path("monitoring/moves/", monitoring.moves, name="monitoring_moves"),
    path("definitions/", definitions.definition_list, name="definition_list"),
    path("definitions/<int:definition_id>/", definitions.definition_detail, name="definition_detail"),
    *(path("", include(family.page_urls)) for family in families() if family.page_urls),
    path("api/", include("webapp.api.urls")),
]

# JSON under /api/, pages elsewhere; a 500 shows the request id (the traceback is in the log).
handler400 = "webapp.views.errors.bad_request"
handler404 = "webapp.views.errors.page_not_found"
handler500 = "webapp.views.errors.server_error"
