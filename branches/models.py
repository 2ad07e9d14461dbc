from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.validators import validate_date

from .scoping import ScopedQuerySetMixin


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
