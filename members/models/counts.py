from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from branches.models import Organisation
from branches.scoping import ScopedQuerySet
from core.validators import validate_date

from ..ages import today

# Official counts come in whole people and organisations; a city has about 10^6 of either.
COUNT_CEILING = 10_000_000


class CountSource(models.TextChoices):
    NATIONAL_SYSTEM = "national_system", "智慧团建统计"
    ANNUAL_RETURN = "annual_return", "年度统计报表"
    OTHER = "other", "其他"


class RecordedCountQuerySet(ScopedQuerySet):
    pass


class RecordedCount(models.Model):
    """An official count of an organisation's subtree as of a date, for committees whose register
    is kept in the league's national system rather than here.

    The snapshot (members.snapshot) uses it instead of the portal's own roster when it is newer
    than the last change to that roster; each figure may be left empty (not counted then).
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="组织", on_delete=models.PROTECT, related_name="recorded_counts"
    )
    as_of = models.DateField("统计日期", validators=[validate_date])
    league_members = models.PositiveIntegerField(
        "团员（名）", null=True, blank=True, validators=[MaxValueValidator(COUNT_CEILING)]
    )
    young_pioneers = models.PositiveIntegerField(
        "少先队员（名）", null=True, blank=True, validators=[MaxValueValidator(COUNT_CEILING)]
    )
    branches = models.PositiveIntegerField(
        "团支部（个）", null=True, blank=True, validators=[MaxValueValidator(COUNT_CEILING)]
    )
    source = models.CharField("来源", max_length=20, choices=CountSource.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = RecordedCountQuerySet.as_manager()

    class Meta:
        verbose_name = "统计数"
        verbose_name_plural = "统计数"
        ordering = ["organisation__path", "-as_of", "-pk"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.as_of:%Y-%m-%d}（{self.get_source_display()}）"

    def clean(self):
        if self.as_of and self.as_of > today():
            raise ValidationError({"as_of": "统计日期不能晚于今天。"})
        if self.league_members is None and self.young_pioneers is None and self.branches is None:
            raise ValidationError("请至少填写一项统计数。")
