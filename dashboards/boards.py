"""One board per role, assembled from dashboards.figures and cached until the data changes."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from branches import selectors as branch_selectors
from branches.scoping import Scope
from core.freshness import cached_figures, data_version
from core.parts import Parts
from members.snapshot import Snapshot, committee_snapshot

from . import figures as f


@dataclass
class StaffBoard:
    today: date
    month: f.Period
    half: f.Period
    pending: list[f.Figure]
    month_figures: list[f.Figure]
    dimension_rows: list[dict]
    compliance: list[f.Figure]
    compliance_rate: Decimal | None
    behind: list[f.BehindRow]
    honours: f.Figure
    honours_by_level: list[f.Figure]
    reminders: f.Figure
    trend: f.Chart
    trend_total: f.Figure
    snapshot: Snapshot | None = None  # what the committee is today (one scope root only)
    delivery_failures: list[f.Figure] = field(default_factory=list)  # per channel, reminders not delivered


@dataclass
class SecretaryBoard:
    today: date
    month: f.Period
    due: list[f.Figure]
    due_groups: f.DueGroups
    overdue: list[f.DueItem]
    returned: list[f.Figure]
    month_figures: list[f.Figure]
    trend: f.Chart
    trend_total: f.Figure


@dataclass
class LeaderBoard:
    today: date
    half: f.Period
    span: f.Period  # the half year up to today
    last_span: f.Period  # the same days a year earlier
    headline: list[f.Figure]
    honours: f.Figure
    honours_by_level: list[f.Figure]
    compliance: list[f.Figure]
    compliance_rate: Decimal | None
    trend: f.Chart
    trend_total: f.Figure
    organisations: f.Chart | None = None
    notes: list[str] = field(default_factory=list)
    snapshot: Snapshot | None = None


def staff_board(*, user, today: date) -> StaffBoard:
    month, half = f.this_month(today), f.this_half(today)
    roots = branch_selectors.scope_roots(user)
    parts = _parts(user)
    month_figures, dimension_rows = f.dimension_table(parts=parts, period=month)
    compliance, rate, behind = f.compliance_figures(user=user, parts=parts, today=today)
    honours, by_level = f.honour_figures(roots=roots, period=half)
    trend, trend_total = f.trend_chart(parts=parts, today=today)
    return StaffBoard(
        today=today,
        month=month,
        half=half,
        pending=f.pending_figures(user=user),
        month_figures=month_figures,
        dimension_rows=dimension_rows,
        compliance=compliance,
        compliance_rate=rate,
        behind=behind,
        honours=honours,
        honours_by_level=by_level,
        reminders=f.reminder_figure(user=user, period=month),
        trend=trend,
        trend_total=trend_total,
        snapshot=_snapshot(roots, today),
        delivery_failures=f.delivery_failure_figures(user=user),
    )


def _parts(user) -> Parts:
    """The user's scope in parts (core.parts): a write recomputes only the part it landed in."""
    (root,) = Scope.of(user).roots
    return Parts(root)


def _snapshot(roots, today: date) -> Snapshot | None:
    """The committee today, cached by its roster version: logging and reviewing, most of a
    day's writes, leave it standing while the board around it is rebuilt."""
    if len(roots) != 1:
        return None
    (root,) = roots
    return cached_figures(
        f"snapshot:{root.pk}:{today.isoformat()}",
        lambda: committee_snapshot(organisation=root, on=today),
        version=data_version(Scope(path=root.path), family="roster"),
    )


def secretary_board(*, user, today: date) -> SecretaryBoard:
    month = f.this_month(today)
    due, groups, overdue = f.due_figures(user=user, today=today)
    parts = _parts(user)
    month_figures, _ = f.dimension_table(parts=parts, period=month)
    trend, trend_total = f.trend_chart(parts=parts, today=today)
    return SecretaryBoard(
        today=today,
        month=month,
        due=due,
        due_groups=groups,
        overdue=overdue,
        returned=f.returned_figures(user=user),
        month_figures=month_figures,
        trend=trend,
        trend_total=trend_total,
    )


def leader_board(*, user, today: date) -> LeaderBoard:
    half = f.this_half(today)
    span = f.to_date(half, today)
    last_span = f.same_span_last_year(span)
    roots = branch_selectors.scope_roots(user)
    honours, by_level = f.honour_figures(roots=roots, period=span, previous=last_span, key="half_honours")
    parts = _parts(user)
    compliance, rate, _ = f.compliance_figures(user=user, parts=parts, today=today)
    trend, trend_total = f.trend_chart(parts=parts, today=today)
    organisations = f.organisation_chart(parts=parts, organisation=roots[0], period=span) if len(roots) == 1 else None
    return LeaderBoard(
        today=today,
        half=half,
        span=span,
        last_span=last_span,
        headline=f.activity_figures(parts=parts, period=span, previous=last_span, prefix="half_"),
        honours=honours,
        honours_by_level=by_level,
        compliance=compliance,
        compliance_rate=rate,
        trend=trend,
        trend_total=trend_total,
        organisations=organisations,
        snapshot=_snapshot(roots, today),
    )


BUILDERS = {"staff": staff_board, "secretary": secretary_board, "leader": leader_board}


def role_of(user) -> str | None:
    if user.is_committee_staff:
        return "staff"
    if user.is_leader:
        return "leader"
    if user.is_secretary and user.organisation_id:
        return "secretary"
    return None


def board_and_key(user, *, today: date | None = None) -> tuple[object | None, str | None]:
    """The user's board, cached per role, scope and day until the data changes, and the key
    its rendered charts are kept under (``{% cache %}``): the board's own key and data
    version, read once, so a kept fragment always shows the figures of the board beside it.
    (None, None): the user has no board."""
    role = role_of(user)
    if role is None:
        return None, None
    today = today or timezone.localdate()
    scope = Scope.of(user)
    version = data_version(scope)  # a secretary's board changes with their own subtree only
    key = f"board:{role}:{scope.key}:{today.isoformat()}"
    board = cached_figures(key, lambda: BUILDERS[role](user=user, today=today), version=version)
    return board, f"{version}:{key}"


def board_for(user, *, today: date | None = None):
    """The user's board (None: no board)."""
    return board_and_key(user, today=today)[0]
