"""Catalogue writes: the centre office creates and edits service items; every change is audited with before/after.

Everything is checked before anything is written, in one transaction, so a refused item leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from workflows.applications.models import RequiredMaterial, ServiceItem
from workflows.org.models import Department, Official, Role
from workflows.runtime import audit
from workflows.runtime.errors import InvalidInput

MAX_PROMISED_DAYS = 365  # a promise beyond a year is a typing error, not a time limit


class CatalogueRefused(InvalidInput):
    """The service item breaks a catalogue rule; the message says which, in the reader's language."""


@dataclass(frozen=True)
class Material:
    name: str
    is_main: bool = False


@dataclass(frozen=True)
class ServiceItemInput:
    """What the centre office enters for an item; departments by id, roles by code (roles are data)."""

    name: str
    code: str
    department_id: int
    kind: str
    promised_days: int
    legal_basis: str
    materials: Sequence[Material]
    co_department_ids: Sequence[int] = ()
    silent_consent: bool = False
    reported_to_higher_level: bool = False
    deciding_roles: Sequence[str] = field(default_factory=tuple)
    refusing_roles: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class _Checked:
    department: Department
    co_departments: list[Department]
    deciding_roles: list[Role]
    refusing_roles: list[Role]
    materials: list[Material]


@transaction.atomic
def create_service_item(data: ServiceItemInput, *, actor: Official | None) -> ServiceItem:
    checked = _check(data, item=None)
    item = ServiceItem(**_plain_fields(data, checked))
    item.save()
    _write_relations(item, checked)
    audit.record("service_item_created", actor=actor, message=str(item), after=snapshot(item))
    return item


@transaction.atomic
def update_service_item(item: ServiceItem, data: ServiceItemInput, *, actor: Official | None) -> ServiceItem:
    """Replace the item's settings (its materials anew); an edit that changes nothing records no audit row."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    checked = _check(data, item=item)
    before = snapshot(item)
    for name, value in _plain_fields(data, checked).items():
        setattr(item, name, value)
    item.save()
    item.materials.all().delete()
    _write_relations(item, checked)
    after = snapshot(item)
    if after != before:
        audit.record("service_item_changed", actor=actor, message=str(item), before=before, after=after)
    return item


def snapshot(item: ServiceItem) -> dict[str, Any]:
    """The item as the audit trail keeps it: names rather than ids, so the row reads the same years later."""
    return {
        "name": item.name,
        "code": item.code,
        "department": item.department.name,
        "kind": item.kind,
        "promised_days": item.promised_days,
        "legal_basis": item.legal_basis,
        "materials": [{"name": m.name, "is_main": m.is_main} for m in item.materials.order_by("position")],
        "co_departments": sorted(d.name for d in item.co_departments.all()),
        "silent_consent": item.silent_consent,
        "reported_to_higher_level": item.reported_to_higher_level,
        "deciding_roles": sorted(r.code for r in item.deciding_roles.all()),
        "refusing_roles": sorted(r.code for r in item.refusing_roles.all()),
    }


def _plain_fields(data: ServiceItemInput, checked: _Checked) -> dict[str, Any]:
    return {
        "name": data.name.strip(),
        "code": data.code.strip(),
        "department": checked.department,
        "kind": data.kind,
        "promised_days": data.promised_days,
        "legal_basis": data.legal_basis.strip(),
        "silent_consent": data.silent_consent,
        "reported_to_higher_level": data.reported_to_higher_level,
    }


def _write_relations(item: ServiceItem, checked: _Checked) -> None:
    RequiredMaterial.objects.bulk_create(
        RequiredMaterial(item=item, position=n, name=m.name, is_main=m.is_main)
        for n, m in enumerate(checked.materials, start=1)
    )
    item.co_departments.set(checked.co_departments)
    item.deciding_roles.set(checked.deciding_roles)
    item.refusing_roles.set(checked.refusing_roles)


def _check(data: ServiceItemInput, *, item: ServiceItem | None) -> _Checked:
    """Every catalogue rule, before any write; the first one broken is refused, naming its form field."""
    _check_identity(data, item)
    department = Department.objects.filter(pk=data.department_id).first()
    if department is None:
        raise CatalogueRefused(_("There is no department with id %(id)s.") % {"id": data.department_id},
                               "department")
    _check_kind_and_days(data)
    co_departments = _check_co_departments(data, department)
    if not data.legal_basis.strip():
        raise CatalogueRefused(_("Name the legal basis of the item."), "legal_basis")
    return _Checked(
        department=department,
        co_departments=co_departments,
        deciding_roles=_roles(data.deciding_roles, "deciding_roles", required=True),
        refusing_roles=_roles(data.refusing_roles, "refusing_roles", required=False),
        materials=_check_materials(data.materials),
    )


def _check_identity(data: ServiceItemInput, item: ServiceItem | None) -> None:
    others = ServiceItem.objects.exclude(pk=item.pk) if item is not None else ServiceItem.objects.all()
    if not data.name.strip():
        raise CatalogueRefused(_("Enter the name of the item."), "name")
    if not data.code.strip():
        raise CatalogueRefused(_("Enter the code of the item."), "code")
    if others.filter(name=data.name.strip()).exists():
        raise CatalogueRefused(_("Another item is already called %(name)s.") % {"name": data.name.strip()}, "name")
    if others.filter(code=data.code.strip()).exists():
        raise CatalogueRefused(_("Another item already has the code %(code)s.") % {"code": data.code.strip()},
                               "code")


def _check_kind_and_days(data: ServiceItemInput) -> None:
    """即办件 are done on the spot (0 days); every other kind promises at least one working day (限时办结制)."""
    if data.kind not in dict(ServiceItem.KINDS):
        raise CatalogueRefused(_("Unknown kind of item: %(kind)s.") % {"kind": data.kind}, "kind")
    if data.kind == ServiceItem.IMMEDIATE and data.promised_days != 0:
        raise CatalogueRefused(_("An item done on the spot promises 0 working days."), "promised_days")
    if data.kind != ServiceItem.IMMEDIATE and not 1 <= data.promised_days <= MAX_PROMISED_DAYS:
        raise CatalogueRefused(_("The promised time limit must be between 1 and %(max)d working days.")
                               % {"max": MAX_PROMISED_DAYS}, "promised_days")
    if data.kind == ServiceItem.REPORTED and not data.reported_to_higher_level:
        raise CatalogueRefused(_("An item approved by a higher authority is reported to the higher level."),
                               "reported_to_higher_level")


def _check_co_departments(data: ServiceItemInput, lead: Department) -> list[Department]:
    """第十一条(四): a joint item involves two or more departments; silent consent exists only between them."""
    wanted = set(data.co_department_ids)
    if data.kind != ServiceItem.JOINT:
        if wanted:
            raise CatalogueRefused(_("Only a joint item has co-departments."), "co_departments")
        if data.silent_consent:
            raise CatalogueRefused(_("Silent consent applies only to joint items."), "silent_consent")
        return []
    found = list(Department.objects.filter(pk__in=wanted).order_by("name"))
    missing = wanted - {d.pk for d in found}
    if missing:
        raise CatalogueRefused(_("There is no department with id %(id)s.") % {"id": min(missing)}, "co_departments")
    if not found or found == [lead]:
        raise CatalogueRefused(_("A joint item needs at least one co-department other than the lead department."),
                               "co_departments")
    if lead in found:
        raise CatalogueRefused(_("The lead department cannot also be a co-department."), "co_departments")
    return found


def _roles(codes: Sequence[str], field_name: str, *, required: bool) -> list[Role]:
    found = list(Role.objects.filter(code__in=set(codes)))
    unknown = set(codes) - {r.code for r in found}
    if unknown:
        raise CatalogueRefused(_("Unknown role: %(code)s.") % {"code": sorted(unknown)[0]}, field_name)
    if required and not found:
        raise CatalogueRefused(_("Name at least one role that may decide the item."), field_name)
    return found


def _check_materials(materials: Sequence[Material]) -> list[Material]:
    """一次性告知: the list is what the window tells the applicant at once, so it is never empty or repeated."""
    cleaned = [Material(m.name.strip(), m.is_main) for m in materials if m.name.strip()]
    if not cleaned:
        raise CatalogueRefused(_("List at least one required material."), "materials")
    names = [m.name for m in cleaned]
    repeated = next((name for name in names if names.count(name) > 1), None)
    if repeated:
        raise CatalogueRefused(_("The material %(name)s is listed twice.") % {"name": repeated}, "materials")
    too_long = next((name for name in names if len(name) > 200), None)
    if too_long:
        raise CatalogueRefused(_("A material name is longer than 200 characters."), "materials")
    return cleaned
