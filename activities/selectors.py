"""Every figure about activities and indicators is computed here, and only here.

Pages, the half-year report, the .xlsx annex, the dashboards and the reminders call
these functions. Each aggregate is a fixed number of GROUP BY queries whatever the
size of the subtree: never one query per organisation or per month.

Counting rules:

* Only approved records count, unless a caller asks for other statuses explicitly
  (pages show submitted records separately as pending).
* An activity counts in the period in which it starts.
* ``persons`` adds up 人 (participants); ``person_times`` adds up 人次, and a record
  that gives only persons counts each person once (persons = person-times).
* ``count`` is activities held: a record of a series in 场 or 期 counts each session; a
  record in 次, 批 or 个 counts once (see ``Totals``).
* An unknown figure is not zero: ``Totals`` says how many records gave each figure and how
  many gave it approximately, and ``reports.numbers.approximation`` decides how a sum may be
  written.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from difflib import SequenceMatcher
from typing import NamedTuple

from django.db.models import Case, CharField, Count, DecimalField, F, Max, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Substr, TruncMonth

from branches.models import Organisation
from core.review.models import Status
from members.choices import Status as MemberStatus
from members.models import Member

from .models import EVENT_UNITS, Activity, Campaign, Indicator, IndicatorValue, OverTime, OverTree, SessionUnit
from .periods import Period, month_start

APPROVED_ONLY = (Status.APPROVED,)


@dataclass
class Totals:
    """What a set of activity records adds up to.

    ``count`` is activities held: a series in 场 or 期 counts each of its sessions, a record in
    another unit (120次 visits, 3批 volunteers) counts once; ``records`` is records, and
    ``issues`` the sessions counted in 期 (a total made only of 期 is written 期, a mixed one
    场（期）). For persons and person-times, ``*_known`` is how many records gave the figure
    (an unknown one is not zero), ``*_lower`` and ``*_about`` how many of those the source gave
    as a lower bound (余, 多) or an approximation (约, 近), and ``*_qualifier`` one such
    qualifier: the only one when a single record gave it.
    """

    count: int = 0
    persons: int = 0
    person_times: int = 0
    hours: Decimal = Decimal("0")
    records: int = 0
    issues: int = 0
    persons_known: int = 0
    persons_lower: int = 0
    persons_about: int = 0
    persons_qualifier: str = ""
    person_times_known: int = 0
    person_times_lower: int = 0
    person_times_about: int = 0
    person_times_qualifier: str = ""

    def __add__(self, other: "Totals") -> "Totals":
        added = {
            f.name: getattr(self, f.name) + getattr(other, f.name)
            for f in fields(self)
            if not f.name.endswith("_qualifier")
        }
        return Totals(
            **added,
            persons_qualifier=self.persons_qualifier or other.persons_qualifier,
            person_times_qualifier=self.person_times_qualifier or other.person_times_qualifier,
        )

    @property
    def count_unit(self) -> str:
        """The measure word of ``count``: 场, 期 when every session counted was a 期, else 场（期）."""
        if not self.issues:
            return SessionUnit.SESSION.value
        return SessionUnit.ISSUE.value if self.issues == self.count else "场（期）"

    def sources(self, figure: str) -> dict:
        """How the sum ``figure`` ("persons" or "person_times") was made: the keywords of
        ``reports.numbers.approximation``, which decides how such a sum may be written."""
        return {
            "parts": self.records,
            "known": getattr(self, f"{figure}_known"),
            "lower": getattr(self, f"{figure}_lower"),
            "about": getattr(self, f"{figure}_about"),
            "qualifier": getattr(self, f"{figure}_qualifier"),
        }


# The qualifier a record's person-times were given with: its own, or its persons' when the
# person-times are read from the persons (a record with persons only counts each once).
_PT_QUALIFIER = Case(
    When(person_times__isnull=False, then=F("person_times_qualifier")),
    default=F("participants_qualifier"),
    output_field=CharField(),
)
_LOWER = ("余", "多")
_ABOUT = ("约", "近")
_PT_KNOWN = Q(person_times__isnull=False) | Q(participants__isnull=False)

_TOTALS = {
    "count": Coalesce(Sum(Case(When(session_unit__in=EVENT_UNITS, then=F("sessions")), default=Value(1))), 0),
    # Not named after a field: the filters below refer to the fields themselves.
    "persons_sum": Coalesce(Sum("participants"), 0),
    "person_times_sum": Coalesce(Sum(Coalesce("person_times", "participants")), 0),
    "hours": Coalesce(Sum("hours"), Value(Decimal("0")), output_field=DecimalField(max_digits=12, decimal_places=1)),
    "records": Count("id"),
    "issues": Coalesce(Sum("sessions", filter=Q(session_unit=SessionUnit.ISSUE)), 0),
    "persons_known": Count("id", filter=Q(participants__isnull=False)),
    "persons_lower": Count("id", filter=Q(participants__isnull=False, participants_qualifier__in=_LOWER)),
    "persons_about": Count("id", filter=Q(participants__isnull=False, participants_qualifier__in=_ABOUT)),
    "persons_qualifier": Max("participants_qualifier", filter=Q(participants__isnull=False)),
    "person_times_known": Count("id", filter=_PT_KNOWN),
    "pt_qualifier": Max(_PT_QUALIFIER, filter=_PT_KNOWN),
    "person_times_lower": Count(
        "id",
        filter=Q(person_times__isnull=False, person_times_qualifier__in=_LOWER)
        | Q(person_times__isnull=True, participants__isnull=False, participants_qualifier__in=_LOWER),
    ),
    "person_times_about": Count(
        "id",
        filter=Q(person_times__isnull=False, person_times_qualifier__in=_ABOUT)
        | Q(person_times__isnull=True, participants__isnull=False, participants_qualifier__in=_ABOUT),
    ),
}


def _totals(row: dict) -> Totals:
    return Totals(
        count=row["count"],
        persons=row["persons_sum"],
        person_times=row["person_times_sum"],
        hours=Decimal(row["hours"] or 0),
        records=row["records"],
        issues=row["issues"],
        persons_known=row["persons_known"],
        persons_lower=row["persons_lower"],
        persons_about=row["persons_about"],
        persons_qualifier=row["persons_qualifier"] or "",
        person_times_known=row["person_times_known"],
        person_times_lower=row["person_times_lower"],
        person_times_about=row["person_times_about"],
        person_times_qualifier=row["pt_qualifier"] or "",
    )


def activities_for(
    *,
    user=None,
    organisation: Organisation | None = None,
    period: Period | None = None,
    statuses: Iterable[str] | None = APPROVED_ONLY,
    kind: str | Iterable[str] | None = None,
    dimension: str | None = None,
    campaign: Campaign | int | None = None,
    audience: str | None = None,
    exclude_ids: Iterable[int] = (),
) -> QuerySet:
    """The activities that a figure counts: in the user's scope, under ``organisation``, in ``period``
    (``exclude_ids``: records a text states on their own, left out of its other figures)."""
    qs = Activity.objects.all()
    if user is not None:
        qs = qs.visible_to(user)
    if organisation is not None:
        qs = qs.subtree_of(organisation)
    if period is not None:
        qs = qs.in_period(period.start, period.end)
    if statuses is not None:
        qs = qs.filter(status__in=list(statuses))
    if kind:
        qs = qs.filter(kind=kind) if isinstance(kind, str) else qs.filter(kind__in=list(kind))
    if dimension:
        qs = qs.filter(dimension=dimension)
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    if audience:
        qs = qs.filter(audience=audience)
    if exclude_ids:
        qs = qs.exclude(pk__in=list(exclude_ids))
    return qs


def totals_of(qs: QuerySet) -> Totals:
    """Totals of an already-filtered activity queryset (one query)."""
    return _totals(qs.order_by().aggregate(**_TOTALS))


def activity_totals(**filters) -> Totals:
    """count, persons, person-times and hours of the activities ``activities_for(**filters)`` selects."""
    return totals_of(activities_for(**filters))


def activity_totals_by(group: str | Iterable[str], **filters) -> dict:
    """Totals grouped by one or more of ``kind``, ``dimension``, ``audience``, ``campaign``,
    ``organisation``, ``organisation_kind`` (the holder's kind), ``status`` or ``month`` (the
    first day of the month an activity starts in).

    Keys are the group value, or a tuple of values when several groups are given.
    """
    groups = [group] if isinstance(group, str) else list(group)
    allowed = {"kind", "dimension", "audience", "campaign", "organisation", "organisation_kind", "status", "month"}
    unknown = set(groups) - allowed
    if unknown:
        raise ValueError(f"Cannot group by {sorted(unknown)}")
    return _grouped(activities_for(**filters), groups)


def _grouping(qs: QuerySet, groups: list[str]) -> tuple[QuerySet, list[str]]:
    """``qs`` ready to be grouped by ``groups``, and the columns that name them."""
    named = {"campaign": "campaign_id", "organisation": "organisation_id", "organisation_kind": "organisation__kind"}
    qs = qs.order_by()
    if "month" in groups:
        qs = qs.annotate(month=TruncMonth("start_date"))
    return qs, [named.get(g, g) for g in groups]


def _group_key(row: dict, columns: list[str]):
    """A grouped row's key: its group value, or a tuple of them when several are grouped."""
    values = tuple(_as_date(row[c]) if c == "month" else row[c] for c in columns)
    return values[0] if len(values) == 1 else values


def _grouped(qs: QuerySet, groups: list[str]) -> dict:
    """``qs``'s totals by ``groups``."""
    qs, columns = _grouping(qs, groups)
    return {_group_key(row, columns): _totals(row) for row in qs.values(*columns).annotate(**_TOTALS)}


class Counts(NamedTuple):
    """The three figures of :class:`Totals` a board shows, as plain numbers: cheap to cache
    per part and to add up over hundreds of parts."""

    count: int = 0
    persons: int = 0
    person_times: int = 0


def activity_counts_by_part(group: str | Iterable[str], *, parts, **filters) -> list[dict]:
    """:func:`activity_totals_by`'s count, persons and person-times in each part of ``parts``
    (:class:`core.parts.Parts`), in the parts' order, each cached apart: a write recomputes only
    its own part. ``filters`` as :func:`activities_for`'s without ``user`` or ``organisation``
    (the parts are the scope); ``group`` may be empty. Values are (count, persons,
    person-times) tuples: cheap to cache and to add up over hundreds of parts."""
    groups = [group] if isinstance(group, str) else list(group)
    name = "activity_counts:" + hashlib.sha256(repr((groups, sorted(filters.items()))).encode()).hexdigest()[:24]
    measures = {measure: _TOTALS[measure] for measure in ("count", "persons_sum", "person_times_sum")}

    def compute(missing) -> dict[str, dict]:
        qs, columns = _grouping(activities_for(**filters).filter(parts.rows(missing)), groups)
        by_part: dict[str, dict] = defaultdict(dict)
        for row in qs.annotate(part=parts.expression()).values("part", *columns).annotate(**measures):
            by_part[row["part"]][_group_key(row, columns)] = (
                row["count"],
                row["persons_sum"],
                row["person_times_sum"],
            )
        return by_part

    return parts.read(name, compute, {})


def activity_counts_in_parts(group: str | Iterable[str], *, parts, **filters) -> dict:
    """:func:`activity_counts_by_part` added up over the parts: {key: Counts}."""
    return _added(activity_counts_by_part(group, parts=parts, **filters))


def activity_counts_by_child(*, organisation: Organisation, parts, **filters) -> list[tuple[Organisation, Counts]]:
    """:func:`activity_totals_by_organisation`'s rows (each direct child of ``organisation``
    with its whole subtree, ``organisation``'s own records a row of their own) from the cached
    parts of a subtree holding it: the parts below each child are added up into its row."""
    width = len(organisation.path) + organisation.steplen
    below = [part for part in parts.parts if part.path.startswith(organisation.path)]
    if not below or any(len(part.path) < width and not part.own for part in below):
        # A subtree too small to be cut into parts holds the rows of several children at once.
        rows = activity_totals_by_organisation(organisation=organisation, **filters)
        return [
            (row.organisation, Counts(row.totals.count, row.totals.persons, row.totals.person_times)) for row in rows
        ]
    by_row: dict[str, list[dict]] = defaultdict(list)
    for part, figures in zip(parts.parts, activity_counts_by_part((), parts=parts, **filters), strict=True):
        if figures and part.path.startswith(organisation.path):
            by_row[part.path[:width]].append(figures)
    orgs = Organisation.objects.in_bulk(list(by_row), field_name="path")
    rows = [(orgs[path], _added(found)[()]) for path, found in by_row.items() if path in orgs]
    return sorted(rows, key=lambda row: row[0].path)


def _added(figures_by_part: Iterable[dict]) -> dict:
    summed: dict = {}
    for figures in figures_by_part:
        for key, (count, persons, person_times) in figures.items():
            before = summed.get(key)
            summed[key] = (
                (count, persons, person_times)
                if before is None
                else (before[0] + count, before[1] + persons, before[2] + person_times)
            )
    return {key: Counts(*values) for key, values in summed.items()}


def _as_date(value) -> date:
    # TruncMonth over a DateField gives a date; some backends hand back a datetime.
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def activity_totals_by_dimension_month(**filters) -> dict[tuple[str, date], Totals]:
    return activity_totals_by(["dimension", "month"], **filters)


@dataclass
class CampaignRow:
    campaign: Campaign
    totals: Totals
    by_audience: dict[str, Totals] = field(default_factory=dict)


def activity_totals_by_campaign(**filters) -> list[CampaignRow]:
    """Per campaign: totals and participants by audience, campaigns in date order (two queries)."""
    filters.pop("campaign", None)
    grouped = activity_totals_by(["campaign", "audience"], **filters)
    campaigns = Campaign.objects.in_bulk({key[0] for key in grouped if key[0] is not None})
    rows: dict[int, CampaignRow] = {}
    for (campaign_id, audience), totals in grouped.items():
        if campaign_id is None:
            continue
        row = rows.setdefault(campaign_id, CampaignRow(campaigns[campaign_id], Totals()))
        row.totals = row.totals + totals
        row.by_audience[audience] = totals
    return sorted(rows.values(), key=lambda r: (r.campaign.start_date, r.campaign.name))


@dataclass
class OrganisationRow:
    organisation: Organisation
    totals: Totals


def activity_totals_by_organisation(
    *, organisation: Organisation, rollup: bool = True, **filters
) -> list[OrganisationRow]:
    """Totals per organisation under ``organisation``.

    With ``rollup`` each direct child's row holds its whole subtree and the root's
    own activities form a row of their own; without it, each organisation counts
    only the records it logged itself. Two queries either way.
    """
    qs = activities_for(organisation=organisation, **filters).order_by()
    if rollup:
        width = len(organisation.path) + organisation.steplen
        qs = qs.annotate(bucket=Substr("organisation__path", 1, width))
        grouped = {row["bucket"]: _totals(row) for row in qs.values("bucket").annotate(**_TOTALS)}
        orgs = Organisation.objects.in_bulk(list(grouped), field_name="path")
    else:
        grouped = {row["organisation_id"]: _totals(row) for row in qs.values("organisation_id").annotate(**_TOTALS)}
        orgs = Organisation.objects.in_bulk(list(grouped))
    rows = [OrganisationRow(orgs[key], totals) for key, totals in grouped.items() if key in orgs]
    return sorted(rows, key=lambda r: r.organisation.path)


def status_counts_of(qs: QuerySet) -> dict[str, int]:
    """How many records of each status in an activity queryset (one query)."""
    return {row["status"]: row["n"] for row in qs.order_by().values("status").annotate(n=Count("id"))}


def activity_counts_by_status(**filters) -> dict[str, int]:
    """How many records of each status (e.g. to show pending beside approved)."""
    filters["statuses"] = None
    return status_counts_of(activities_for(**filters))


def leading_titles(*, limit: int, outside_campaigns: bool = False, **filters) -> list[str]:
    """Distinct titles of the activities with the most participants, one kind at a time so that
    a text names several kinds of work before two of one kind (one query, ``limit`` at most)."""
    qs = activities_for(**filters)
    if outside_campaigns:
        qs = qs.filter(campaign__isnull=True)
    qs = qs.order_by(Coalesce("person_times", "participants").desc(nulls_last=True), "start_date", "pk")
    by_kind: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    rows = qs.values_list("title", "kind", "organisation__name", "organisation__short_name")[: limit * 10]
    for title, kind, name, short_name in rows:
        title = without_holder(title, name, short_name)
        # "“4+1”下沉东环街道…" and "“4+1”下沉南站街道…" are one kind of work: named once.
        if title and not any(SequenceMatcher(None, title, other).ratio() >= 0.6 for other in seen):
            seen.add(title)
            by_kind[kind].append(title)
    titles: list[str] = []
    for rank in range(limit):
        titles += [kind_titles[rank] for kind_titles in by_kind.values() if rank < len(kind_titles)]
    return titles[:limit]


def without_holder(title: str, *names: str) -> str:
    """ "锦绣社区团支部青年知识竞赛" names the holder, which a sentence does not need."""
    for prefix in names:
        if prefix and title.startswith(prefix) and len(title) > len(prefix) + 1:
            title = title[len(prefix) :]
    return title.strip()


def series_activities(**filters) -> QuerySet:
    """Approved records that stand for a series (several sessions) or say where they reached,
    outside campaigns: each is written in its own words. Largest first."""
    return (
        activities_for(**filters)
        .filter(campaign__isnull=True)
        .filter(Q(sessions__gt=1) | ~Q(reach=""))
        .select_related("organisation")
        .order_by("-sessions", Coalesce("person_times", "participants").desc(nulls_last=True), "start_date", "pk")
    )


def notable_activities(**filters) -> QuerySet:
    """Approved activities staff marked as notable, for the report's named list."""
    return activities_for(**filters).filter(notable=True).select_related("organisation", "campaign")


# --- Indicators ---------------------------------------------------------------


@dataclass
class IndicatorFigure:
    indicator: Indicator
    value: Decimal | None  # None: nothing entered in the period
    qualifier: str = ""  # 余 / 近 / 超 when every approximate source agrees on it
    approximate: bool = False  # some source figure was itself approximate
    organisations: int = 0  # how many organisations contributed
    entries: int = 0  # how many entered values the figure is made of

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.qualifier}{self.value:,}"


class _Cell(NamedTuple):
    """One organisation's values of one indicator in one month: their sum, how many, and the
    qualifiers (余 / 近 / 超) they were entered with."""

    total: Decimal
    rows: int
    qualifiers: frozenset


_NO_QUALIFIERS = frozenset()


def _round(indicator: Indicator, value: Decimal) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-indicator.decimals), rounding=ROUND_HALF_UP)


def _qualifier(qualifiers: set) -> tuple[str, bool]:
    if not qualifiers:
        return "", False
    return (next(iter(qualifiers)) if len(qualifiers) == 1 else ""), True


def _value_cells(
    indicators: list[Indicator], organisation: Organisation, period: Period
) -> dict[int, dict[int, dict[date, _Cell]]]:
    """Indicator id → organisation id → month → the values entered there, over the subtree in
    ``period`` (one query). The query groups by exactly those three, so each row is one cell."""
    rows = (
        IndicatorValue.objects.filter(
            indicator__in=indicators,
            organisation__path__startswith=organisation.path,
            month__gte=month_start(period.start),
            month__lte=period.end,
        )
        .order_by()
        .values("indicator_id", "organisation_id", "month")
        .annotate(
            total=Sum("value"),
            rows=Count("id"),
            q_min=Min("qualifier", filter=~Q(qualifier="")),
            q_max=Max("qualifier", filter=~Q(qualifier="")),
        )
        .values_list("indicator_id", "organisation_id", "month", "total", "rows", "q_min", "q_max")
    )
    cells: dict[int, dict[int, dict[date, _Cell]]] = defaultdict(lambda: defaultdict(dict))
    for indicator_id, organisation_id, month, total, count, q_min, q_max in rows:
        qualifiers = frozenset(q for q in (q_min, q_max) if q) if q_min else _NO_QUALIFIERS
        cells[indicator_id][organisation_id][_as_date(month)] = _Cell(total, count, qualifiers)
    return cells


def _combine(indicator: Indicator, months: dict[int, dict[date, _Cell]]) -> IndicatorFigure:
    """Apply the over-time rule per organisation, then the over-tree rule."""
    per_org: list[Decimal] = []
    qualifiers: set = set()
    entries = 0
    for cells in months.values():
        if not cells:
            continue
        if indicator.over_time == OverTime.SUM:
            value = sum((c.total for c in cells.values()), Decimal("0"))
            used = cells.values()
        elif indicator.over_time == OverTime.AVERAGE:
            value = sum((c.total for c in cells.values()), Decimal("0")) / sum(c.rows for c in cells.values())
            used = cells.values()
        else:  # LATEST: the last month with a value; several issues in it are averaged
            last = cells[max(cells)]
            value = last.total / last.rows
            used = [last]
        for cell in used:
            qualifiers |= cell.qualifiers
            entries += cell.rows
        per_org.append(value)
    if not per_org:
        return IndicatorFigure(indicator, None)
    total = sum(per_org, Decimal("0"))
    if indicator.over_tree == OverTree.AVERAGE:
        total = total / len(per_org)
    qualifier, approximate = _qualifier(qualifiers)
    return IndicatorFigure(indicator, _round(indicator, total), qualifier, approximate, len(per_org), entries)


def _derive(indicator: Indicator, figures: dict[int, IndicatorFigure]) -> IndicatorFigure:
    num, den = figures.get(indicator.numerator_id), figures.get(indicator.denominator_id)
    if num is None or den is None or num.value is None or not den.value:
        return IndicatorFigure(indicator, None)
    value = _round(indicator, num.value * 100 / den.value)
    approximate = num.approximate or den.approximate
    return IndicatorFigure(indicator, value, "", approximate, min(num.organisations, den.organisations))


def _load_indicators(codes: Iterable[str] | None) -> tuple[list[Indicator], list[Indicator]]:
    """The requested indicators and the entered ones they need (derived ones need their parts)."""
    qs = Indicator.objects.all()
    if codes is not None:
        codes = list(codes)
        qs = qs.filter(Q(code__in=codes) | Q(pk__in=Indicator.objects.filter(code__in=codes).values("numerator_id")))
        qs = qs | Indicator.objects.filter(pk__in=Indicator.objects.filter(code__in=codes).values("denominator_id"))
    everything = list(qs.distinct())
    if codes is not None:
        order = {code: i for i, code in enumerate(codes)}
        requested = sorted((i for i in everything if i.code in order), key=lambda i: order[i.code])
    else:
        requested = everything
    return requested, [i for i in everything if not i.is_derived]


def indicator_values(
    codes: Iterable[str] | None, *, organisation: Organisation, period: Period
) -> dict[str, IndicatorFigure]:
    """Figures for the indicators ``codes`` (all when None) over ``organisation``'s subtree in ``period``.

    Two queries whatever the number of indicators, organisations or months.
    """
    requested, entered = _load_indicators(codes)
    months = _value_cells(entered, organisation, period)
    figures = {ind.pk: _combine(ind, months.get(ind.pk, {})) for ind in entered}
    result = {}
    for ind in requested:
        result[ind.code] = _derive(ind, figures) if ind.is_derived else figures[ind.pk]
    return result


def indicator_value(code: str, *, organisation: Organisation, period: Period) -> IndicatorFigure:
    """One indicator's figure over ``organisation``'s subtree in ``period``, by its aggregation rules."""
    figures = indicator_values([code], organisation=organisation, period=period)
    if code not in figures:
        raise Indicator.DoesNotExist(f"No indicator with code {code!r}")
    return figures[code]


def indicator_monthly(
    codes: Iterable[str] | None, *, organisation: Organisation, period: Period
) -> tuple[list[Indicator], list[date], dict[tuple[str, date], IndicatorFigure], dict[str, IndicatorFigure]]:
    """Per indicator and month over the subtree, plus the whole period's figure (two queries).

    Returns (indicators, months, {(code, month): figure}, {code: figure for the period}).
    """
    requested, entered = _load_indicators(codes)
    months_list = period.months()
    by_ind = _value_cells(entered, organisation, period)
    cells: dict[tuple[str, date], IndicatorFigure] = {}
    period_figures: dict[str, IndicatorFigure] = {}
    whole = {ind.pk: _combine(ind, by_ind.get(ind.pk, {})) for ind in entered}
    for month in months_list:
        figures = {}
        for ind in entered:
            orgs = {org: {month: c[month]} for org, c in by_ind.get(ind.pk, {}).items() if month in c}
            figures[ind.pk] = _combine(ind, orgs)
        for ind in requested:
            cells[(ind.code, month)] = _derive(ind, figures) if ind.is_derived else figures[ind.pk]
    for ind in requested:
        period_figures[ind.code] = _derive(ind, whole) if ind.is_derived else whole[ind.pk]
    return requested, months_list, cells, period_figures


@dataclass
class SeasonFigures:
    """An issue indicator's figures for one season (季) of a campaign such as 青年大学习."""

    label: str  # the season as entered; "" for issues entered without one
    issues: list[str]
    as_of: date | None  # the latest date the figures were taken, when entered
    figures: dict[str, IndicatorFigure]  # by code, derived ones included
    issue_values: dict[str, list[Decimal]]  # by code: each issue's value over the subtree


def _merge_cells(cells: Iterable[_Cell]) -> _Cell:
    cells = list(cells)
    return _Cell(
        sum((c.total for c in cells), Decimal("0")),
        sum(c.rows for c in cells),
        frozenset().union(*(c.qualifiers for c in cells)),
    )


def indicator_seasons(codes: Iterable[str], *, organisation: Organisation, period: Period) -> list[SeasonFigures]:
    """The indicators ``codes`` per season over ``organisation``'s subtree in ``period``, seasons
    in the order they began; each season's issues are combined by the indicators' rules, and
    each issue's own figure is kept (a statement such as 各期参学率均在100%以上 reads them).

    Two queries whatever the number of seasons, issues and organisations.
    """
    requested, entered = _load_indicators(codes)
    rows = (
        IndicatorValue.objects.filter(
            indicator__in=entered,
            organisation__path__startswith=organisation.path,
            month__gte=month_start(period.start),
            month__lte=period.end,
        )
        .exclude(issue="")
        .order_by()
        .values("season", "issue", "indicator_id", "organisation_id", "month")
        .annotate(
            total=Sum("value"),
            rows=Count("id"),
            q_min=Min("qualifier", filter=~Q(qualifier="")),
            q_max=Max("qualifier", filter=~Q(qualifier="")),
            as_of=Max("as_of"),
        )
        .values_list(
            "season", "issue", "indicator_id", "organisation_id", "month", "total", "rows", "q_min", "q_max", "as_of"
        )
    )
    # season → issue → indicator → organisation → month → cell
    tree: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(dict))))
    begun: dict[str, date] = {}
    as_of: dict[str, date] = {}
    for season, issue, ind_id, org_id, month, total, count, q_min, q_max, taken in rows:
        month = _as_date(month)
        qualifiers = frozenset(q for q in (q_min, q_max) if q) if q_min else _NO_QUALIFIERS
        tree[season][issue][ind_id][org_id][month] = _Cell(total, count, qualifiers)
        begun[season] = min(begun.get(season, month), month)
        if taken and (season not in as_of or taken > as_of[season]):
            as_of[season] = taken
    result = []
    for season in sorted(tree, key=lambda s: (s == "", begun[s], s)):
        issues = tree[season]
        merged: dict[int, dict[int, dict[date, list[_Cell]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        per_issue: dict[str, list[Decimal]] = defaultdict(list)
        ordered = sorted(issues, key=lambda i: (min(m for o in issues[i].values() for c in o.values() for m in c), i))
        for issue in ordered:
            figures = {ind.pk: _combine(ind, issues[issue].get(ind.pk, {})) for ind in entered}
            for ind in requested:
                figure = _derive(ind, figures) if ind.is_derived else figures[ind.pk]
                if figure.value is not None:
                    per_issue[ind.code].append(figure.value)
            for ind_id, orgs in issues[issue].items():
                for org_id, months in orgs.items():
                    for month, cell in months.items():
                        merged[ind_id][org_id][month].append(cell)
        figures = {
            ind.pk: _combine(
                ind,
                {
                    org: {month: _merge_cells(cells) for month, cells in months.items()}
                    for org, months in merged.get(ind.pk, {}).items()
                },
            )
            for ind in entered
        }
        by_code = {ind.code: _derive(ind, figures) if ind.is_derived else figures[ind.pk] for ind in requested}
        result.append(SeasonFigures(season, ordered, as_of.get(season), by_code, dict(per_issue)))
    return result


def indicators_without_pattern(*, organisation: Organisation | None = None, period: Period | None = None):
    """Indicators meant for the report that have no sentence pattern yet (staff are warned);
    with ``organisation`` and ``period``, only those with values there: what a report leaves out."""
    qs = Indicator.objects.filter(active=True, in_report=True, report_pattern="")
    if organisation is not None and period is not None:
        parts = IndicatorValue.objects.filter(
            organisation__path__startswith=organisation.path,
            month__gte=month_start(period.start),
            month__lte=period.end,
        )
        qs = qs.filter(
            Q(pk__in=parts.values("indicator_id"))
            | Q(numerator__in=parts.values("indicator_id"), denominator__in=parts.values("indicator_id"))
        )
    return list(qs.order_by("category", "position", "code"))


def indicator_entries(*, organisation: Organisation, month: date, issue: str = "") -> dict[int, IndicatorValue]:
    """The values one organisation entered for one month (and issue), by indicator id."""
    qs = IndicatorValue.objects.filter(organisation=organisation, month=month, issue=issue)
    return {value.indicator_id: value for value in qs}


def indicator_issues(*, organisation: Organisation, month: date) -> list[str]:
    """The issues (期次) an organisation has entered for a month."""
    return list(
        IndicatorValue.objects.filter(organisation=organisation, month=month)
        .exclude(issue="")
        .order_by("issue")
        .values_list("issue", flat=True)
        .distinct()
    )


def activity_search(*, user, q: str, limit: int) -> list[Activity]:
    """Activities in the user's scope whose title holds ``q``, newest first: what the type-ahead
    activity picker offers (static/js/org-picker.js, resources' forms)."""
    qs = Activity.objects.visible_to(user).select_related("organisation").order_by("-start_date", "-id")
    if q:
        qs = qs.filter(title__icontains=q)
    return list(qs[:limit])


RETURNED_BANNER_LIMIT = 5


def returned_to(*, user, limit: int = RETURNED_BANNER_LIMIT) -> tuple[list[Activity], int]:
    """The records in the user's scope sent back for changes (newest return first, at most
    ``limit``) and how many there are in all: the banner at the top of a secretary's home."""
    qs = Activity.objects.visible_to(user).filter(status=Status.RETURNED)
    shown = list(
        qs.select_related("organisation", "reviewed_by")
        .only(
            *("title", "start_date", "review_comment", "reviewed_at", "organisation__name"),
            *("organisation__short_name", "reviewed_by__first_name", "reviewed_by__last_name"),
            "reviewed_by__username",
        )
        .order_by("-reviewed_at", "-id")[:limit]
    )
    total = len(shown) if len(shown) < limit else qs.count()
    return shown, total


def next_in_review(*, user, after: Activity) -> Activity | None:
    """The record after ``after`` in the review queue's order (oldest submission first),
    wrapping round to the start: where 通过并审核下一条 leads."""
    queue = Activity.objects.visible_to(user).filter(status=Status.SUBMITTED).exclude(pk=after.pk)
    queue = queue.only("pk", "title").order_by("submitted_at", "id")
    if after.submitted_at is not None:
        later = queue.filter(
            Q(submitted_at__gt=after.submitted_at) | Q(submitted_at=after.submitted_at, id__gt=after.pk)
        ).first()
        if later is not None:
            return later
    return queue.first()


# --- Attendance: the roster an activity's attendees are picked from -----------------------

# Past this many members a list of checkboxes is no longer something to scroll on a phone; a
# subtree that large (a sub-district, the district) records attendance at its branches instead.
ROSTER_LIMIT = 400


@dataclass
class Roster:
    choices: list[tuple[int, str]]
    total: int  # members on the subtree's roster now
    truncated: bool
    organisation_name: str = ""  # "" when no organisation is chosen yet


def attendance_roster(*, organisation: Organisation, keep_ids: Iterable[int] = ()) -> Roster:
    """The members an activity of ``organisation`` may record as attending: those on the roster
    (在册) of its subtree now, by organisation and name, plus ``keep_ids`` (attendees already
    recorded, who may have left since). Each label names the member's organisation when the
    subtree holds several."""
    keep_ids = set(keep_ids)
    columns = ("pk", "name", "organisation_id", "organisation__name", "organisation__short_name")
    active = Member.objects.filter(organisation__path__startswith=organisation.path, status=MemberStatus.ACTIVE)
    listed = active | Member.objects.filter(pk__in=keep_ids) if keep_ids else active
    rows = list(listed.order_by("organisation__path", "name", "pk").values_list(*columns)[: ROSTER_LIMIT + 1])
    truncated = len(rows) > ROSTER_LIMIT
    rows = rows[:ROSTER_LIMIT]
    if truncated and (missing := keep_ids - {row[0] for row in rows}):
        rows += list(Member.objects.filter(pk__in=missing).order_by("name", "pk").values_list(*columns))
    total = active.count() if truncated else len(rows)
    several = len({row[2] for row in rows}) > 1
    choices = [
        (pk, f"{name}（{short or org_name}）" if several else name) for pk, name, org_id, org_name, short in rows
    ]
    return Roster(choices=choices, total=total, truncated=truncated, organisation_name=organisation.name)
