"""URL map: generic pages, each registered process family's pages, the REST API and its OpenAPI schema."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from webapp.views import (
    cases,
    copies,
    definitions,
    inbox,
    modeler,
    monitoring,
    notifications,
    org,
    started,
    task_extras,
    tasks,
)
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
    path("calendar/", org.calendar_page, name="calendar"),
    path("calendar/overrides/", org.calendar_override_add, name="calendar_override_add"),
    path("calendar/overrides/<int:override_id>/remove/", org.calendar_override_remove, name="calendar_override_remove"),
    path("org/", org.org_chart_page, name="org_chart"),
    path("org/history/", org.org_history, name="org_history"),
    path("org/officials/<int:official_id>/", org.official_page, name="org_official"),
    path("org/officials/<int:official_id>/pairs/", org.pair_add, name="org_pair_add"),
    path("org/pairs/<int:pair_id>/end/", org.pair_end, name="org_pair_end"),
    path("definitions/", definitions.definition_list, name="definition_list"),
    path("definitions/<int:definition_id>/", definitions.definition_detail, name="definition_detail"),
    path("definitions/vocabulary.json", modeler.vocabulary, name="modeler_vocabulary"),
    path("definitions/edit/", modeler.open_key, name="modeler_open"),
    path("definitions/<str:key>/edit/", modeler.modeler_page, name="modeler"),
    path("definitions/<str:key>/draft/", modeler.save, name="modeler_save_draft"),
    path("definitions/<str:key>/validate/", modeler.validate, name="modeler_validate"),
    path("definitions/<str:key>/publish/", modeler.publish_view, name="modeler_publish"),
    path("definitions/<int:definition_id>/activate/", definitions.definition_activate, name="definition_activate"),
    path("definitions/compare/", definitions.definition_compare, name="definition_compare"),
    path("definitions/upload/", definitions.definition_upload, name="definition_upload"),
    *(path("", include(family.page_urls)) for family in families() if family.page_urls),
    path("api/", include("webapp.api.urls")),
]

# JSON under /api/, pages elsewhere; a 500 shows the request id (the traceback is in the log).
handler400 = "webapp.views.errors.bad_request"
handler404 = "webapp.views.errors.page_not_found"
handler500 = "webapp.views.errors.server_error"
