"""Report items on bases built (阵地建设), coverage won (宣传报道采用), and the social resources
raised with partner units (共建单位, 募集款物). Every figure from ``resources.selectors``.

* Bases recognised in the half, by level (national first) and kind: 建成市级少先队校外实践基地18个
  (服务大局, where committees write 阵地; the stock at the half's end is in the opening).
* Coverage by outlet level: the outlets of the central level (and of the highest
  level present) are named, up to three, with 等 only when more used the work:
  被中国青年报、学习强国等中央级媒体采用3篇，省级媒体采用12篇 (当好桥梁).
* Partners and donations, one item: 联合A、B、C等N家单位开展共建活动M场 (or 与…结对共建),
  募集爱心款物价值N元 when every goods entry carries a value, else 筹集善款N元，募集…物资N件.
  Amounts entered as approximate keep 约 / 余 in the sum and are never written as exact.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from activities.models import Dimension
from resources import selectors
from resources.models import OutletLevel, PieceForm  # noqa: F401 - PieceForm documents the units

from ..content import Figure, Item
from ..numbers import Measure, Style, format_number
from .context import BuildResult, CompileContext

NAMED_OUTLETS = 3
NAMED_PARTNERS = 3
NAMED_LEVELS = (OutletLevel.CENTRAL,)


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    _bases(ctx, result)
    _coverage(ctx, result)
    _support(ctx, result)
    return result


def _link(ctx: CompileContext, slug: str) -> str:
    query = {
        "organisation": ctx.organisation.pk,
        "date_from": ctx.period.start.isoformat(),
        "date_to": ctx.period.end.isoformat(),
    }
    return f"{reverse(f'resources:{slug}_list')}?{urlencode(query)}"


def _bases(ctx: CompileContext, result: BuildResult) -> None:
    counts = selectors.bases_recognised(organisation=ctx.organisation, start=ctx.period.start, end=ctx.period.end)
    if not counts:
        return
    link = _link(ctx, "base")
    figures, parts = {}, []
    for i, row in enumerate(counts):
        label = f"{row.level_word}{row.kind_label}"
        figures[f"built_{i}"] = ctx.figure(row.count, "个", Measure.ITEMS, label=f"建成{label}", link=link)
        parts.append(f"{label}{{built_{i}}}")
    text = f"加强阵地建设，建成{'、'.join(parts)}"
    result.achievements.append((Dimension.SERVE_OVERALL, Item("resources:bases", text, figures)))


def _coverage(ctx: CompileContext, result: BuildResult) -> None:
    levels = selectors.coverage_by_level(organisation=ctx.organisation, start=ctx.period.start, end=ctx.period.end)
    if not levels:
        return
    link = _link(ctx, "coverage")
    figures: dict[str, Figure] = {}
    parts = []
    for i, level in enumerate(levels):
        named = [name for name, _ in level.outlets[:NAMED_OUTLETS]] if (level.level in NAMED_LEVELS or i == 0) else []
        pieces = []
        for form, n, unit, word in (("articles", level.articles, "篇", "稿件"), ("videos", level.videos, "条", "视频")):
            if n:
                name = f"{level.level}_{form}"
                figures[name] = ctx.figure(n, unit, Measure.ITEMS, label=f"{level.word}采用{word}", link=link)
                pieces.append((word, f"{{{name}}}"))
        if len(pieces) == 2:
            amount = "、".join(f"{word}{placeholder}" for word, placeholder in pieces)
        elif pieces[0][0] == "视频":
            amount = f"视频{pieces[0][1]}"
        else:
            amount = pieces[0][1]
        names = "、".join(named)
        if named and len(level.outlets) > len(named):
            parts.append(f"被{names}等{level.word}采用{amount}")
        elif named:
            parts.append(f"被{level.word}{names}采用{amount}")
        else:
            parts.append(f"{level.word}采用{amount}")
    work = "少先队" if ctx.pioneer_line else "共青团"
    made = "工作信息和作品" if any(level.videos for level in levels) else "工作信息"
    text = f"加强宣传引导，{ctx.subject}{work}{made}{'，'.join(parts)}"
    result.achievements.append((Dimension.BRIDGE, Item("resources:coverage", text, figures)))


def money_figure(ctx: CompileContext, amount: selectors.Amount, *, label: str, link: str) -> Figure:
    """An amount in 元 as a committee writes it: exact amounts from 10,000 in 万元 when that is
    exact (8.6万元), else in 元; an approximate sum as 约 (or 余 when every part was a lower
    bound and 余 can be written), never above the sum and never as exact."""
    value = amount.value
    if not amount.approximate:
        if value >= 10_000 and value % 100 == 0:
            wan = value / 10_000
            return ctx.figure(_plain(wan), "万元", Measure.MONEY, label=f"{label}（万元）", link=link)
        return ctx.figure(_plain(value), "元", Measure.MONEY, label=label, link=link)
    fig = ctx.figure(_plain(value), "元", Measure.MONEY, label=label, link=link)
    fig.approximate = True
    fig.at_least = amount.at_least
    lower_bound = amount.at_least and format_number(fig.value, Style.YU).endswith("余")
    fig.style = Style.YU if lower_bound else Style.ABOUT
    return fig


def _plain(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def _support(ctx: CompileContext, result: BuildResult) -> None:
    start, end = ctx.period.start, ctx.period.end
    partners = selectors.partners_in(organisation=ctx.organisation, start=start, end=end)
    donations = selectors.donation_totals(organisation=ctx.organisation, start=start, end=end)
    figures: dict[str, Figure] = {}
    parts = []
    if partners.count:
        link = _link(ctx, "partner")
        names = "、".join(p.name for p in partners.partners[:NAMED_PARTNERS])
        if partners.count > NAMED_PARTNERS:
            figures["partners"] = ctx.figure(partners.count, "家", Measure.ITEMS, label="共建单位", link=link)
            names += "等{partners}单位"
        if partners.activities:
            figures["joint"] = ctx.figure(partners.activities, "场", Measure.ACTIVITIES, label="共建活动", link=link)
            parts.append(f"联合{names}开展共建活动{{joint}}")
        else:
            parts.append(f"与{names}结对共建")
    if donations.entries:
        link = _link(ctx, "donation")
        if donations.value is not None and donations.goods:
            figures["donated"] = money_figure(ctx, donations.value, label="募集款物价值", link=link)
            parts.append("募集爱心款物价值{donated}")
        else:
            if donations.money.entries:
                figures["money"] = money_figure(ctx, donations.money, label="筹集善款", link=link)
                parts.append("筹集善款{money}")
            if donations.goods:
                goods = []
                for i, (unit, n) in enumerate(donations.goods):
                    figures[f"goods_{i}"] = ctx.figure(n, unit, Measure.ITEMS, label=f"募集物资（{unit}）", link=link)
                    goods.append(f"{{goods_{i}}}")
                kinds = donations.goods_kinds
                what = f"{'、'.join(kinds[:3])}等物资" if kinds else "爱心物资"
                parts.append(f"募集{what}{'、'.join(goods)}")
    if parts:
        text = "整合社会资源，" + "，".join(parts)
        result.achievements.append((Dimension.BRIDGE, Item("resources:support", text, figures)))
