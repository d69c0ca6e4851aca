"""The centre's org chart as the assignment rules see it."""

from django.conf import settings
from django.db import models


class Role(models.Model):
    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40)

    class Meta:
        verbose_name = verbose_name_plural = "角色"

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """进驻部门: a unit stationed in the centre."""

    name = models.CharField("名称", max_length=100, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "进驻部门"

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """窗口 of a department."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="windows",
                                   verbose_name="进驻部门")
    name = models.CharField("名称", max_length=100)
    number = models.CharField("窗口号", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "窗口"
        unique_together = [("department", "name")]

    def __str__(self) -> str:
        return f"{self.department.name} {self.name}"


class Official(models.Model):
    """An official working in the centre; roles decide which tasks reach them."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="official",
                                verbose_name="登录账号")
    name = models.CharField("姓名", max_length=50)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="officials", verbose_name="进驻部门"
    )
    window = models.ForeignKey(Window, null=True, blank=True, on_delete=models.PROTECT, related_name="officials",
                               verbose_name="窗口")
    roles = models.ManyToManyField(Role, blank=True, related_name="officials", verbose_name="角色")
    active = models.BooleanField("在岗", default=True)
    # 我的签名: the stored image (never overwritten: a new signature is a new file) and its SHA-256.
    signature_file = models.CharField("签名图片", max_length=255, blank=True)
    signature_sha256 = models.CharField("签名图片 SHA-256", max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作人员"

    def __str__(self) -> str:
        return self.name


class ABPair(models.Model):
    """A/B post: B acts for A while A is away. Standing pairs have no dates."""

    STANDING = "standing"
    TEMPORARY = "temporary"
    KINDS = [(STANDING, "常设"), (TEMPORARY, "临时")]

    a = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="b_posts", verbose_name="A岗")
    b = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="a_posts", verbose_name="B岗")
    kind = models.CharField("类型", max_length=10, choices=KINDS, default=STANDING)
    valid_from = models.DateField("起始日期", null=True, blank=True)
    valid_to = models.DateField("截止日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "AB岗"
        constraints = [models.CheckConstraint(condition=~models.Q(a=models.F("b")), name="ab_pair_distinct")]
        # assignment reads the pairs of an absent official valid on one day (workflows.org.selectors.org_for)
        indexes = [models.Index(fields=["a", "valid_to", "valid_from"], name="abpair_of_a_valid")]

    def __str__(self) -> str:
        return f"{self.a} → {self.b}（{self.get_kind_display()}）"


class Absence(models.Model):
    """An approved absence (leave) during which the official's B post acts for them."""

    official = models.ForeignKey(Official, on_delete=models.PROTECT, related_name="absences", verbose_name="工作人员")
    first_day = models.DateField("首日")
    last_day = models.DateField("末日")
    reason = models.CharField("事由", max_length=200)

    class Meta:
        verbose_name = verbose_name_plural = "请假离岗"
        # last_day first: "covering today" then skips every absence that ended, however many years of them
        indexes = [models.Index(fields=["first_day", "last_day"]),
                   models.Index(fields=["last_day", "first_day"], name="absence_not_ended")]

    def __str__(self) -> str:
        return f"{self.official} {self.first_day.isoformat()}至{self.last_day.isoformat()}"


class CalendarOverride(models.Model):
    """An administrator's correction to the statutory calendar (for years the library does not know)."""

    HOLIDAY = "holiday"
    WORKING_DAY = "working_day"
    KINDS = [(HOLIDAY, "放假"), (WORKING_DAY, "上班（调休）")]

    day = models.DateField("日期", unique=True)
    kind = models.CharField("调整为", max_length=12, choices=KINDS)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "日历调整"

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.get_kind_display()}"


class OrgChange(models.Model):
    """One change to the org chart made on the org pages: who, when, what, before, after and why. Append-only:
    the code only creates rows (workflows.org.services), and a saved row refuses to be changed or deleted."""

    official = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="org_changes",
                                 verbose_name="工作人员")
    actor = models.ForeignKey(Official, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name="操作人")
    at = models.DateTimeField("时间")
    what = models.CharField("变动事项", max_length=40)
    summary = models.CharField("摘要", max_length=300)
    before = models.JSONField("变动前", null=True, blank=True)
    after = models.JSONField("变动后", null=True, blank=True)
    reason = models.CharField("原因", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "组织架构变动记录"
        indexes = [models.Index(fields=["-at"], name="orgchange_latest"),
                   models.Index(fields=["official", "-at"], name="orgchange_of_official")]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("组织架构变动记录只可追加，不可修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("组织架构变动记录只可追加，不可删除")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.summary}"
