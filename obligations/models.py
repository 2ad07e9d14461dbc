"""Obligations (what must be held, by whom, how often), the reminder ledger and the inbox.

An obligation is met in a period when the organisation itself held enough approved
activities of the kinds that count (a count and/or hours), or, for the yearly
appraisal and registration that the activities app records as indicators, when it
entered the indicator. Whether it is met is computed by ``obligations.selectors``;
nothing about compliance is stored.

The ledger (``Reminder``) is what makes reminders exactly-once: one row per
(obligation, organisation, period, kind, recipient), inserted with ON CONFLICT DO
NOTHING, and only the rows a run inserted are delivered by that run.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from activities import periods
from activities.models import ActivityKind
from activities.periods import Period
from branches.models import Kind
from branches.scoping import ScopedQuerySet
from core.validators import DESCRIPTION_LENGTH, MAX_HOURS, MAX_INDICATOR_VALUE, at_most, max_chars, validate_date
from members.choices import CadreKind


def plain_number(value) -> str:
    """8.0 → "8", 7.5 → "7.5", 10 → "10": hours and thresholds as people write them."""
    return format(Decimal(value).normalize(), "f")


class Frequency(models.TextChoices):
    WEEK = periods.WEEK, "每周"
    MONTH = periods.MONTH, "每月"
    QUARTER = periods.QUARTER, "每季度"
    HALF_YEAR = periods.HALF_YEAR, "每半年"
    YEAR = periods.YEAR, "每年"


# The longest lead time that still leaves part of the period before the first reminder.
MAX_LEAD_DAYS = {
    Frequency.WEEK: 6,
    Frequency.MONTH: 27,
    Frequency.QUARTER: 89,
    Frequency.HALF_YEAR: 180,
    Frequency.YEAR: 364,
}


class Target(models.TextChoices):
    ORGANISATIONS = "organisations", "团组织"
    CADRES = "cadres", "团干部"


_ACTIVITY_KIND_LABELS = dict(ActivityKind.choices)
_ORGANISATION_KIND_LABELS = dict(Kind.choices)
_CADRE_KIND_LABELS = dict(CadreKind.choices)


class ObligationQuerySet(models.QuerySet):
    def enabled(self):
        return self.filter(active=True)


class Obligation(models.Model):
    """What must be held, by whom, and how often."""

    code = models.SlugField(
        "系统代码", max_length=40, unique=True, null=True, blank=True, help_text="系统预置的要求才有代码。"
    )
    name = models.CharField("名称", max_length=80)
    description = models.TextField(
        "说明",
        blank=True,
        max_length=DESCRIPTION_LENGTH,
        validators=[max_chars(DESCRIPTION_LENGTH)],
        help_text="依据的文件或制度，写入提醒邮件。",
    )

    target = models.CharField("适用对象", max_length=16, choices=Target.choices, default=Target.ORGANISATIONS)
    organisation_kinds = models.JSONField(
        "适用组织类型",
        default=list,
        blank=True,
        help_text="适用于这些类型的组织。对团干部要求：限定其任职组织的类型，不选则不限。",
    )
    directly_managed = models.BooleanField("适用于直管团组织", default=False)
    all_organisations = models.BooleanField("适用于全部组织", default=False)
    cadre_kinds = models.JSONField("适用团干部类别", default=list, blank=True)

    activity_kinds = models.JSONField("计入的活动类型", default=list, blank=True)
    indicator = models.ForeignKey(
        "activities.Indicator",
        verbose_name="以统计指标计",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="教育评议、团籍注册等按月度数据填报的事项：本周期内填报值达到下限即为完成。",
    )
    frequency = models.CharField("周期", max_length=16, choices=Frequency.choices)
    min_count = models.PositiveSmallIntegerField(
        "每周期最少次数", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    min_hours = models.DecimalField(
        "每周期最少时长（小时）",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), at_most(MAX_HOURS, "每周期最少时长", "小时")],
    )
    indicator_min = models.DecimalField(
        "指标值下限",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), at_most(MAX_INDICATOR_VALUE, "指标值下限")],
    )
    lead_days = models.PositiveSmallIntegerField(
        "提前提醒天数", default=7, help_text="周期结束前多少天开始提醒（含当天）；0 表示只在最后一天提醒。"
    )
    active_from = models.DateField("生效日期", validators=[validate_date])
    active_until = models.DateField("失效日期", null=True, blank=True, validators=[validate_date])
    active = models.BooleanField("启用", default=True)
    remind = models.BooleanField("发送提醒", default=True, help_text="不勾选则只在履职情况中统计，不发提醒。")
    position = models.PositiveSmallIntegerField("排序", default=100)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = ObligationQuerySet.as_manager()

    class Meta:
        verbose_name = "履职要求"
        verbose_name_plural = "履职要求"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(active_until__isnull=True) | Q(active_until__gte=models.F("active_from")),
                name="obligation_active_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # --- Rules about one obligation -------------------------------------------------

    @property
    def uses_indicator(self) -> bool:
        return self.indicator_id is not None

    @property
    def for_cadres(self) -> bool:
        return self.target == Target.CADRES

    def period_containing(self, day: date) -> Period:
        return periods.period_containing(day, self.frequency)

    def period_offset(self, day: date, offset: int) -> Period:
        return periods.period_offset(day, self.frequency, offset)

    def in_force(self, period: Period) -> bool:
        """Whether the obligation covers the whole of ``period`` (a part period is not demanded)."""
        if not self.active:
            return False
        return self.active_from <= period.start and (self.active_until is None or self.active_until >= period.end)

    def applies_to(self, organisation) -> bool:
        """Whether an organisation-level obligation applies to ``organisation`` (by kind, flag or tree)."""
        if self.for_cadres:
            return not self.organisation_kinds or organisation.kind in self.organisation_kinds
        return (
            self.all_organisations
            or organisation.kind in self.organisation_kinds
            or (self.directly_managed and organisation.directly_managed)
        )

    def reminder_window_opens(self, period: Period) -> date:
        return max(period.start, date.fromordinal(period.end.toordinal() - self.lead_days))

    # The texts below go into every reminder of a run: computed once per instance.
    @cached_property
    def kinds_display(self) -> str:
        if self.uses_indicator:
            return f"统计指标：{self.indicator.name}"
        return "、".join(_ACTIVITY_KIND_LABELS.get(kind, kind) for kind in self.activity_kinds)

    @cached_property
    def applies_display(self) -> str:
        kinds = "、".join(_ORGANISATION_KIND_LABELS.get(kind, kind) for kind in self.organisation_kinds)
        if self.for_cadres:
            cadre = "、".join(_CADRE_KIND_LABELS.get(k, k) for k in self.cadre_kinds)
            return f"{cadre}团干部" + (f"（任职于{kinds}）" if kinds else "")
        parts = []
        if self.all_organisations:
            parts.append("全部组织")
        if kinds:
            parts.append(kinds)
        if self.directly_managed:
            parts.append("直管团组织")
        return "、".join(parts)

    @cached_property
    def minimum_display(self) -> str:
        if self.uses_indicator:
            return f"填报值不少于 {plain_number(self.indicator_min or 1)}"
        parts = []
        if self.min_count:
            parts.append(f"不少于 {self.min_count} 次")
        if self.min_hours:
            parts.append(f"不少于 {plain_number(self.min_hours)} 小时")
        text = "，".join(parts)
        return f"每名团干部{text}" if self.for_cadres else text

    def clean(self):
        errors: dict[str, str] = {}
        valid_kinds = set(Kind.values)
        if any(kind not in valid_kinds for kind in self.organisation_kinds or []):
            errors["organisation_kinds"] = "组织类型无效。"
        if any(kind not in set(CadreKind.values) for kind in self.cadre_kinds or []):
            errors["cadre_kinds"] = "团干部类别无效。"
        if any(kind not in set(ActivityKind.values) for kind in self.activity_kinds or []):
            errors["activity_kinds"] = "活动类型无效。"
        if self.for_cadres:
            if not self.cadre_kinds:
                errors["cadre_kinds"] = "请选择适用的团干部类别。"
            if self.directly_managed or self.all_organisations:
                errors["target"] = "团干部要求按任职组织的类型限定，不能选“直管团组织”或“全部组织”。"
        elif not (self.organisation_kinds or self.directly_managed or self.all_organisations):
            errors["organisation_kinds"] = "请选择适用的组织类型，或勾选“直管团组织”或“全部组织”。"
        if self.indicator_id is not None:
            if self.activity_kinds:
                errors["activity_kinds"] = "以统计指标计的要求不再按活动类型计，请二选一。"
            if self.min_count or self.min_hours:
                errors["min_count"] = "以统计指标计的要求请填写“指标值下限”，不填次数或时长。"
            if self.frequency == Frequency.WEEK:
                errors["frequency"] = "统计指标按月填报，以指标计的要求周期不能短于一个月。"
        else:
            if not self.activity_kinds:
                errors["activity_kinds"] = "请选择计入的活动类型，或改为以统计指标计。"
            if not self.min_count and not self.min_hours:
                errors["min_count"] = "请填写每周期最少次数或最少时长（至少一项）。"
            if self.indicator_min is not None:
                errors["indicator_min"] = "按活动计的要求不填指标值下限。"
        if (
            self.frequency in MAX_LEAD_DAYS
            and self.lead_days is not None
            and self.lead_days > MAX_LEAD_DAYS[self.frequency]
        ):
            errors["lead_days"] = (
                f"{self.get_frequency_display()}的要求最多提前 {MAX_LEAD_DAYS[self.frequency]} 天提醒。"
            )
        if self.active_from and self.active_until and self.active_until < self.active_from:
            errors["active_until"] = "失效日期不能早于生效日期。"
        if errors:
            raise ValidationError(errors)


# --- The ledger ------------------------------------------------------------------


class ReminderKind(models.TextChoices):
    UPCOMING = "upcoming", "即将到期"
    OVERDUE = "overdue", "逾期未完成"
    TERM_90 = "term_90", "换届提醒（90天）"
    TERM_30 = "term_30", "换届提醒（30天）"
    AGEING_OUT = "ageing_out", "超龄离团提醒"
    # A summary request (submissions app): before its deadline, and once past it.
    SUMMARY_UPCOMING = "summary_upcoming", "工作总结报送提醒"
    SUMMARY_OVERDUE = "summary_overdue", "工作总结逾期未报送"


OBLIGATION_KINDS = (ReminderKind.UPCOMING, ReminderKind.OVERDUE)


class EmailStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    NO_ADDRESS = "no_address", "无邮箱地址"
    DISABLED = "disabled", "未启用邮件"


class Reminder(models.Model):
    """One reminder to one person: the claim that makes it go out once.

    A run inserts its rows with its ``run_id`` and ON CONFLICT DO NOTHING; the rows that
    carry its ``run_id`` afterwards are the ones it inserted, and only those get an inbox
    message (in the same transaction) and an e-mail. A failed e-mail stays unsent here
    and a later run, holding the row's lease, tries it again.
    """

    obligation = models.ForeignKey(
        Obligation, verbose_name="履职要求", on_delete=models.PROTECT, null=True, blank=True, related_name="reminders"
    )
    organisation = models.ForeignKey(
        "branches.Organisation", verbose_name="组织", on_delete=models.PROTECT, related_name="reminders"
    )
    period_start = models.DateField("周期开始")
    period_end = models.DateField("周期结束")
    kind = models.CharField("提醒类型", max_length=16, choices=ReminderKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="reminders"
    )
    run_id = models.UUIDField("批次", db_index=True)
    created_at = models.DateTimeField("生成时间", default=timezone.now)

    email_status = models.CharField("邮件状态", max_length=16, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_to = models.CharField("邮件地址", max_length=254, blank=True)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    last_error = models.TextField("最近一次错误", blank=True)
    last_attempt_at = models.DateTimeField("最近一次发送", null=True, blank=True)
    lease_token = models.UUIDField("发送锁", null=True, blank=True)
    leased_until = models.DateTimeField("发送锁到期", null=True, blank=True)
    sent_at = models.DateTimeField("发送完成时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "提醒记录"
        verbose_name_plural = "提醒记录"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "organisation", "period_start", "period_end", "kind", "recipient"],
                name="reminder_once",
            ),
            # Term-expiry and ageing-out notices have no obligation; NULLs never conflict
            # in the key above, so they get a key of their own.
            models.UniqueConstraint(
                fields=["organisation", "period_start", "period_end", "kind", "recipient"],
                condition=Q(obligation__isnull=True),
                name="notice_once",
            ),
        ]
        indexes = [
            models.Index(fields=["sent_at", "email_status"], name="reminder_undelivered"),
            models.Index(fields=["period_start", "kind"], name="reminder_period"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organisation_id} {self.period_start}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)


# --- Channels beside the inbox and e-mail ----------------------------------------------


class Channel(models.TextChoices):
    """Where a reminder goes besides the inbox (always) and e-mail (on the Reminder row itself)."""

    WECOM = "wecom", "企业微信群"
    DINGTALK = "dingtalk", "钉钉群"
    SMS = "sms", "短信"


class ChannelConfig(models.Model):
    """The channels a committee's reminders use; its subtree inherits it whole, unless an
    organisation below has a configuration of its own (the nearest one wins).

    Webhook addresses carry the robot's key and are secrets: stored encrypted with the
    ID-number key (members.crypto), shown masked.
    """

    organisation = models.OneToOneField(
        "branches.Organisation", verbose_name="组织", on_delete=models.CASCADE, related_name="channel_config"
    )
    email = models.BooleanField("邮件", default=True)
    wecom_webhook = models.TextField("企业微信群机器人 Webhook（加密）", blank=True)
    dingtalk_webhook = models.TextField("钉钉群机器人 Webhook（加密）", blank=True)
    dingtalk_secret = models.TextField("钉钉加签密钥（加密）", blank=True)
    sms = models.BooleanField("短信", default=False)
    sms_template_id = models.CharField(
        "短信模板 ID", max_length=32, blank=True, help_text="不填则用系统配置的模板（SMS_TEMPLATE_ID）。"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="更新人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "提醒渠道设置"
        verbose_name_plural = "提醒渠道设置"

    def __str__(self) -> str:
        return f"{self.organisation_id} 提醒渠道"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"
    SKIPPED = "skipped", "未发送"


class Delivery(models.Model):
    """One reminder on one channel: planned in the claim's transaction, so exactly one row per
    (reminder, channel); leased, sent and marked like the reminder's e-mail. Rows of one
    ``group_key`` (a robot, or one person's mobile) go out together as one message per run."""

    reminder = models.ForeignKey(Reminder, verbose_name="提醒记录", on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices)
    config = models.ForeignKey(
        ChannelConfig, verbose_name="渠道设置", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    group_key = models.CharField("合并发送键", max_length=40)
    target = models.CharField("发送对象", max_length=120, blank=True)
    status = models.CharField("状态", max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("发送次数", default=0)
    last_error = models.TextField("最近一次错误", blank=True)
    last_attempt_at = models.DateTimeField("最近一次发送", null=True, blank=True)
    lease_token = models.UUIDField("发送锁", null=True, blank=True)
    leased_until = models.DateTimeField("发送锁到期", null=True, blank=True)
    sent_at = models.DateTimeField("发送完成时间", null=True, blank=True)
    created_at = models.DateTimeField("生成时间", default=timezone.now)

    class Meta:
        verbose_name = "渠道发送记录"
        verbose_name_plural = "渠道发送记录"
        ordering = ["reminder_id", "channel"]
        constraints = [models.UniqueConstraint(fields=["reminder", "channel"], name="delivery_once")]
        indexes = [models.Index(fields=["status", "channel"], name="delivery_status")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.reminder_id}"


# --- The in-app inbox ---------------------------------------------------------------


class MessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        # A message belongs to its recipient alone, whatever their role.
        if not user.is_authenticated:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Message(models.Model):
    """A message in a user's inbox. Reminders create them; one per ledger row at most."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="inbox_messages"
    )
    reminder = models.OneToOneField(
        Reminder, verbose_name="提醒记录", on_delete=models.CASCADE, null=True, blank=True, related_name="message"
    )
    organisation = models.ForeignKey(
        "branches.Organisation",
        verbose_name="组织",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject = models.CharField("标题", max_length=200)
    body = models.TextField("内容")
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "站内消息"
        verbose_name_plural = "站内消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="message_unread")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
