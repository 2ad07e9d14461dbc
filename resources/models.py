"""What a committee's work leaves behind besides activities and honours: its bases and
positions (阵地), the coverage its work won in the media (宣传报道采用), the units it builds with
(共建单位) and the money and goods raised (募集款物).

Each record belongs to an organisation of the tree and is kept by staff anywhere and by a
secretary within their subtree; the report reads them through ``resources.selectors``.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from branches.scoping import ScopedQuerySet
from core.validators import MAX_INDICATOR_VALUE, at_most, validate_date


class Level(models.TextChoices):
    """Who recognised a base: the level of the body that named it."""

    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    DISTRICT = "district", "区（县）级"


# How the report names a level ("建成市级少先队校外实践基地18个").
LEVEL_WORDS = {Level.NATIONAL: "国家级", Level.PROVINCIAL: "省级", Level.CITY: "市级", Level.DISTRICT: "区级"}


class BaseKind(models.TextChoices):
    YOUTH_HOME = "youth_home", "青年之家"
    PIONEER_PRACTICE = "pioneer_practice", "少先队校外实践基地"
    VOLUNTEER_STATION = "volunteer_station", "志愿服务站"
    YOUTH_CITY_POINT = "youth_city_point", "青年发展型城市建设试点"
    OTHER = "other", "其他阵地"


class _Record(models.Model):
    """What every record here has: the organisation it belongs to and who entered it."""

    organisation = models.ForeignKey(
        "branches.Organisation", verbose_name="所属组织", on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


def _not_future(errors: dict, name: str, day, what: str) -> None:
    if day and day > timezone.localdate():
        errors[name] = f"{what}不能晚于今天。"


def same_line(organisation, other) -> bool:
    """Whether ``other`` is ``organisation``, above it or below it in the tree."""
    ours, theirs = organisation.path, other.path
    return ours.startswith(theirs) or theirs.startswith(ours)


def _check_activity(errors: dict, record) -> None:
    if (
        record.activity_id
        and record.organisation_id
        and not same_line(record.organisation, record.activity.organisation)
    ):
        errors["activity"] = "所选活动不属于本组织或其上下级组织。"


class Base(_Record):
    """A base or position (阵地) recognised at a level on a date; stock counts it until it is
    withdrawn (摘牌), so a summary of an earlier half still counts what stood then."""

    name = models.CharField("阵地名称", max_length=120)
    kind = models.CharField("类型", max_length=24, choices=BaseKind.choices)
    level = models.CharField("认定级别", max_length=12, choices=Level.choices)
    recognised_on = models.DateField("认定（挂牌）日期", validators=[validate_date])
    withdrawn_on = models.DateField(
        "撤销（摘牌）日期", null=True, blank=True, validators=[validate_date], help_text="仍在使用的留空。"
    )
    address = models.CharField("地址", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "阵地"
        verbose_name_plural = "阵地"
        ordering = ["-recognised_on", "-id"]
        indexes = [models.Index(fields=["recognised_on"], name="base_recognised_on")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gte=models.F("recognised_on")),
                name="base_withdrawn_after_recognised",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}{self.get_kind_display()}）"

    def clean(self):
        errors: dict[str, str] = {}
        _not_future(errors, "recognised_on", self.recognised_on, "认定日期")
        _not_future(errors, "withdrawn_on", self.withdrawn_on, "撤销日期")
        if self.withdrawn_on and self.recognised_on and self.withdrawn_on < self.recognised_on:
            errors["withdrawn_on"] = "撤销日期不能早于认定日期。"
        if errors:
            raise ValidationError(errors)


class OutletLevel(models.TextChoices):
    CENTRAL = "central", "中央级媒体（含全国性平台）"
    PROVINCIAL = "provincial", "省级媒体"
    CITY = "city", "市级媒体"
    DISTRICT = "district", "区（县）级媒体"


OUTLET_WORDS = {
    OutletLevel.CENTRAL: "中央级媒体",
    OutletLevel.PROVINCIAL: "省级媒体",
    OutletLevel.CITY: "市级媒体",
    OutletLevel.DISTRICT: "区级媒体",
}


class PieceForm(models.TextChoices):
    ARTICLE = "article", "稿件（篇）"
    VIDEO = "video", "视频（条）"


class Coverage(_Record):
    """A story or video about the organisation's work, picked up (采用) by a named outlet."""

    title = models.CharField("稿件（作品）标题", max_length=200)
    form = models.CharField("形式", max_length=12, choices=PieceForm.choices, default=PieceForm.ARTICLE)
    outlet = models.CharField("采用媒体（平台）", max_length=80, help_text="如：中国青年报、学习强国、广西日报。")
    outlet_level = models.CharField("媒体级别", max_length=12, choices=OutletLevel.choices)
    published_on = models.DateField("采用（刊发）日期", validators=[validate_date])
    url = models.URLField("链接", blank=True, max_length=500)
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name="相关活动",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "宣传报道采用"
        verbose_name_plural = "宣传报道采用"
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["published_on"], name="coverage_published_on")]

    def __str__(self) -> str:
        return f"{self.outlet}：{self.title}"

    def clean(self):
        errors: dict[str, str] = {}
        _not_future(errors, "published_on", self.published_on, "采用日期")
        _check_activity(errors, self)
        if errors:
            raise ValidationError(errors)


class PartnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    INSTITUTION = "institution", "机关事业单位"
    COMMUNITY = "community", "村（社区）"
    SCHOOL = "school", "学校"
    SOCIAL = "social", "社会组织"
    OTHER = "other", "其他"


class Partner(_Record):
    """A unit outside the tree the organisation builds with (共建单位), from a date, until the
    agreement ends; activities held together can be linked."""

    name = models.CharField("共建单位名称", max_length=120)
    kind = models.CharField("单位类型", max_length=16, choices=PartnerKind.choices, default=PartnerKind.ENTERPRISE)
    since = models.DateField("共建开始日期", validators=[validate_date])
    until = models.DateField(
        "共建结束日期", null=True, blank=True, validators=[validate_date], help_text="长期共建留空。"
    )
    activities = models.ManyToManyField(
        "activities.Activity", verbose_name="共同开展的活动", blank=True, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[activities])

    class Meta:
        verbose_name = "共建单位"
        verbose_name_plural = "共建单位"
        ordering = ["-since", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                name="partner_period",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors: dict[str, str] = {}
        _not_future(errors, "since", self.since, "共建开始日期")
        if self.until and self.since and self.until < self.since:
            errors["until"] = "共建结束日期不能早于开始日期。"
        if errors:
            raise ValidationError(errors)


class AmountQualifier(models.TextChoices):
    """As the source states an amount: exact, or approximate (约) or a lower bound (余)."""

    EXACT = "", "（精确）"
    ABOUT = "约", "约"
    MORE_THAN = "余", "余（略多于）"


_AMOUNT = dict(
    max_digits=14,
    decimal_places=2,
    null=True,
    blank=True,
    validators=[MinValueValidator(Decimal("0.01")), at_most(MAX_INDICATOR_VALUE, "金额", "元")],
)


class Donation(_Record):
    """Money (元) and goods (by count, unit and kind) raised or received for the organisation's
    work, from a donor or a partner, for an activity or on their own."""

    received_on = models.DateField("募集（接收）日期", validators=[validate_date])
    donor = models.CharField("捐赠方", max_length=120, blank=True, help_text="单位或个人；来自共建单位的可直接选择。")
    partner = models.ForeignKey(
        Partner, verbose_name="共建单位", on_delete=models.SET_NULL, null=True, blank=True, related_name="donations"
    )
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name="相关活动",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.CharField("用途", max_length=120, blank=True, help_text="如：助学、微心愿、困难青少年帮扶。")
    money = models.DecimalField("善款（元）", **_AMOUNT)
    goods_count = models.PositiveIntegerField(
        "物资数量", null=True, blank=True, validators=[at_most(1_000_000, "物资数量", "")]
    )
    goods_unit = models.CharField("物资单位", max_length=4, blank=True, default="件", help_text="如：件、套、册、箱。")
    goods_kind = models.CharField("物资种类", max_length=60, blank=True, help_text="如：书包、文具、图书。")
    goods_value = models.DecimalField("物资折价（元）", **_AMOUNT)
    qualifier = models.CharField(
        "金额约数",
        max_length=2,
        choices=AmountQualifier.choices,
        blank=True,
        default="",
        help_text="来源只给出约数（约5万元、5万余元）时选择；总结中的合计随之写作约数。",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "募集款物"
        verbose_name_plural = "募集款物"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["received_on"], name="donation_received_on")]

    def __str__(self) -> str:
        parts = []
        if self.money is not None:
            parts.append(f"善款{self.qualifier if self.qualifier == '约' else ''}{self.money:g}元")
        if self.goods_count:
            parts.append(f"{self.goods_kind or '物资'}{self.goods_count}{self.goods_unit}")
        return f"{self.received_on:%Y-%m-%d} {'、'.join(parts) or '款物'}"

    @property
    def value(self) -> Decimal | None:
        """Money and goods together, when the goods (if any) carry a value."""
        if self.goods_count and self.goods_value is None:
            return None
        return (self.money or 0) + (self.goods_value or 0)

    def clean(self):
        errors: dict[str, str] = {}
        _not_future(errors, "received_on", self.received_on, "募集日期")
        if self.money is None and not self.goods_count:
            errors["money"] = "请填写善款金额或物资数量（至少一项）。"
        if self.goods_value is not None and not self.goods_count:
            errors["goods_count"] = "填写了物资折价，请同时填写物资数量。"
        if self.goods_count and not self.goods_unit:
            errors["goods_unit"] = "请填写物资单位，如“件”。"
        if self.qualifier and self.money is None and self.goods_value is None:
            errors["qualifier"] = "约数只用于金额：请填写善款或物资折价。"
        _check_activity(errors, self)
        if self.partner_id and self.organisation_id and not same_line(self.organisation, self.partner.organisation):
            errors["partner"] = "所选共建单位不属于本组织或其上下级组织。"
        if errors:
            raise ValidationError(errors)
