"""Report items from activities: the half's totals, campaigns, the other work of each dimension,
and the activities staff marked as notable.

How they are written (docs/report-writing.md gives the reasons):

* a campaign is one item: its own phrase (“六一”期间, 围绕…主题) or, for a name that is a
  time (…节, …月, …日), 在…期间; who held it (学校团委, 少先队大队 …, read from the holders'
  kinds); what kinds of activity; its scale; who was covered. Notable activities of the
  campaign are named inside it, never again in the list of well-received activities;
* the other activities of a dimension are one merged sentence that names what was done
  (the leading titles) with the kinds, count and person-times: never a bare
  "开展X活动N场" item per kind;
* a fall against last year is not an achievement: it goes to 存在问题 with its size.
"""

import re
from collections import defaultdict

from django.urls import reverse

from activities import selectors
from activities.models import ActivityKind, Audience
from activities.selectors import Totals

from ..content import Item
from ..numbers import Measure, approximation, percent_change
from .context import BuildResult, CompileContext, audience_word

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

# A campaign name that is itself a time (a festival, a month, a day, a holiday) reads 在…期间.
TIME_NAME = re.compile(r"(节|月|周|日|假期|寒假|暑假|期间)[”」]?$")
# How many titles a merged sentence names.
TITLES_NAMED = 3
# How many records of a series a dimension writes in their own words (the largest).
SERIES_NAMED = 3


def _same_campaign(name: str) -> str:
    """Campaign names recur yearly with the year in them: compare without digits and 年."""
    return re.sub(r"\d{4}年?|第[一二三四五六七八九十\d]+届", "", name).strip()


def quoted_name(name: str) -> str:
    """The campaign's name as the report writes it: without the year, in quotes unless it has them."""
    name = re.sub(r"^\d{4}年", "", name).strip()
    return name if "“" in name else f"“{name}”"


def _as_activity(name: str) -> str:
    """A name that does not already say what it is gets 活动: “保护母亲河”活动, 青年文化节 stays."""
    return name if re.search(r"(活动|行动|比赛|大赛|竞赛|培训|宣讲|教育|节|月|日|周)[”」]?$", name) else f"{name}活动"


def _bare(name: str) -> str:
    """A name without its year, quotation marks and a trailing 活动, for comparing spellings."""
    return re.sub(r"活动$", "", re.sub(r"\d{4}年?|[“”\"'「」]", "", name).strip())


def _change(current, previous):
    change = percent_change(current, previous)
    return None if change is None else round(change, 1)


def _titles(titles: list[str]) -> str:
    return "、".join(titles)


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    org, period = ctx.organisation, ctx.period

    # Opening: everything approved in the half, against the same half last year.
    totals = selectors.activity_totals(organisation=org, period=period)
    if totals.count:
        previous = selectors.activity_totals(organisation=org, period=ctx.previous)
        audiences = [
            a for a, t in selectors.activity_totals_by("audience", organisation=org, period=period).items() if t.count
        ]
        link = ctx.activities_link()
        figures = {
            "activities": ctx.figure(
                totals.count,
                totals.count_unit,
                Measure.ACTIVITIES,
                label="各类活动场次",
                link=link,
                previous=previous.count,
            ),
        }
        text = f"{ctx.half_word}，{ctx.grassroots}共开展各类活动{{activities}}"
        if person_times := summed_figure(ctx, totals, "person_times", "", Measure.PERSON_TIMES, "参与人次", link):
            figures["person_times"] = person_times
            text += f"，参与{audience_word(audiences)}{{person_times}}人次"
        change = _change(totals.count, previous.count)
        if change is not None and change > 0:
            figures["activities_yoy"] = ctx.figure(
                change, "%", Measure.CHANGE, label="活动场次同比变化", link=ctx.activities_link(ctx.previous)
            )
            text += "，活动场次较去年同期{activities_yoy}"
        elif change is not None and change < 0:
            result.problems.append(
                _fall_problem(ctx, "problem:activities_fall", "开展各类活动", totals.count, previous.count, "场")
            )
        result.opening.append((text + "。", figures))

    notable = list(selectors.notable_activities(organisation=org, period=period).order_by("start_date", "pk"))
    _campaign_items(ctx, result, notable)
    written = _series_items(ctx, result, notable)
    _notable_items(ctx, result, [a for a in notable if a.pk not in written])
    return result


def summed_figure(ctx: CompileContext, totals, which: str, unit: str, measure: Measure, label: str, link: str):
    """The persons or person-times of ``totals`` as the report may write them, or None when they
    must be left out: unknown figures are not zero, and approximate ones are never written exact
    (``reports.numbers.approximation`` decides, the same rule as the indicators')."""
    value = getattr(totals, which)
    how = approximation(**totals.sources(which))
    if not value or how is None:
        return None
    return ctx.figure(value, unit, measure, label=label, link=link).qualify(how)


def _fall_problem(ctx: CompileContext, key: str, what: str, current, previous, unit: str) -> Item:
    """A count that fell against the same half last year, stated with its true size."""
    figures = {
        "current": ctx.figure(current, unit, Measure.ACTIVITIES, label=what, previous=previous),
        "previous": ctx.figure(previous, unit, Measure.ACTIVITIES, label=f"{what}（去年同期）"),
        "change": ctx.figure(_change(current, previous), "%", Measure.CHANGE, label=f"{what}同比变化"),
    }
    text = f"{ctx.half_word}{what}{{current}}，较去年同期的{{previous}}{{change}}，工作的经常性有待加强"
    return Item(key, text, figures)


def _campaign_items(ctx: CompileContext, result: BuildResult, notable: list) -> None:
    rows = selectors.activity_totals_by_campaign(organisation=ctx.organisation, period=ctx.period)
    if not rows:
        return
    kinds = selectors.activity_totals_by(["campaign", "kind"], organisation=ctx.organisation, period=ctx.period)
    holders = selectors.activity_totals_by(
        ["campaign", "organisation_kind"], organisation=ctx.organisation, period=ctx.period
    )
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
        figures = {
            "count": ctx.figure(
                row.totals.count,
                row.totals.count_unit,
                measure,
                label=f"{quoted_name(campaign.name)}活动场次",
                link=link,
            )
        }
        campaign_kinds = sorted(
            ((totals.count, kind) for (cid, kind), totals in kinds.items() if cid == campaign.pk), reverse=True
        )
        kind_words = "、".join(KIND_LABELS[k] for _, k in campaign_kinds[:2])
        more = "等" if len(campaign_kinds) > 2 else ""
        organiser = ctx.organiser({kind: t.count for (cid, kind), t in holders.items() if cid == campaign.pk})
        coverage = []
        for audience, totals in sorted(row.by_audience.items(), key=lambda kv: -kv[1].persons):
            unit, word = AUDIENCE_WORDS.get(audience, ("人", "人"))
            name = f"persons_{audience}"
            covered = summed_figure(
                ctx,
                totals,
                "persons",
                "",
                Measure.PERSONS,
                f"{quoted_name(campaign.name)}覆盖{word}",
                ctx.activities_link(campaign=campaign.pk, audience=audience),
            )
            if covered is None:
                continue
            figures[name] = covered
            coverage.append(f"服务群众{{{name}}}人次" if audience == Audience.PUBLIC else f"覆盖{{{name}}}{unit}{word}")

        # A notable activity that is the campaign itself under another spelling is not named twice.
        own_notable = [
            a.title.strip() for a in notable if a.campaign_id == campaign.pk and _bare(a.title) != _bare(campaign.name)
        ]
        named = quoted_name(campaign.name)
        phrase = campaign.phrase.strip().rstrip("，,")
        time_named = not phrase and seasonal and TIME_NAME.search(named)
        if time_named:
            phrase = f"在{named}期间"
        if row.totals.count < 3:
            # One or two events are named, not counted: 开展“保护母亲河·争当河小青”柳江河畔清洁行动.
            del figures["count"]
            if own_notable:
                what = _titles(own_notable)
            elif phrase:
                what = f"{kind_words}活动"  # the phrase (staff's, or 在…期间) already names the campaign
            else:
                what = _as_activity(named)
            text = f"{phrase}，{organiser}开展{what}" if phrase else f"{organiser or '组织'}开展{what}"
            own_notable = []
        elif not seasonal:
            text = f"常态化开展{_as_activity(named)}，{organiser}开展{kind_words}{more}活动{{count}}"
        elif phrase:
            text = f"{phrase}，{organiser}开展{kind_words}{more}活动{{count}}"
        else:
            text = f"{organiser}开展{_as_activity(named)}，举办{kind_words}{more}活动{{count}}"
        if own_notable:
            text += f"，其中{_titles(own_notable)}反响良好"
        if coverage:
            text += "，" + "、".join(coverage)
        before = previous.get(_same_campaign(campaign.name))
        if before is not None and "count" in figures:
            figures["count"].previous = before.totals.count
            change = _change(row.totals.count, before.totals.count)
            if change is not None and change > 0:
                figures["count_yoy"] = ctx.figure(
                    change, "%", Measure.CHANGE, label="活动场次同比变化", link=ctx.activities_link(ctx.previous)
                )
                text += "，活动场次较去年同期{count_yoy}"
        result.achievements.append(
            (campaign.dimension, Item(key=f"campaign:{campaign.pk}", template=text.lstrip("，"), figures=figures))
        )


def _series_items(ctx: CompileContext, result: BuildResult, notable: list) -> set[int]:
    """Records that stand for a series are written each in its own words; the other activities
    of each dimension (outside campaigns and organisational life) as one sentence per dimension
    that names what was done. Returns the records written on their own."""
    written = _own_series_items(ctx, result)
    grouped = selectors.activity_totals_by(
        ["dimension", "kind", "campaign"], organisation=ctx.organisation, period=ctx.period, exclude_ids=written
    )
    by_dimension: dict[str, list[tuple[str, Totals]]] = defaultdict(list)
    for (dimension, kind, campaign_id), t in grouped.items():
        if campaign_id is None and kind not in ORGANISATIONAL_LIFE and t.count:
            by_dimension[dimension].append((kind, t))
    named_elsewhere = {a.title.strip() for a in notable if a.pk not in written}
    for dimension, rows in sorted(by_dimension.items()):
        rows.sort(key=lambda r: (-r[1].count, r[0]))
        kinds = [kind for kind, _ in rows]
        totals = sum((t for _, t in rows), Totals())
        count = totals.count
        titles = [
            t
            for t in selectors.leading_titles(
                limit=TITLES_NAMED + len(named_elsewhere),
                outside_campaigns=True,
                organisation=ctx.organisation,
                period=ctx.period,
                dimension=dimension,
                kind=kinds,
                exclude_ids=written,
            )
            if t not in named_elsewhere
        ][:TITLES_NAMED]
        if not titles:
            # Every one of them is notable and named in the list below: not counted again here.
            continue
        link = ctx.activities_link(dimension=dimension)
        kind_words = "、".join(KIND_LABELS[k] for k in kinds[:3] if k != ActivityKind.OTHER) or "各类"
        figures = {
            "count": ctx.figure(
                count, totals.count_unit, Measure.ACTIVITIES, label=f"{kind_words}等活动场次", link=link
            )
        }
        if count <= len(titles):
            del figures["count"]
            text = f"开展{_titles(titles)}"
        else:
            text = f"开展{_titles(titles)}等{kind_words}{'等' if len(kinds) > 3 else ''}活动{{count}}"
        label = f"{kind_words}等活动参与人次"
        if person_times := summed_figure(ctx, totals, "person_times", "", Measure.PERSON_TIMES, label, link):
            figures["person_times"] = person_times
            text += "，参与{person_times}人次"
        result.achievements.append((dimension, Item(key=f"series:{dimension}", template=text, figures=figures)))
    return written


def _own_series_items(ctx: CompileContext, result: BuildResult) -> set[int]:
    """开展党的二十届三中全会精神宣讲8期，宣讲团成员深入学校、企业、村（社区），覆盖200余名团员青年:
    a record of a series as its source states it, its sessions in its own unit, its reach in its
    own words and only the figures it gives. The largest few per dimension; the rest are counted
    (session by session) in the dimension's sentence."""
    written: set[int] = set()
    per_dimension: dict[str, int] = defaultdict(int)
    for activity in selectors.series_activities(organisation=ctx.organisation, period=ctx.period):
        if activity.kind in ORGANISATIONAL_LIFE or per_dimension[activity.dimension] >= SERIES_NAMED:
            continue
        per_dimension[activity.dimension] += 1
        written.add(activity.pk)
        org = activity.organisation
        title = selectors.without_holder(activity.title.strip(), org.name, org.short_name)
        link = reverse("activities:detail", args=[activity.pk])
        figures = {}
        if activity.sessions > 1:
            figures["sessions"] = ctx.figure(
                activity.sessions, activity.session_unit, Measure.ACTIVITIES, label=f"{title}场次", link=link
            )
            text = f"开展{title}{{sessions}}"
        else:
            text = f"开展{title}"
        if reach := activity.reach.strip().strip("，,。；;"):
            text += f"，{reach}"
        one = selectors.totals_of(selectors.activities_for(statuses=None).filter(pk=activity.pk))
        unit, word = AUDIENCE_WORDS.get(activity.audience, ("人", "人"))
        if activity.audience == Audience.PUBLIC:
            served = summed_figure(ctx, one, "person_times", "", Measure.PERSON_TIMES, f"{title}服务群众", link)
            if served is not None:
                figures["served"] = served
                text += "，服务群众{served}人次"
        else:
            persons = summed_figure(ctx, one, "persons", "", Measure.PERSONS, f"{title}覆盖{word}", link)
            if persons is not None:
                figures["persons"] = persons
                text += f"，覆盖{{persons}}{unit}{word}"
            if activity.person_times is not None:
                times = summed_figure(ctx, one, "person_times", "", Measure.PERSON_TIMES, f"{title}参与人次", link)
                if times is not None:
                    figures["person_times"] = times
                    text += "，参与{person_times}人次"
        result.achievements.append(
            (activity.dimension, Item(key=f"series:activity:{activity.pk}", template=text, figures=figures))
        )
    return written


def _notable_items(ctx: CompileContext, result: BuildResult, notable: list) -> None:
    """Notable activities outside campaigns (those of a campaign are named in its item)."""
    by_dimension: dict[str, list[str]] = defaultdict(list)
    for activity in notable:
        title = activity.title.strip()
        if activity.campaign_id is None and title not in by_dimension[activity.dimension]:
            by_dimension[activity.dimension].append(title)
    for dimension, titles in by_dimension.items():
        # Titles carry their own quotation marks (“情满旅途”返乡快车道行动): listed as they are.
        text = f"组织开展的{_titles(titles)}等活动广受{'少年儿童' if ctx.pioneer_line else '青年'}好评"
        result.achievements.append((dimension, Item(key=f"notable:{dimension}", template=text)))
