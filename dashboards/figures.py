"""The dashboards' figures. Each is read from the selector the report and the lists use, and
carries the link to the filtered list that shows the same number: nothing here counts rows
a second way.

A board is a plain dataclass built in a fixed number of queries whatever the size of the
tree, and cached (core.freshness) until the data changes.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from activities import prefill
from activities import selectors as activity_selectors
from activities.models import Dimension
from activities.periods import Period, add_months, month_end, month_start
from branches.models import Organisation
from core.dates import format_date, format_deadline
from core.parts import Parts
from core.review.models import Status
from dashboards import selectors as dashboard_selectors
from honours import selectors as honour_selectors
from honours.models import Level
from obligations import selectors as obligation_selectors

TREND_MONTHS = 12
BEHIND_LIMIT = 5


def link(name: str, **params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    url = reverse(name)
    return f"{url}?{query}" if query else url


def iso(day: date | None) -> str:
    return day.isoformat() if day else ""


@dataclass(frozen=True)
class Figure:
    """One number on a dashboard, the list it comes from, and (optionally) last year's."""

    key: str
    label: str
    value: int | Decimal | str | None  # str only for a table's derived cell (同比 "+4.2%")
    url: str
    unit: str = ""
    previous: int | Decimal | None = None
    previous_url: str = ""
    # What the linked list shows that equals the value: "rows" (its record count), "activities"
    # (its approved activities, a series counted session by session), "persons",
    # "person_times" (its approved totals), "recipients" (honours), or a compliance column
    # ("demanded", "met", "due", "overdue", "unmet").
    measure: str = "rows"

    @property
    def change_percent(self) -> Decimal | None:
        if self.previous in (None, 0) or self.value is None:
            return None
        return ((Decimal(self.value) - Decimal(self.previous)) * 100 / Decimal(self.previous)).quantize(Decimal("0.1"))


@dataclass(frozen=True)
class Chart:
    """A Chart.js chart and the accessible table beside it (the same numbers, linked)."""

    id: str
    title: str
    kind: str  # "bar" or "line"
    labels: list[str]
    datasets: list[dict]  # {"label", "data", "type"?, "stack"?}
    header: list[str]
    rows: list[list]  # first cell a label, then Figures (or plain values)

    horizontal: bool = False

    def config(self) -> dict:
        return {"kind": self.kind, "labels": self.labels, "datasets": self.datasets, "horizontal": self.horizontal}

    @property
    def data_id(self) -> str:
        return f"chart-{self.id}-data"


# --- Periods ----------------------------------------------------------------------------------


def this_month(today: date) -> Period:
    return Period(month_start(today), month_end(today))


def this_half(today: date) -> Period:
    return Period.half_year(today.year, 1 if today.month <= 6 else 2)


def year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def to_date(period: Period, today: date) -> Period:
    """The period up to today (the part of it that has happened)."""
    return Period(period.start, min(period.end, today))


def same_span_last_year(period: Period) -> Period:
    return Period(year_earlier(period.start), year_earlier(period.end))


# --- Activities ---------------------------------------------------------------------------------


def activity_list_url(period: Period, *, status=Status.APPROVED, organisation=None, **params) -> str:
    return link(
        "activities:list",
        status=status,
        date_from=iso(period.start),
        date_to=iso(period.end),
        organisation=organisation.pk if organisation else None,
        **params,
    )


def _counts(parts: Parts, period: Period, group=()) -> dict:
    return activity_selectors.activity_counts_in_parts(group, parts=parts, period=period)


def _total(parts: Parts, period: Period) -> activity_selectors.Counts:
    return _counts(parts, period).get((), activity_selectors.Counts())


def activity_figures(*, parts: Parts, period: Period, previous: Period | None = None, prefix: str = "") -> list[Figure]:
    """Approved activities, participants and person-times in ``period`` (and a year earlier)."""
    now = _total(parts, period)
    before = _total(parts, previous) if previous else None
    url, before_url = activity_list_url(period), activity_list_url(previous) if previous else ""
    return [
        Figure(
            f"{prefix}activities",
            "开展活动",
            now.count,
            url,
            "次",
            before and before.count,
            before_url,
            measure="activities",
        ),
        Figure(
            f"{prefix}participants",
            "参与人数",
            now.persons,
            url,
            "人",
            before and before.persons,
            before_url,
            measure="persons",
        ),
        Figure(
            f"{prefix}person_times",
            "参与人次",
            now.person_times,
            url,
            "人次",
            before and before.person_times,
            before_url,
            measure="person_times",
        ),
    ]


def dimension_table(*, parts: Parts, period: Period) -> tuple[list[Figure], list[dict]]:
    """This period's approved activities by dimension: totals and one row per dimension."""
    by_dimension = _counts(parts, period, "dimension")
    total = activity_selectors.Counts(*(sum(column) for column in zip(*by_dimension.values(), strict=True)))
    url = activity_list_url(period)
    figures = [
        Figure("month_activities", "本月开展活动", total.count, url, "次", measure="activities"),
        Figure("month_participants", "本月参与人数", total.persons, url, "人", measure="persons"),
    ]
    rows = []
    for value, label in Dimension.choices:
        totals = by_dimension.get(value, activity_selectors.Counts())
        list_url = activity_list_url(period, dimension=value)
        rows.append(
            {
                "label": label,
                "count": Figure(
                    f"month_activities:{value}", f"{label}活动", totals.count, list_url, "次", measure="activities"
                ),
                "persons": Figure(
                    f"month_participants:{value}", f"{label}参与人数", totals.persons, list_url, "人", measure="persons"
                ),
            }
        )
    return figures, rows


def trend_chart(*, parts: Parts, today: date, chart_id: str = "trend") -> tuple[Chart, Figure]:
    """Approved activities per month and dimension over the last twelve months, beside the twelve
    before (year on year): two GROUP BY queries."""
    first = add_months(month_start(today), -(TREND_MONTHS - 1))
    # Up to today, and a year earlier up to the same day: the month under way is compared
    # with the same days of last year's month, not with the whole of it.
    span = Period(first, today)
    before = Period(add_months(first, -12), year_earlier(today))
    grouped = _counts(parts, span, ["dimension", "month"])
    previous = _counts(parts, before, "month")
    months = span.months()
    partial = today < month_end(today)
    labels = [f"{m.year}年{m.month}月" for m in months]
    if partial:
        labels[-1] += f"（截至{today.day}日）"
    datasets = []
    for value, label in Dimension.choices:
        data = [grouped.get((value, m), activity_selectors.Counts()).count for m in months]
        datasets.append({"label": label, "data": data, "stack": "now"})
    last_year = [previous.get(add_months(m, -12), activity_selectors.Counts()).count for m in months]
    datasets.append({"label": "去年同月合计", "data": last_year, "type": "line", "stack": "last"})

    header = ["月份", *[label for _, label in Dimension.choices], "合计", "去年同月", "同比"]
    rows = []
    for i, m in enumerate(months):
        month = Period(m, min(month_end(m), today))
        cells = [
            Figure(
                f"trend:{value}:{m:%Y-%m}",
                label,
                datasets[j]["data"][i],
                activity_list_url(month, dimension=value),
                measure="activities",
            )
            for j, (value, label) in enumerate(Dimension.choices)
        ]
        total = sum(cell.value for cell in cells)
        last = Period(add_months(m, -12), min(month_end(add_months(m, -12)), before.end))
        total_figure = Figure(
            f"trend:total:{m:%Y-%m}",
            "合计",
            total,
            activity_list_url(month),
            previous=last_year[i],
            previous_url=activity_list_url(last),
            measure="activities",
        )
        change = total_figure.change_percent
        rows.append(
            [
                labels[i],
                *cells,
                total_figure,
                Figure("", "去年同月", last_year[i], total_figure.previous_url, measure="activities"),
                Figure("", "同比", "—" if change is None else f"{change:+}%", ""),
            ]
        )
    now_total = sum(sum(d["data"]) for d in datasets[:-1])
    named = f"{first.year}年{first.month}月至{format_date(today)}"
    summary = Figure(
        "trend_activities",
        f"近12个月（{named}）开展活动",
        now_total,
        activity_list_url(span),
        "次",
        previous=sum(last_year),
        previous_url=activity_list_url(before),
        measure="activities",
    )
    chart = Chart(chart_id, f"近12个月活动趋势（{named}，按工作维度）", "bar", labels, datasets, header, rows)
    return chart, summary


def organisation_chart(*, parts: Parts, organisation: Organisation, period: Period) -> Chart:
    """Approved activities this period per direct child of ``organisation`` (its whole subtree)."""
    by_child = activity_selectors.activity_counts_by_child(organisation=organisation, parts=parts, period=period)
    labels, data, rows = [], [], []
    for org, totals in by_child:
        own = org.pk == organisation.pk
        name = f"{org.display_name}（本级）" if own else org.display_name
        # A child's row holds its whole subtree; the root's own row only what it logged itself.
        url = activity_list_url(period, organisation=org, own="on" if own else None)
        labels.append(name)
        data.append(totals.count)
        rows.append(
            [
                name,
                Figure(f"org:{org.pk}", name, totals.count, url, "次", measure="activities"),
                Figure(f"org_persons:{org.pk}", name, totals.persons, url, "人", measure="persons"),
            ]
        )
    return Chart(
        "by-organisation",
        "本半年各单位开展活动",
        "bar",
        labels,
        [{"label": "开展活动（次）", "data": data}],
        ["单位", "开展活动（次）", "参与人数"],
        rows,
        horizontal=True,
    )


def records_in_status(*, user, status: str, keys: tuple[str, str], labels: tuple[str, str]) -> list[Figure]:
    """Activity and honour records in ``status`` (submitted: to review; returned: to correct)."""
    activities, honours = dashboard_selectors.records_in_status(user=user, status=status)
    return [
        Figure(keys[0], labels[0], activities, link("activities:list", status=status), "条"),
        Figure(keys[1], labels[1], honours, link("honours:list", status=status), "条"),
    ]


def pending_figures(*, user) -> list[Figure]:
    return records_in_status(
        user=user,
        status=Status.SUBMITTED,
        keys=("pending_review", "pending_honours"),
        labels=("待审核活动", "待审核表彰"),
    )


def returned_figures(*, user) -> list[Figure]:
    return records_in_status(
        user=user,
        status=Status.RETURNED,
        keys=("returned_activities", "returned_honours"),
        labels=("退回待修改的活动", "退回待修改的表彰"),
    )


# --- Honours ------------------------------------------------------------------------------------


def honour_figures(
    *, roots: list[Organisation], period: Period, previous: Period | None = None, key: str = "half_honours"
) -> tuple[Figure, list[Figure]]:
    """Recipients honoured in ``period`` (approved), in total and by level, from honour_summary."""

    def summarise(span: Period):
        return [honour_selectors.honour_summary(organisation=root, start=span.start, end=span.end) for root in roots]

    def url(span: Period, **params) -> str:
        org = roots[0] if len(roots) == 1 else None
        return link(
            "honours:list",
            status=Status.APPROVED,
            start=iso(span.start),
            end=iso(span.end),
            organisation=org.pk if org else None,
            **params,
        )

    now = summarise(period)
    before = summarise(previous) if previous else []
    total = Figure(
        key,
        "获得表彰",
        sum(s.all_recipients for s in now),
        url(period),
        "人（个）",
        measure="recipients",
        previous=sum(s.all_recipients for s in before) if previous else None,
        previous_url=url(previous) if previous else "",
    )
    by_level = [
        Figure(
            f"{key}:{level}",
            label,
            sum(s.recipients_at(level) for s in now),
            url(period, level=level),
            measure="recipients",
        )
        for level, label in Level.choices
    ]
    return total, by_level


# --- Compliance and reminders ---------------------------------------------------------------------


@dataclass(frozen=True)
class BehindRow:
    organisation: str
    figure: Figure
    overdue: int


def compliance_figures(*, user, parts: Parts, today: date) -> tuple[list[Figure], Decimal | None, list[BehindRow]]:
    """This period's compliance (each obligation over its own current period) and the
    organisations furthest behind, from the compliance selector the page uses."""
    result = obligation_selectors.compliance_in_parts(
        parts=parts,
        name=f"compliance:{today.isoformat()}",
        evaluate=lambda within: obligation_selectors.compliance(user=user, today=today, within=within),
        limit=BEHIND_LIMIT,
    )
    total = result.total
    url = link("obligations:compliance")
    figures = [
        Figure("compliance_demanded", "本期应完成（组织×要求）", total.demanded, url, "项", measure="demanded"),
        Figure(
            "compliance_met", "已完成", total.met, link("obligations:compliance", status="met"), "项", measure="met"
        ),
        Figure(
            "compliance_due", "待完成", total.due, link("obligations:compliance", status="due"), "项", measure="due"
        ),
    ]
    behind = [
        BehindRow(
            row.name,
            Figure(
                f"behind:{row.organisation_id}",
                row.name,
                row.tally.unmet,
                link("obligations:compliance", organisation=row.organisation_id, own="on"),
                "项",
                measure="unmet",
            ),
            row.tally.overdue,
        )
        for row in result.behind
    ]
    return figures, total.percent, behind


def reminder_figure(*, user, period: Period) -> Figure:
    filters = obligation_selectors.ReminderFilters(created_from=period.start, created_to=period.end)
    count = obligation_selectors.reminders_for(user=user, filters=filters).count()
    return Figure(
        "month_reminders",
        "本月发出提醒",
        count,
        link("obligations:reminders", created_from=iso(period.start), created_to=iso(period.end)),
        "条",
    )


def delivery_failure_figures(*, user) -> list[Figure]:
    """Reminders whose delivery failed, per channel: the staff board names each channel that is down."""
    return [
        Figure(f"failed_{channel}", f"{label}发送失败", count, link("obligations:reminders", failed=channel), "条")
        for channel, label, count in obligation_selectors.delivery_failures(user=user)
    ]


@dataclass(frozen=True)
class DueItem:
    obligation: str
    organisation: str
    period: str
    progress: str
    days_left: int
    url: str
    fill_url: str = ""  # 去填报: the logging form preset for this item (none for a figure entered monthly)
    deadline: str = ""  # 12月31日截止


@dataclass
class DueGroups:
    month: list[DueItem] = field(default_factory=list)
    quarter: list[DueItem] = field(default_factory=list)
    later: list[DueItem] = field(default_factory=list)


def fill_url(cell, today: date) -> str:
    """去填报 for a due cell: the logging form preset with its organisation, kind and a date in
    its period; for an obligation met by a monthly figure, the figure's entry page."""
    if cell.obligation.uses_indicator:
        return reverse("activities:indicator_entry")
    return prefill.create_url(
        organisation_id=cell.organisation.pk,
        kinds=cell.obligation.activity_kinds,
        on=prefill.due_date(cell.period.start, cell.period.end, today),
    )


def due_figures(*, user, today: date) -> tuple[list[Figure], DueGroups, list[DueItem]]:
    """What is still to do this period, grouped by deadline (this month, this quarter, later),
    and what the last period left undone: due_list, the same as the 待办 page."""
    due = obligation_selectors.due_list(user=user, today=today)
    month_last = month_end(today)
    quarter_last = Period.quarter(today.year, (today.month - 1) // 3 + 1).end
    groups = DueGroups()

    def item(cell) -> DueItem:
        return DueItem(
            cell.obligation.name,
            cell.organisation.display_name,
            cell.period.label,
            cell.progress_display,
            cell.days_left,
            reverse("obligations:cell", args=[cell.organisation.pk, cell.obligation.pk])
            + f"?on={cell.period.start.isoformat()}",
            fill_url=fill_url(cell, today),
            deadline=f"{format_deadline(cell.period.end, today=today)}截止",
        )

    for cell in due.current:
        if cell.period.end <= month_last:
            groups.month.append(item(cell))
        elif cell.period.end <= quarter_last:
            groups.quarter.append(item(cell))
        else:
            groups.later.append(item(cell))
    overdue = [item(cell) for cell in due.overdue]

    def due_by(day: date) -> str:
        return link("obligations:compliance", status="due", ends_by=iso(day))

    # Cards that say different things: a nearer deadline's card only when it holds fewer items
    # than the next (in a quarter's last month the month's and the quarter's are one set).
    figures = []
    if groups.month and (groups.quarter or groups.later):
        figures.append(
            Figure("due_month", "本月到期待完成", len(groups.month), due_by(month_last), "项", measure="due")
        )
    if groups.quarter and groups.later:
        figures.append(
            Figure(
                "due_quarter",
                "本季度内到期待完成",
                len(groups.month) + len(groups.quarter),
                due_by(quarter_last),
                "项",
                measure="due",
            )
        )
    if figures:
        label = "本期待完成（全部）"
    elif due.current and not groups.quarter and not groups.later:
        label = f"本月待办（{format_deadline(month_last, today=today)}前到期）"
    else:
        label = "本期待完成"
    figures += [
        Figure("due_now", label, len(due.current), link("obligations:compliance", status="due"), "项", measure="due"),
        Figure(
            "overdue_last",
            "上期逾期未完成",
            len(due.overdue),
            link("obligations:compliance", period="previous", status="overdue"),
            "项",
            measure="overdue",
        ),
    ]
    return figures, groups, overdue
