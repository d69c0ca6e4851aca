"""The service-item catalogue (事项): what the centre's windows accept, how each item is handled and in what time.

The rule books (尼勒克县 管理暂行办法 第十一–十三条, 限时办结制, 服务承诺制, 一次性告知制) publish for every item its
legal basis, its materials and its promised time limit; an application (a later step of issue 9) is always filed
against one item and inherits these settings.
"""

from __future__ import annotations

from django.db import models

from workflows.org.models import Department, Official, Role
from workflows.runtime.models import ProcessInstance


class ServiceItem(models.Model):
    """事项: one matter the centre accepts, with its lead department, kind and promised working days.

    Kind: 第十一条 names seven kinds of case (即办/承诺/特办/联办/补办/上报/驳回). Five of them follow from the matter
    itself and are known before anyone applies: whether it can be done on the spot (即办), needs review within a
    promised time (承诺), is a major matter handled by a leader's decision (特办), involves two or more departments
    (联办) or must be approved by a higher authority (上报). Those five are the item's kind. 补办 (materials
    missing or wrong) and 驳回 (the main document missing, or the project plainly not eligible) depend on what one
    applicant brought, so they are outcomes of a case, never a property of the item.

    Silent consent (视为同意) is off by default: the seeds make it a rule only for the joint meeting (第十六条), and
    some matters must never be approved by silence, so the centre office switches it on item by item.
    """

    IMMEDIATE = "immediate"
    PROMISED = "promised"
    SPECIAL = "special"
    JOINT = "joint"
    REPORTED = "reported"
    KINDS = [
        (IMMEDIATE, "即办件"),
        (PROMISED, "承诺件"),
        (SPECIAL, "特办件"),
        (JOINT, "联办件"),
        (REPORTED, "上报件"),
    ]

    name = models.CharField("事项名称", max_length=200, unique=True)
    code = models.CharField("事项编码", max_length=40, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="service_items",
                                   verbose_name="牵头（实施）部门")
    kind = models.CharField("办件类型", max_length=12, choices=KINDS)
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）")
    legal_basis = models.TextField("设定依据")
    co_departments = models.ManyToManyField(Department, blank=True, related_name="joint_service_items",
                                            verbose_name="协办部门")
    silent_consent = models.BooleanField("逾期未答复视为同意", default=False)
    reported_to_higher_level = models.BooleanField("报上级审批", default=False)
    deciding_roles = models.ManyToManyField(Role, related_name="+", verbose_name="可作出决定的角色")
    refusing_roles = models.ManyToManyField(Role, blank=True, related_name="+", verbose_name="可不予受理（驳回）的角色")

    class Meta:
        verbose_name = verbose_name_plural = "服务事项"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RequiredMaterial(models.Model):
    """One document an item requires, its own row so a 补正材料通知书 can name each missing one (一次性告知).

    `is_main` marks the main document (主件): 第十一条 rejects a case missing it (驳回件) but only asks for the
    others (补办件).
    """

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="materials", verbose_name="服务事项")
    position = models.PositiveSmallIntegerField("序号")
    name = models.CharField("材料名称", max_length=200)
    is_main = models.BooleanField("主件", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "申请材料"
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "name"], name="material_name_once_per_item")]

    def __str__(self) -> str:
        return self.name


def _notice_path(refusal: Refusal, filename: str) -> str:
    return f"refusal_notices/{refusal.proposed_at.year}/{filename}"


class Refusal(models.Model):
    """否定报备登记表: one row per refusal a window proposes; the register is the rows whose status is registered.

    否定报备制 (003): a window may refuse a matter within its authority at once, but a refusal beyond it goes to a
    centre leader first, and every refusal is registered with its reason and legal basis and told to the applicant
    in writing. The written notice is stored as issued with its SHA-256 and never rendered again. Returned
    materials are handed back only after the applicant's identity was checked, with the applicant's typed
    confirmation (their name as on the identity document) as the signature: a tablet signature pad is not part of
    the window's kit, and a typed, audited confirmation is kept as text that reads the same years later.
    """

    AWAITING_LEADER = "awaiting_leader"
    REGISTERED = "registered"
    WITHDRAWN = "withdrawn"
    STATUSES = [(AWAITING_LEADER, "待中心领导决定"), (REGISTERED, "已登记"), (WITHDRAWN, "已撤回")]

    NOT_ACCEPTED = "不予受理告知书"
    REJECTED = "驳回件通知书"
    NOTICE_KINDS = [(NOT_ACCEPTED, NOT_ACCEPTED), (REJECTED, REJECTED)]

    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="refusals", verbose_name="服务事项")
    applicant = models.CharField("申请人（单位）", max_length=200)
    phone = models.CharField("联系电话", max_length=20)
    matter = models.TextField("申办事项内容")
    reason = models.TextField("否定理由")
    legal_basis = models.TextField("法律依据")
    notice_kind = models.CharField("告知文书", max_length=12, choices=NOTICE_KINDS)
    status = models.CharField("状态", max_length=16, choices=STATUSES)
    within_authority = models.BooleanField("在经办人权限内")
    proposed_by = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+", verbose_name="经办人")
    proposed_at = models.DateTimeField("提出时间")
    leader = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="决定的中心领导")
    leader_agreed = models.BooleanField("领导同意", null=True, blank=True)
    leader_opinion = models.TextField("领导意见", blank=True)
    decided_at = models.DateTimeField("领导决定时间", null=True, blank=True)
    registered_at = models.DateTimeField("登记时间", null=True, blank=True)
    notice_number = models.CharField("文书编号", max_length=100, blank=True)
    notice_file = models.FileField("告知文书", upload_to=_notice_path, blank=True)
    notice_sha256 = models.CharField("告知文书 SHA-256", max_length=64, blank=True)
    materials_returned_at = models.DateTimeField("退还材料时间", null=True, blank=True)
    materials_returned_by = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="+", verbose_name="核验身份并退还材料的工作人员")
    identity_document = models.CharField("核验的身份证件", max_length=100, blank=True)
    applicant_confirmation = models.CharField("申请人确认签收（签名）", max_length=200, blank=True)
    instance = models.OneToOneField(ProcessInstance, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="refusal", verbose_name="否定报备流程")

    class Meta:
        verbose_name = verbose_name_plural = "否定报备登记"
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["status", "registered_at"], name="refusal_register_idx")]

    def __str__(self) -> str:
        return f"{self.item.code} {self.applicant} {self.get_status_display()}"
