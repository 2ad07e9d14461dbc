from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from branches.models import Kind, Organisation
from branches.scoping import ScopedQuerySet
from core.validators import MAX_STUDENTS, at_most

from ..choices import CohortLevel

# 团青比: the share of league members in a junior graduating class is kept under 30%.
JUNIOR_CEILING = Decimal("0.30")


class CohortQuerySet(ScopedQuerySet):
    scope_path_lookup = "school__path"


class SchoolCohort(models.Model):
    """A school's graduating class of one year: how many students, and which class
    branches hold them (the league members are counted from those branches)."""

    school = models.ForeignKey(Organisation, verbose_name="学校", on_delete=models.PROTECT, related_name="cohorts")
    level = models.CharField("学段", max_length=16, choices=CohortLevel.choices, default=CohortLevel.JUNIOR)
    graduation_year = models.PositiveSmallIntegerField("毕业年份")
    student_count = models.PositiveIntegerField(
        "毕业班学生数", validators=[at_most(MAX_STUDENTS, "毕业班学生数", "人")]
    )
    classes = models.ManyToManyField(
        Organisation,
        verbose_name="毕业班团支部",
        related_name="cohort_classes",
        blank=True,
        help_text="统计团员人数的班级团支部。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(m2m_fields=[classes])
    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = "毕业班"
        verbose_name_plural = "毕业班"
        ordering = ["-graduation_year", "school__path", "level"]
        constraints = [
            models.UniqueConstraint(fields=["school", "level", "graduation_year"], name="one_cohort_per_school_year")
        ]

    def __str__(self) -> str:
        return f"{self.school.display_name} {self.graduation_year}届{self.get_level_display()}毕业班"

    @property
    def ceiling(self) -> Decimal | None:
        return JUNIOR_CEILING if self.level == CohortLevel.JUNIOR else None

    def clean(self):
        if self.school_id and self.school.kind != Kind.SCHOOL:
            raise ValidationError({"school": "请选择学校团委。"})
        if self.graduation_year is not None and not 2000 <= self.graduation_year <= 2100:
            raise ValidationError({"graduation_year": "请填写有效的毕业年份。"})
