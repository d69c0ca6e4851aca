"""API permissions: every caller must be an official; deploying is for the centre office (families add their own)."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from webapp.access import can_manage_definitions
from workflows.org.selectors import official_of


class IsOfficial(BasePermission):
    message = "需要工作人员账号"

    def has_permission(self, request, view) -> bool:
        return official_of(request.user) is not None


class CanDeployOrReadOnly(BasePermission):
    """Anyone may read definitions (task pages draw their diagrams); only the centre office deploys."""

    message = "仅中心办公室可部署流程"

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or can_manage_definitions(request.user, official_of(request.user))


class CanDeliverEvents(BasePermission):
    """Messages and signals come from other systems: administrators, and service accounts (any login, official
    or not, given the `runtime.deliver_events` permission)."""

    message = "仅管理员或服务账号可投递消息与信号"

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (user.is_staff or user.has_perm("runtime.deliver_events")))
