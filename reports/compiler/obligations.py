"""Report items from compliance: organisational life (三会两制一课 and the regular meetings) held
against due over the half year, and every other obligation that fell short, from the compliance
selector.

A completion rate is an achievement only at or above the committee's threshold
(``Organisation.report_problem_threshold``); below it the rate and the number of organisations
behind, with their share, go to 存在问题 (a writer does not list 73.9% among the successes
while saying "部分团组织" of more than half of them).
"""

from urllib.parse import urlencode

from django.urls import reverse

from activities.models import ORGANISATIONAL_LIFE_KINDS, Dimension
from branches.models import Kind
from obligations.models import Frequency, Obligation, Target
from obligations.selectors import compliance_over

from ..content import Item
from ..numbers import Measure
from .context import BuildResult, CompileContext


def _is_organisational_life(obligation) -> bool:
    return bool(set(obligation.activity_kinds or []) & set(ORGANISATIONAL_LIFE_KINDS))


def _with_self(ctx: CompileContext, organisations: set[int]) -> str:
    """（含本级） when the committee itself is among the organisations counted."""
    return "（含本级）" if ctx.organisation.pk in organisations else ""


def _percent(part: int, whole: int) -> float:
    return round(part * 100 / whole, 1)


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    enabled = list(Obligation.objects.enabled().select_related("indicator"))
    if not enabled:
        return result
    over = compliance_over(span=ctx.period, organisation=ctx.organisation, obligations=enabled)
    if not over.obligations:
        return result
    link = f"{reverse('obligations:compliance')}?{urlencode({'organisation': ctx.organisation.pk})}"
    threshold = ctx.organisation.report_problem_threshold
    life = [ob for ob in over.obligations if _is_organisational_life(ob)]
    _organisational_life(ctx, result, over, life, threshold, link)
    for obligation in over.obligations:
        if obligation not in life:
            _shortfall(ctx, result, over, obligation, threshold, link)
    return result


def _organisational_life(ctx, result, over, life, threshold, link) -> None:
    demanded = sum(over.tally(ob).demanded for ob in life)
    met = sum(over.tally(ob).met for ob in life)
    if not demanded:
        return
    rate = _percent(met, demanded)
    figures = {
        "demanded": ctx.figure(demanded, "次", Measure.ACTIVITIES, label="组织生活应开展（组织×周期）", link=link),
        "met": ctx.figure(met, "次", Measure.ACTIVITIES, label="组织生活按期开展", link=link),
        "rate": ctx.figure(rate, "%", Measure.RATE, label="组织生活按期完成率", link=link),
    }
    who = "督促各基层团组织" if ctx.has_children else ""
    if rate >= threshold:
        text = (
            f"夯实团的基层组织建设，{who}严格落实“三会两制一课”制度，"
            f"{ctx.half_word}应按期开展组织生活{{demanded}}，按期开展{{met}}，完成率{{rate}}"
        )
        result.achievements.append((Dimension.GOVERN_STRICTLY, Item("compliance:organisational_life", text, figures)))
        return
    if met:
        text = f"夯实团的基层组织建设，{who}严格落实“三会两制一课”制度，{ctx.half_word}按期开展组织生活{{met}}"
        result.achievements.append(
            (Dimension.GOVERN_STRICTLY, Item("compliance:organisational_life", text, {"met": figures["met"]}))
        )
    behind = over.behind(life)
    evaluated = over.evaluated(life)
    problem = dict(figures)
    if ctx.has_children and behind and evaluated != {ctx.organisation.pk}:
        problem["behind"] = ctx.figure(
            len(behind), "", Measure.ORGANISATIONS, label="未按期开展组织生活的组织", link=link
        )
        problem["share"] = ctx.figure(
            _percent(len(behind), len(evaluated)), "%", Measure.RATE, label="未按期开展组织生活的组织占比", link=link
        )
        everyone = len(behind) == len(evaluated) > 1
        text = (
            "“三会两制一课”制度落实不够到位，"
            + ("{behind}个团组织" + _with_self(ctx, behind) + ("均" if everyone else "（占{share}）"))
            + f"存在组织生活未按期开展的情况，{ctx.half_word}应按期开展{{demanded}}、"
            + "按期开展{met}，按期完成率仅为{rate}"
        )
        if everyone:
            del problem["share"]
    else:
        text = (
            f"“三会两制一课”制度落实不够到位，{ctx.half_word}应按期开展组织生活{{demanded}}、"
            "按期开展{met}，按期完成率仅为{rate}"
        )
    result.problems.append(Item("problem:organisational_life", text, problem))


def _shortfall(ctx, result, over, obligation, threshold, link) -> None:
    """An obligation other than organisational life, as a problem when it fell short."""
    tally = over.tally(obligation)
    if not tally.demanded:
        return
    rate = _percent(tally.met, tally.demanded)
    if rate >= threshold:
        _yearly_missing(ctx, result, over, obligation, link)
        return
    key = f"problem:obligation:{obligation.code or obligation.pk}"
    figures = {"rate": ctx.figure(rate, "%", Measure.RATE, label=f"{obligation.name}按期完成率", link=link)}
    behind = over.behind([obligation])
    evaluated = over.evaluated([obligation])
    if ctx.has_children and behind and obligation.target != Target.CADRES and evaluated != {ctx.organisation.pk}:
        figures["behind"] = ctx.figure(
            len(behind), "", Measure.ORGANISATIONS, label=f"未按期完成{obligation.name}的组织", link=link
        )
        figures["share"] = ctx.figure(
            _percent(len(behind), len(evaluated)),
            "%",
            Measure.RATE,
            label=f"未按期完成{obligation.name}的组织占比",
            link=link,
        )
        if len(behind) == len(evaluated) > 1:
            del figures["share"]
            text = (
                f"{obligation.name}落实不够到位，{{behind}}个组织{_with_self(ctx, behind)}均未按期完成，"
                "按期完成率为{rate}"
            )
        else:
            text = (
                f"{obligation.name}落实不够到位，{{behind}}个组织{_with_self(ctx, behind)}（占{{share}}）未按期完成，"
                "按期完成率为{rate}"
            )
    else:
        text = f"{obligation.name}落实不够到位，{ctx.half_word}按期完成率为{{rate}}"
    result.problems.append(Item(key, text, figures))


# A yearly rule of the league whose every miss is a weakness, even when the rate passes the
# threshold: how the organisations behind are said not to have done it.
YEARLY_MISSING_WORDS = {
    "annual_appraisal": "开展{year}年度团员教育评议",
    "annual_registration": "完成{year}年度团籍注册",
}


def _yearly_missing(ctx, result, over, obligation, link) -> None:
    """ "仍有5个团支部（占4.7%）尚未开展2024年度团员教育评议": a yearly obligation met by most,
    the rest counted. Only where _shortfall said nothing (the rate passed the threshold), so
    the fact is stated once."""
    if obligation.frequency != Frequency.YEAR or obligation.target == Target.CADRES or not ctx.has_children:
        return
    behind = over.behind([obligation])
    if not behind:
        return
    evaluated = over.evaluated([obligation])
    kinds = {org.kind for org in over.organisations if org.pk in behind}
    word = "团支部" if kinds == {Kind.BRANCH} else "团组织"
    what = YEARLY_MISSING_WORDS.get(obligation.code or "", "完成{year}年度" + obligation.name).format(year=ctx.year)
    figures = {
        "behind": ctx.figure(len(behind), "", Measure.ORGANISATIONS, label=f"未完成{obligation.name}的组织", link=link),
        "share": ctx.figure(
            _percent(len(behind), len(evaluated)),
            "%",
            Measure.RATE,
            label=f"未完成{obligation.name}的组织占比",
            link=link,
        ),
    }
    text = f"仍有{{behind}}个{word}（占{{share}}）尚未{what}"
    result.problems.append(Item(f"problem:obligation:{obligation.code or obligation.pk}", text, figures))
