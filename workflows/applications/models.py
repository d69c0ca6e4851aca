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


class Application(models.Model):
    """办件: one application filed at a window against one service item, from intake to the result issued.

    一门受理 (管理暂行办法 第九条): every application enters at a window, gets a case number and a receipt the
    applicant keeps; the number with the applicant's phone is what the public look-up asks for. The item's kind
    is copied at intake (the catalogue may change later; the case keeps the rules it was filed under), and so is
    the lead department. `due_at` is a copy of what engine.time_limits computes from the clock entries, kept so
    the board sorts and filters by it with an index; it is empty before acceptance and while the clock is paused.
    """

    AWAITING_MATERIALS = "awaiting_materials"
    IN_PROGRESS = "in_progress"
    PAUSED = "paused"
    DECIDED = "decided"
    ISSUED = "issued"
    REFUSED = "refused"
    STATUSES = [
        (AWAITING_MATERIALS, "待补正材料"),
        (IN_PROGRESS, "办理中"),
        (PAUSED, "暂停计时"),
        (DECIDED, "已办结待出件"),
        (ISSUED, "已出件"),
        (REFUSED, "已驳回（不予受理）"),
    ]
    OPEN_STATUSES = (AWAITING_MATERIALS, IN_PROGRESS, PAUSED, DECIDED)

    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    OUTCOMES = [(APPROVED, "准予许可（办结）"), (NOT_APPROVED, "不予许可")]

    number = models.CharField("办件编号", max_length=20, unique=True)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT, related_name="applications",
                             verbose_name="服务事项")
    kind = models.CharField("办件类型", max_length=12, choices=ServiceItem.KINDS)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="applications",
                                   verbose_name="牵头（实施）部门")
    applicant = models.CharField("申请人（单位）", max_length=200)
    phone = models.CharField("联系电话", max_length=20)
    matter = models.TextField("申办事项内容", blank=True)
    received_by = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+", verbose_name="受理人")
    received_at = models.DateTimeField("收件时间")
    status = models.CharField("状态", max_length=20, choices=STATUSES)
    outcome = models.CharField("办理结果", max_length=16, choices=OUTCOMES, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    due_at = models.DateTimeField("承诺办结时限", null=True, blank=True)
    decided_at = models.DateTimeField("办结时间", null=True, blank=True)
    issued_at = models.DateTimeField("出件时间", null=True, blank=True)
    overdue_since = models.DateTimeField("逾期时间", null=True, blank=True)
    instance = models.OneToOneField(ProcessInstance, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="application", verbose_name="办件流程")
    refusal = models.OneToOneField(Refusal, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="application", verbose_name="否定报备")

    class Meta:
        verbose_name = verbose_name_plural = "办件"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["department", "status", "due_at"], name="application_board_idx"),
            models.Index(fields=["status", "due_at"], name="application_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item.name}"


class SubmittedMaterial(models.Model):
    """One required material of the item and whether the applicant brought it, so a 补正材料通知书 names every
    missing one at once (一次性告知制) and the arrival of each is recorded."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials",
                                    verbose_name="办件")
    material = models.ForeignKey(RequiredMaterial, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="申请材料")
    received_at = models.DateTimeField("收到时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件材料"
        ordering = ["application", "material__position"]
        constraints = [models.UniqueConstraint(fields=["application", "material"], name="material_once_per_case")]


class ClockEntry(models.Model):
    """One event of the case clock (engine.time_limits): acceptance, a pause begun or ended, an extension.

    The rows are the clock's whole history in order; the due date is always recomputed from them, never edited.
    An extension names the centre leader who approved it (限时办结制: 延时 needs a leader's approval).
    """

    ACCEPTED = "accepted"
    PAUSE_STARTED = "pause_started"
    PAUSE_ENDED = "pause_ended"
    EXTENDED = "extended"
    KINDS = [(ACCEPTED, "受理"), (PAUSE_STARTED, "暂停计时"), (PAUSE_ENDED, "恢复计时"), (EXTENDED, "延长时限")]

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="clock_entries",
                                    verbose_name="办件")
    kind = models.CharField("事件", max_length=16, choices=KINDS)
    at = models.DateTimeField("时间")
    days = models.PositiveSmallIntegerField("工作日数", null=True, blank=True)
    reason = models.CharField("原因", max_length=20, blank=True)
    note = models.TextField("说明", blank=True)
    planned_end = models.DateField("计划结束日期", null=True, blank=True)
    recorded_by = models.ForeignKey(Official, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="记录人")
    approved_by = models.ForeignKey(Official, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="批准的中心领导")

    class Meta:
        verbose_name = verbose_name_plural = "办件计时"
        ordering = ["application", "at", "pk"]


def _application_notice_path(notice: ApplicationNotice, filename: str) -> str:
    return f"application_notices/{notice.issued_at.year}/{filename}"


class ApplicationNotice(models.Model):
    """A written notice the case produced (受理通知书, 补正材料通知书, 上报件通知书, 延期办理告知书, 办结通知书),
    stored as issued with its SHA-256 and never rendered again."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notices",
                                    verbose_name="办件")
    kind = models.CharField("文书", max_length=20)
    number = models.CharField("文书编号", max_length=100, unique=True)
    issued_at = models.DateTimeField("出具时间")
    file = models.FileField("文书", upload_to=_application_notice_path)
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        verbose_name = verbose_name_plural = "办件文书"
        ordering = ["application", "issued_at", "pk"]


class CoDepartmentReview(models.Model):
    """联办件: one co-department's review of a joint application, under the one deadline the lead set.

    `answer` is empty while the department is silent; 视为同意 is recorded as its own answer (deemed consent),
    visibly, never as an agreement someone gave. `overdue_alerted_at` marks a silent department on an item without
    silent consent: the lead department and the centre office were alerted and the case waits for it.
    """

    AGREED = "agreed"
    DISAGREED = "disagreed"
    DEEMED_CONSENT = "deemed_consent"
    ANSWERS = [(AGREED, "同意"), (DISAGREED, "不同意"), (DEEMED_CONSENT, "逾期未答复，视为同意")]

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="co_reviews",
                                    verbose_name="办件")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+", verbose_name="协办部门")
    requested_at = models.DateTimeField("征求意见时间")
    due_at = models.DateTimeField("答复期限")
    answer = models.CharField("意见", max_length=16, choices=ANSWERS, blank=True)
    opinion = models.TextField("意见说明", blank=True)
    answered_by = models.ForeignKey(Official, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name="答复人")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    overdue_alerted_at = models.DateTimeField("逾期提醒时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "联办部门意见"
        ordering = ["application", "department__name"]
        constraints = [models.UniqueConstraint(fields=["application", "department"], name="one_review_per_department")]


class JointMeeting(models.Model):
    """联席会议 (第十六条): a major joint matter discussed by the departments, with its minutes; a department absent
    without special reason that gives no opinion afterwards is deemed to consent."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="meetings",
                                    verbose_name="办件")
    held_at = models.DateTimeField("会议时间")
    minutes = models.TextField("会议纪要")
    absent_departments = models.ManyToManyField(Department, blank=True, related_name="+",
                                                verbose_name="无特殊理由缺席的部门")
    recorded_by = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+", verbose_name="记录人")

    class Meta:
        verbose_name = verbose_name_plural = "联席会议"
        ordering = ["application", "held_at"]


class Rating(models.Model):
    """好差评: the applicant's one rating of the case; a bad one (不满意 / 非常不满意) opens a rectification."""

    SCORES = [(5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")]
    BAD_BELOW = 3

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="rating",
                                       verbose_name="办件")
    score = models.PositiveSmallIntegerField("评价", choices=SCORES)
    comment = models.TextField("评价内容", blank=True)
    rated_at = models.DateTimeField("评价时间")
    rectification_due_at = models.DateTimeField("整改期限", null=True, blank=True)
    rectification_reply = models.TextField("整改答复", blank=True)
    rectified_by = models.ForeignKey(Official, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name="整改答复人")
    rectified_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "好差评"

    @property
    def is_bad(self) -> bool:
        return self.score < self.BAD_BELOW
