"""Activities logged by organisations, the campaigns that group them, and the
indicator catalogue for figures that no register holds (study participation,
outreach, volunteer hours, dues ...)."""

import re
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from branches.scoping import ScopedQuerySet
from core.review.models import Reviewable, Status
from core.validators import (
    DESCRIPTION_LENGTH,
    MAX_HOURS,
    MAX_INDICATOR_VALUE,
    MAX_PARTICIPANTS,
    MAX_PERSON_TIMES,
    MAX_SESSIONS,
    SUMMARY_LENGTH,
    at_most,
    chinese_date,
    max_chars,
    validate_date,
)


class Dimension(models.TextChoices):
    """The four dimensions of the league's work (四维工作格局)."""

    UNITE_YOUTH = "unite_youth", "凝聚青年"
    SERVE_OVERALL = "serve_overall", "服务大局"
    BRIDGE = "bridge", "当好桥梁"
    GOVERN_STRICTLY = "govern_strictly", "从严治团"


class ActivityKind(models.TextChoices):
    THEME_DAY = "theme_day", "主题团日"
    VOLUNTEER = "volunteer", "志愿服务"
    THEMATIC_STUDY = "thematic_study", "专题学习"
    GENERAL_MEETING = "general_meeting", "支部大会"
    COMMITTEE_MEETING = "committee_meeting", "支委会"
    GROUP_MEETING = "group_meeting", "团小组会"
    LEAGUE_LECTURE = "league_lecture", "团课"
    REGULAR_MEETING = "regular_meeting", "例会"
    LECTURE_TOUR = "lecture_tour", "宣讲"
    TRAINING = "training", "培训"
    CONTEST = "contest", "竞赛"
    CEREMONY = "ceremony", "仪式"
    PUBLICITY = "publicity", "宣传"
    GRASSROOTS_VISIT = "grassroots_visit", "走访基层"
    OTHER = "other", "其他"


# The dimension a kind belongs to unless the secretary says otherwise.
DEFAULT_DIMENSION: dict[str, str] = {
    ActivityKind.THEME_DAY: Dimension.UNITE_YOUTH,
    ActivityKind.VOLUNTEER: Dimension.SERVE_OVERALL,
    ActivityKind.THEMATIC_STUDY: Dimension.UNITE_YOUTH,
    ActivityKind.GENERAL_MEETING: Dimension.GOVERN_STRICTLY,
    ActivityKind.COMMITTEE_MEETING: Dimension.GOVERN_STRICTLY,
    ActivityKind.GROUP_MEETING: Dimension.GOVERN_STRICTLY,
    ActivityKind.LEAGUE_LECTURE: Dimension.GOVERN_STRICTLY,
    ActivityKind.REGULAR_MEETING: Dimension.GOVERN_STRICTLY,
    ActivityKind.LECTURE_TOUR: Dimension.UNITE_YOUTH,
    ActivityKind.TRAINING: Dimension.GOVERN_STRICTLY,
    ActivityKind.CONTEST: Dimension.BRIDGE,
    ActivityKind.CEREMONY: Dimension.GOVERN_STRICTLY,
    ActivityKind.PUBLICITY: Dimension.BRIDGE,
    ActivityKind.GRASSROOTS_VISIT: Dimension.BRIDGE,
    ActivityKind.OTHER: Dimension.BRIDGE,
}

# 三会两制一课 and the regular meeting: the kinds that are also obligations.
ORGANISATIONAL_LIFE_KINDS = (
    ActivityKind.GENERAL_MEETING,
    ActivityKind.COMMITTEE_MEETING,
    ActivityKind.GROUP_MEETING,
    ActivityKind.LEAGUE_LECTURE,
    ActivityKind.REGULAR_MEETING,
)
# Kinds whose length in hours is worth recording (study time counts towards the 8 hours a month).
STUDY_KINDS = (
    ActivityKind.THEMATIC_STUDY,
    ActivityKind.LEAGUE_LECTURE,
    ActivityKind.LECTURE_TOUR,
    ActivityKind.TRAINING,
)


class Audience(models.TextChoices):
    MEMBERS_YOUTH = "members_youth", "团员青年"
    PIONEERS = "pioneers", "少先队员"
    CADRES = "cadres", "团干部"
    PUBLIC = "public", "社会公众"


class SessionUnit(models.TextChoices):
    """The unit a record's sessions are counted in, as its source counts them."""

    SESSION = "场", "场"
    ISSUE = "期", "期"
    TIME = "次", "次"
    BATCH = "批", "批"
    PIECE = "个", "个"


# Units whose sessions are activities held: counted one by one in every 场 total. A series in
# another unit (120次 visits, 3批 of volunteers) is one activity in those totals and states its
# own count in its own words: a visit is not a 场, and counting it as one would overstate.
EVENT_UNITS = (SessionUnit.SESSION, SessionUnit.ISSUE)


class SourceQualifier(models.TextChoices):
    """How the source gave a figure: exactly, or as an approximation (200余名, 约800人次)."""

    NONE = "", "（精确）"
    ABOUT = "约", "约"
    MORE_THAN = "余", "余"
    MORE = "多", "多"
    NEARLY = "近", "近"


class Campaign(models.Model):
    """A themed campaign (五四青年文化节, 学雷锋志愿服务月 ...) that groups activities."""

    name = models.CharField("活动名称", max_length=120)
    dimension = models.CharField("工作维度", max_length=20, choices=Dimension.choices)
    start_date = models.DateField("开始日期", validators=[validate_date])
    end_date = models.DateField("结束日期", validators=[validate_date])
    description = models.TextField(
        "说明", blank=True, max_length=DESCRIPTION_LENGTH, validators=[max_chars(DESCRIPTION_LENGTH)]
    )
    phrase = models.CharField(
        "总结中的写法",
        max_length=60,
        blank=True,
        help_text="工作总结中引出这项活动的说法，如““六一”期间”“围绕“青春心向党”主题”；不填则按名称生成。",
    )
    active = models.BooleanField("可选用", default=True, help_text="停用后，新记录不能再选择此活动。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "主题活动"
        verbose_name_plural = "主题活动"
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="campaign_period"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期。"})


class ActivityQuerySet(ScopedQuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def in_period(self, start: date, end: date):
        """Activities that start within [start, end]: an activity counts in the month it begins."""
        return self.filter(start_date__gte=start, start_date__lte=end)

    def subtree_of(self, organisation):
        return self.filter(organisation__path__startswith=organisation.path)


class Activity(Reviewable):
    """One activity held by one organisation, as its secretary logged it."""

    title = models.CharField("活动名称", max_length=200)
    organisation = models.ForeignKey(
        "branches.Organisation", verbose_name="举办组织", on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField("活动类型", max_length=24, choices=ActivityKind.choices, db_index=True)
    dimension = models.CharField("工作维度", max_length=20, choices=Dimension.choices, db_index=True)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name="所属主题活动",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    start_date = models.DateField("日期", validators=[validate_date])  # indexed with id, below
    end_date = models.DateField(
        "结束日期", null=True, blank=True, validators=[validate_date], help_text="多日活动填写；当天活动留空。"
    )
    location = models.CharField("地点", max_length=200, blank=True)
    summary = models.TextField(
        "活动简介", blank=True, max_length=SUMMARY_LENGTH, validators=[max_chars(SUMMARY_LENGTH)]
    )
    audience = models.CharField("参与对象", max_length=20, choices=Audience.choices, default=Audience.MEMBERS_YOUTH)
    # A record may stand for a series: 8期 of a lecture tour, entered and reviewed once.
    sessions = models.PositiveIntegerField(
        "场次/期数",
        default=1,
        validators=[MinValueValidator(1, "场次/期数至少为1。"), at_most(MAX_SESSIONS, "场次/期数")],
        help_text="一条记录代表多场（期）同一活动时填写总数，如宣讲8期；单场活动保持1。",
    )
    session_unit = models.CharField("计量单位", max_length=2, choices=SessionUnit.choices, default=SessionUnit.SESSION)
    reach = models.CharField(
        "覆盖范围",
        max_length=200,
        blank=True,
        help_text="按来源写法填写深入或走访的对象，如“宣讲团成员深入学校、企业、村（社区）”“走访村（社区）120个、企业95家”。",
    )
    participants = models.PositiveIntegerField(
        "参与人数（人）",
        null=True,
        blank=True,
        validators=[at_most(MAX_PARTICIPANTS, "参与人数", "人")],
        help_text="不清楚可以不填，总结中不写。",
    )
    participants_qualifier = models.CharField(
        "人数约数", max_length=1, choices=SourceQualifier.choices, blank=True, default=""
    )
    person_times = models.PositiveIntegerField(
        "参与人次",
        null=True,
        blank=True,
        validators=[at_most(MAX_PERSON_TIMES, "参与人次", "人次")],
        help_text="同一人多次参加按次计；与人数不同。",
    )
    person_times_qualifier = models.CharField(
        "人次约数", max_length=1, choices=SourceQualifier.choices, blank=True, default=""
    )
    hours = models.DecimalField(
        "学习时长（小时）",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), at_most(MAX_HOURS, "学习时长", "小时")],
    )
    notable = models.BooleanField("重点活动", default=False, help_text="由区团委标记，写入半年总结的重点活动。")
    # Who attended, picked from the organisation's roster. Not in the history tables: a snapshot
    # of every name on every save (review steps included) would repeat the list dozens of times.
    attendees = models.ManyToManyField(
        "members.Member", verbose_name="出席人员", blank=True, related_name="attended_activities"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # A default rather than auto_now_add, so records logged on paper and entered later
    # (and the demo's past months) can carry when they were really made.
    created_at = models.DateTimeField("创建时间", default=timezone.now, editable=False)

    history = HistoricalRecords()
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "活动记录"
        verbose_name_plural = "活动记录"
        ordering = ["-start_date", "-id"]
        indexes = [
            # The list's order, read from the index: on the date alone, each day's records were
            # read whole and sorted by id before the first page could be cut (300 at city scale).
            models.Index(fields=["start_date", "id"], name="activity_date_id"),
            models.Index(fields=["status", "start_date"], name="activity_status_date"),
            # Counts per campaign (the campaign list) and per organisation within a period.
            models.Index(fields=["campaign", "status"], name="activity_campaign_status"),
            # A few parts of a board recomputed after a write (core.parts): each of their
            # organisations' records in a period, read from the index rather than a scan.
            models.Index(fields=["organisation", "status", "start_date"], name="activity_org_status_date"),
            # The review queue, oldest first: its first page read in order, not all sorted.
            models.Index(
                fields=["submitted_at", "id"], name="activity_review_queue", condition=models.Q(status=Status.SUBMITTED)
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="activity_date_range",
            ),
            models.CheckConstraint(
                condition=models.Q(participants__isnull=True)
                | models.Q(person_times__isnull=True)
                | models.Q(person_times__gte=models.F("participants")),
                name="activity_person_times_not_below_persons",
            ),
            models.CheckConstraint(condition=models.Q(sessions__gte=1), name="activity_sessions_at_least_one"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def last_date(self) -> date:
        return self.end_date or self.start_date

    @property
    def is_series(self) -> bool:
        """Stands for several sessions, or says where it reached: written in its own words."""
        return self.sessions > 1 or bool(self.reach.strip())

    @property
    def sessions_text(self) -> str:
        return f"{self.sessions}{self.session_unit}"

    @property
    def participants_text(self) -> str:
        return qualified_text(self.participants, self.participants_qualifier)

    @property
    def person_times_text(self) -> str:
        return qualified_text(self.person_times, self.person_times_qualifier)

    @property
    def is_meeting(self) -> bool:
        """三会两制一课 and the regular meeting: their records say who was there (出席)."""
        return self.kind in ORGANISATIONAL_LIFE_KINDS

    def clean(self):
        errors = {}
        if self.start_date:
            # A record is of an activity held: tomorrow's is allowed for a late evening abroad
            # or a record typed the night before; nothing later.
            if self.start_date > timezone.localdate() + timedelta(days=1):
                errors["start_date"] = "活动日期不能晚于明天：活动记录登记的是已经举办的活动。"
            elif self.organisation_id and (founded := self.organisation.established_on) and self.start_date < founded:
                errors["start_date"] = (
                    f"活动日期早于「{self.organisation.name}」的成立日期（{chinese_date(founded)}）。"
                )
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "结束日期不能早于开始日期。"
        if self.end_date and self.start_date and (self.end_date - self.start_date).days > 366:
            errors["end_date"] = "一条活动记录最长一年；长期工作请按阶段分别填报。"
        if self.participants is not None and self.person_times is not None and self.person_times < self.participants:
            errors["person_times"] = "参与人次不能少于参与人数。"
        for field, qualifier, label in (
            ("participants", self.participants_qualifier, "参与人数"),
            ("person_times", self.person_times_qualifier, "参与人次"),
        ):
            if qualifier and getattr(self, field) is None:
                errors[f"{field}_qualifier"] = (
                    f"选择了“{qualifier}”但没有填写{label}：请填写来源给出的数字，或去掉约数标记。"
                )
        if self.hours is not None and self.start_date:
            days = ((self.end_date or self.start_date) - self.start_date).days + 1
            if self.hours > 24 * days:
                errors["hours"] = f"学习时长不能超过活动天数的 24 小时（{24 * days} 小时）。"
        if self.campaign_id and self.start_date and self.campaign:
            campaign = self.campaign
            if self.start_date > campaign.end_date or self.last_date < campaign.start_date:
                errors["campaign"] = (
                    f"活动日期不在「{campaign.name}」的时间范围内"
                    f"（{campaign.start_date:%Y-%m-%d} 至 {campaign.end_date:%Y-%m-%d}）。"
                )
        if errors:
            raise ValidationError(errors)


def qualified_text(value: int | None, qualifier: str) -> str:
    """A source figure as its source wrote it: 约800, 200余, 近500, 300多; "" when unknown."""
    if value is None:
        return ""
    if qualifier in ("约", "近"):
        return f"{qualifier}{value}"
    return f"{value}{qualifier}"


def _attachment_path(instance: "ActivityFile", filename: str) -> str:
    # The stored name never reuses the uploaded one: no guessing, no clashes, no odd characters.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    today = date.today()
    return f"activities/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ActivityFileQuerySet(ScopedQuerySet):
    scope_path_lookup = "activity__organisation__path"


class FileKind(models.TextChoices):
    IMAGE = "image", "照片"
    PDF = "pdf", "PDF 文件"
    # The signed attendance sheet of a meeting: a photo or a scan (PDF), kept apart from photos.
    SIGN_IN = "sign_in", "签到表"


class ActivityFile(models.Model):
    """A photo or PDF attached to an activity. Served only through the scoped download view."""

    activity = models.ForeignKey(Activity, verbose_name="活动记录", on_delete=models.CASCADE, related_name="files")
    file = models.FileField("文件", upload_to=_attachment_path, max_length=255)
    kind = models.CharField("类型", max_length=8, choices=FileKind.choices)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = ActivityFileQuerySet.as_manager()

    class Meta:
        verbose_name = "活动附件"
        verbose_name_plural = "活动附件"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_pdf(self) -> bool:
        return self.kind == FileKind.PDF or self.file.name.lower().endswith(".pdf")


# --- Indicators: figures entered per organisation and month ------------------


class IndicatorCategory(models.TextChoices):
    STUDY = "study", "青年大学习"
    OUTREACH = "outreach", "网上共青团"
    VOLUNTEER = "volunteer", "志愿服务"
    DUES = "dues", "团费收缴"
    APPRAISAL = "appraisal", "教育评议"
    REGISTRATION = "registration", "团籍注册"
    BUILDING = "building", "组织建设"
    MEMBERS = "members", "团员管理"
    PIONEERS = "pioneers", "少先队工作"
    OTHER = "other", "其他"


# Where an indicator is written in the report unless staff place it elsewhere.
CATEGORY_DIMENSION: dict[str, str] = {
    IndicatorCategory.STUDY: Dimension.UNITE_YOUTH,
    IndicatorCategory.OUTREACH: Dimension.BRIDGE,
    IndicatorCategory.VOLUNTEER: Dimension.SERVE_OVERALL,
    IndicatorCategory.DUES: Dimension.GOVERN_STRICTLY,
    IndicatorCategory.APPRAISAL: Dimension.GOVERN_STRICTLY,
    IndicatorCategory.REGISTRATION: Dimension.GOVERN_STRICTLY,
    IndicatorCategory.BUILDING: Dimension.GOVERN_STRICTLY,
    IndicatorCategory.MEMBERS: Dimension.GOVERN_STRICTLY,
    IndicatorCategory.PIONEERS: Dimension.UNITE_YOUTH,
    IndicatorCategory.OTHER: Dimension.BRIDGE,
}

# The named placeholders a sentence pattern may hold. Any other brace is text: a pattern is
# never given to str.format (see reports.content).
PATTERN_PLACEHOLDERS = {
    "value": "数值（连同量词）",
    "period": "期间，如“上半年”；学习季写入时为季名",
}
# The same form as an item's placeholders (reports.content.PLACEHOLDER_RE).
PATTERN_PLACEHOLDER_RE = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def pattern_problem(pattern: str) -> str:
    """Why a sentence pattern cannot be used (a message for staff), or "" when it can."""
    if not pattern:
        return ""
    names = PATTERN_PLACEHOLDER_RE.findall(pattern)
    unknown = sorted(set(names) - set(PATTERN_PLACEHOLDERS))
    if unknown:
        known = "、".join("{" + name + "}" for name in PATTERN_PLACEHOLDERS)
        return f"写法中的占位符 {'、'.join('{' + n + '}' for n in unknown)} 无法识别；可用的占位符：{known}。"
    if names.count("value") != 1:
        return "写法须包含且只包含一个 {value}（数值写在这里）。"
    return ""


class OverTime(models.TextChoices):
    SUM = "sum", "逐月累计（流量）"
    LATEST = "latest", "取期末最新值（存量）"
    AVERAGE = "average", "各月平均"


class OverTree(models.TextChoices):
    SUM = "sum", "下级求和"
    AVERAGE = "average", "下级平均"


class PeriodKind(models.TextChoices):
    MONTH = "month", "按月"
    ISSUE = "issue", "按期（季/期）"


class Qualifier(models.TextChoices):
    NONE = "", "（精确）"
    MORE_THAN = "余", "余（略多于）"
    NEARLY = "近", "近（略少于）"
    OVER = "超", "超（超过）"


class Indicator(models.Model):
    """One figure in the catalogue. Staff add indicators here; no migration needed.

    ``over_time`` says how a month's values combine over a period (flows add up,
    stocks take the latest value), ``over_tree`` how organisations combine. A
    derived indicator (``numerator`` / ``denominator``) is not entered: it is the
    ratio of two others, in percent, and may exceed 100.
    """

    code = models.CharField(
        "代码",
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]*$", "代码只能包含小写字母、数字和下划线，并以字母开头。")],
    )
    name = models.CharField("名称", max_length=80)
    unit = models.CharField("单位", max_length=16, help_text="如：人次、期、次、元、个、%")
    category = models.CharField("类别", max_length=16, choices=IndicatorCategory.choices)
    platform = models.CharField("平台", max_length=40, blank=True, help_text="网上共青团指标所属平台，如“微信公众号”。")
    period_kind = models.CharField("填报周期", max_length=8, choices=PeriodKind.choices, default=PeriodKind.MONTH)
    over_time = models.CharField("跨月汇总", max_length=8, choices=OverTime.choices, default=OverTime.SUM)
    over_tree = models.CharField("跨组织汇总", max_length=8, choices=OverTree.choices, default=OverTree.SUM)
    # Values are stored with two decimals: more places could never be entered.
    decimals = models.PositiveSmallIntegerField(
        "小数位数", default=0, validators=[MaxValueValidator(2, message="小数位数最多为2位。")]
    )
    numerator = models.ForeignKey(
        "self", verbose_name="分子指标", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", verbose_name="分母指标", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.TextField(
        "口径说明", blank=True, max_length=DESCRIPTION_LENGTH, validators=[max_chars(DESCRIPTION_LENGTH)]
    )
    position = models.PositiveSmallIntegerField("排序", default=100)
    active = models.BooleanField("在用", default=True)
    # How the half-year report writes the indicator: the pattern is a clause, with {value}
    # where the figure goes; indicators of one category (and platform) and dimension form one
    # sentence, their clauses in report_order.
    report_pattern = models.CharField(
        "总结写法",
        max_length=200,
        blank=True,
        help_text="写入半年总结的句式，{value} 处写数值（连同量词），如“组织青年志愿者开展志愿服务{value}”；"
        "{period} 写期间（上半年/下半年）。同类别指标合成一句，按“句中顺序”排列。",
    )
    report_unit = models.CharField(
        "量词", max_length=8, blank=True, help_text="数值后的量词，如“名”“人次”“个”“元”；不填则用单位（人写作名）。"
    )
    report_dimension = models.CharField(
        "写入维度",
        max_length=20,
        choices=Dimension.choices,
        blank=True,
        help_text="写入“主要做法和成效”的哪一部分；不填则按类别。",
    )
    report_order = models.PositiveSmallIntegerField("句中顺序", default=100, help_text="数字小的先写。")
    in_report = models.BooleanField(
        "写入总结", default=True, help_text="不写入总结的指标只列入统计附表（如仅用于计算比率的基数）。"
    )

    class Meta:
        verbose_name = "统计指标"
        verbose_name_plural = "统计指标"
        ordering = ["category", "position", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"

    @property
    def is_derived(self) -> bool:
        return self.numerator_id is not None

    @property
    def needs_pattern(self) -> bool:
        """Written into the report but with no sentence yet: staff are warned until it has one."""
        return self.active and self.in_report and not self.report_pattern.strip()

    @property
    def written_dimension(self) -> str:
        return self.report_dimension or CATEGORY_DIMENSION.get(self.category, Dimension.BRIDGE)

    @property
    def measure_word(self) -> str:
        if self.report_unit:
            return self.report_unit
        return "名" if self.unit == "人" else self.unit

    def clean(self):
        if problem := pattern_problem(self.report_pattern):
            raise ValidationError({"report_pattern": problem})
        if (self.numerator_id is None) != (self.denominator_id is None):
            raise ValidationError("派生指标须同时指定分子和分母指标。")
        if self.is_derived and self.pk and self.pk in (self.numerator_id, self.denominator_id):
            raise ValidationError("派生指标不能以自身为分子或分母。")
        if self.is_derived and (self.numerator.is_derived or self.denominator.is_derived):
            raise ValidationError("分子和分母须是直接填报的指标。")


# What staff set on an indicator: the form's fields and what indicator_save accepts.
INDICATOR_FIELDS = (
    "code",
    "name",
    "unit",
    "category",
    "platform",
    "period_kind",
    "over_time",
    "over_tree",
    "decimals",
    "numerator",
    "denominator",
    "description",
    "position",
    "active",
    "in_report",
    "report_pattern",
    "report_unit",
    "report_dimension",
    "report_order",
)


class IndicatorValue(models.Model):
    """An indicator's value for one organisation and month (and issue, for 按期 indicators)."""

    indicator = models.ForeignKey(Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="values")
    organisation = models.ForeignKey(
        "branches.Organisation", verbose_name="组织", on_delete=models.PROTECT, related_name="indicator_values"
    )
    month = models.DateField("月份", validators=[validate_date], help_text="该月第一天")
    issue = models.CharField("期次", max_length=40, blank=True, default="", help_text="按期指标填写，如“2024年第5期”。")
    # 青年大学习 and the like run in seasons (季) of several issues; the report writes each
    # season of a half with its own figures, as of the date the platform's figures were taken.
    season = models.CharField(
        "学习季", max_length=40, blank=True, default="", help_text="如“第十二季”；同季各期合并写入总结。"
    )
    as_of = models.DateField("数据截至", null=True, blank=True, validators=[validate_date])
    value = models.DecimalField(
        "数值",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0), at_most(MAX_INDICATOR_VALUE, "数值")],
    )
    qualifier = models.CharField(
        "约数",
        max_length=2,
        choices=Qualifier.choices,
        blank=True,
        default="",
        help_text="仅当来源数字本身是约数时填写。",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "指标数值"
        verbose_name_plural = "指标数值"
        ordering = ["month", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organisation", "month", "issue"], name="indicator_value_once"
            ),
        ]
        indexes = [models.Index(fields=["indicator", "month"], name="indicator_value_month")]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.month:%Y-%m} {self.qualifier}{self.value}"

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "月份须以该月第一天表示。"})
        if self.month and self.month > timezone.localdate().replace(day=1):
            raise ValidationError({"month": "月份不能晚于本月：只填报已经发生的数据。"})
