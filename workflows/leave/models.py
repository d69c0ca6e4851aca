"""Leave requests (请假条) and absence records (旷工)."""

from django.db import models

from engine.clock import CENTRE_TZ
from workflows.org.models import Official
from workflows.runtime.models import ProcessInstance

LEAVE_TYPES = ["事假", "病假", "年休假", "婚假", "产假", "探亲假", "丧假", "因公外出"]
HALVES = [("am", "上午"), ("pm", "下午")]


class LeaveRequest(models.Model):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    ACTIVE = "active"
    RETURNED = "returned"
    ABSENT = "absent"
    SENT_BACK = "sent_back"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    STATUSES = [
        (PENDING, "审批中"), (APPROVED, "已批准"), (REJECTED, "未批准"),
        (ACTIVE, "休假中"), (RETURNED, "已销假"), (ABSENT, "逾期未销假（旷工）"), (SENT_BACK, "已退回"),
        (WITHDRAWN, "已撤回"), (CANCELLED, "已终止"),
    ]
    BLOCKING = (PENDING, APPROVED, ACTIVE)

    applicant = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="leave_requests")
    leave_type = models.CharField("请假类型", max_length=10, choices=[(t, t) for t in LEAVE_TYPES])
    counted_as = models.CharField("按何种假处理", max_length=10, blank=True)
    first_day = models.DateField("开始日期")
    first_half = models.CharField("开始时段", max_length=2, choices=HALVES, default="am")
    last_day = models.DateField("结束日期")
    last_half = models.CharField("结束时段", max_length=2, choices=HALVES, default="pm")
    days = models.DecimalField("工作日天数", max_digits=5, decimal_places=1)
    reason = models.TextField("事由")
    proposed_substitute = models.ForeignKey(
        Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="拟顶岗人员"
    )
    substitute = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    has_sick_certificate = models.BooleanField("已提供病假证明", default=False)
    status = models.CharField(max_length=10, choices=STATUSES, default=PENDING)
    instance = models.OneToOneField(ProcessInstance, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="leave_request")
    created_at = models.DateTimeField()
    returned_on = models.DateField(null=True, blank=True)
    report_back_due = models.DateTimeField("销假期限", null=True, blank=True)
    approver_ids = models.JSONField("审批人", default=list, blank=True,
                                    help_text="按审批路线解析出的审批人（含B岗），不能担任本次顶岗")
    sent_back_reason = models.TextField("退回理由", blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "first_day", "last_day"])]

    @property
    def case_number(self) -> str:
        """QJ<year>-<id>, the year as the centre counts it: the database hands `created_at` back in UTC."""
        return f"QJ{self.created_at.astimezone(CENTRE_TZ):%Y}-{self.pk:05d}"

    def __str__(self) -> str:
        return f"{self.applicant.name} {self.leave_type} {self.first_day}–{self.last_day}"


class AbsenceRecord(models.Model):
    """旷工: the report-back (销假) was not done in time. One per leave request at most."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="absence_records")
    leave_request = models.OneToOneField(LeaveRequest, on_delete=models.PROTECT, related_name="absence_record")
    day = models.DateField("旷工日期")
    recorded_at = models.DateTimeField()
    reason = models.CharField(max_length=200)
