"""Report items from compliance: organisational life (三会两制一课 and the other obligations) held
against due over the half year, from the compliance selector.
"""

from urllib.parse import urlencode

from django.urls import reverse

from activities.models import ORGANISATIONAL_LIFE_KINDS, Dimension
from obligations.models import Obligation
from obligations.selectors import compliance_over

from ..content import Item
from ..numbers import Measure
from .context import BuildResult, CompileContext

# Below this share of periods met, the compiler proposes a problem for staff to word.
PROBLEM_BELOW_PERCENT = 90


def _is_organisational_life(obligation) -> bool:
    return bool(set(obligation.activity_kinds or []) & set(ORGANISATIONAL_LIFE_KINDS))


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    # Only organisational life is reported here: the other obligations are not evaluated at all.
    wanted = [ob for ob in Obligation.objects.enabled().select_related("indicator") if _is_organisational_life(ob)]
    if not wanted:
        return result
    over = compliance_over(span=ctx.period, organisation=ctx.organisation, obligations=wanted)
    chosen = over.obligations
    if not chosen:
        return result
    demanded = met = 0
    for obligation in chosen:
        tally = over.tally(obligation)
        demanded += tally.demanded
        met += tally.met
    if not demanded:
        return result
    link = f"{reverse('obligations:compliance')}?{urlencode({'organisation': ctx.organisation.pk})}"
    percent = round(met * 100 / demanded, 1)
    figures = {
        "demanded": ctx.figure(demanded, "次", Measure.ACTIVITIES, label="组织生活应开展（组织×周期）", link=link),
        "met": ctx.figure(met, "次", Measure.ACTIVITIES, label="组织生活按期开展", link=link),
        "rate": ctx.figure(percent, "%", Measure.RATE, label="组织生活按期完成率", link=link),
    }
    text = (
        "夯实团的基层组织建设，督促各基层团组织严格落实“三会两制一课”制度，"
        f"{ctx.half_word}各基层团组织应按期开展组织生活{{demanded}}，按期开展{{met}}，完成率{{rate}}"
    )
    result.achievements.append((Dimension.GOVERN_STRICTLY, Item("compliance:organisational_life", text, figures)))

    behind = over.behind()
    if behind and percent < PROBLEM_BELOW_PERCENT:
        result.problems.append(
            Item(
                "problem:organisational_life",
                "部分基层团组织“三会两制一课”制度落实不够到位，{behind}个团组织未按期开展组织生活",
                {
                    "behind": ctx.figure(
                        len(behind), "", Measure.ORGANISATIONS, label="未按期开展组织生活的组织", link=link
                    )
                },
            )
        )
    return result
