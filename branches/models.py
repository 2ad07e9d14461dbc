from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.validators import validate_date

from .scoping import ScopedQuerySet, ScopedQuerySetMixin


class Kind(models.TextChoices):
    CITY = "city", "市团委"
    DISTRICT = "district", "区团委"
    SUBDISTRICT = "subdistrict", "街道团工委"
    TOWNSHIP = "township", "乡镇团委"
    PARK = "park", "园区团工委"
    COMMITTEE = "committee", "机关企事业单位团委"
    SCHOOL = "school", "学校团委"
    GENERAL_BRANCH = "general_branch", "团总支"
    BRANCH = "branch", "团支部"
    PIONEER_COMMITTEE = "pioneer_committee", "少工委"
    BRIGADE = "brigade", "少先队大队"
    SQUADRON = "squadron", "少先队中队"


_LEAGUE_COMMITTEES = (Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT, Kind.TOWNSHIP, Kind.PARK, Kind.COMMITTEE)

# Which kinds may sit directly under which: the league's own hierarchy, with the
# pioneers' line (少工委 → 大队 → 中队) beside the league's.
ALLOWED_PARENTS: dict[str, tuple[str | None, ...]] = {
    Kind.CITY: (None,),
    Kind.DISTRICT: (None, Kind.CITY),
    Kind.SUBDISTRICT: (Kind.DISTRICT,),
    Kind.TOWNSHIP: (Kind.DISTRICT,),
    Kind.PARK: (Kind.DISTRICT, Kind.CITY),
    Kind.COMMITTEE: _LEAGUE_COMMITTEES,
    Kind.SCHOOL: (Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT, Kind.TOWNSHIP),
    Kind.GENERAL_BRANCH: (*_LEAGUE_COMMITTEES, Kind.SCHOOL),
    Kind.BRANCH: (*_LEAGUE_COMMITTEES, Kind.SCHOOL, Kind.GENERAL_BRANCH),
    Kind.PIONEER_COMMITTEE: (Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT, Kind.TOWNSHIP),
    Kind.BRIGADE: (Kind.PIONEER_COMMITTEE, Kind.SCHOOL),
    Kind.SQUADRON: (Kind.BRIGADE,),
}

# Kinds that are committees (have organisations under them), as opposed to the
# grassroots units that hold meetings.
COMMITTEE_KINDS = frozenset(
    {*_LEAGUE_COMMITTEES, Kind.SCHOOL, Kind.GENERAL_BRANCH, Kind.PIONEER_COMMITTEE, Kind.BRIGADE}
)

# The pioneer units (大队, 中队): children, not league members, belong to them.
PIONEER_UNIT_KINDS = frozenset({Kind.BRIGADE, Kind.SQUADRON})
# Where a pioneer counsellor (辅导员) can serve.
COUNSELLOR_KINDS = frozenset({Kind.PIONEER_COMMITTEE, Kind.BRIGADE, Kind.SQUADRON, Kind.SCHOOL})


class OrganisationQuerySet(ScopedQuerySetMixin, MP_NodeQuerySet):
    scope_path_lookup = "path"

    def active(self):
        return self.filter(active=True)

    def subtree_of(self, organisation):
        return self.filter(path__startswith=organisation.path)


class OrganisationManager(MP_NodeManager.from_queryset(OrganisationQuerySet)):
    def get_queryset(self):
        # treebeard's manager builds its own queryset class; keep ours, in tree order.
        return OrganisationQuerySet(self.model, using=self._db).order_by("path")


class Organisation(MP_Node):
    """A league or pioneer organisation. The tree is a materialised path (treebeard)."""

    # 4 characters of base 36 per level: 1.6 million children per parent, and a
    # 12-level tree fits the 255-character path.
    steplen = 4

    name = models.CharField("名称", max_length=120)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=24, choices=Kind.choices, db_index=True)
    directly_managed = models.BooleanField(
        "直管团组织", default=False, help_text="由区团委直接管理，须按季度召开直管团组织例会。"
    )
    # A founding date may lie ahead (an organisation being set up owes nothing until then).
    established_on = models.DateField("成立日期", null=True, blank=True, validators=[validate_date])
    term_ends_on = models.DateField("本届任期届满日期", null=True, blank=True, validators=[validate_date])
    # How the committee's own half-year summary is written (reports.compiler reads these).
    report_subject = models.CharField(
        "总结中的自称",
        max_length=12,
        blank=True,
        help_text="工作总结中本单位的自称，如“我区”“我县”“我镇”“我校”；不填则按组织类型选用。",
    )
    report_plan_span = models.CharField(
        "下半年总结所附计划",
        max_length=8,
        choices=[("half", "次年上半年工作计划"), ("year", "次年工作计划")],
        default="half",
    )
    report_problem_threshold = models.PositiveSmallIntegerField(
        "履职完成率警戒线（%）",
        default=90,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="按期完成率低于此值的事项写入“存在问题”，不作为成效。",
    )
    report_track_record_years = models.PositiveSmallIntegerField(
        "总结中写明近年本级荣誉",
        default=0,
        validators=[MaxValueValidator(10)],
        help_text="填年数（如 3）则在工作总结开头写明本级组织近几年获得的荣誉（“近年来，我区团委先后荣获……”）；"
        "填 0 不写。",
    )
    active = models.BooleanField("在用", default=True, db_index=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])
    objects = OrganisationManager()

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def is_committee(self) -> bool:
        return self.kind in COMMITTEE_KINDS

    @property
    def parent_path(self) -> str:
        return self.path[: -self.steplen]

    def clean_parent(self, parent: "Organisation | None") -> None:
        """Raise ValidationError when this organisation's kind may not sit under ``parent``."""
        allowed = ALLOWED_PARENTS.get(self.kind, ())
        parent_kind = parent.kind if parent is not None else None
        if parent_kind not in allowed:
            if parent is None:
                message = f"「{self.get_kind_display()}」不能作为顶层组织。"
            else:
                message = f"「{self.get_kind_display()}」不能设在「{parent.get_kind_display()}」之下。"
            raise ValidationError({"kind": message})


# --- What a committee is: its staffing (编制) and its terms (换届) -------------------------


class Position(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY = "deputy", "副书记"
    MEMBER = "member", "委员"
    OFFICER = "officer", "干事"
    OTHER = "other", "其他工作人员"


class ReportPlace(models.TextChoices):
    GOVERN_STRICTLY = "govern_strictly", "“从严治团”部分"
    OPENING = "opening", "开头段落"
    NONE = "none", "不写入总结"


class StaffingRecord(models.Model):
    """A committee's establishment (编制) as it stood on one date: one row per position.

    Kept as dated records, never overwritten: the report of a half year reads the latest
    record on or before the half's end, so an older summary still says what was true then.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="组织", on_delete=models.CASCADE, related_name="staffing_records"
    )
    recorded_on = models.DateField("核定/统计日期", help_text="编制核定或人员统计的日期；每个日期一条记录。")
    report_place = models.CharField(
        "写入工作总结",
        max_length=16,
        choices=ReportPlace.choices,
        default=ReportPlace.GOVERN_STRICTLY,
        help_text="半年工作总结采用期末前最新一条记录，写在此处；编制内空缺写入“存在问题”。",
    )
    note = models.CharField("备注", max_length=200, blank=True, help_text="如编制核定文件文号。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "编制记录"
        verbose_name_plural = "编制记录"
        ordering = ["organisation", "-recorded_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "recorded_on"],
                name="staffing_record_once_a_day",
                violation_error_message="该组织在这一天已有编制记录，请修改原记录。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.recorded_on:%Y-%m-%d} 编制"

    def clean(self):
        if self.organisation_id and not self.organisation.is_committee:
            raise ValidationError("只有团委（团工委）、团总支、少工委等委员会记录编制。")
        if self.recorded_on and self.recorded_on > timezone.localdate():
            raise ValidationError({"recorded_on": "日期不能晚于今天。"})

    @cached_property
    def rows(self) -> list["StaffingPost"]:
        """The positions in their usual order (书记 first), with anything recorded."""
        order = {value: i for i, value in enumerate(Position.values)}
        return sorted(self.posts.all(), key=lambda post: order.get(post.position, len(order)))

    def total(self, field: str) -> int:
        return sum(getattr(post, field) for post in self.rows)

    @property
    def approved(self) -> int:
        return self.total("approved")

    @property
    def in_post(self) -> int:
        return self.total("in_post")

    @property
    def vacant(self) -> int:
        return self.total("vacant")

    @property
    def seconded(self) -> int:
        return self.total("seconded")

    @property
    def part_time(self) -> int:
        return self.total("part_time")

    @property
    def contracted(self) -> int:
        return self.total("contracted")


class StaffingPost(models.Model):
    """One position of a staffing record. Seconded (挂职), part-time (兼职) and contracted
    (聘用) people hold no post of the establishment: vacancies are approved less in post."""

    record = models.ForeignKey(StaffingRecord, verbose_name="编制记录", on_delete=models.CASCADE, related_name="posts")
    position = models.CharField("职务", max_length=16, choices=Position.choices)
    approved = models.PositiveSmallIntegerField("核定编制", default=0)
    in_post = models.PositiveSmallIntegerField("在编在岗", default=0)
    seconded = models.PositiveSmallIntegerField("挂职", default=0)
    part_time = models.PositiveSmallIntegerField("兼职", default=0)
    contracted = models.PositiveSmallIntegerField("聘用（编外）", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "编制职位"
        verbose_name_plural = "编制职位"
        constraints = [
            models.UniqueConstraint(fields=["record", "position"], name="staffing_post_once_per_record"),
            models.CheckConstraint(
                condition=models.Q(in_post__lte=models.F("approved")), name="staffing_in_post_within"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_position_display()} 编制{self.approved} 在岗{self.in_post}"

    def clean(self):
        if self.in_post > self.approved:
            raise ValidationError(
                {"in_post": f"{self.get_position_display()}在编在岗人数不能超过核定编制（{self.approved}名）。"}
            )

    @property
    def vacant(self) -> int:
        return self.approved - self.in_post

    @property
    def is_empty(self) -> bool:
        return not (self.approved or self.in_post or self.seconded or self.part_time or self.contracted)


# How long a term lasts by default, by kind (staff change it per renewal). 团章: local
# committees every five years; 基层委员会 three to five; 团支部工作条例: a branch committee
# two or three years (students' one); pioneers' brigade and squadron committees yearly.
TERM_YEARS_BY_KIND = {
    Kind.CITY: 5,
    Kind.DISTRICT: 5,
    Kind.SUBDISTRICT: 5,
    Kind.TOWNSHIP: 5,
    Kind.PARK: 5,
    Kind.COMMITTEE: 5,
    Kind.SCHOOL: 3,
    Kind.GENERAL_BRANCH: 3,
    Kind.BRANCH: 2,
    Kind.PIONEER_COMMITTEE: 5,
    Kind.BRIGADE: 1,
    Kind.SQUADRON: 1,
}


def default_term_years(kind: str) -> int:
    return TERM_YEARS_BY_KIND.get(kind, 5)


# Kinds whose terms the report counts: the pioneers' line is written about apart.
PIONEER_LINE_KINDS = frozenset({Kind.PIONEER_COMMITTEE, *PIONEER_UNIT_KINDS})


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class TermRenewal(models.Model):
    """A renewal (换届) held: the congress or general meeting that elected a new committee.

    ``previous_term_ends_on`` is when the term it replaced was due to end, kept by the
    services (branches.services.term_renewal_*) as a chain over the organisation's renewals,
    so that whether the renewal was on time, and whether an organisation was past its term
    on any past date, can be told later.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="组织", on_delete=models.CASCADE, related_name="term_renewals"
    )
    held_on = models.DateField("换届日期", help_text="团员代表大会或团员大会召开的日期。")
    term_years = models.PositiveSmallIntegerField(
        "本届任期（年）",
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="团的地方委员会五年；基层委员会三年或五年；团支部两年或三年（学生团支部一年）。",
    )
    delegates_elected = models.PositiveIntegerField(
        "选举产生团代表（名）", default=0, help_text="选举出席上级团代会的代表；团支部换届一般不选代表，填 0。"
    )
    members_elected = models.PositiveSmallIntegerField("选举产生委员（名）", default=0)
    notes = models.TextField("说明", blank=True)
    previous_term_ends_on = models.DateField("上届任期届满日期", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "换届记录"
        verbose_name_plural = "换届记录"
        ordering = ["organisation", "-held_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "held_on"],
                name="term_renewal_once_a_day",
                violation_error_message="该组织在这一天已有换届记录。",
            )
        ]
        indexes = [models.Index(fields=["held_on"], name="term_renewal_held_on")]

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.held_on:%Y-%m-%d} 换届"

    def clean(self):
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": "换届日期不能晚于今天。"})
        established = self.organisation.established_on if self.organisation_id else None
        if self.held_on and established and self.held_on < established:
            raise ValidationError({"held_on": f"换届日期早于组织成立日期（{established:%Y-%m-%d}）。"})

    @property
    def term_ends_on(self) -> date:
        return add_years(self.held_on, self.term_years)

    @property
    def on_time(self) -> bool:
        """Held by the end of the term it replaced (unknown when no end was recorded: not claimed)."""
        return self.previous_term_ends_on is not None and self.held_on <= self.previous_term_ends_on
