"""The report's statistical annex (.xlsx): one sheet per table, every figure from its selector."""

from activities import selectors as activity_selectors
from activities.models import Audience, Dimension
from activities.periods import Period
from core.exporters import Sheet, write_workbook

from ..content import ReportContent

DIMENSIONS = dict(Dimension.choices)
AUDIENCES = dict(Audience.choices)


def annex_sheets(*, report, content: ReportContent):
    org = report.organisation
    period = Period.half_year(report.year, report.half)
    months = period.months()
    yield _figures_sheet(content)
    yield _dimension_month_sheet(org, period, months)
    yield _campaign_sheet(org, period)
    yield _organisation_sheet(org, period)
    yield from _extra_sheets(org, period)
    yield _indicator_sheet(org, period)


def _extra_sheets(org, period):
    yield _honours_sheet(org, period)
    yield _compliance_sheet(org, period)
    yield _recruitment_sheet(org, period)


def _honours_sheet(org, period) -> Sheet:
    from honours.models import Direction, RecipientKind
    from honours.selectors import honour_summary

    summary = honour_summary(organisation=org, start=period.start, end=period.end)

    def rows():
        for direction, label in Direction.choices:
            for row in summary.table(direction=direction):
                yield (label, row["label"], *row["cells"], row["total"])

    header = ["类别", "级别", *[label for _, label in RecipientKind.choices], "合计"]
    return Sheet("表彰", header, rows(), widths=[8, 14, *[10] * len(RecipientKind.choices), 8])


def _compliance_sheet(org, period) -> Sheet:
    from obligations.selectors import compliance_over

    over = compliance_over(span=period, organisation=org)

    def cell(tally):
        return "" if tally is None else f"{tally.met}/{tally.demanded}"

    def row(name: str, obligation, tally) -> tuple:
        percent = float(tally.percent) if tally.percent is not None else None
        return (name, obligation.name, tally.demanded, tally.met, tally.overdue, tally.due, percent)

    def rows():
        for obligation, tally in over.tallies():
            yield row("（全部组织）", obligation, tally)
        for organisation, tallies in over.by_organisation():
            for obligation, tally in zip(over.obligations, tallies, strict=True):
                if tally is not None:
                    yield row(organisation.name, obligation, tally)

    header = ["组织", "考核事项", "应开展（周期）", "按期完成", "逾期未完成", "进行中", "完成率（%）"]
    return Sheet("组织生活", header, rows(), widths=[36, 24, 12, 10, 10, 8, 10])


def _recruitment_sheet(org, period) -> Sheet:
    from members.choices import Stage
    from members.selectors import cohort_ratios, recruitment_figures

    figures = recruitment_figures(start=period.start, end=period.end, organisation=org)
    graduation_year = period.end.year

    def rows():
        yield ("发展团员", "递交入团申请", figures.applied)
        yield ("发展团员", "接收为团员", figures.admitted)
        yield ("发展团员", "终止", figures.stopped)
        for stage, n in figures.in_progress.items():
            yield ("期末在培养", Stage(stage).label, n)
        for ratio in cohort_ratios(organisation=org, graduation_year=graduation_year):
            percent = float(ratio.percent) if ratio.percent is not None else None
            yield (f"{graduation_year}届毕业班团青比", str(ratio.cohort), percent)

    return Sheet("发展团员", ["类别", "项目", "数值"], rows(), widths=[18, 36, 10])


def render_annex(*, report, content: ReportContent) -> bytes:
    data, _ = write_workbook(annex_sheets(report=report, content=content))
    return data


def _figures_sheet(content: ReportContent) -> Sheet:
    def rows():
        sections = [("开头", [content.opening])]
        sections += [(f"一、{sub.title}", sub.items) for sub in content.achievements]
        sections += [("二、存在问题", content.problems), ("三、下半年工作计划", content.plan)]
        for section, items in sections:
            for item in items:
                for figure in item.figures.values():
                    yield (
                        section,
                        item.key,
                        figure.label,
                        figure.value,
                        figure.unit,
                        figure.render(),
                        figure.previous,
                        figure.link,
                    )

    return Sheet(
        "报告数据",
        ["部分", "条目", "数据项", "数值", "单位", "报告中写作", "去年同期", "数据来源"],
        rows(),
        widths=[18, 22, 30, 12, 6, 14, 10, 60],
    )


def _dimension_month_sheet(org, period, months) -> Sheet:
    grouped = activity_selectors.activity_totals_by_dimension_month(organisation=org, period=period)

    def rows():
        for code, label in Dimension.choices:
            counts = [grouped.get((code, m)).count if (code, m) in grouped else 0 for m in months]
            persons = [grouped.get((code, m)).person_times if (code, m) in grouped else 0 for m in months]
            yield (label, "活动场次", *counts, sum(counts))
            yield (label, "参与人次", *persons, sum(persons))
        totals = [sum(t.count for (d, m), t in grouped.items() if m == month) for month in months]
        yield ("合计", "活动场次", *totals, sum(totals))

    header = ["工作维度", "指标", *[f"{m.month}月" for m in months], "合计"]
    return Sheet("按维度和月份", header, rows(), widths=[12, 10, *[8] * len(months), 10])


def _campaign_sheet(org, period) -> Sheet:
    def rows():
        for row in activity_selectors.activity_totals_by_campaign(organisation=org, period=period):
            by = row.by_audience
            yield (
                row.campaign.name,
                DIMENSIONS.get(row.campaign.dimension, row.campaign.dimension),
                row.totals.count,
                row.totals.persons,
                row.totals.person_times,
                *[by[a].persons if a in by else 0 for a in AUDIENCES],
            )

    header = [
        "主题活动",
        "工作维度",
        "活动场次",
        "参与人数",
        "参与人次",
        *[f"{label}（人）" for label in AUDIENCES.values()],
    ]
    return Sheet("按主题活动", header, rows(), widths=[28, 10, 10, 10, 10, 12, 12, 12, 12])


def _organisation_sheet(org, period) -> Sheet:
    def rows():
        for row in activity_selectors.activity_totals_by_organisation(organisation=org, period=period):
            name = row.organisation.name if row.organisation.pk != org.pk else f"{org.name}（本级）"
            yield (name, row.totals.count, row.totals.persons, row.totals.person_times, float(row.totals.hours))

    return Sheet(
        "按组织",
        ["组织（含下级）", "活动场次", "参与人数", "参与人次", "学习时长（小时）"],
        rows(),
        widths=[40, 10, 10, 10, 14],
    )


def _indicator_sheet(org, period) -> Sheet:
    indicators, months, cells, totals = activity_selectors.indicator_monthly(None, organisation=org, period=period)

    def value(figure):
        return None if figure.value is None else float(figure.value)

    def rows():
        for ind in indicators:
            yield (ind.name, ind.unit, *[value(cells[(ind.code, m)]) for m in months], value(totals[ind.code]))

    header = ["指标", "单位", *[f"{m.month}月" for m in months], "半年"]
    return Sheet("指标", header, rows(), widths=[28, 6, *[10] * len(months), 12])
