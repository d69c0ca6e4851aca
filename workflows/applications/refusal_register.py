"""Reads of the 否定报备登记表: the registered refusals, filtered for the centre office, and their CSV/Excel exports."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet

from engine.clock import CENTRE_TZ
from workflows.applications.models import Refusal
from workflows.runtime.csv_export import csv_bytes
from workflows.runtime.xlsx_export import xlsx_bytes

HEADER = ["文书编号", "登记时间", "申请人（单位）", "联系电话", "事项编码", "服务事项", "实施部门", "申办事项内容",
          "否定理由", "法律依据", "告知文书", "经办人", "在经办人权限内", "中心领导", "领导意见", "材料退还时间",
          "核验身份证件", "申请人签收", "告知文书 SHA-256"]


def registered_refusals(*, date_from: date | None = None, date_to: date | None = None,
                        department_id: int | None = None, item_id: int | None = None) -> QuerySet[Refusal]:
    """Registered refusals, newest first; the dates are centre days, both ends included."""
    refusals = Refusal.objects.filter(status=Refusal.REGISTERED).select_related(
        "item__department", "proposed_by", "leader", "materials_returned_by").order_by("-registered_at", "-pk")
    if date_from is not None:
        refusals = refusals.filter(registered_at__gte=datetime.combine(date_from, time(), CENTRE_TZ))
    if date_to is not None:
        refusals = refusals.filter(registered_at__lt=datetime.combine(date_to + timedelta(days=1), time(), CENTRE_TZ))
    if department_id is not None:
        refusals = refusals.filter(item__department_id=department_id)
    if item_id is not None:
        refusals = refusals.filter(item_id=item_id)
    return refusals


def _local(moment: datetime | None) -> str:
    return moment.astimezone(CENTRE_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def _row(refusal: Refusal) -> list[Any]:
    return [
        refusal.notice_number, _local(refusal.registered_at), refusal.applicant, refusal.phone, refusal.item.code,
        refusal.item.name, refusal.item.department.name, refusal.matter, refusal.reason, refusal.legal_basis,
        refusal.notice_kind, refusal.proposed_by.name, "是" if refusal.within_authority else "否",
        refusal.leader.name if refusal.leader else "", refusal.leader_opinion, _local(refusal.materials_returned_at),
        refusal.identity_document, refusal.applicant_confirmation, refusal.notice_sha256,
    ]


def register_csv(**filters: Any) -> bytes:
    return csv_bytes(HEADER, (_row(r) for r in registered_refusals(**filters)))


def register_xlsx(**filters: Any) -> bytes:
    return xlsx_bytes("否定报备登记表", HEADER, (_row(r) for r in registered_refusals(**filters)))
