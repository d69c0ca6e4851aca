"""Complaints (投诉), sanction cases (诫勉教育 / 效能告诫), appeals (申辩) and the letters issued.

A sanction case is the ledger (台帐) entry once its letter is issued; a revoked one stays in the
ledger, marked revoked, and no longer counts. Letters and appeal attachments are stored files
with their SHA-256, so what an official received can be shown again unchanged years later.
"""

from __future__ import annotations

import os

from django.db import models

from engine.clock import CENTRE_TZ
from workflows.discipline.catalogue import rule_label
from workflows.discipline.duty_rules import finding_label
from workflows.discipline.rules import JIEMIAN, MEASURES, OFFICIAL, WARNING, WINDOW
from workflows.org.models import Department, Official, Window
from workflows.runtime.models import ProcessInstance

TARGET_KIND_CHOICES = [(WINDOW, "窗口"), (OFFICIAL, "窗口工作人员")]
MEASURE_CHOICES = [(m, m) for m in MEASURES]


class Complaint(models.Model):
    """投诉: from the public, an efficiency supervisor or an inspection; every one gets an answer."""

    PUBLIC = "public"
    SUPERVISOR = "supervisor"
    INSPECTION = "inspection"
    SOURCES = [(PUBLIC, "群众投诉"), (SUPERVISOR, "效能监督员"), (INSPECTION, "明察暗访")]
    INVESTIGATING = "investigating"
    REPLYING = "replying"
    ANSWERED = "answered"
    STATUSES = [(INVESTIGATING, "调查核实中"), (REPLYING, "待答复"), (ANSWERED, "已答复")]

    source = models.CharField("来源", max_length=12, choices=SOURCES)
    complainant_name = models.CharField("投诉人", max_length=50, blank=True)
    complainant_contact = models.CharField("联系方式", max_length=100, blank=True)
    target_kind = models.CharField("投诉对象类别", max_length=10, choices=TARGET_KIND_CHOICES)
    target_window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_official = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    summary = models.TextField("投诉内容")
    received_at = models.DateTimeField("受理时间")
    received_by = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=14, choices=STATUSES, default=INVESTIGATING)
    founded = models.BooleanField("是否属实", null=True, blank=True)
    findings = models.TextField("调查情况", blank=True)
    duty_rule = models.CharField("违反的工作制度", max_length=20, blank=True)
    finding = models.CharField("查实情形", max_length=40, blank=True)
    occurrence = models.PositiveSmallIntegerField("第几次查实", null=True, blank=True,
                                                  help_text="由台帐计数（selectors.finding_occurrence），不由人填写")
    reply = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    instance = models.OneToOneField(ProcessInstance, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="complaint")

    class Meta:
        indexes = [models.Index(fields=["status", "received_at"], name="complaint_status_received")]
        ordering = ["-received_at", "-id"]

    @property
    def number(self) -> str:
        return f"TS{self.received_at.astimezone(CENTRE_TZ):%Y}-{self.pk:05d}"

    def __str__(self) -> str:
        return self.number


class ViolationRule(models.Model):
    """One item of 第五条 (诫勉教育) or 第六条 (效能告诫), from bpmn/violation_catalogue.json."""

    code = models.CharField(max_length=10, unique=True)
    article = models.PositiveSmallIntegerField()
    item = models.PositiveSmallIntegerField()
    measure = models.CharField(max_length=10, choices=MEASURE_CHOICES)
    text = models.TextField()

    class Meta:
        ordering = ["article", "item"]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class SanctionCase(models.Model):
    """One 诫勉教育 or 效能告诫 case, from proposal to letter, delivery, filing and appeal.

    `register_number` (XN2026-00001) names the case from the start; `number` (the letter's 文号,
    e.g. 诫字〔2026〕第1号) is given only when the letter is issued, so dismissed cases leave no gaps.
    `year` is the calendar year the sanction counts in (the year it was issued).
    """

    OPEN = "open"
    DISMISSED = "dismissed"
    ISSUED = "issued"
    DELIVERED = "delivered"
    STATUSES = [(OPEN, "办理中"), (DISMISSED, "不予处理"), (ISSUED, "已下达"), (DELIVERED, "已送达")]
    COMPLAINT = "complaint"
    ESCALATION = "escalation"
    MANUAL = "manual"
    RECORD = "record"
    ORIGINS = [(COMPLAINT, "投诉查实"), (ESCALATION, "一年内两次诫勉教育"), (MANUAL, "中心办公室立案"),
               (RECORD, "工作记录自动移送")]

    number = models.CharField("文号", max_length=100, blank=True, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    target_kind = models.CharField("处理对象类别", max_length=10, choices=TARGET_KIND_CHOICES)
    target_official = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="sanction_cases")
    target_window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="sanction_cases")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    respondent = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+",
                                   help_text="被处理人：对象本人；对窗口则为窗口负责人（签收、申辩）")
    rule = models.ForeignKey(ViolationRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    other_text = models.TextField("其他情形说明", blank=True)
    facts = models.TextField("事实")
    measure = models.CharField("处理措施", max_length=10, choices=MEASURE_CHOICES)
    decision_reason = models.TextField("决定理由", blank=True)
    deciding_role = models.CharField("决定机关", max_length=20)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    talked_on = models.DateField("谈话日期", null=True, blank=True)
    talk_record = models.TextField("谈话记录", blank=True)
    issued_at = models.DateTimeField("下达时间", null=True, blank=True)
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    appeal_deadline = models.DateField("申辩期限", null=True, blank=True)
    department_notified_on = models.DateField("通报所在部门日期", null=True, blank=True)
    filed_with_county_on = models.DateField("县效能办备案日期", null=True, blank=True)
    status = models.CharField(max_length=10, choices=STATUSES, default=OPEN)
    revoked = models.BooleanField("已撤销", default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    appeal_waived_at = models.DateTimeField("放弃申辩时间", null=True, blank=True)
    origin = models.CharField("来源", max_length=12, choices=ORIGINS)
    origin_complaint = models.ForeignKey(Complaint, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="sanction_cases")
    escalated_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="escalations",
                                       help_text="第六条(十三)：由哪一次诫勉教育（第二次）引起")
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    instance = models.OneToOneField(ProcessInstance, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="sanction_case")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["escalated_from"], condition=models.Q(escalated_from__isnull=False),
                                    name="one_escalation_per_pair"),
            models.CheckConstraint(condition=models.Q(measure__in=[JIEMIAN, WARNING]), name="sanction_measure"),
        ]
        indexes = [
            models.Index(fields=["year", "target_official", "measure"], name="ledger_by_official"),
            models.Index(fields=["year", "target_window", "measure"], name="ledger_by_window"),
            models.Index(fields=["year", "department", "measure"], name="ledger_by_department"),
            models.Index(fields=["status", "opened_at"], name="sanction_status_opened"),
        ]
        ordering = ["-opened_at", "-id"]

    @property
    def register_number(self) -> str:
        return f"XN{self.opened_at.astimezone(CENTRE_TZ):%Y}-{self.pk:05d}"

    @property
    def is_effective(self) -> bool:
        """Issued and not revoked: what the yearly consequences count."""
        return self.issued_at is not None and not self.revoked

    @property
    def breach_label(self) -> str:
        """The catalogue item cited (第五条第（十五）项 …) or 其他：<text>, as letters and the ledger show it."""
        return rule_label(self.rule, self.other_text)

    @property
    def appeal_status(self) -> str:
        """第十一条 as the case reads it: 放弃申辩 when the official waived the right, 已申辩 once filed."""
        if self.appeal_waived_at is not None:
            return "放弃申辩"
        return "已申辩" if hasattr(self, "appeal") else ""  # selectors select_related("appeal"): no extra query

    def __str__(self) -> str:
        return self.number or self.register_number


class ViolationRecord(models.Model):
    """A record another family keeps that the rule books treat as a violation (an overdue application, an absence),
    handed to discipline once: the duty-rule table decides the measure, never a person copying it over.

    `source` names the record it came from ("application:123:overdue", "leave:45:absence") and is unique, so the
    same record handed over twice is one violation and one case. `occurrence` (第几次) is counted when recorded:
    1 + the earlier records of the same duty rule and finding against the same window or official in the same
    calendar year. `case` stays empty when the table gives no measure (or nobody answers for the window): the
    centre office decides those, and `note` says why.
    """

    source = models.CharField("来源记录", max_length=120, unique=True)
    duty_rule = models.CharField("违反的工作制度", max_length=20)
    finding = models.CharField("查实情形", max_length=40)
    occurrence = models.PositiveSmallIntegerField("第几次")
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    official = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    facts = models.TextField("事实")
    occurred_at = models.DateTimeField("发生时间")
    case = models.ForeignKey(SanctionCase, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="violation_records")
    note = models.CharField("未立案原因", max_length=200, blank=True)
    created_at = models.DateTimeField("移送时间")

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(window__isnull=True) ^ models.Q(official__isnull=True),
                                   name="violation_window_or_official"),
        ]
        indexes = [
            models.Index(fields=["duty_rule", "finding", "window", "occurred_at"], name="violation_by_window"),
            models.Index(fields=["duty_rule", "finding", "official", "occurred_at"], name="violation_by_official"),
            models.Index(fields=["-created_at", "-id"], name="violation_newest"),
        ]
        ordering = ["-created_at", "-id"]

    @property
    def finding_label(self) -> str:
        """超出规定时限（窗口造成）, as the investigation form offers it."""
        return finding_label(self.duty_rule, self.finding)

    def __str__(self) -> str:
        return self.source


class Appeal(models.Model):
    """书面申辩 (第十一条): within 5 working days of delivery; decided within 10 working days of receipt."""

    UPHOLD = "uphold"
    REVOKE = "revoke"
    DECISIONS = [(UPHOLD, "维持"), (REVOKE, "撤销")]

    case = models.OneToOneField(SanctionCase, on_delete=models.PROTECT, related_name="appeal")
    appellant = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("申辩内容")
    received_on = models.DateField("收到日期")
    due_on = models.DateField("答复期限")
    decision = models.CharField(max_length=10, choices=DECISIONS, blank=True)
    reasons = models.TextField("复核理由", blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"申辩 {self.case}"


def _attachment_path(attachment: AppealAttachment, filename: str) -> str:
    name = os.path.basename(filename)
    return f"appeals/{attachment.appeal.received_on:%Y}/{attachment.appeal.case.register_number}/{name}"


class AppealAttachment(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path)
    original_name = models.CharField(max_length=255)
    kind = models.CharField("文件类型", max_length=10, blank=True)
    sha256 = models.CharField(max_length=64)


def _draft_path(draft_file: AppealDraftFile, filename: str) -> str:
    return f"appeal-drafts/{draft_file.draft.case.register_number}/{draft_file.draft.pk}/{os.path.basename(filename)}"


class AppealDraft(models.Model):
    """An appeal prepared but not yet sent: what the preview shows, with its files kept on the server,
    so confirming sends exactly what was previewed and nothing has to be uploaded twice."""

    case = models.ForeignKey(SanctionCase, on_delete=models.CASCADE, related_name="appeal_drafts")
    appellant = models.ForeignKey(Official, on_delete=models.CASCADE, related_name="+")
    text = models.TextField("申辩内容")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "appellant"], name="one_appeal_draft_per_case")]


class AppealDraftFile(models.Model):
    draft = models.ForeignKey(AppealDraft, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=_draft_path)
    original_name = models.CharField(max_length=255)
    kind = models.CharField("文件类型", max_length=10)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]


def _letter_path(letter: Letter, filename: str) -> str:
    return f"letters/{letter.year}/{filename}"


class Letter(models.Model):
    """A letter as issued: the stored PDF and its hash, never regenerated."""

    JIEMIAN_LETTER = "诫勉教育书"
    WARNING_LETTER = "效能告诫书"
    REPLY_LETTER = "申辩答复书"
    KINDS = [(k, k) for k in (JIEMIAN_LETTER, WARNING_LETTER, REPLY_LETTER)]

    case = models.ForeignKey(SanctionCase, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=10, choices=KINDS)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    number = models.CharField("文号", max_length=100, unique=True)
    file = models.FileField(upload_to=_letter_path)
    sha256 = models.CharField(max_length=64)
    issued_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "sequence"], name="letter_sequence"),
            models.UniqueConstraint(fields=["case", "kind"], name="one_letter_per_kind"),
        ]
        ordering = ["issued_at", "id"]

    def __str__(self) -> str:
        return f"《{self.kind}》{self.number}"
