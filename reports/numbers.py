"""Officialese number style for the half-year report.

Every figure in a report is written in one of these styles:

* ``exact``: the number as it is (``26场``, ``166期``, ``4560名``); from 100,000 up it is
  written in 万 (``12.56万``).
* ``yu`` (余, "and more"): the number rounded *down* to a round figure followed by 余.
  Below 100 the round figure keeps one significant digit (``30余场`` for 30–39); from 100 it
  keeps two (``350余``, ``4500余``); from 10,000 it is written in 万 with the same two digits
  (``1万余`` for 10,000–10,999, ``1.1万余``, ``12万余``).
* ``jin`` (近, "nearly"): the round figure just above the number, preceded by 近, and only
  when the number is within :data:`JIN_BAND` (5%) under it: ``近40000次`` for 39,600, and for
  14,561 ``近15000``, never ``近20000`` (a reader takes 近20000 to mean about 19,000 and more).
  The round figure has one significant digit when that is close enough, else two. From
  100,000 it is written in 万 (``近13万``).
* ``chao`` (超, "over"): like 余 but written before the figure (``超4500``, ``超1万``).
* ``about`` (约): for a figure whose sources were themselves approximate (``约800次``): the
  sum rounded *down* to two significant digits, so that it is never written above the sum of
  its parts.

A round number is written exactly whatever the style: ``30场``, not ``30余场`` — unless the
figure is itself a bound the source gave (``200余名`` entered as 200 with 余, or a sum with
unknown parts): then its qualifier stays (:func:`approximation`, ``lower_bound``/``upper_bound``).

Never overstate: a style whose text would claim more than the number (近 outside its band)
is refused when staff choose it (:func:`style_problem`) and, should one reach the renderer
from older content, written as 余 instead (:func:`format_number`).

The compiler proposes a style per figure with :func:`propose_style` (documented there); staff
can switch any figure's style before finalising.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum


class Style(StrEnum):
    EXACT = "exact"
    YU = "yu"
    JIN = "jin"
    CHAO = "chao"
    ABOUT = "about"


STYLE_LABELS = {
    Style.EXACT: "精确",
    Style.YU: "余（约数）",
    Style.JIN: "近（约数）",
    Style.CHAO: "超（约数）",
    Style.ABOUT: "约（约数）",
}

# 近N is written only for a number at least this far under N: 近40000 for 38,000–39,999.
JIN_BAND = Decimal("0.05")

WAN = 10_000
WAN_FROM = 100_000  # exact and 近 figures switch to 万 from here


class Measure(StrEnum):
    """What a figure counts; it decides the proposed style."""

    CAMPAIGN_ACTIVITIES = "campaign_activities"  # activities of a district-wide campaign
    ACTIVITIES = "activities"  # activities of one series, venue or kind
    PERSONS = "persons"  # people covered (名, 人)
    PERSON_TIMES = "person_times"  # 人次
    READS = "reads"  # reads, views (次)
    POSTS = "posts"  # issues of an account (期)
    ORGANISATIONS = "organisations"  # collectives, organisations (个)
    ITEMS = "items"  # things counted: bases, partner units, pieces of coverage, goods
    HOURS = "hours"
    MONEY = "money"
    RATE = "rate"  # a percentage
    CHANGE = "change"  # a year-on-year change in percent, written 增长X% / 下降X% / 持平


def propose_style(value: float | int, measure: Measure) -> Style:
    """The style the compiler proposes.

    The convention, read off district committees' summaries:

    * a district-wide campaign's count of activities is approximate from 20 up (``30余场``),
      because the committee reports the campaign's scale, not a register;
    * reads and person-times are approximate from 10,000 up: 近 when within 5% under the next
      round figure (``近40000次``), 余 otherwise;
    * everything else (people covered, posts, honours, a series' activity count, hours, money,
      rates) is exact, because those are the figures a reader checks.
    """
    if value is None:
        return Style.EXACT
    if measure == Measure.CAMPAIGN_ACTIVITIES and value >= 20:
        return Style.YU
    if measure in (Measure.READS, Measure.PERSON_TIMES) and value >= WAN:
        # Proposed only for a one-digit round figure (近40000); 近43000 is allowed, not proposed.
        ceiling = _round_up(int(value), 1)
        return Style.JIN if ceiling != value and value >= ceiling * (1 - JIN_BAND) else Style.YU
    return Style.EXACT


def jin_ceiling(n: int) -> int | None:
    """The round figure 近 may stand for: one significant digit if ``n`` is within the band under
    it, else two; None when neither is close enough (or ``n`` is round itself)."""
    for keep in (1, 2):
        ceiling = _round_up(n, keep)
        if ceiling == n:
            return None
        if Decimal(n) >= ceiling * (1 - JIN_BAND):
            return ceiling
    return None


# How a source may qualify a figure (IndicatorValue.qualifier, Activity.*_qualifier): 余 / 多 / 超
# say the true figure is more, 约 / 近 that it is about (or just under) the number given.
LOWER_BOUND_QUALIFIERS = ("余", "多", "超")
QUALIFIER_STYLES = {"余": Style.YU, "多": Style.YU, "超": Style.CHAO, "近": Style.JIN, "约": Style.ABOUT}


@dataclass(frozen=True)
class Approximation:
    """How a figure made of source figures may be written (see :func:`approximation`)."""

    style: Style | None = None  # None: the proposed style (the figure is exact)
    approximate: bool = False
    at_least: bool = False  # the figure is a lower bound: 余 / 超 stay true, even on a round number
    source_qualifier: str = ""  # one source figure's own qualifier, kept


def approximation(
    *, parts: int, known: int, lower: int = 0, about: int = 0, qualifier: str = ""
) -> Approximation | None:
    """The one rule for writing a sum of source figures, or None when it must be left out.

    ``parts``: how many sources the sum is over; ``known``: how many of them gave the figure
    (an unknown one is not zero); ``lower`` / ``about``: how many of those were given as a lower
    bound (余, 多, 超) or as about / nearly (约, 近); ``qualifier``: the qualifier when a single
    source gave it.

    * nothing known, or fewer than half the sources known: left out (the known part says
      nothing of the whole);
    * some unknown: the known part is a lower bound, written 余 (3600余人次), if no known part
      was 约 / 近 (which may stand above the truth); else left out;
    * one source with a qualifier: its qualifier is kept (200余, 约800, 近500; 多 is written 余);
    * several with qualifiers: 余 when every qualified part was a lower bound, else 约; never
      exact, never above the sum of the parts, no part's qualifier copied onto the sum;
    * all known and exact: exact.
    """
    if not known or known * 2 < parts:
        return None
    if known < parts:
        return None if about else Approximation(Style.YU, approximate=True, at_least=True)
    if not (lower or about):
        return Approximation()
    if parts == 1 and qualifier:
        return Approximation(
            QUALIFIER_STYLES.get(qualifier, Style.ABOUT),
            approximate=True,
            at_least=qualifier in LOWER_BOUND_QUALIFIERS,
            source_qualifier=qualifier,
        )
    at_least = not about
    return Approximation(Style.YU if at_least else Style.ABOUT, approximate=True, at_least=at_least)


def style_problem(value, style: Style | str, *, approximate: bool = False, at_least: bool = False) -> str:
    """Why ``style`` may not be used for ``value`` (a message for staff), or "" when it may.

    ``approximate``: the value sums source figures that were themselves approximate;
    ``at_least``: every such source was a lower bound (余 / 超), so 余 and 超 stay true.
    """
    style = Style(style)
    if value is None:
        return ""
    if approximate and style == Style.EXACT:
        return "该数据由约数汇总而来，不能写作精确数。"
    if approximate and (style == Style.JIN or (style in (Style.YU, Style.CHAO) and not at_least)):
        return "该数据由约数汇总而来，只能写作“约”" + ("或“余”。" if at_least else "。")
    n = int(value) if _is_whole(value) else None
    if style == Style.JIN and n is not None and n >= 10 and _round_up(n, 1) != n and jin_ceiling(n) is None:
        return f"{_plain(Decimal(str(value)))}离整数较远，写作“近”会夸大数字，请选择“余”或精确数。"
    return ""


def format_number(
    value, style: Style | str = Style.EXACT, *, lower_bound: bool = False, upper_bound: bool = False
) -> str:
    """The figure as written in the report, without its unit.

    ``lower_bound``: the value is itself less than the truth (a source's 200余, a known part):
    余 / 超 are kept on a round number (200余). ``upper_bound``: the value is a source's 近N:
    近 is kept on it (近500)."""
    style = Style(style)
    if value is None:
        return "—"
    number = Decimal(str(value))
    if number != number.to_integral_value() or number < 10:
        # Fractions (hours, rates) and single digits are written as they are (约 kept).
        if style == Style.ABOUT or (style == Style.JIN and upper_bound):
            return f"{'约' if style == Style.ABOUT else '近'}{_plain(number)}"
        if lower_bound and style in (Style.YU, Style.CHAO):
            return f"{_plain(number)}余" if style == Style.YU else f"超{_plain(number)}"
        return _plain(number)
    n = int(number)
    if style == Style.EXACT:
        return _wan(n) if n >= WAN_FROM else str(n)
    if style in (Style.YU, Style.CHAO):
        base = _round_down(n)
        if base == n and not lower_bound:
            return _wan(n) if n >= WAN_FROM else str(n)
        text = _wan(base) if base >= WAN else str(base)
        return f"{text}余" if style == Style.YU else f"超{text}"
    if style == Style.JIN:
        ceiling = jin_ceiling(n)
        if ceiling is None and upper_bound:
            ceiling = n  # the source's own 近500
        if ceiling is None:
            # Outside the band 近 would overstate: the figure is written as 余 instead.
            return format_number(n, Style.YU)
        return f"近{_wan(ceiling) if ceiling >= WAN_FROM else ceiling}"
    if style == Style.ABOUT:
        base = _round_down(n) if n >= 100 else n
        return f"约{_wan(base) if base >= WAN else base}"
    raise ValueError(style)


def format_figure(
    value, unit: str = "", style: Style | str = Style.EXACT, *, lower_bound: bool = False, upper_bound: bool = False
) -> str:
    return f"{format_number(value, style, lower_bound=lower_bound, upper_bound=upper_bound)}{unit}"


def _round_down(n: int) -> int:
    """Floor to one significant digit below 100, two from 100 up."""
    digits = len(str(n))
    keep = 1 if n < 100 else 2
    step = 10 ** max(digits - keep, 0)
    return n // step * step


def _round_up(n: int, keep: int) -> int:
    """Ceiling to ``keep`` significant digits."""
    step = 10 ** max(len(str(n)) - keep, 0)
    return -(-n // step) * step


def _is_whole(value) -> bool:
    return Decimal(str(value)) == Decimal(str(value)).to_integral_value()


def _wan(n: int) -> str:
    quotient = (Decimal(n) / WAN).quantize(Decimal("0.0001"), rounding=ROUND_DOWN)
    return f"{_plain(quotient)}万"


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent_change(current: float, previous: float) -> float | None:
    """Year-on-year change in percent, or None when there is nothing to compare with."""
    if not previous:
        return None
    return (current - previous) * 100 / previous


def change_text(change: float | None) -> str:
    """增长X% / 下降X% / 持平 for a change in percent."""
    if change is None:
        return ""
    if abs(change) < 0.05:
        return "持平"
    word = "增长" if change > 0 else "下降"
    return f"{word}{_plain(Decimal(abs(change)).quantize(Decimal('0.1')))}%"


def describe_change(current: float, previous: float) -> str:
    """较去年同期增长X% / 下降X%, 与去年同期持平, or an empty string without a comparison."""
    change = percent_change(current, previous)
    if change is None:
        return ""
    text = change_text(change)
    return "与去年同期持平" if text == "持平" else f"较去年同期{text}"
