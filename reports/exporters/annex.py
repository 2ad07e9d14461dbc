"""The report's statistical annex (.xlsx): one sheet per table, every figure from its selector.

Each sheet is laid out to be read and printed: two caption lines (what the annex is and for
which committee, period, version and compile time), the header with every figure's unit, numbers
grouped by thousands (integers as integers), an autofilter, widths fitted to the content, A4 with
the header repeated on each page. Labels are words, never internal keys; a figure's source is a
full link into the portal (settings.PORTAL_URL).
"""

import re

from django.conf import settings
from django.utils import timezone

from activities import selectors as activity_selectors
from activities.models import Audience, Dimension
from activities.periods import Period
from core.exporters import Sheet, write_workbook
from core.xlsx_stream import Link, SheetLayout
from members.choices import CadreKind

from ..checks import figure_wording, unit_after
from ..content import ReportContent
from ..numbers import Measure

DIMENSIONS = dict(Dimension.choices)
AUDIENCES = dict(Audience.choices)

# The unit a figure counts in when its wording does not say (the annex's 单位 column).
MEASURE_UNITS = {
    Measure.CAMPAIGN_ACTIVITIES: "场",
    Measure.ACTIVITIES: "场",
    Measure.PERSONS: "人",
    Measure.PERSON_TIMES: "人次",
    Measure.READS: "次",
    Measure.POSTS: "期",
    Measure.ORGANISATIONS: "个",
    Measure.ITEMS: "个",
    Measure.HOURS: "小时",
    Measure.MONEY: "元",
    Measure.RATE: "%",
    Measure.CHANGE: "%",
}
SAME_UNIT = {"名": "人", "％": "%"}


def annex_sheets(*, report, content: ReportContent):
    org = report.organisation
    period = Period.half_year(report.year, report.half)
    months = period.months()
    caption = _caption(report)
    yield _figures_sheet(content, caption)
    yield _snapshot_sheet(org, period, caption)
    yield _dimension_month_sheet(org, period, months, caption)
    yield _campaign_sheet(org, period, caption)
    yield _organisation_sheet(org, period, caption)
    yield from _extra_sheets(org, period, caption)
    yield _indicator_sheet(org, period, caption)


def render_annex(*, report, content: ReportContent) -> bytes:
    data, _ = write_workbook(annex_sheets(report=report, content=content))
    return data


def _caption(report):
    """The two lines above each sheet's table; the sheet's own name completes the first."""
    period = Period.half_year(report.year, report.half)
    state = "已定稿" if report.is_final else "草稿"
    compiled = timezone.localtime(report.compiled_at or timezone.now())
    first = f"{report.organisation.display_name}{report.year}年{report.get_half_display()}工作总结统计附表"
    second = (
        f"编制单位：{report.organisation.name}　"
        f"统计期间：{period.start.year}年{period.start.month}月{period.start.day}日至"
        f"{period.end.month}月{period.end.day}日　"
        f"版本：第{report.version}版（{state}）　"
        f"编制时间：{compiled:%Y-%m-%d %H:%M}"
    )

    def lines(sheet: str) -> tuple[str, str]:
        return f"{first}——{sheet}", second

    return lines


def _layout(caption, sheet: str, *, landscape: bool = False) -> SheetLayout:
    return SheetLayout(
        caption=caption(sheet),
        grouped_numbers=True,
        autofilter=True,
        fit_widths=True,
        orientation="landscape" if landscape else "portrait",
    )


def _number(value):
    """Integral values as integers (28152, not 28152.0); None stays empty."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def plain_label(text: str) -> str:
    """A label as a reader expects it: no doubled quotation marks (““五四””) and quotes inside
    quotes written as single quotes (“2024年‘我们的节日’主题教育”), as Chinese typesetting does."""
    text = re.sub(r"“{2,}", "“", re.sub(r"”{2,}", "”", text))
    result, depth = [], 0
    for ch in text:
        if ch == "“":
            result.append("‘" if depth else "“")
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
            result.append("’" if depth else "”")
        else:
            result.append(ch)
    return "".join(result)


def portal_link(path: str):
    """A figure's source as a full, clickable address in the portal."""
    if not path:
        return None
    url = path if re.match(r"https?://", path) else f"{settings.PORTAL_URL.rstrip('/')}/{path.lstrip('/')}"
    return Link(url, url)


def _figures_sheet(content: ReportContent, caption) -> Sheet:
    def rows():
        sections = [("开头", [content.opening])]
        sections += [(f"一、{sub.title}", sub.items) for sub in content.achievements]
        sections += [("二、存在问题", content.problems), ("三、下半年工作计划", content.plan)]
        for section, items in sections:
            for item in items:
                if not item.figures:
                    continue
                wording = figure_wording(item)
                text = item.render()
                for name, figure in item.figures.items():
                    unit = figure.unit or unit_after(item.compiled_template, name) or MEASURE_UNITS.get(figure.measure)
                    yield (
                        section,
                        text,
                        plain_label(figure.label) or name,
                        _number(figure.value),
                        SAME_UNIT.get(unit, unit or ""),
                        wording[name],
                        _number(figure.previous),
                        portal_link(figure.link),
                    )

    header = ["部分", "条目（报告原文）", "数据项", "数值", "单位", "报告中写作", "去年同期", "数据来源"]
    return Sheet(
        "报告数据",
        header,
        rows(),
        widths=[12, 30, 20, 8, 6, 14, 10, 30],
        layout=_layout(caption, "报告数据", landscape=True),
    )


def _snapshot_sheet(org, period, caption) -> Sheet:
    """组织概况 at the end of the half: what the register says, what was recorded, what was used."""
    from members.models import RecordedCount
    from members.snapshot import committee_snapshot

    on = min(period.end, timezone.localdate())
    snapshot = committee_snapshot(organisation=org, on=on)
    as_of = f"{on:%Y-%m-%d}"

    def rows():
        for _, label, n in snapshot.organisation_parts():
            yield (label, "个", n, n, "本系统组织树", as_of)
        for label, unit, figure in (
            ("团员", "名", snapshot.league_members),
            ("少先队员", "名", snapshot.young_pioneers),
        ):
            yield (label, unit, figure.value, figure.register, figure.source_label, as_of)
        for kind, label in CadreKind.choices:
            if snapshot.cadres.get(kind):
                yield (f"{label}团干部", "名", snapshot.cadres[kind], snapshot.cadres[kind], "本系统名册", as_of)
        if snapshot.counsellors:
            yield ("少先队辅导员", "名", snapshot.counsellors, snapshot.counsellors, "本系统名册", as_of)
        for base in snapshot.bases:
            label = f"{base.level_word}{base.kind_label}"
            yield (label, "个", base.count, base.count, "本系统阵地登记", as_of)
        counts = RecordedCount.objects.filter(organisation__path__startswith=org.path, as_of__lte=on).select_related(
            "organisation"
        )
        for count in counts:
            for label, value in (
                ("团员", count.league_members),
                ("少先队员", count.young_pioneers),
                ("团支部", count.branches),
            ):
                if value is not None:
                    source = f"{count.get_source_display()}：{count.organisation.name}"
                    yield (
                        f"填报统计数：{label}",
                        "名" if label != "团支部" else "个",
                        value,
                        None,
                        source,
                        f"{count.as_of:%Y-%m-%d}",
                    )

    header = ["项目", "单位", "采用数", "本系统名册数", "来源", "截至日期"]
    return Sheet("组织概况", header, rows(), layout=_layout(caption, "组织概况"))


def _dimension_month_sheet(org, period, months, caption) -> Sheet:
    grouped = activity_selectors.activity_totals_by_dimension_month(organisation=org, period=period)

    def rows():
        for code, label in Dimension.choices:
            counts = [grouped.get((code, m)).count if (code, m) in grouped else 0 for m in months]
            persons = [grouped.get((code, m)).person_times if (code, m) in grouped else 0 for m in months]
            yield (label, "活动场次（场）", *counts, sum(counts))
            yield (label, "参与人次（人次）", *persons, sum(persons))
        totals = [sum(t.count for (d, m), t in grouped.items() if m == month) for month in months]
        yield ("合计", "活动场次（场）", *totals, sum(totals))

    header = ["工作维度", "指标（单位）", *[f"{m.month}月" for m in months], "合计"]
    return Sheet("按维度和月份", header, rows(), layout=_layout(caption, "按维度和月份", landscape=True))


def _campaign_sheet(org, period, caption) -> Sheet:
    def rows():
        for row in activity_selectors.activity_totals_by_campaign(organisation=org, period=period):
            by = row.by_audience
            yield (
                plain_label(row.campaign.name),
                DIMENSIONS.get(row.campaign.dimension, row.campaign.dimension),
                row.totals.count,
                row.totals.persons,
                row.totals.person_times,
                *[by[a].persons if a in by else 0 for a in AUDIENCES],
            )

    header = [
        "主题活动",
        "工作维度",
        "活动场次（场）",
        "参与人数（人）",
        "参与人次（人次）",
        *[f"{label}（人）" for label in AUDIENCES.values()],
    ]
    return Sheet("按主题活动", header, rows(), layout=_layout(caption, "按主题活动", landscape=True))


def _organisation_sheet(org, period, caption) -> Sheet:
    def rows():
        for row in activity_selectors.activity_totals_by_organisation(organisation=org, period=period):
            name = row.organisation.name if row.organisation.pk != org.pk else f"{org.name}（本级）"
            hours = _number(row.totals.hours)
            yield (name, row.totals.count, row.totals.persons, row.totals.person_times, hours)

    header = ["组织（含下级）", "活动场次（场）", "参与人数（人）", "参与人次（人次）", "学习时长（小时）"]
    return Sheet("按组织", header, rows(), layout=_layout(caption, "按组织"))


def _extra_sheets(org, period, caption):
    yield _honours_sheet(org, period, caption)
    yield _compliance_sheet(org, period, caption)
    yield _recruitment_sheet(org, period, caption)
    from resources.exporters import annex_sheets as resource_sheets

    yield from resource_sheets(organisation=org, period=period, layout=lambda sheet: _layout(caption, sheet))


def _honours_sheet(org, period, caption) -> Sheet:
    from honours.models import UNITS, Direction, RecipientKind
    from honours.selectors import honour_summary

    summary = honour_summary(organisation=org, start=period.start, end=period.end)

    def rows():
        for direction, label in Direction.choices:
            for row in summary.table(direction=direction):
                yield (label, row["label"], *row["cells"], row["total"])

    kinds = [f"{label}（{SAME_UNIT.get(UNITS[kind], UNITS[kind])}）" for kind, label in RecipientKind.choices]
    header = ["类别", "级别", *kinds, "合计（人、个、项）"]
    return Sheet("表彰", header, rows(), layout=_layout(caption, "表彰", landscape=True))


def _compliance_sheet(org, period, caption) -> Sheet:
    from obligations.selectors import compliance_over

    over = compliance_over(span=period, organisation=org)

    def row(name: str, obligation, tally) -> tuple:
        return (
            name,
            obligation.name,
            tally.demanded,
            tally.met,
            tally.overdue,
            tally.due,
            _number(tally.percent),
        )

    def rows():
        for obligation, tally in over.tallies():
            yield row("（全部组织）", obligation, tally)
        for organisation, tallies in over.by_organisation():
            for obligation, tally in zip(over.obligations, tallies, strict=True):
                if tally is not None:
                    yield row(organisation.name, obligation, tally)

    header = ["组织", "考核事项", "应开展（次）", "按期完成（次）", "逾期未完成（次）", "进行中（次）", "完成率（%）"]
    return Sheet("组织生活", header, rows(), layout=_layout(caption, "组织生活", landscape=True))


def _recruitment_sheet(org, period, caption) -> Sheet:
    from members.choices import Stage
    from members.selectors import cohort_ratios, recruitment_figures

    figures = recruitment_figures(start=period.start, end=period.end, organisation=org)
    graduation_year = period.end.year

    def rows():
        yield ("发展团员", "递交入团申请", figures.applied, "人")
        yield ("发展团员", "接收为团员", figures.admitted, "人")
        yield ("发展团员", "终止", figures.stopped, "人")
        for stage, n in figures.in_progress.items():
            yield ("期末在培养", Stage(stage).label, n, "人")
        for ratio in cohort_ratios(organisation=org, graduation_year=graduation_year):
            yield (f"{graduation_year}届毕业班团青比", str(ratio.cohort), _number(ratio.percent), "%")

    return Sheet("发展团员", ["类别", "项目", "数值", "单位"], rows(), layout=_layout(caption, "发展团员"))


def _indicator_sheet(org, period, caption) -> Sheet:
    indicators, months, cells, totals = activity_selectors.indicator_monthly(None, organisation=org, period=period)

    def rows():
        for ind in indicators:
            values = [_number(cells[(ind.code, m)].value) for m in months]
            yield (plain_label(ind.name), ind.unit, *values, _number(totals[ind.code].value))

    header = ["指标", "单位", *[f"{m.month}月" for m in months], "半年"]
    return Sheet("指标", header, rows(), layout=_layout(caption, "指标", landscape=True))
