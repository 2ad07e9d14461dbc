"""Report items from activities and the indicators: campaigns, series, notable ones, outreach."""

import re
from collections import defaultdict

from activities import selectors
from activities.models import ActivityKind, Audience

from ..content import Item
from ..numbers import Measure, percent_change
from .context import BuildResult, CompileContext

AUDIENCE_WORDS = {
    Audience.MEMBERS_YOUTH: ("名", "团员青年"),
    Audience.PIONEERS: ("名", "少先队员"),
    Audience.CADRES: ("名", "团干部"),
    Audience.PUBLIC: ("人次", "群众"),  # written 服务群众N人次
}

# Kinds reported through organisational life (the compliance figures), not as series.
ORGANISATIONAL_LIFE = {
    ActivityKind.GENERAL_MEETING,
    ActivityKind.COMMITTEE_MEETING,
    ActivityKind.GROUP_MEETING,
    ActivityKind.LEAGUE_LECTURE,
    ActivityKind.REGULAR_MEETING,
    ActivityKind.THEMATIC_STUDY,
}

KIND_LABELS = dict(ActivityKind.choices)


# A campaign of a season (五四, 六一, 学雷锋月) is a mass mobilisation: the report gives its scale
# (30余场). A standing programme that runs through the half year or longer (the 雷锋超市
# festival series) counts its sessions exactly (26场).
SEASONAL_CAMPAIGN_DAYS = 92


def _same_campaign(name: str) -> str:
    """Campaign names recur yearly with the year in them: compare without digits and 年."""
    return re.sub(r"\d{4}年?|第[一二三四五六七八九十\d]+届", "", name).strip()


def _quoted(name: str) -> str:
    """The campaign's name as the report writes it: without the year, in quotes unless it has them."""
    name = re.sub(r"^\d{4}年", "", name).strip()
    return name if "“" in name else f"“{name}”"


def _change(current, previous):
    change = percent_change(current, previous)
    return None if change is None else round(change, 1)


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    org, period = ctx.organisation, ctx.period

    # Opening: everything approved in the half, against the same half last year.
    totals = selectors.activity_totals(organisation=org, period=period)
    if totals.count:
        previous = selectors.activity_totals(organisation=org, period=ctx.previous)
        result.opening_figures["activities"] = ctx.figure(
            totals.count,
            "场",
            Measure.ACTIVITIES,
            label="各类活动场次",
            link=ctx.activities_link(),
            previous=previous.count,
        )
        result.opening_figures["person_times"] = ctx.figure(
            totals.person_times, "", Measure.PERSON_TIMES, label="参与人次", link=ctx.activities_link()
        )
        change = _change(totals.count, previous.count)
        if change is not None:
            result.opening_figures["activities_yoy"] = ctx.figure(
                change, "%", Measure.CHANGE, label="活动场次同比变化", link=ctx.activities_link(ctx.previous)
            )

    _campaign_items(ctx, result)
    _series_items(ctx, result)
    _notable_items(ctx, result)
    return result


def _campaign_items(ctx: CompileContext, result: BuildResult) -> None:
    rows = selectors.activity_totals_by_campaign(organisation=ctx.organisation, period=ctx.period)
    if not rows:
        return
    kinds = selectors.activity_totals_by(["campaign", "kind"], organisation=ctx.organisation, period=ctx.period)
    previous = {
        _same_campaign(row.campaign.name): row
        for row in selectors.activity_totals_by_campaign(organisation=ctx.organisation, period=ctx.previous)
    }

    def seasonal_of(campaign) -> bool:
        return (campaign.end_date - campaign.start_date).days <= SEASONAL_CAMPAIGN_DAYS

    # The season's campaigns in date order, then the standing programmes.
    for row in sorted(rows, key=lambda r: (not seasonal_of(r.campaign), r.campaign.start_date, r.campaign.name)):
        campaign = row.campaign
        link = ctx.activities_link(campaign=campaign.pk)
        seasonal = seasonal_of(campaign)
        measure = Measure.CAMPAIGN_ACTIVITIES if seasonal else Measure.ACTIVITIES
        figures = {"count": ctx.figure(row.totals.count, "场", measure, label=f"“{campaign.name}”活动场次", link=link)}
        campaign_kinds = sorted(
            ((totals.count, kind) for (cid, kind), totals in kinds.items() if cid == campaign.pk), reverse=True
        )
        kind_words = "、".join(KIND_LABELS[k] for _, k in campaign_kinds[:2])
        more = "等" if len(campaign_kinds) > 1 else ""
        coverage = []
        for audience, totals in sorted(row.by_audience.items(), key=lambda kv: -kv[1].persons):
            if not totals.persons:
                continue
            unit, word = AUDIENCE_WORDS.get(audience, ("人", "人"))
            name = f"persons_{audience}"
            figures[name] = ctx.figure(
                totals.persons,
                "",
                Measure.PERSONS,
                label=f"“{campaign.name}”覆盖{word}",
                link=ctx.activities_link(campaign=campaign.pk, audience=audience),
            )
            coverage.append(f"服务群众{{{name}}}人次" if audience == Audience.PUBLIC else f"覆盖{{{name}}}{unit}{word}")
        if row.totals.count < 3:
            # One or two events are named, not counted: 开展“保护母亲河·争当河小青”活动.
            del figures["count"]
            text = (
                f"组织开展{_quoted(campaign.name)}{'' if _quoted(campaign.name).endswith(('活动', '行动')) else '活动'}"
            )
        elif seasonal:
            text = f"在{_quoted(campaign.name)}期间组织基层团组织开展{kind_words}{more}活动{{count}}"
        else:
            text = f"常态化开展{_quoted(campaign.name)}，开展{kind_words}{more}活动{{count}}"
        if coverage:
            text += "，" + "、".join(coverage)
        before = previous.get(_same_campaign(campaign.name))
        if before is not None and "count" in figures:
            figures["count"].previous = before.totals.count
            change = _change(row.totals.count, before.totals.count)
            if change is not None:
                figures["count_yoy"] = ctx.figure(
                    change, "%", Measure.CHANGE, label="活动场次同比变化", link=ctx.activities_link(ctx.previous)
                )
                text += "，活动场次较去年同期{count_yoy}"
        result.achievements.append(
            (campaign.dimension, Item(key=f"campaign:{campaign.pk}", template=text, figures=figures))
        )


def _series_items(ctx: CompileContext, result: BuildResult) -> None:
    """Activities outside any campaign, by dimension and kind (organisational life excluded)."""
    # ``campaign=None`` means "no filter" to the selector: group by campaign and keep the empty one.
    grouped = selectors.activity_totals_by(
        ["dimension", "kind", "campaign"], organisation=ctx.organisation, period=ctx.period
    )
    outside = {(d, k): (t.count, t.person_times) for (d, k, campaign_id), t in grouped.items() if campaign_id is None}
    for (dimension, kind), (count, person_times) in sorted(outside.items()):
        if kind in ORGANISATIONAL_LIFE or kind == ActivityKind.OTHER or not count:
            continue
        link = ctx.activities_link(kind=kind, dimension=dimension)
        figures = {
            "count": ctx.figure(count, "场", Measure.ACTIVITIES, label=f"{KIND_LABELS[kind]}活动场次", link=link),
        }
        text = f"开展{KIND_LABELS[kind]}活动{{count}}"
        if person_times:
            figures["person_times"] = ctx.figure(
                person_times, "", Measure.PERSON_TIMES, label=f"{KIND_LABELS[kind]}参与人次", link=link
            )
            text += "，参与{person_times}人次"
        result.achievements.append((dimension, Item(key=f"series:{dimension}:{kind}", template=text, figures=figures)))


def _notable_items(ctx: CompileContext, result: BuildResult) -> None:
    by_dimension: dict[str, list[str]] = defaultdict(list)
    for activity in selectors.notable_activities(organisation=ctx.organisation, period=ctx.period).order_by(
        "start_date", "pk"
    ):
        title = activity.title.strip()
        if title not in by_dimension[activity.dimension]:
            by_dimension[activity.dimension].append(title)
    for dimension, titles in by_dimension.items():
        # Titles carry their own quotation marks (“情满旅途”返乡快车道行动): listed as they are.
        listed = "、".join(titles)
        text = f"组织开展的{listed}等活动广受青年好评"
        result.achievements.append((dimension, Item(key=f"notable:{dimension}", template=text)))
