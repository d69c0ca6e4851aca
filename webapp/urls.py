"""URL map: pages, the REST API and its OpenAPI schema."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from webapp.views import definitions, inbox, leave, tasks

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", inbox.inbox, name="inbox"),
    path("tasks/<int:task_id>/", tasks.task_detail, name="task"),
    path("tasks/<int:task_id>/claim/", tasks.claim, name="task_claim"),
    path("leave/", leave.leave_list, name="leave_list"),
    path("leave/new/", leave.leave_new, name="leave_new"),
    path("leave/<int:leave_id>/", leave.leave_detail, name="leave_detail"),
    path("definitions/", definitions.definition_list, name="definition_list"),
    path("definitions/<int:definition_id>/", definitions.definition_detail, name="definition_detail"),
    path("api/", include("webapp.api.urls")),
]
