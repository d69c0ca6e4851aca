"""Who keeps the catalogue: the centre office (it publishes the 服务指南, 管理暂行办法 第十三条) and superusers."""

from __future__ import annotations

from typing import Any

from workflows.org.models import Official
from workflows.org.selectors import is_centre_office


def can_edit_catalogue(user: Any, official: Official | None) -> bool:
    return bool(user.is_superuser or is_centre_office(official))
