"""Officialese number style for the half-year report.

Every figure in a report is written in one of these styles:

* ``exact``: the number as it is (``26场``, ``166期``, ``4560名``); from 100,000 up it is
  written in 万 (``12.56万``).
* ``yu`` (余, "and more"): the number rounded *down* to a round figure followed by 余.
  Below 100 the round figure keeps one significant digit (``30余场`` for 30–39); from 100 it
  keeps two (``350余``, ``4500余``); from 10,000 it is written in 万 with the same two digits
  (``1万余`` for 10,000–10,999, ``1.1万余``, ``12万余``).
* ``jin`` (近, "nearly"): the number rounded *up* to one significant digit, preceded by 近
  (``近40000次`` for 39,600). From 100,000 it is written in 万 (``近13万``).
* ``chao`` (超, "over"): like 余 but written before the figure (``超4500``, ``超1万``).

A round number is written exactly whatever the style: ``30场``, not ``30余场``.

The compiler proposes a style per figure with :func:`propose_style` (documented there); staff
can switch any figure's style before finalising.
"""

from decimal import ROUND_DOWN, Decimal
from enum import StrEnum


class Style(StrEnum):
    EXACT = "exact"
    YU = "yu"
    JIN = "jin"
    CHAO = "chao"


STYLE_LABELS = {Style.EXACT: "精确", Style.YU: "余（约数）", Style.JIN: "近（约数）", Style.CHAO: "超（约数）"}

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
        ceiling = _round_up_one_digit(int(value))
        return Style.JIN if value >= ceiling * 0.95 and value < ceiling else Style.YU
    return Style.EXACT


def format_number(value, style: Style | str = Style.EXACT) -> str:
    """The figure as written in the report, without its unit."""
    style = Style(style)
    if value is None:
        return "—"
    number = Decimal(str(value))
    if number != number.to_integral_value() or number < 10:
        # Fractions (hours, rates) and single digits are always written as they are.
        return _plain(number)
    n = int(number)
    if style == Style.EXACT:
        return _wan(n) if n >= WAN_FROM else str(n)
    if style in (Style.YU, Style.CHAO):
        base = _round_down(n)
        if base == n:
            return _wan(n) if n >= WAN_FROM else str(n)
        text = _wan(base) if base >= WAN else str(base)
        return f"{text}余" if style == Style.YU else f"超{text}"
    if style == Style.JIN:
        ceiling = _round_up_one_digit(n)
        if ceiling == n:
            return _wan(n) if n >= WAN_FROM else str(n)
        return f"近{_wan(ceiling) if ceiling >= WAN_FROM else ceiling}"
    raise ValueError(style)


def format_figure(value, unit: str = "", style: Style | str = Style.EXACT) -> str:
    return f"{format_number(value, style)}{unit}"


def _round_down(n: int) -> int:
    """Floor to one significant digit below 100, two from 100 up."""
    digits = len(str(n))
    keep = 1 if n < 100 else 2
    step = 10 ** max(digits - keep, 0)
    return n // step * step


def _round_up_one_digit(n: int) -> int:
    step = 10 ** (len(str(n)) - 1)
    return -(-n // step) * step


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
