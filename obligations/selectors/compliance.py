"""Compliance: the one place where "held vs due" is computed.

The compliance page, the "what's due" panel, the export, the dashboards, the report and
the reminders all call :func:`compliance`. For any subtree and any period it returns each
(organisation, obligation) pair as met, due or overdue, with what counted.

Rules:

* An obligation is met by the organisation's own records: an activity counts for the
  organisation that held it, never for its parent. A committee's 例会 or 专题学习 is the
  committee's own; a branch's meeting does not meet it, and a committee's meeting does
  not meet its branches' 支委会.
* Approved activities count. Submitted ones (awaiting review) are shown as pending beside
  them and do not count yet.
* An activity counts in the period it starts in (as everywhere in the portal).
* A period is demanded only when the obligation was in force for all of it, and only of
  organisations that existed (active, established by the period's end).
* Cadre obligations apply to each organisation with current cadres of the given kinds,
  and their minimum is per cadre: two full-time cadres owe two grassroots days a week.
* A period still running is "due" until met; one that has ended unmet is "overdue".

Queries are a fixed number whatever the size of the tree: the obligations, the
organisations, one GROUP BY over activities (approved and submitted counted separately,
hours summed, one pair of conditional aggregates per distinct period), one GROUP BY over
indicator values, and one over cadre appointments when a cadre obligation is in play.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, DecimalField, Max, Q, Sum
from django.utils import timezone

from activities.models import Activity
from activities.periods import Period, month_start
from branches.models import Organisation
from core.review.models import Status

from .. import roster
from ..models import Obligation, plain_number

MET = "met"
DUE = "due"
OVERDUE = "overdue"
STATUS_LABELS = {MET: "已完成", DUE: "待完成", OVERDUE: "逾期未完成"}
STATUS_CHOICES = list(STATUS_LABELS.items())

_ZERO = Decimal("0")
_ONE = Decimal("1")
_TENTH = Decimal("0.1")


def _meets(ob: Obligation, multiplier: int, count: int, hours: Decimal, value: Decimal | None) -> bool:
    """The one rule for "met". Read once per cell of a 50,000-cell table: the obligation's
    fields directly, not through :class:`Cell`'s required_* properties (the same rules)."""
    if ob.indicator_id is not None:
        return value is not None and value >= (ob.indicator_min if ob.indicator_min is not None else _ONE)
    return (not ob.min_count or count >= ob.min_count * multiplier) and (
        not ob.min_hours or hours >= ob.min_hours * multiplier
    )


def _status(met: bool, period: Period, today: date) -> str:
    return MET if met else OVERDUE if period.end < today else DUE


def status_only(
    *,
    organisation: Organisation,
    obligation: Obligation,
    period: Period,
    today: date,
    approved_count: int = 0,
    approved_hours: Decimal = _ZERO,
    pending_count: int = 0,
    pending_hours: Decimal = _ZERO,
    indicator_value: Decimal | None = None,
    cadres: int | None = None,
) -> str:
    """A cell's status without the cell, for whoever only tallies (:func:`.over.compliance_over`):
    the same rule and the same arguments as :class:`Cell`, none of the object."""
    met = _meets(obligation, cadres if cadres is not None else 1, approved_count, approved_hours, indicator_value)
    return _status(met, period, today)


@dataclass(slots=True)
class Cell:
    """One organisation × obligation × period, judged when it is made (as :func:`status_only`): the
    counts are final by then (:func:`_evaluate` sums them first), so ``status`` is a plain field."""

    organisation: Organisation
    obligation: Obligation
    period: Period
    today: date
    approved_count: int = 0
    approved_hours: Decimal = _ZERO
    pending_count: int = 0
    pending_hours: Decimal = _ZERO
    indicator_value: Decimal | None = None
    cadres: int | None = None  # cadre obligations: how many cadres the minimum is multiplied by
    activities: list[Activity] = field(default_factory=list)
    status: str = field(init=False)

    def __post_init__(self):
        met = _meets(self.obligation, self.multiplier, self.approved_count, self.approved_hours, self.indicator_value)
        self.status = _status(met, self.period, self.today)

    @property
    def met(self) -> bool:
        return self.status == MET

    @property
    def multiplier(self) -> int:
        return self.cadres if self.cadres is not None else 1

    @property
    def required_count(self) -> int | None:
        return self.obligation.min_count * self.multiplier if self.obligation.min_count else None

    @property
    def required_hours(self) -> Decimal | None:
        return self.obligation.min_hours * self.multiplier if self.obligation.min_hours else None

    @property
    def required_value(self) -> Decimal:
        return self.obligation.indicator_min if self.obligation.indicator_min is not None else _ONE

    @property
    def pending_would_meet(self) -> bool:
        """Not met yet, but would be once the records awaiting review are approved."""
        return not self.met and _meets(
            self.obligation,
            self.multiplier,
            self.approved_count + self.pending_count,
            self.approved_hours + self.pending_hours,
            self.indicator_value,
        )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def days_left(self) -> int:
        """Days from today to the period's last day (0 on the last day, negative once ended)."""
        return (self.period.end - self.today).days

    @property
    def held_display(self) -> str:
        if self.obligation.uses_indicator:
            return "已填报" if self.indicator_value is not None else "未填报"
        parts = []
        if self.required_count is not None:
            parts.append(f"{self.approved_count}/{self.required_count} 次")
        if self.required_hours is not None:
            parts.append(f"{plain_number(self.approved_hours)}/{plain_number(self.required_hours)} 小时")
        return "，".join(parts)

    @property
    def progress_display(self) -> str:
        """What has been done so far, as a sentence fragment for pages and reminders."""
        if self.obligation.uses_indicator:
            name = self.obligation.indicator.name
            if self.indicator_value is None:
                return f"月度数据“{name}”未填报"
            return f"月度数据“{name}”填报 {plain_number(self.indicator_value)}"
        return f"已审核通过 {self.held_display}"

    @property
    def pending_display(self) -> str:
        if not self.pending_count:
            return ""
        hours = (
            f"，{plain_number(self.pending_hours)} 小时"
            if self.required_hours is not None and self.pending_hours
            else ""
        )
        return f"待审核 {self.pending_count} 次{hours}"


@dataclass
class ObligationSummary:
    obligation: Obligation
    period: Period
    met: int = 0
    due: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.met + self.due + self.overdue

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.total) if self.total else None


@dataclass
class Compliance:
    today: date
    obligations: list[Obligation]
    periods: dict[int, Period]
    organisations: list[Organisation]
    cells: dict[tuple[int, int], Cell]

    def cell(self, organisation_id: int, obligation_id: int) -> Cell | None:
        return self.cells.get((organisation_id, obligation_id))

    def rows(self, organisations: Sequence[Organisation] | None = None) -> list[tuple[Organisation, list[Cell | None]]]:
        orgs = self.organisations if organisations is None else organisations
        return [(org, [self.cells.get((org.pk, ob.pk)) for ob in self.obligations]) for org in orgs]

    def summaries(self) -> list[ObligationSummary]:
        result = {ob.pk: ObligationSummary(ob, self.periods[ob.pk]) for ob in self.obligations}
        for (_, obligation_id), cell in self.cells.items():
            summary = result[obligation_id]
            setattr(summary, cell.status, getattr(summary, cell.status) + 1)
        return list(result.values())

    def unmet(self) -> list[Cell]:
        return [cell for cell in self.cells.values() if cell.status != MET]

    def total(self) -> "Tally":
        """Every (organisation, obligation) cell counted together: the page's 合计 and the dashboards' rate."""
        result = Tally()
        for cell in self.cells.values():
            result.add(cell)
        return result

    def behind(self) -> list["Behind"]:
        """Each organisation with an unmet obligation (its own, not its subtree's) and its tally."""
        by_org: dict[int, Tally] = defaultdict(Tally)
        for (org_id, _), cell in self.cells.items():
            by_org[org_id].add(cell)
        return [
            Behind(org.pk, org.path, org.display_name, by_org[org.pk])
            for org in self.organisations
            if by_org[org.pk].unmet
        ]

    def filtered(self, *, status: str = "", ends_by: date | None = None) -> "Compliance":
        """The same figures limited to cells of ``status`` whose period ends by ``ends_by``, and
        the organisations that have one."""
        if not status and ends_by is None:
            return self
        cells = {
            key: cell
            for key, cell in self.cells.items()
            if (not status or cell.status == status) and (ends_by is None or cell.period.end <= ends_by)
        }
        keep = {org_id for org_id, _ in cells}
        orgs = [org for org in self.organisations if org.pk in keep]
        return Compliance(self.today, self.obligations, self.periods, orgs, cells)


def _organisations(
    *, user, organisation: Organisation | None, subtree: bool, kinds: Iterable[str] | None, within: Q | None = None
) -> list[Organisation]:
    qs = Organisation.objects.filter(active=True)
    if within is not None:
        qs = qs.filter(within)
    if user is not None:
        qs = qs.visible_to(user)
    if organisation is not None:
        qs = qs.subtree_of(organisation) if subtree else qs.filter(pk=organisation.pk)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs.order_by("path"))


def _activity_totals(
    periods: list[Period],
    hour_periods: set[int],
    kinds: set[str],
    *,
    user,
    organisation: Organisation | None,
    subtree: bool,
    only: list[int] | None = None,
) -> dict[tuple[int, str, str], dict]:
    """One GROUP BY: (organisation id, kind, status) → its row, holding ``n{i}`` (how many
    activities started in ``periods[i]``) and, for the periods in ``hour_periods`` only (those
    of obligations that set a minimum of hours), ``h{i}`` (their hours summed)."""
    if not periods or not kinds:
        return {}
    qs = Activity.objects.filter(
        kind__in=sorted(kinds),
        status__in=[Status.APPROVED, Status.SUBMITTED],
        start_date__gte=min(p.start for p in periods),
        start_date__lte=max(p.end for p in periods),
    )
    if user is not None:
        qs = qs.visible_to(user)
    if organisation is not None:
        qs = qs.subtree_of(organisation) if subtree else qs.filter(organisation_id=organisation.pk)
    if only is not None:
        qs = qs.filter(organisation_id__in=only)
    aggregates = {}
    for i, period in enumerate(periods):
        within = Q(start_date__gte=period.start, start_date__lte=period.end)
        aggregates[f"n{i}"] = Count("id", filter=within)
        if i in hour_periods:
            aggregates[f"h{i}"] = Sum(
                "hours", filter=within, output_field=DecimalField(max_digits=12, decimal_places=1)
            )
    rows = qs.order_by().values("organisation_id", "kind", "status").annotate(**aggregates)
    return {(row["organisation_id"], row["kind"], row["status"]): row for row in rows}


def _decimal(value) -> Decimal:
    """A sum of hours: PostgreSQL gives a Decimal, SQLite an int or float (to one decimal place)."""
    return value if isinstance(value, Decimal) else Decimal(repr(value)).quantize(_TENTH)


def _indicator_values(
    periods: list[Period],
    indicator_ids: set[int],
    *,
    user,
    organisation: Organisation | None,
    subtree: bool,
    only: list[int] | None = None,
) -> dict[tuple[int, int], list[Decimal | None]]:
    """(organisation id, indicator id) → [largest value entered per period]: one GROUP BY."""
    from activities.models import IndicatorValue

    if not periods or not indicator_ids:
        return {}
    qs = IndicatorValue.objects.filter(
        indicator_id__in=sorted(indicator_ids),
        month__gte=month_start(min(p.start for p in periods)),
        month__lte=max(p.end for p in periods),
    )
    if user is not None:
        qs = qs.visible_to(user)
    if organisation is not None:
        qs = (
            qs.filter(organisation__path__startswith=organisation.path)
            if subtree
            else qs.filter(organisation_id=organisation.pk)
        )
    if only is not None:
        qs = qs.filter(organisation_id__in=only)
    aggregates = {
        f"v{i}": Max("value", filter=Q(month__gte=month_start(p.start), month__lte=p.end))
        for i, p in enumerate(periods)
    }
    rows = qs.order_by().values("organisation_id", "indicator_id").annotate(**aggregates)
    return {(row["organisation_id"], row["indicator_id"]): [row[f"v{i}"] for i in range(len(periods))] for row in rows}


def _cadre_counts(schedule: list[tuple[Obligation, Period]], today: date):
    """(obligation id, period) → {organisation id: cadres}. One query per distinct set of cadre
    kinds, counting every period end at once: never one per organisation or per period."""
    days_by_kinds: dict[tuple[str, ...], set[date]] = defaultdict(set)
    for ob, period in schedule:
        if ob.for_cadres:
            days_by_kinds[tuple(sorted(ob.cadre_kinds))].add(min(period.end, today))
    counted = {kinds: roster.cadre_counts(kinds=kinds, days=days) for kinds, days in days_by_kinds.items()}
    return {
        (ob.pk, period): counted[tuple(sorted(ob.cadre_kinds))][min(period.end, today)]
        for ob, period in schedule
        if ob.for_cadres
    }


class _Slot(NamedTuple):
    """One period of an obligation and where its figures are in the grouped rows."""

    period: Period
    index: int  # position among the distinct periods: indicator values are listed by it
    count_key: str  # the activity row's count for this period
    hours_key: str | None  # the activity row's hours for this period (None: not summed)


@dataclass(slots=True)
class _Plan:
    """What an obligation needs, worked out once rather than once per organisation."""

    obligation: Obligation
    uses_indicator: bool
    for_cadres: bool
    kinds: tuple[str, ...]
    slots: list[_Slot] = field(default_factory=list)


def _summed(rows: list[dict], slot: _Slot) -> tuple[int, Decimal]:
    """Activities counted and hours summed for ``slot``'s period over ``rows`` (one per kind)."""
    count, hours = 0, _ZERO
    for row in rows:
        count += row[slot.count_key]
        if slot.hours_key is not None and row[slot.hours_key]:
            hours += _decimal(row[slot.hours_key])
    return count, hours


def _evaluate(
    orgs: list[Organisation],
    schedule: list[tuple[Obligation, Period]],
    *,
    today: date,
    user,
    organisation: Organisation | None,
    subtree: bool,
    make: Callable = Cell,
    only: list[int] | None = None,
) -> dict[tuple[int, int, Period], Cell]:
    """Every (organisation, obligation, period) of ``schedule`` that applies: the engine behind
    :func:`compliance` and :func:`compliance_over`. Each is ``make(**fields)`` with the
    keyword arguments of :class:`Cell`: the cell, or only its status (:func:`status_only`).
    ``only``: the records are read for these organisations alone (``orgs`` picked by path)."""
    distinct = sorted({period for _, period in schedule}, key=lambda p: (p.start, p.end))
    index = {period: i for i, period in enumerate(distinct)}
    activity_plan = [(ob, period) for ob, period in schedule if not ob.uses_indicator]
    indicator_plan = [(ob, period) for ob, period in schedule if ob.uses_indicator]
    hour_periods = {index[period] for ob, period in activity_plan if ob.min_hours}
    totals = _activity_totals(
        distinct if activity_plan else [],
        hour_periods,
        {kind for ob, _ in activity_plan for kind in ob.activity_kinds},
        user=user,
        organisation=organisation,
        subtree=subtree,
        only=only,
    )
    values = _indicator_values(
        distinct if indicator_plan else [],
        {ob.indicator_id for ob, _ in indicator_plan},
        user=user,
        organisation=organisation,
        subtree=subtree,
        only=only,
    )
    cadres = _cadre_counts(schedule, today)

    # Whether an obligation applies is asked once per organisation, not once per period.
    plans: dict[int, _Plan] = {}
    for ob, period in schedule:
        if ob.pk not in plans:
            plans[ob.pk] = _Plan(ob, ob.uses_indicator, ob.for_cadres, tuple(ob.activity_kinds))
        i = index[period]
        plans[ob.pk].slots.append(_Slot(period, i, f"n{i}", f"h{i}" if i in hour_periods else None))
    approved_status, pending_status = Status.APPROVED.value, Status.SUBMITTED.value
    cells: dict[tuple[int, int, Period], Cell] = {}
    for org in orgs:
        org_id, established = org.id, org.established_on
        for plan in plans.values():
            ob = plan.obligation
            if not ob.applies_to(org):
                continue
            if plan.uses_indicator:
                entered = values.get((org_id, ob.indicator_id))
            else:
                approved_rows = [row for kind in plan.kinds if (row := totals.get((org_id, kind, approved_status)))]
                pending_rows = [row for kind in plan.kinds if (row := totals.get((org_id, kind, pending_status)))]
            for slot in plan.slots:
                period = slot.period
                if established and established > period.end:
                    continue
                on_roll = None
                if plan.for_cadres:
                    counts = cadres.get((ob.pk, period))
                    on_roll = counts.get(org_id) if counts else None
                    if not on_roll:
                        continue
                if plan.uses_indicator:
                    cell = make(
                        organisation=org,
                        obligation=ob,
                        period=period,
                        today=today,
                        indicator_value=entered[slot.index] if entered else None,
                        cadres=on_roll,
                    )
                else:
                    approved_count, approved_hours = _summed(approved_rows, slot)
                    pending_count, pending_hours = _summed(pending_rows, slot)
                    cell = make(
                        organisation=org,
                        obligation=ob,
                        period=period,
                        today=today,
                        approved_count=approved_count,
                        approved_hours=approved_hours,
                        pending_count=pending_count,
                        pending_hours=pending_hours,
                        cadres=on_roll,
                    )
                cells[(org_id, ob.pk, period)] = cell
    return cells


def compliance(
    *,
    user=None,
    organisation: Organisation | None = None,
    subtree: bool = True,
    on: date | None = None,
    offset: int = 0,
    obligations: Iterable[Obligation] | None = None,
    organisation_kinds: Iterable[str] | None = None,
    today: date | None = None,
    with_activities: bool = False,
    within: Q | None = None,
) -> Compliance:
    """Each (organisation, obligation) pair under ``organisation`` (or in ``user``'s scope).

    Each obligation is evaluated over its own period: the one containing ``on`` (default:
    today in Asia/Shanghai), moved ``offset`` periods (-1: the previous one). ``today``
    decides whether an unmet period is still due or already overdue. ``within``: only the
    organisations this condition on their own fields picks (a few parts of a large subtree).
    """
    today = today or timezone.localdate()
    on = on or today
    if obligations is None:
        obligations = Obligation.objects.enabled().select_related("indicator")
    in_force: list[Obligation] = []
    periods: dict[int, Period] = {}
    for ob in obligations:
        period = ob.period_offset(on, offset)
        if ob.in_force(period):
            in_force.append(ob)
            periods[ob.pk] = period
    orgs = _organisations(
        user=user, organisation=organisation, subtree=subtree, kinds=organisation_kinds, within=within
    )
    if not in_force or not orgs:
        return Compliance(today, in_force, periods, [], {})
    evaluated = _evaluate(
        orgs,
        [(ob, periods[ob.pk]) for ob in in_force],
        today=today,
        user=user,
        organisation=organisation,
        subtree=subtree,
        only=None if within is None else [org.pk for org in orgs],
    )
    cells = {(org_id, ob_id): cell for (org_id, ob_id, _), cell in evaluated.items()}
    with_cells = {org_id for org_id, _ in cells}
    result = Compliance(today, in_force, periods, [org for org in orgs if org.pk in with_cells], cells)
    if with_activities:
        _attach_activities(result, user=user, organisation=organisation, subtree=subtree)
    return result


@dataclass
class Tally:
    """Held against due for one obligation (or one organisation and obligation) over a span."""

    demanded: int = 0  # (organisation, period) pairs the obligation applied to
    met: int = 0
    overdue: int = 0
    due: int = 0  # periods still running

    def add(self, cell: Cell) -> None:
        self.count(cell.status)

    def count(self, status: str, n: int = 1) -> None:
        self.demanded += n
        setattr(self, status, getattr(self, status) + n)

    @property
    def unmet(self) -> int:
        return self.due + self.overdue

    @property
    def percent(self) -> Decimal | None:
        if not self.demanded:
            return None
        return (Decimal(100 * self.met) / self.demanded).quantize(Decimal("0.1"))


class Behind(NamedTuple):
    """An organisation behind on its obligations: plain values, cached with a part's figures."""

    organisation_id: int
    path: str
    name: str
    tally: Tally


def worst(rows: Iterable[Behind], limit: int) -> list[Behind]:
    """The organisations with the most unmet obligations, worst first."""
    return sorted(rows, key=lambda row: (-row.tally.unmet, -row.tally.overdue, row.path))[:limit]


_COLUMNS = {MET: 0, DUE: 1, OVERDUE: 2}


@dataclass
class PartCompliance:
    """Compliance over some organisations in plain values, cached per part (core.parts): a
    board adds up hundreds of these, so the counts are lists, not :class:`Tally` objects."""

    ids: list[int] = field(default_factory=list)  # the organisations with a cell, in tree order
    counts: dict[int, list[int]] = field(default_factory=dict)  # obligation id → [met, due, overdue]
    behind: list[Behind] = field(default_factory=list)  # the worst organisations, up to the limit

    def tally(self, obligation_id: int) -> Tally:
        met, due, overdue = self.counts.get(obligation_id, (0, 0, 0))
        return Tally(demanded=met + due + overdue, met=met, due=due, overdue=overdue)

    @property
    def total(self) -> Tally:
        met, due, overdue = [sum(column) for column in zip(*self.counts.values(), strict=True)] or [0, 0, 0]
        return Tally(demanded=met + due + overdue, met=met, due=due, overdue=overdue)


def compliance_in_parts(*, parts, name: str, evaluate: Callable[[Q | None], Compliance], limit: int) -> PartCompliance:
    """The compliance ``evaluate`` computes over the subtree of ``parts`` (:class:`core.parts.Parts`)
    added up from the parts, each cached under ``name`` apart: the same figures, a write
    recomputing only its own part. ``evaluate(within)``: :func:`compliance` of the organisations
    ``within`` picks (None: all of the subtree); ``limit``: how many of the worst to keep."""

    def compute(missing) -> dict[str, PartCompliance]:
        result = evaluate(None if missing is None else parts.where(missing, "path"))
        by_part: dict[str, PartCompliance] = defaultdict(PartCompliance)
        for org in result.organisations:
            by_part[parts.part_of(org.path)].ids.append(org.pk)
        for (_, ob_id), cell in result.cells.items():
            by_part[parts.part_of(cell.organisation.path)].counts.setdefault(ob_id, [0, 0, 0])[
                _COLUMNS[cell.status]
            ] += 1
        for row in result.behind():
            by_part[parts.part_of(row.path)].behind.append(row)
        for figures in by_part.values():
            figures.behind = worst(figures.behind, limit)
        return by_part

    added = PartCompliance()
    for figures in parts.read(name, compute, PartCompliance()):
        added.ids += figures.ids
        for ob_id, (met, due, overdue) in figures.counts.items():
            counts = added.counts.setdefault(ob_id, [0, 0, 0])
            counts[0], counts[1], counts[2] = counts[0] + met, counts[1] + due, counts[2] + overdue
        added.behind += figures.behind
    added.behind = worst(added.behind, limit)
    return added


def _attach_activities(result: Compliance, *, user, organisation, subtree) -> None:
    """Fill each activity-based cell's ``activities`` (approved and submitted): one query."""
    cells = [cell for cell in result.cells.values() if not cell.obligation.uses_indicator]
    if not cells:
        return
    kinds = {kind for cell in cells for kind in cell.obligation.activity_kinds}
    qs = Activity.objects.filter(
        organisation_id__in={cell.organisation.pk for cell in cells},
        kind__in=sorted(kinds),
        status__in=[Status.APPROVED, Status.SUBMITTED],
        start_date__gte=min(cell.period.start for cell in cells),
        start_date__lte=max(cell.period.end for cell in cells),
    )
    if user is not None:
        qs = qs.visible_to(user)
    by_org: dict[int, list[Activity]] = defaultdict(list)
    for activity in qs.order_by("start_date", "id"):
        by_org[activity.organisation_id].append(activity)
    for cell in cells:
        cell.activities = [
            a
            for a in by_org.get(cell.organisation.pk, [])
            if a.kind in cell.obligation.activity_kinds and cell.period.start <= a.start_date <= cell.period.end
        ]
