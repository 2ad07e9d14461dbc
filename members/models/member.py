import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.views.decorators.debug import sensitive_variables
from simple_history.models import HistoricalRecords

from branches.models import PIONEER_UNIT_KINDS, Organisation
from branches.scoping import ScopedQuerySet
from core.validators import validate_birth_date, validate_date

from .. import crypto, idcard
from ..ages import age_on, birthday, today, years_before
from ..choices import Category, Education, Ethnicity, Gender, Occupation, Status
from ..validators import validate_mobile

# 团章: members who reach 28 and hold no league post leave the League.
AGE_LIMIT = 28
# The age at admission the national system (智慧团建) accepts on its records: at least 13 for
# admissions from 2017-01-01, at least 12 before. New applications follow the charter's 14
# (RecruitmentCase); these are the floors for the records a roster holds.
ADMISSION_AGE_RULE_FROM = date(2017, 1, 1)
ADMISSION_AGE, ADMISSION_AGE_BEFORE = 13, 12
# 发展团员编号: the first four digits are the year of admission.
DEVELOPMENT_NUMBER = re.compile(r"^\d{4,30}$")


def minimum_admission_age(joined_on: date) -> int:
    return ADMISSION_AGE if joined_on >= ADMISSION_AGE_RULE_FROM else ADMISSION_AGE_BEFORE


def admission_problem(birth_date: date, joined_on: date) -> str | None:
    """Why an admission on ``joined_on`` breaks the age rule, or None."""
    years = minimum_admission_age(joined_on)
    if joined_on >= birthday(birth_date, years):
        return None
    if joined_on >= ADMISSION_AGE_RULE_FROM:
        return f"入团时应年满{years}周岁（2017年1月1日起入团）。"
    return f"入团时应年满{years}周岁（2017年1月1日前入团）。"


def development_number_problem(number: str, joined_on: date | None) -> str | None:
    """Why a development number does not fit the admission date, or None."""
    if not DEVELOPMENT_NUMBER.match(number):
        return "发展团员编号应为数字，前四位为入团年份。"
    if joined_on is None:
        return "填写发展团员编号的，应同时填写入团日期。"
    if int(number[:4]) != joined_on.year:
        return f"发展团员编号前四位（{number[:4]}）应为入团年份（{joined_on.year}）。"
    return None


PIONEER_KINDS = PIONEER_UNIT_KINDS


def category_fits(category: str, kind: str) -> bool:
    """Young pioneers belong to pioneer organisations, league members to league ones."""
    if category == Category.YOUNG_PIONEER:
        return kind in PIONEER_KINDS
    if category == Category.LEAGUE_MEMBER:
        return kind not in PIONEER_KINDS
    return True


class MemberQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=Status.ACTIVE)

    def with_id_number(self, text: str):
        """Exact lookup through the keyed hash; nothing is decrypted."""
        return self.filter(id_number_hash=crypto.keyed_hash(idcard.normalise(text)))


class Member(models.Model):
    """A person on the roster: a league member, a young pioneer or a youth.

    The ID number is kept three ways: encrypted (the only copy of the full number),
    as a keyed hash (uniqueness and exact lookup) and masked (what pages show).
    """

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN)
    birth_date = models.DateField("出生日期", validators=[validate_birth_date])
    id_number_encrypted = models.TextField("身份证号码（密文）", editable=False)
    id_number_hash = models.CharField("身份证号码（索引）", max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField("身份证号码", max_length=18, editable=False)
    phone = models.CharField("手机号码", max_length=11, blank=True, validators=[validate_mobile])
    organisation = models.ForeignKey(
        Organisation, verbose_name="所属组织", on_delete=models.PROTECT, related_name="members"
    )
    category = models.CharField("人员类别", max_length=16, choices=Category.choices)
    joined_league_on = models.DateField("入团日期", null=True, blank=True)
    member_number = models.CharField("团员编号", max_length=30, blank=True)
    # 发展团员编号: given on admission since 2017, apart from the 团员编号 a committee keeps.
    development_number = models.CharField("发展团员编号", max_length=30, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_changed_on = models.DateField("状态变更日期", null=True, blank=True, validators=[validate_date])
    education = models.CharField("学历", max_length=16, choices=Education.choices, blank=True)
    occupation = models.CharField("职业类别", max_length=16, choices=Occupation.choices, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # The ciphertext stays out of the history tables: one encrypted copy, no more.
    history = HistoricalRecords(excluded_fields=["id_number_encrypted"])
    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "成员"
        verbose_name_plural = "成员"
        constraints = [
            models.UniqueConstraint(
                fields=["member_number"], condition=~Q(member_number=""), name="member_number_unique_when_set"
            ),
            models.UniqueConstraint(
                fields=["development_number"],
                condition=~Q(development_number=""),
                name="development_number_unique_when_set",
            ),
        ]
        indexes = [
            models.Index(fields=["name", "id"], name="member_name_id"),
            # PostgreSQL under a non-C collation needs pattern ops for LIKE 'prefix%'.
            models.Index(fields=["name"], name="member_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["organisation", "name", "id"], name="member_org_name_id"),
            models.Index(fields=["status", "category", "birth_date"], name="member_status_cat_birth"),
            models.Index(fields=["joined_league_on"], name="member_joined"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_number_masked}）"

    # --- The ID number ---------------------------------------------------------

    @sensitive_variables()
    def set_id_number(self, text: str) -> idcard.IdNumber:
        """Validate ``text`` and store it encrypted, hashed and masked. Raises ValidationError."""
        try:
            parsed = idcard.parse(text, today=today())
        except idcard.IdNumberError as exc:
            raise ValidationError({"id_number": exc.message}, code=exc.code) from exc
        self.store_id_number(parsed)
        return parsed

    @sensitive_variables()
    def store_id_number(self, parsed: idcard.IdNumber, *, hashed: str | None = None) -> None:
        """Store an already validated number encrypted, hashed (``hashed``, when the caller
        has it already) and masked."""
        self.id_number_encrypted = crypto.encrypt(parsed.number)
        self.id_number_hash = hashed or crypto.keyed_hash(parsed.number)
        self.id_number_masked = parsed.masked
        self._parsed_id = parsed

    @sensitive_variables()
    def decrypt_id_number(self) -> str:
        """The full number. Callers record why they needed it (core.audit)."""
        return crypto.decrypt(self.id_number_encrypted)

    def _id_facts(self) -> idcard.IdNumber | None:
        parsed = getattr(self, "_parsed_id", None)
        if parsed is None and self.id_number_encrypted:
            parsed = idcard.parse(self.decrypt_id_number())
            self._parsed_id = parsed
        return parsed

    # --- Age -------------------------------------------------------------------

    def age_on(self, on: date) -> int:
        return age_on(self.birth_date, on)

    @property
    def age(self) -> int:
        return self.age_on(today())

    def has_reached_age_limit(self, on: date | None = None) -> bool:
        """True once the 28th birthday has come (Beijing time)."""
        return self.birth_date <= years_before(on or today(), AGE_LIMIT)

    @property
    def is_active(self) -> bool:
        return self.status == Status.ACTIVE

    # --- Rules about one record ----------------------------------------------

    def clean(self, *, on: date | None = None):
        """The rules about one record, judged on ``on`` (today in Beijing when not given;
        an import judges all its rows on one day)."""
        errors: dict[str, list[str]] = {}
        facts = self._id_facts()
        if facts is None:
            errors.setdefault("id_number", []).append("请填写身份证号码。")
        else:
            if self.birth_date and self.birth_date != facts.birth_date:
                errors.setdefault("birth_date", []).append("出生日期与身份证号码不一致。")
            if self.gender and self.gender != facts.gender:
                errors.setdefault("gender", []).append("性别与身份证号码不一致。")
        now = on or today()
        if self.birth_date and self.birth_date > now:
            errors.setdefault("birth_date", []).append("出生日期不能晚于今天。")
        if self.joined_league_on:
            if self.joined_league_on > now:
                errors.setdefault("joined_league_on", []).append("入团日期不能晚于今天。")
            if self.category == Category.YOUNG_PIONEER:
                errors.setdefault("joined_league_on", []).append("少先队员不应有入团日期。")
            elif self.birth_date and (problem := admission_problem(self.birth_date, self.joined_league_on)):
                errors.setdefault("joined_league_on", []).append(problem)
        if self.development_number:
            if problem := development_number_problem(self.development_number, self.joined_league_on):
                errors.setdefault("development_number", []).append(problem)
        if self.organisation_id and self.category and not category_fits(self.category, self.organisation.kind):
            if self.category == Category.YOUNG_PIONEER:
                errors.setdefault("organisation", []).append("少先队员应编入少先队大队或中队。")
            else:
                errors.setdefault("organisation", []).append("团员应编入团的组织，而不是少先队组织。")
        if errors:
            raise ValidationError(errors)
