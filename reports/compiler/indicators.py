"""Report items from the indicator catalogue: study campaign, outreach, volunteering, building."""

from collections import defaultdict
from urllib.parse import urlencode

from django.urls import reverse

from activities import selectors
from activities.models import Dimension, Indicator

from ..content import Item
from ..numbers import Measure, Style, percent_change
from .committee import superseded_indicators
from .context import BuildResult, CompileContext

# How an outreach indicator is worded, by the end of its code.
OUTREACH_WORDS = (
    ("_posts", "累计共发布信息", Measure.POSTS),
    ("_reads", "累计阅读", Measure.READS),
    ("_views", "累计播放", Measure.READS),
    ("_pickups", "被上级媒体采用", Measure.POSTS),
)

MEASURE_BY_UNIT = {
    "人次": Measure.PERSON_TIMES,
    "人": Measure.PERSONS,
    "个": Measure.ORGANISATIONS,
    "小时": Measure.HOURS,
    "元": Measure.MONEY,
    "%": Measure.RATE,
}


QUALIFIER_STYLES = {"余": Style.YU, "近": Style.JIN, "超": Style.CHAO}

# Indicators whose fall against the same half last year is a weakness worth stating.
WATCHED_CATEGORIES = ("study", "volunteer", "outreach")
# A fall smaller than this (percent, or percentage points for a rate) is noise, not a problem.
FALL_NOTED_FROM = 5


def _link(ctx: CompileContext) -> str:
    query = {"organisation": ctx.organisation.pk, "year": ctx.year, "part": f"h{ctx.half}"}
    return f"{reverse('activities:indicator_summary')}?{urlencode(query)}"


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    figures = selectors.indicator_values(None, organisation=ctx.organisation, period=ctx.period)
    present = {code: f for code, f in figures.items() if f.value is not None and f.indicator.active}
    for code in superseded_indicators(ctx):
        present.pop(code, None)  # stated from the records, once
    if not present:
        return result
    link = _link(ctx)

    def figure(code: str, measure: Measure | None = None):
        entered = present[code]
        ind = entered.indicator
        value = int(entered.value) if entered.value == int(entered.value) else float(entered.value)
        fig = ctx.figure(
            value,
            ind.unit if ind.unit != "%" else "%",
            measure or MEASURE_BY_UNIT.get(ind.unit, Measure.PERSONS),
            label=ind.name,
            link=link,
        )
        if entered.approximate and entered.entries == 1 and entered.qualifier:
            # One approximate source figure: written as its source wrote it (200余名).
            fig.style = QUALIFIER_STYLES.get(entered.qualifier, fig.style)
        elif entered.approximate:
            # A sum with approximate parts is approximate, never written above the sum, and no
            # part's qualifier is copied onto it: 余 only when every part was a lower bound.
            fig.approximate = True
            fig.at_least = entered.qualifier in ("余", "超")
            fig.style = Style.YU if fig.at_least else Style.ABOUT
        return fig

    # 青年大学习
    if "study_person_times" in present:
        figs = {"person_times": figure("study_person_times", Measure.PERSON_TIMES)}
        text = f"深入开展“青年大学习”行动，{ctx.half_word}累计参学{{person_times}}"
        if "study_rate" in present:
            figs["rate"] = figure("study_rate", Measure.RATE)
            text += "，参学率{rate}"
        result.achievements.append((Dimension.UNITE_YOUTH, Item("indicators:study", text, figs)))

    # Outreach, one item per platform.
    platforms: dict[str, list[tuple[int, str, str, Measure]]] = defaultdict(list)
    for code, entered in present.items():
        ind: Indicator = entered.indicator
        if ind.category != "outreach":
            continue
        wording = next(
            (
                (order, words, measure)
                for order, (suffix, words, measure) in enumerate(OUTREACH_WORDS)
                if code.endswith(suffix)
            ),
            (len(OUTREACH_WORDS), ind.name, Measure.POSTS),
        )
        platforms[ind.platform or "网络平台"].append((wording[0], code, wording[1], wording[2]))
    since = f"{ctx.year}年以来" if ctx.half == 1 else "下半年"
    for platform, parts in platforms.items():
        figs, words = {}, []
        for n, (_, code, text, measure) in enumerate(sorted(parts)):
            name = f"f{n}"
            figs[name] = figure(code, measure)
            words.append(f"{text}{{{name}}}")
        result.achievements.append(
            (Dimension.BRIDGE, Item(f"indicators:outreach:{platform}", f"{since}{platform}" + "，".join(words), figs))
        )

    # Volunteer service
    volunteer = [
        ("volunteer_person_times", "组织青年志愿者开展志愿服务{v}人次"),
        ("volunteer_hours", "累计服务时长{v}小时"),
        ("volunteer_beneficiaries", "服务群众{v}人次"),
    ]
    _sentence(result, present, figure, Dimension.SERVE_OVERALL, "indicators:volunteer", volunteer)

    _appraisal(result, present, figure)

    # Organisation building and dues
    building = [
        ("new_organisations", "新建团组织{v}个"),
        ("terms_renewed", "按期换届团组织{v}个"),
        ("delegates_elected", "选举产生团代表{v}名"),
        ("dues_collected", "收缴团费{v}元"),
    ]
    _sentence(result, present, figure, Dimension.GOVERN_STRICTLY, "indicators:building", building)
    _falls(ctx, result, present, link)
    return result


# 团员教育评议 and 团籍注册: the grades in the order a committee lists them.
APPRAISAL_GRADE_WORDS = (
    ("appraisal_qualified", "合格团员"),
    ("appraisal_basic", "基本合格团员"),
    ("appraisal_unqualified", "不合格团员"),
)


def _appraisal(result: BuildResult, present: dict, figure) -> None:
    """参加评议团员612名，评定优秀团员95名，占15.5%，评定合格团员480名、…；完成团籍注册团员600名.
    The share of 优秀 is the catalogue's derived indicator (the annex shows the same figure)."""

    def counted(code: str):
        if code not in present or not present[code].value:
            return None
        fig = figure(code, Measure.PERSONS)
        fig.unit = ""  # the wording carries 名
        return fig

    figs, clauses = {}, []
    if members := counted("appraisal_members"):
        figs["appraised"] = members
        words = "参加评议团员{appraised}名"
        if excellent := counted("appraisal_excellent"):
            figs["excellent"] = excellent
            words += "，评定优秀团员{excellent}名"
            if "appraisal_excellent_rate" in present:
                figs["excellent_share"] = figure("appraisal_excellent_rate", Measure.RATE)
                words += "，占{excellent_share}"
        grades = []
        for code, word in APPRAISAL_GRADE_WORDS:
            if grade := counted(code):
                figs[code] = grade
                grades.append(f"{word}{{{code}}}名")
        if grades:
            words += "，评定" + "、".join(grades)
        clauses.append(words)
    if registered := counted("registration_members"):
        figs["registered"] = registered
        clauses.append("完成团籍注册团员{registered}名")
    if not clauses:
        return
    if members and registered:
        lead = "扎实开展团员教育评议和团籍注册工作，"
    else:
        lead = "扎实开展团员教育评议，" if members else "扎实开展团籍注册工作，"
    result.achievements.append(
        (Dimension.GOVERN_STRICTLY, Item("indicators:appraisal", lead + "；".join(clauses), figs))
    )


def _falls(ctx: CompileContext, result: BuildResult, present: dict, link: str) -> None:
    """Watched indicators that fell against the same half last year, as problems."""
    watched = {code: f for code, f in present.items() if f.indicator.category in WATCHED_CATEGORIES}
    if not watched:
        return
    before = selectors.indicator_values(list(watched), organisation=ctx.organisation, period=ctx.previous)
    for code, now in watched.items():
        then = before.get(code)
        if then is None or then.value is None or not then.value or now.approximate or then.approximate:
            continue
        ind = now.indicator
        current, previous = float(now.value), float(then.value)
        if ind.unit == "%":
            points = round(previous - current, 1)
            if points < FALL_NOTED_FROM:
                continue
            figures = {
                "current": ctx.figure(current, "%", Measure.RATE, label=ind.name, link=link, previous=previous),
                "points": ctx.figure(points, "", Measure.RATE, label=f"{ind.name}同比下降（百分点）", link=link),
            }
            text = f"{ind.name}为{{current}}，较去年同期下降{{points}}个百分点"
        else:
            change = percent_change(current, previous)
            if change is None or -change < FALL_NOTED_FROM:
                continue
            measure = MEASURE_BY_UNIT.get(ind.unit, Measure.PERSONS)
            unit = ind.unit if ind.unit != "人" else "名"
            figures = {
                "current": ctx.figure(_whole(current), unit, measure, label=ind.name, link=link, previous=previous),
                "change": ctx.figure(round(change, 1), "%", Measure.CHANGE, label=f"{ind.name}同比变化", link=link),
            }
            text = f"{ind.name}{{current}}，较去年同期{{change}}"
        result.problems.append(Item(f"problem:indicator:{code}", text, figures))


def _whole(value: float):
    return int(value) if value == int(value) else value


def _sentence(result, present, figure, dimension, key, parts) -> None:
    figs, words = {}, []
    for code, words_template in parts:
        if code in present:
            name = code
            figs[name] = figure(code)
            # The unit is in the wording, so the figure renders without it.
            figs[name].unit = ""
            words.append(words_template.replace("{v}", f"{{{name}}}"))
    if figs:
        result.achievements.append((dimension, Item(key, "，".join(words), figs)))
