"""Reads of the roster that more than one caller needs (pages, exports, the report,
the dashboard). Each figure is computed here and nowhere else."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models import Count, Exists, F, Func, OuterRef, Q, QuerySet, TextField

from branches.models import Organisation
from branches.scoping import Scope

from .ages import today, years_before
from .choices import Category, CohortLevel, Stage, Status, TransferStatus
from .models import AGE_LIMIT, CadreAppointment, CounsellorAppointment, Member, RecruitmentCase, SchoolCohort, Transfer

# --- Scope ------------------------------------------------------------------------


def _scoped(qs: QuerySet, *, user=None, organisation: Organisation | None = None, path_lookup: str) -> QuerySet:
    """Limit ``qs`` to what ``user`` reaches (when given) and to ``organisation``'s subtree."""
    if user is not None:
        qs = qs.visible_to(user)
    if organisation is not None:
        qs = qs.filter(**{f"{path_lookup}__startswith": organisation.path})
    return qs


def members_in(*, user=None, organisation: Organisation | None = None) -> QuerySet:
    return _scoped(Member.objects.all(), user=user, organisation=organisation, path_lookup="organisation__path")


# --- The list --------------------------------------------------------------------

# (label, youngest age, oldest age) — ages in completed years; None is open-ended.
AGE_BANDS = {
    "under14": ("14岁以下", None, 13),
    "14-17": ("14–17岁", 14, 17),
    "18-22": ("18–22岁", 18, 22),
    "23-27": ("23–27岁", 23, 27),
    "28plus": ("28岁及以上", 28, None),
}


def age_band_q(band: str, *, on: date) -> Q:
    """Birth-date bounds for an age band: an index range, not a computed age per row."""
    _label, youngest, oldest = AGE_BANDS[band]
    q = Q()
    if youngest is not None:
        q &= Q(birth_date__lte=years_before(on, youngest))
    if oldest is not None:
        q &= Q(birth_date__gt=years_before(on, oldest + 1))
    return q


def _name_grams(text: str) -> list[str]:
    """What member_name_grams (migration 0006) holds for a name that contains ``text``: its
    one character, or its pairs of characters."""
    text = text.lower()
    if len(text) == 1:
        return [text]
    return sorted({text[i : i + 2] for i in range(len(text) - 1)})


def name_search(qs: QuerySet, text: str) -> QuerySet:
    """Members whose name contains ``text`` anywhere ("佳怡" finds 吴佳怡), in one query.

    On PostgreSQL the pairs of characters typed are looked up in the GIN index of every
    name's characters and pairs (members migration 0006): a two-character given name is one
    index probe whatever the roster's size; a longer text adds the LIKE that keeps the pairs
    in order. Elsewhere (SQLite, the embedded default) a plain LIKE.
    """
    text = " ".join(text.split())
    if not text:
        return qs
    if connections[qs.db].vendor != "postgresql":
        return qs.filter(name__icontains=text)
    grams = Func(F("name"), function="member_name_grams", output_field=ArrayField(TextField()))
    qs = qs.alias(name_grams=grams).filter(name_grams__contains=_name_grams(text))
    if len(text) > 2:
        qs = qs.filter(name__icontains=text)
    return qs


@dataclass
class MemberFilters:
    organisation: Organisation | None = None
    category: str = ""
    status: str = ""
    age_band: str = ""
    joined_from: date | None = None
    joined_to: date | None = None
    name: str = ""
    id_number: str = ""  # exact, through the keyed hash; never put in a URL


def member_list(*, user, filters: MemberFilters, on: date | None = None) -> QuerySet:
    """The members ``user`` reaches, filtered. Unordered: the caller pages it."""
    qs = members_in(user=user, organisation=filters.organisation)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.age_band:
        qs = qs.filter(age_band_q(filters.age_band, on=on or today()))
    if filters.joined_from:
        qs = qs.filter(joined_league_on__gte=filters.joined_from)
    if filters.joined_to:
        qs = qs.filter(joined_league_on__lte=filters.joined_to)
    if filters.name:
        qs = name_search(qs, filters.name)
    if filters.id_number:
        qs = qs.with_id_number(filters.id_number)
    return qs


# --- Figures ---------------------------------------------------------------------


@dataclass
class MemberCounts:
    by_category_status: dict[tuple[str, str], int] = field(default_factory=dict)

    def count(self, *, category: str | None = None, status: str | None = None) -> int:
        return sum(
            n
            for (cat, st), n in self.by_category_status.items()
            if (category is None or cat == category) and (status is None or st == status)
        )

    @property
    def active_league_members(self) -> int:
        return self.count(category=Category.LEAGUE_MEMBER, status=Status.ACTIVE)

    @property
    def active_young_pioneers(self) -> int:
        return self.count(category=Category.YOUNG_PIONEER, status=Status.ACTIVE)

    @property
    def active_youth(self) -> int:
        return self.count(category=Category.YOUTH, status=Status.ACTIVE)

    def table(self) -> list[dict]:
        """Rows per category, columns per status, for pages and the annex."""
        return [
            {
                "category": cat,
                "label": label,
                "counts": [self.count(category=cat, status=st) for st in Status.values],
                "total": self.count(category=cat),
            }
            for cat, label in Category.choices
        ]


def member_counts(*, organisation: Organisation | None = None, user=None) -> MemberCounts:
    """How many members of each category and status a subtree holds (one query)."""
    rows = (
        members_in(user=user, organisation=organisation).order_by().values("category", "status").annotate(n=Count("id"))
    )
    return MemberCounts({(row["category"], row["status"]): row["n"] for row in rows})


def members_due_to_age_out(*, user=None, organisation: Organisation | None = None, on: date | None = None) -> QuerySet:
    """Active league members whose 28th birthday has passed and who hold no current
    cadre post (团章: a member with a league post stays until the post ends)."""
    on = on or today()
    holding_post = CadreAppointment.objects.filter(member=OuterRef("pk")).current(on)
    return (
        members_in(user=user, organisation=organisation)
        .filter(status=Status.ACTIVE, category=Category.LEAGUE_MEMBER, birth_date__lte=years_before(on, AGE_LIMIT))
        .filter(~Exists(holding_post))
    )


def members_past_age_holding_posts(*, user=None, organisation=None, on: date | None = None) -> QuerySet:
    """Members past 28 kept on by a current cadre post: shown beside the due list."""
    on = on or today()
    holding_post = CadreAppointment.objects.filter(member=OuterRef("pk")).current(on)
    return (
        members_in(user=user, organisation=organisation)
        .filter(status=Status.ACTIVE, category=Category.LEAGUE_MEMBER, birth_date__lte=years_before(on, AGE_LIMIT))
        .filter(Exists(holding_post))
    )


# --- Roles -----------------------------------------------------------------------


@dataclass
class OrganisationRoles:
    cadres: list[CadreAppointment]
    counsellors: list[CounsellorAppointment]


def current_roles(*, organisation: Organisation, user=None, on: date | None = None) -> OrganisationRoles:
    """The organisation's current cadres and counsellors (two queries, whatever their number).

    Each appointment carries ``member_visible``: whether ``user`` may open the member's
    page (a seconded cadre may belong to an organisation outside the user's subtree).
    """
    on = on or today()
    scope = Scope.of(user) if user is not None else Scope(everything=True)
    cadres = list(
        CadreAppointment.objects.filter(organisation=organisation)
        .current(on)
        .select_related("member__organisation")
        .order_by("kind", "started_on", "pk")
    )
    counsellors = list(
        CounsellorAppointment.objects.filter(organisation=organisation)
        .current(on)
        .select_related("member__organisation")
        .order_by("role", "started_on", "pk")
    )
    for appointment in (*cadres, *counsellors):
        appointment.member_visible = scope.reaches(appointment.member.organisation)
    return OrganisationRoles(cadres=cadres, counsellors=counsellors)


def cadre_counts(*, organisation: Organisation | None = None, user=None, on: date | None = None) -> dict[str, int]:
    """Current cadres by kind (full-time, part-time, seconded) in a subtree."""
    qs = _scoped(CadreAppointment.objects.all(), user=user, organisation=organisation, path_lookup="organisation__path")
    rows = qs.current(on).order_by().values("kind").annotate(n=Count("member", distinct=True))
    return {row["kind"]: row["n"] for row in rows}


# --- Recruitment -----------------------------------------------------------------


@dataclass
class RecruitmentFigures:
    start: date
    end: date
    applied: int  # applications received in the period
    admitted: int  # admitted as league members in the period
    stopped: int
    in_progress: dict[str, int]  # open cases by stage at the end of the period

    @property
    def in_progress_total(self) -> int:
        return sum(self.in_progress.values())


def recruitment_cases(*, user=None, organisation: Organisation | None = None) -> QuerySet:
    return _scoped(
        RecruitmentCase.objects.all(), user=user, organisation=organisation, path_lookup="organisation__path"
    )


def recruitment_figures(
    *, start: date, end: date, organisation: Organisation | None = None, user=None
) -> RecruitmentFigures:
    """Recruitment in a period, for one subtree (one query)."""
    qs = recruitment_cases(user=user, organisation=organisation)
    # A case is open at ``end`` when it was applied for by then and neither admitted
    # nor stopped by then; its stage at ``end`` is the last stage dated on or before it.
    open_at_end = Q(applied_on__lte=end) & (Q(admitted_on__isnull=True) | Q(admitted_on__gt=end))
    open_at_end &= Q(stopped_on__isnull=True) | Q(stopped_on__gt=end)
    is_candidate = Q(candidate_on__lte=end)
    is_activist = Q(activist_on__lte=end) & ~is_candidate
    is_applicant = ~Q(activist_on__lte=end) & ~is_candidate
    figures = qs.aggregate(
        applied=Count("id", filter=Q(applied_on__range=(start, end))),
        admitted=Count("id", filter=Q(admitted_on__range=(start, end))),
        stopped=Count("id", filter=Q(stopped_on__range=(start, end))),
        applicant=Count("id", filter=open_at_end & is_applicant),
        activist=Count("id", filter=open_at_end & is_activist),
        candidate=Count("id", filter=open_at_end & is_candidate),
    )
    return RecruitmentFigures(
        start=start,
        end=end,
        applied=figures["applied"],
        admitted=figures["admitted"],
        stopped=figures["stopped"],
        in_progress={
            Stage.APPLICANT: figures["applicant"],
            Stage.ACTIVIST: figures["activist"],
            Stage.CANDIDATE: figures["candidate"],
        },
    )


# --- 团青比 of graduating classes --------------------------------------------------


def current_graduation_year(on: date | None = None) -> int:
    """Classes graduate in June/July: from September on, the next year's class is the current one."""
    on = on or today()
    return on.year + 1 if on.month >= 9 else on.year


@dataclass
class CohortRatio:
    cohort: SchoolCohort
    students: int
    league_members: int

    @property
    def ratio(self) -> Decimal | None:
        if not self.students:
            return None
        return Decimal(self.league_members) / Decimal(self.students)

    @property
    def percent(self) -> Decimal | None:
        ratio = self.ratio
        return None if ratio is None else (ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def ceiling(self) -> Decimal | None:
        return self.cohort.ceiling

    @property
    def over_ceiling(self) -> bool:
        return self.ceiling is not None and self.ratio is not None and self.ratio > self.ceiling


def cohort_ratios(
    *, user=None, organisation: Organisation | None = None, graduation_year: int | None = None
) -> list[CohortRatio]:
    """Each graduating class with its active league members counted from its class branches."""
    qs = _scoped(SchoolCohort.objects.all(), user=user, organisation=organisation, path_lookup="school__path")
    if graduation_year is not None:
        qs = qs.filter(graduation_year=graduation_year)
    league = Q(classes__members__category=Category.LEAGUE_MEMBER, classes__members__status=Status.ACTIVE)
    qs = qs.select_related("school").annotate(league_members=Count("classes__members", filter=league, distinct=True))
    return [CohortRatio(cohort=c, students=c.student_count, league_members=c.league_members) for c in qs]


def schools_over_ceiling(*, user=None, organisation=None, graduation_year: int | None = None) -> list[Organisation]:
    """Schools with a junior graduating class above the 30% ceiling."""
    year = graduation_year if graduation_year is not None else current_graduation_year()
    schools: dict[int, Organisation] = {}
    for row in cohort_ratios(user=user, organisation=organisation, graduation_year=year):
        if row.over_ceiling and row.cohort.level == CohortLevel.JUNIOR:
            schools[row.cohort.school_id] = row.cohort.school
    return list(schools.values())


# --- Transfers -------------------------------------------------------------------


@dataclass
class PendingTransfers:
    awaiting: list[Transfer]  # the receiving side is in the user's scope (staff and leaders: all)
    sent: list[Transfer]  # sent from the user's scope, waiting for the other side


def transfers_pending(*, user) -> PendingTransfers:
    """The requests ``user`` sees that nobody has decided yet, split by who acts next
    (one query: both lists come from the same rows)."""
    scope = Scope.of(user)
    pending = PendingTransfers(awaiting=[], sent=[])
    rows = (
        Transfer.objects.visible_to(user)
        .filter(status=TransferStatus.REQUESTED)
        .select_related("member", "from_organisation", "to_organisation", "requested_by")
    )
    for transfer in rows:
        if scope.everything or (transfer.to_organisation_id and scope.reaches(transfer.to_organisation)):
            pending.awaiting.append(transfer)
        elif scope.reaches(transfer.from_organisation):
            pending.sent.append(transfer)
    return pending


def transfers_decided(*, user) -> QuerySet:
    """Accepted, returned and withdrawn transfers ``user`` sees, newest request first."""
    return (
        Transfer.objects.visible_to(user)
        .exclude(status=TransferStatus.REQUESTED)
        .select_related("member", "from_organisation", "to_organisation", "decided_by")
    )


# --- One member's record ------------------------------------------------------------

HISTORY_SKIP = {"updated_at", "created_at", "id_number_hash"}


@dataclass
class HistoryEntry:
    when: object
    who: str
    kind: str  # "+" created, "~" changed, "-" deleted
    reason: str
    changes: list[tuple[str, str, str]]  # (field label, old, new)


def member_history(*, member: Member, limit: int = 100) -> list[HistoryEntry]:
    """The member's change history, newest first, with readable old and new values (two queries)."""
    records = list(member.history.select_related("history_user").order_by("history_date", "history_id"))[-limit:]
    org_ids = {r.organisation_id for r in records if r.organisation_id}
    org_names = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    fields = {f.name: f for f in Member._meta.concrete_fields}

    def show(name: str, value) -> str:
        if value in (None, ""):
            return "—"
        if name == "organisation":
            return org_names.get(value, f"#{value}")
        field = fields[name]
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=HISTORY_SKIP)
            for change in delta.changes:
                label = str(fields[change.field].verbose_name) if change.field in fields else change.field
                changes.append((label, show(change.field, change.old), show(change.field, change.new)))
        user = record.history_user
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=(user.get_full_name() or user.username) if user else "系统",
                kind=record.history_type,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    return list(reversed(entries))
