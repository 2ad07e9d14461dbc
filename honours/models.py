"""Honours (表彰): titles the district's people and organisations received from above, and
titles this committee conferred itself; entered one by one or as commendation lists.

One row is one recipient of one title, or, in a commendation list whose recipients are
known only by number, one bare count ("135名少先队员"). Figures add up ``recipient_count``,
so a count row and a named row weigh what they stand for.
"""

import uuid
from datetime import date
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from branches.models import Kind, Organisation
from branches.scoping import Scope, ScopedQuerySet
from core.models import UploadImport
from core.review.models import Reviewable, Status
from core.validators import (
    DESCRIPTION_LENGTH,
    EARLIEST_YEAR,
    LATEST_YEAR,
    MAX_RECIPIENTS,
    max_chars,
    validate_date,
)
from members.choices import Category
from reports.content import ordinal  # a plain module: 第三届 is written as the report numbers


class Level(models.TextChoices):
    NATIONAL = "national", "全国级"
    PROVINCIAL = "provincial", "自治区（省）级"
    CITY = "city", "市级"
    DISTRICT = "district", "区级"
    TOWNSHIP = "township", "乡镇（街道）级"
    SCHOOL = "school", "校级"


# The report names every honour at these levels; below them it gives counts.
NAMED_LEVELS = (Level.NATIONAL, Level.PROVINCIAL)
# A committee confers its own honours at its own level or below, never the upper ones.
CONFERRABLE_LEVELS = (Level.CITY, Level.DISTRICT, Level.TOWNSHIP, Level.SCHOOL)


class Direction(models.TextChoices):
    RECEIVED = "received", "获得表彰"
    CONFERRED = "conferred", "本级授予"


class RecipientKind(models.TextChoices):
    LEAGUE_MEMBER = "league_member", "团员"
    YOUNG_PIONEER = "young_pioneer", "少先队员"
    COUNSELLOR = "counsellor", "少先队辅导员"
    CADRE = "cadre", "团干部"
    # A young person who is not a league member (an 个人 title such as 优秀志愿者).
    YOUTH = "youth", "青年"
    # Collectives are split by line because the report writes "45个少先队集体" even when
    # only the number is known and no organisation says which line it is.
    LEAGUE_COLLECTIVE = "league_collective", "团组织集体"
    PIONEER_COLLECTIVE = "pioneer_collective", "少先队集体"
    # A collective outside the organisation tree: an enterprise, a community, a hospital.
    UNIT = "unit", "单位"
    PROJECT = "project", "项目"


PERSON_KINDS = frozenset(
    {
        RecipientKind.LEAGUE_MEMBER,
        RecipientKind.YOUNG_PIONEER,
        RecipientKind.COUNSELLOR,
        RecipientKind.CADRE,
        RecipientKind.YOUTH,
    }
)
# Collectives of the organisation tree: the kinds a linked organisation may be entered as.
COLLECTIVE_KINDS = frozenset({RecipientKind.LEAGUE_COLLECTIVE, RecipientKind.PIONEER_COLLECTIVE})
PIONEER_ORGANISATION_KINDS = frozenset({Kind.PIONEER_COMMITTEE, Kind.BRIGADE, Kind.SQUADRON})
# The measure word officialese puts after a count of each kind: 135名少先队员, 45个集体, 3个项目.
UNITS = {
    **{kind: "名" for kind in PERSON_KINDS},
    **{kind: "个" for kind in COLLECTIVE_KINDS},
    RecipientKind.UNIT: "个",
    RecipientKind.PROJECT: "个",
}
# The member category a kind requires of a linked member (other person kinds take anyone).
KIND_CATEGORY = {
    RecipientKind.LEAGUE_MEMBER: Category.LEAGUE_MEMBER,
    RecipientKind.YOUNG_PIONEER: Category.YOUNG_PIONEER,
    RecipientKind.YOUTH: Category.YOUTH,
}


def counted_on_for(*, awarded_on: date | None, year_to: int | None, year_from: int | None) -> date | None:
    """The day an honour counts on in period figures: the day it was announced, or, for an honour
    known only by its single award year, the last day of that year.

    A range (2023—2024年度) is announced on a day inside or after it: entering one asks for that
    day (``clean_award``), so it counts in the half it was announced, not at the range's end.
    Older rows entered without it keep the range's last day.
    """
    if awarded_on is not None:
        return awarded_on
    last_year = year_to or year_from
    return date(last_year, 12, 31) if last_year else None


def _stored_name(folder: str, filename: str) -> str:
    # Stored names never reuse the uploaded one: no guessing, no clashes, no odd characters.
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"honours/{folder}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


def certificate_path(instance, filename: str) -> str:
    return _stored_name("certificates", filename)


def document_path(instance, filename: str) -> str:
    return _stored_name("documents", filename)


class ConferringBody(models.Model):
    """Who confers honours (授予单位), kept once with the short form the report writes.

    A joint conferral is one body ("共青团柳州市委员会、柳州市少工委", written
    "团市委、市少工委"), since the report names it once as it stands on the certificate.
    """

    name = models.CharField(
        "全称",
        max_length=200,
        unique=True,
        help_text="如：共青团柳州市委员会；联合授予的写在一起，如“共青团柳州市委员会、柳州市少工委”。",
    )
    short_name = models.CharField(
        "简称",
        max_length=60,
        blank=True,
        help_text="工作总结中的写法，如：团中央、团省委、团市委、团区委、“共青团广西区委、广西区少工委”。"
        "不填则总结中写全称。",
    )
    level = models.CharField(
        "级别", max_length=16, choices=Level.choices, db_index=True, help_text="该单位授予的表彰属于哪一级。"
    )
    active = models.BooleanField("在用", default=True, help_text="停用后录入表彰时不再列出，已有记录不受影响。")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "授予单位"
        verbose_name_plural = "授予单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def written(self) -> str:
        """How the report names the body: its short form, or its full name without one."""
        return self.short_name or self.name

    @property
    def choice_label(self) -> str:
        short = f"（{self.short_name}）" if self.short_name and self.short_name != self.name else ""
        return f"{self.get_level_display()} · {self.name}{short}"

    def clean(self):
        self.name = (self.name or "").strip()
        self.short_name = (self.short_name or "").strip()


LEVEL_ORDER = {level: i for i, level in enumerate(Level.values)}


class AwardFields(Reviewable):
    """What a commendation list and a single honour share: who conferred what, at which level, when."""

    level = models.CharField("表彰级别", max_length=16, choices=Level.choices, db_index=True)
    conferring_body = models.ForeignKey(
        ConferringBody,
        verbose_name="授予单位",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="没有所需的授予单位时，请区团委工作人员在“授予单位”中添加。",
    )
    edition = models.PositiveSmallIntegerField(
        "届次",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
        help_text="按届评选的表彰填第几届，如第三届填 3；称号中不要再写届次。",
    )
    awarded_on = models.DateField(
        "表彰日期", null=True, blank=True, validators=[validate_date], help_text="表彰决定公布的日期。"
    )
    year_from = models.PositiveSmallIntegerField(
        "表彰年度（起）",
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR)],
        help_text="如 2023；跨年度（2023—2024）再填“止”。",
    )
    year_to = models.PositiveSmallIntegerField(
        "表彰年度（止）",
        null=True,
        blank=True,
        validators=[MinValueValidator(EARLIEST_YEAR), MaxValueValidator(LATEST_YEAR)],
    )
    counted_on = models.DateField(
        "统计日期", editable=False, db_index=True, help_text="有表彰日期按表彰日期；只有年度时按年度末计入统计。"
    )
    direction = models.CharField("类别", max_length=16, choices=Direction.choices, default=Direction.RECEIVED)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(
        "备注", blank=True, max_length=DESCRIPTION_LENGTH, validators=[max_chars(DESCRIPTION_LENGTH)]
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def award_year_display(self) -> str:
        if not self.year_from:
            return ""
        if self.year_to and self.year_to != self.year_from:
            return f"{self.year_from}—{self.year_to}年度"
        return f"{self.year_from}年度"

    @property
    def when_display(self) -> str:
        """2024年5月30日, 2023—2024年度, or both."""
        parts = []
        if self.year_from:
            parts.append(self.award_year_display)
        if self.awarded_on:
            parts.append(f"{self.awarded_on.year}年{self.awarded_on.month}月{self.awarded_on.day}日")
        return "，".join(parts) or "—"

    @property
    def edition_display(self) -> str:
        return f"第{ordinal(self.edition)}届" if self.edition else ""

    def refresh_counted_on(self) -> None:
        self.counted_on = counted_on_for(awarded_on=self.awarded_on, year_to=self.year_to, year_from=self.year_from)

    def clean_award(self, errors: dict[str, list[str]]) -> None:
        if not self.awarded_on and not self.year_from:
            errors.setdefault("awarded_on", []).append("请填写表彰日期，或至少填写表彰年度。")
        if self.year_to and not self.year_from:
            errors.setdefault("year_from", []).append("填写了年度（止）时，请同时填写年度（起）。")
        if self.year_from and self.year_to:
            if self.year_to < self.year_from:
                errors.setdefault("year_to", []).append("年度（止）不能早于年度（起）。")
            elif self.year_to - self.year_from > 5:
                errors.setdefault("year_to", []).append("表彰年度跨度不能超过5年。")
            elif self.year_to != self.year_from and not self.awarded_on:
                # Only the day it was announced says which half a range counts in.
                errors.setdefault("awarded_on", []).append(
                    "跨年度的表彰请填写表彰日期（表彰决定公布的日期），统计按该日期计入当期。"
                )
        this_year = timezone.localdate().year
        if self.year_from and self.year_from > this_year + 1:
            errors.setdefault("year_from", []).append("表彰年度不能晚于明年。")
        if self.awarded_on:
            # Before 1949 and after 2100: the field's validator (core.validators).
            if self.awarded_on > timezone.localdate():
                errors.setdefault("awarded_on", []).append("表彰日期不能晚于今天。")
            if self.year_from and self.awarded_on.year < self.year_from:
                errors.setdefault("awarded_on", []).append("表彰日期不能早于表彰年度。")
        if self.direction == Direction.CONFERRED and self.level and self.level not in CONFERRABLE_LEVELS:
            errors.setdefault("level", []).append("本级授予的表彰不能是全国级或自治区（省）级。")
        body = self.conferring_body if self.conferring_body_id else None
        if body is not None and self.level and body.level != self.level:
            errors.setdefault("conferring_body", []).append(
                f"「{body.name}」是{body.get_level_display()}授予单位，与表彰级别“{self.get_level_display()}”不一致。"
            )
        self.refresh_counted_on()


class BatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A list is visible where its owner is in scope, or any of its recipients is.

        A secretary then sees the list's header and, inside it, only their own subtree's
        recipients (see ``selectors.batch_recipients``).
        """
        scope = Scope.of(user)
        if scope.everything:
            return self
        if scope.path is None:
            return self.none()
        in_scope = Honour.objects.filter(batch=OuterRef("pk"), organisation__path__startswith=scope.path)
        return self.filter(Q(organisation__path__startswith=scope.path) | Exists(in_scope))


class CommendationBatch(AwardFields):
    """A commendation list (表彰名单): one decision, many recipients, entered once."""

    name = models.CharField("表彰名单名称", max_length=200, help_text="如：2024年柳州市“两红两优”表彰名单。")
    default_title = models.CharField(
        "主要称号", max_length=80, blank=True, help_text="逐一添加获奖对象时默认使用的称号，如“优秀少先队员”。"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属组织",
        on_delete=models.PROTECT,
        related_name="commendation_batches",
        help_text="名单中的获奖对象均应属于该组织或其下级组织。",
    )
    document = models.FileField("表彰文件", upload_to=document_path, max_length=255, blank=True)
    document_name = models.CharField("表彰文件原名", max_length=255, blank=True)

    history = HistoricalRecords(excluded_fields=["counted_on"])
    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = "表彰名单"
        verbose_name_plural = "表彰名单"
        ordering = ["-counted_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_from__isnull=False) & Q(year_to__gte=models.F("year_from")),
                name="batch_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors: dict[str, list[str]] = {}
        self.clean_award(errors)
        if errors:
            raise ValidationError(errors)


class HonourQuerySet(ScopedQuerySet):
    def approved(self):
        return self.filter(status=Status.APPROVED)

    def counted_between(self, start: date, end: date):
        return self.filter(counted_on__gte=start, counted_on__lte=end)

    def subtree_of(self, organisation: Organisation):
        return self.filter(organisation__path__startswith=organisation.path)


class Honour(AwardFields):
    """One title for one recipient, or a bare count of recipients in a commendation list."""

    batch = models.ForeignKey(
        CommendationBatch,
        verbose_name="表彰名单",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="honours",
    )
    title = models.CharField("荣誉称号", max_length=80, help_text="如：优秀少先队员、最美中学生、五四红旗团委。")
    grade = models.CharField("等次", max_length=40, blank=True, help_text="如：一等奖；没有等次留空。")
    recipient_kind = models.CharField("获奖对象类别", max_length=24, choices=RecipientKind.choices, db_index=True)
    member = models.ForeignKey(
        "members.Member",
        verbose_name="获奖成员",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="honours",
    )
    recipient_organisation = models.ForeignKey(
        Organisation,
        verbose_name="获奖组织",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="honours_received",
    )
    recipient_name = models.CharField(
        "获奖对象",
        max_length=120,
        blank=True,
        help_text="成员或组织的名称，不在花名册和组织架构中的也可直接填写。",
    )
    recipient_count = models.PositiveIntegerField(
        "人数（个数）", default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_RECIPIENTS)]
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="所属组织",
        on_delete=models.PROTECT,
        related_name="honours",
        help_text="获奖组织本身、获奖成员所在组织，或录入时所选的组织；决定谁能看到这条记录。",
    )
    certificate = models.FileField("证书", upload_to=certificate_path, max_length=255, blank=True)
    certificate_name = models.CharField("证书原文件名", max_length=255, blank=True)
    certificate_number = models.CharField("证书编号", max_length=60, blank=True)

    history = HistoricalRecords(excluded_fields=["counted_on"])
    objects = HonourQuerySet.as_manager()

    class Meta:
        verbose_name = "表彰"
        verbose_name_plural = "表彰"
        ordering = ["-counted_on", "-id"]
        indexes = [
            # The list's order, read from the index: on the date alone (AwardFields), a day's
            # honours were all read and sorted by id first (555 on the city's busiest day).
            models.Index(fields=["counted_on", "id"], name="honour_counted_id"),
            models.Index(fields=["status", "counted_on"], name="honour_status_counted"),
            models.Index(fields=["organisation", "counted_on"], name="honour_org_counted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_from__isnull=False) & Q(year_to__gte=models.F("year_from")),
                name="honour_year_range",
            ),
            models.CheckConstraint(condition=Q(recipient_count__gte=1), name="honour_count_positive"),
            # A named recipient is one recipient; only an unnamed row stands for several.
            models.CheckConstraint(condition=Q(recipient_name="") | Q(recipient_count=1), name="honour_named_is_one"),
            # A bare count exists only inside a commendation list.
            models.CheckConstraint(
                condition=~Q(recipient_name="") | Q(batch__isnull=False), name="honour_count_needs_batch"
            ),
            models.UniqueConstraint(
                fields=["batch", "recipient_kind", "title", "organisation"],
                condition=Q(recipient_name=""),
                name="honour_one_count_per_kind_title_org",
            ),
            models.UniqueConstraint(
                fields=["batch", "member", "title"],
                condition=Q(member__isnull=False, batch__isnull=False),
                name="honour_member_once_per_batch_title",
            ),
            models.UniqueConstraint(
                fields=["batch", "recipient_organisation", "title"],
                condition=Q(recipient_organisation__isnull=False, batch__isnull=False),
                name="honour_org_once_per_batch_title",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_display} · {self.title}"

    @property
    def is_count_only(self) -> bool:
        return not self.recipient_name

    @property
    def unit(self) -> str:
        return UNITS.get(self.recipient_kind, "个")

    @property
    def recipient_display(self) -> str:
        if self.is_count_only:
            return f"{self.recipient_count}{self.unit}{self.get_recipient_kind_display()}"
        return self.recipient_name

    @property
    def title_display(self) -> str:
        title = f"{self.edition_display}{self.title}"
        return f"{title}（{self.grade}）" if self.grade else title

    def owner_organisation(self, entered_for: Organisation | None = None) -> Organisation | None:
        """Whose record this is: the recipient organisation, the member's, or the one it was entered for."""
        if self.recipient_organisation_id:
            return self.recipient_organisation
        if self.member_id:
            return self.member.organisation
        return entered_for

    def clean(self):
        errors: dict[str, list[str]] = {}
        self.clean_award(errors)
        kind = self.recipient_kind
        if self.member_id and self.recipient_organisation_id:
            errors.setdefault("member", []).append("获奖对象只能是一名成员或一个组织。")
        if self.member_id:
            if kind and kind not in PERSON_KINDS:
                errors.setdefault("recipient_kind", []).append("获奖成员时，类别应为团员、少先队员、辅导员或团干部。")
            required = KIND_CATEGORY.get(kind)
            if required and self.member.category != required:
                errors.setdefault("member", []).append(
                    f"{self.member.name}在花名册中是{self.member.get_category_display()}，"
                    f"不能按{RecipientKind(kind).label}登记。"
                )
        if self.recipient_organisation_id:
            org = self.recipient_organisation
            if kind and kind not in COLLECTIVE_KINDS:
                errors.setdefault("recipient_kind", []).append("获奖对象是组织时，类别应为团组织集体或少先队集体。")
            elif kind == RecipientKind.PIONEER_COLLECTIVE and org.kind not in PIONEER_ORGANISATION_KINDS:
                errors.setdefault("recipient_organisation", []).append(
                    f"「{org.name}」不是少先队组织，请选择“团组织集体”。"
                )
            elif kind == RecipientKind.LEAGUE_COLLECTIVE and org.kind in PIONEER_ORGANISATION_KINDS:
                errors.setdefault("recipient_organisation", []).append(
                    f"「{org.name}」是少先队组织，请选择“少先队集体”。"
                )
        if not self.recipient_name:
            if self.member_id or self.recipient_organisation_id:
                errors.setdefault("recipient_name", []).append("请填写获奖对象名称。")
            if not self.batch_id:
                errors.setdefault("recipient_name", []).append("请填写获奖对象（成员、组织或名称）。")
        elif self.recipient_count != 1:
            errors.setdefault("recipient_count", []).append("具名的获奖对象人数应为1；只知道人数时请按人数登记。")
        if errors:
            raise ValidationError(errors)


class BatchImportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Imports into lists the user may import into: the list's owner in their scope, and for a
        secretary a list of honours received (what the committee confers is the committee's).
        Leadership changes nothing: the import pages refuse it (Access.WRITE)."""
        scope = Scope.of(user)
        if scope.everything:
            return self
        if scope.path is None:
            return self.none()
        return self.filter(batch__organisation__path__startswith=scope.path, batch__direction=Direction.RECEIVED)


class BatchImport(UploadImport):
    """A commendation list's recipients uploaded from Excel: read and checked by the task
    ``honours.run_import``, previewed, written by it on confirmation (services.import_jobs)."""

    batch = models.ForeignKey(
        CommendationBatch, verbose_name="表彰名单", on_delete=models.CASCADE, related_name="imports"
    )
    file = models.FileField("文件", upload_to="imports/honours/%Y/%m/", blank=True)

    objects = BatchImportQuerySet.as_manager()

    class Meta(UploadImport.Meta):
        verbose_name = "表彰名单导入"
        verbose_name_plural = "表彰名单导入"
