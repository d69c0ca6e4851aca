"""Demo applications so the board and the inboxes have content: an accepted 承诺件, one waiting for materials
(补办件) and a 上报件 paused for the higher authority, all received by 李四 at window 1.

Idempotent: an applicant already on file is not received again. The 上报件 needs an item reported to a higher level,
which the demo catalogue (demo.py) does not have; it is added here through the audited catalogue service.
"""

from __future__ import annotations

from django.db import transaction

from workflows.applications.intake import receive_application
from workflows.applications.models import Application, ServiceItem
from workflows.applications.services import Material, ServiceItemInput, create_service_item
from workflows.org.models import Department, Official

REPORTED_ITEM = "SB-001"


def _reported_item() -> ServiceItem:
    item = ServiceItem.objects.filter(code=REPORTED_ITEM).first()
    if item is not None:
        return item
    return create_service_item(ServiceItemInput(
        name="药品零售企业经营许可（报州级审批）", code=REPORTED_ITEM,
        department_id=Department.objects.get(name="县市场监督管理局").pk, kind=ServiceItem.REPORTED,
        promised_days=15, reported_to_higher_level=True,
        legal_basis="《中华人民共和国药品管理法》第五十二条、第五十三条；《药品经营许可证管理办法》第四条",
        materials=[Material("药品经营许可证申请表", is_main=True), Material("营业执照复印件"),
                   Material("执业药师资格证书")],
        deciding_roles=("chief_representative",), refusing_roles=("chief_representative",)), actor=None)


@transaction.atomic
def seed_demo_applications() -> list[Application]:
    """Receive the demo applications that are not on file yet; returns every demo application."""
    lisi = Official.objects.filter(user__username="lisi").first()
    if lisi is None:
        return []
    food = ServiceItem.objects.get(code="CN-002")
    reported = _reported_item()
    demos = [
        (food, "伊犁天山餐饮有限公司", "13899912345", "新开餐馆申请食品经营许可", None),
        (food, "尼勒克县喀拉苏小吃店", "0999-5221234", "小吃店食品经营许可", 2),
        (reported, "尼勒克县康宁大药房", "13565432109", "新设药品零售企业", None),
    ]
    seeded = []
    for item, applicant, phone, matter, brought_count in demos:
        existing = Application.objects.filter(applicant=applicant).first()
        if existing is None:
            materials = list(item.materials.values_list("pk", flat=True))
            brought = materials if brought_count is None else materials[:brought_count]
            existing = receive_application(item.pk, applicant, phone, matter, brought, lisi)
        seeded.append(existing)
    return seeded
