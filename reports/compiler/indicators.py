"""Report items from the indicator catalogue: every indicator with a sentence pattern is written.

Each indicator carries its own clause (``Indicator.report_pattern``, with ``{value}`` where the
figure goes and ``{period}`` for the half or the season), its measure word and its place (a
dimension and an order). Indicators of one category placed in one dimension form one sentence,
their clauses in order (outreach: one sentence per platform); a few categories keep the
sentence structure a committee writes: 青年大学习 season by season, 教育评议 with its grades.
An indicator without a pattern is not written: staff are warned on the indicator pages and in
the report editor until it has one (``activities.selectors.indicators_without_pattern``).
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse

from activities import selectors
from activities.models import CATEGORY_DIMENSION, PATTERN_PLACEHOLDER_RE, Indicator, IndicatorCategory, pattern_problem

from ..content import Figure, Item
from ..numbers import LOWER_BOUND_QUALIFIERS, Measure, approximation, percent_change
from .committee import superseded_indicators
from .context import BuildResult, CompileContext

# How an outreach figure is proposed, by the end of its code.
OUTREACH_MEASURES = (
    ("_posts", Measure.POSTS),
    ("_reads", Measure.READS),
    ("_views", Measure.READS),
    ("_pickups", Measure.POSTS),
)

MEASURE_BY_UNIT = {
    "人次": Measure.PERSON_TIMES,
    "人": Measure.PERSONS,
    "个": Measure.ORGANISATIONS,
    "小时": Measure.HOURS,
    "元": Measure.MONEY,
    "%": Measure.RATE,
    "场": Measure.ACTIVITIES,
}

# Categories written in the sentence of another: 团费 with organisation building (按期换届…，收缴
# 团费…), 团籍注册 after 教育评议 (…；完成团籍注册团员…).
SENTENCE_OF_CATEGORY = {IndicatorCategory.DUES: IndicatorCategory.BUILDING, IndicatorCategory.REGISTRATION: "appraisal"}
# Each indicator of these stands alone: unrelated facts are not run together.
ALONE = (IndicatorCategory.OTHER,)
# Figure names the items had before patterns were editable: staff's edited wording keeps them.
FIGURE_NAMES = {
    "study_person_times": "person_times",
    "study_rate": "rate",
    "appraisal_members": "appraised",
    "appraisal_excellent": "excellent",
    "appraisal_excellent_rate": "excellent_share",
    "registration_members": "registered",
}
# 教育评议: the grades a committee lists together after one 评定 (评定合格团员…、基本合格团员…).
APPRAISAL_GRADES = ("appraisal_qualified", "appraisal_basic", "appraisal_unqualified")
# A rate every issue of a season reached is stated as such (各期参学率均在100%以上): the highest
# of these marks the lowest issue reached.
ALL_ISSUES_MARKS = (100, 95, 90)

# Indicators whose fall against the same half last year is a weakness worth stating.
WATCHED_CATEGORIES = ("study", "volunteer", "outreach")
# A fall smaller than this (percent, or percentage points for a rate) is noise, not a problem.
FALL_NOTED_FROM = 5


def _link(ctx: CompileContext) -> str:
    query = {"organisation": ctx.organisation.pk, "year": ctx.year, "part": f"h{ctx.half}"}
    return f"{reverse('activities:indicator_summary')}?{urlencode(query)}"


def measure_of(ind: Indicator) -> Measure:
    if ind.category == IndicatorCategory.OUTREACH:
        return next((m for suffix, m in OUTREACH_MEASURES if ind.code.endswith(suffix)), Measure.POSTS)
    return MEASURE_BY_UNIT.get(ind.unit, Measure.PERSONS)


def writable(ind: Indicator) -> bool:
    """Written into the report: in use, meant for it, with a pattern that can be used."""
    return ind.active and ind.in_report and bool(ind.report_pattern.strip()) and not pattern_problem(ind.report_pattern)


def clause(pattern: str, name: str, period: str) -> str:
    """The pattern as item wording: {value} becomes the figure's placeholder, {period} its text.
    Nothing else in it is touched (it is never given to str.format)."""
    return PATTERN_PLACEHOLDER_RE.sub(
        lambda m: "{" + name + "}" if m.group(1) == "value" else period if m.group(1) == "period" else m.group(0),
        pattern,
    )


@dataclass
class Sentence:
    dimension: str
    group: str  # the sentence's category (or the indicator's code for one standing alone)
    platform: str = ""
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def order(self) -> tuple:
        return min((i.report_order, i.category, i.position, i.code) for i in self.indicators)

    def key(self, default_dimension: str) -> str:
        key = f"indicators:{self.group}" + (f":{self.platform}" if self.platform else "")
        return key if self.dimension == default_dimension else f"{key}:{self.dimension}"


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    figures = selectors.indicator_values(None, organisation=ctx.organisation, period=ctx.period)
    present = {code: f for code, f in figures.items() if f.value is not None and f.indicator.active}
    for code in superseded_indicators(ctx):
        present.pop(code, None)  # stated from the records, once
    if not present:
        return result
    link = _link(ctx)

    def figure(entered) -> Figure:
        ind = entered.indicator
        value = int(entered.value) if entered.value == int(entered.value) else float(entered.value)
        fig = ctx.figure(value, ind.measure_word, measure_of(ind), label=ind.name, link=link)
        if entered.approximate:
            # The rule activities' sums follow too (numbers.approximation): one source keeps its
            # qualifier (200余名); a sum is 余 only when every part was a lower bound, else 约.
            # ``qualifier`` is set when every approximate part agrees on it.
            single = entered.entries == 1 and bool(entered.qualifier)
            parts = 1 if single else max(entered.entries, 2)
            lower = entered.qualifier in LOWER_BOUND_QUALIFIERS
            fig.qualify(
                approximation(
                    parts=parts,
                    known=parts,
                    lower=int(lower),
                    about=int(not lower),
                    qualifier=entered.qualifier if single else "",
                )
            )
        return fig

    sentences: dict[tuple, Sentence] = {}
    for entered in present.values():
        ind = entered.indicator
        if not writable(ind):
            continue
        group = ind.code if ind.category in ALONE else SENTENCE_OF_CATEGORY.get(ind.category, ind.category)
        platform = (ind.platform or "网络平台") if ind.category == IndicatorCategory.OUTREACH else ""
        key = (ind.written_dimension, group, platform)
        sentences.setdefault(key, Sentence(ind.written_dimension, group, platform)).indicators.append(ind)

    for sentence in sorted(sentences.values(), key=lambda s: s.order):
        sentence.indicators.sort(key=lambda i: (i.report_order, i.position, i.code))
        if sentence.group == IndicatorCategory.STUDY:
            text, figs = _study(ctx, sentence, present, figure)
        elif sentence.group == "appraisal":
            text, figs = _appraisal(ctx, sentence, present, figure)
        else:
            figs, words = {}, []
            for ind in sentence.indicators:
                name = FIGURE_NAMES.get(ind.code, ind.code)
                figs[name] = figure(present[ind.code])
                words.append(clause(ind.report_pattern, name, ctx.half_word))
            text = "，".join(words)
            if sentence.platform:
                since = f"{ctx.year}年以来" if ctx.half == 1 else "下半年"
                text = f"{since}{sentence.platform}{text}"
        if text:
            result.achievements.append(
                (
                    sentence.dimension,
                    Item(sentence.key(CATEGORY_DIMENSION.get(sentence.group, sentence.dimension)), text, figs),
                )
            )
    _falls(ctx, result, present, link)
    return result


def _study(ctx: CompileContext, sentence: Sentence, present: dict, figure) -> tuple[str, dict]:
    """深入开展“青年大学习”行动，上半年累计参学…，应学…，参学率…: the half's figures, or season by
    season when the issues were entered with their season (截至6月30日，第十二季累计参学…), with
    各期参学率均在100%以上 where every issue of the season reached it."""
    codes = [ind.code for ind in sentence.indicators]
    seasons = selectors.indicator_seasons(codes, organisation=ctx.organisation, period=ctx.period)
    named = [s for s in seasons if s.label]
    parts, figs = [], {}
    if not named:
        words = []
        for ind in sentence.indicators:
            name = FIGURE_NAMES.get(ind.code, ind.code)
            figs[name] = figure(present[ind.code])
            words.append(clause(ind.report_pattern, name, ctx.half_word))
        words += _all_issues(sentence, seasons[0] if len(seasons) == 1 else None)
        taken = seasons[0].as_of if len(seasons) == 1 else None
        parts.append(_as_of(ctx, taken) + "，".join(words))
    else:
        for n, season in enumerate(seasons, start=1):
            period = season.label or "其他各期"
            words = []
            for ind in sentence.indicators:
                entered = season.figures.get(ind.code)
                if entered is None or entered.value is None:
                    continue
                name = f"s{n}_{FIGURE_NAMES.get(ind.code, ind.code)}"
                figs[name] = figure(entered)
                figs[name].label = f"{period}{ind.name}"
                words.append(clause(ind.report_pattern, name, period))
            if words:
                words += _all_issues(sentence, season)
                parts.append(_as_of(ctx, season.as_of) + "，".join(words))
    if not parts:
        return "", {}
    return "深入开展“青年大学习”行动，" + "；".join(parts), figs


def _as_of(ctx: CompileContext, taken) -> str:
    if taken is None:
        return ""
    day = f"{taken.month}月{taken.day}日" if taken.year == ctx.year else f"{taken.year}年{taken.month}月{taken.day}日"
    return f"截至{day}，"


def _all_issues(sentence: Sentence, season) -> list[str]:
    """各期参学率均在100%以上 (or 95%, 90%), for a mark every one of two issues or more reached."""
    if season is None:
        return []
    words = []
    for ind in sentence.indicators:
        values = season.issue_values.get(ind.code, [])
        if ind.unit != "%" or len(values) < 2:
            continue
        mark = next((mark for mark in ALL_ISSUES_MARKS if min(values) >= mark), None)
        if mark is not None:
            what = PATTERN_PLACEHOLDER_RE.sub("", ind.report_pattern.split("{value}")[0]).strip("，, ") or ind.name
            words.append(f"各期{what}均在{mark}%以上")
    return words


def _appraisal(ctx: CompileContext, sentence: Sentence, present: dict, figure) -> tuple[str, dict]:
    """扎实开展团员教育评议和团籍注册工作，参加评议团员612名，评定优秀团员95名，占15.5%，评定合格团员
    480名、…；完成团籍注册团员600名. Zero counts are left out; the grades follow one 评定."""
    figs: dict[str, Figure] = {}
    appraisal, grades, registration = [], [], []
    for ind in sentence.indicators:
        entered = present[ind.code]
        if not entered.value:
            continue
        if ind.code == "appraisal_excellent_rate" and FIGURE_NAMES["appraisal_excellent"] not in figs:
            continue  # a share of nothing stated
        name = FIGURE_NAMES.get(ind.code, ind.code)
        figs[name] = figure(entered)
        words = clause(ind.report_pattern, name, ctx.half_word)
        if ind.category == IndicatorCategory.REGISTRATION:
            registration.append(words)
        elif ind.code in APPRAISAL_GRADES:
            grades.append(words)
        else:
            appraisal.append(words)
    if grades:
        appraisal.append("评定" + "、".join(grades))
    clauses = [c for c in ("，".join(appraisal), "，".join(registration)) if c]
    if not clauses:
        return "", {}
    if appraisal and registration:
        lead = "扎实开展团员教育评议和团籍注册工作，"
    else:
        lead = "扎实开展团员教育评议，" if appraisal else "扎实开展团籍注册工作，"
    return lead + "；".join(clauses), figs


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
