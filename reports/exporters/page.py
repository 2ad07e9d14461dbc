"""The page of GB/T 9704-2012 and what follows from it: the character grid and the title's lines.

The text block is 156 mm × 225 mm on A4 (margins 37/35/28/26 mm). The body is 三号 (16 pt) on
a grid of 28 characters × 22 lines; the title is 二号 (22 pt), so a title line holds
floor(156 mm / 22 pt) = 20 CJK characters.

Breaking a title that does not fit on one line (§7.3.3: "回行时，要做到词意完整，排列对称，长短适宜，
间距恰当"; the lines in a trapezoid or diamond):

* Width is counted in em of the title face: a CJK character or full-width mark is 1, an ASCII
  character (the digits of 2024) ½.
* Break only between words. Never inside 2024年, 上半年/下半年, 工作总结, 工作计划, a quoted name or
  the organisation's name (what precedes the year); never before a closing or after an opening
  mark. Each allowed break has a cost: before 及/暨 (the conjunction starts the next line) 0;
  after the organisation's name, after the year, before 和/与/关于 1; between other words 2; inside
  a word only if nothing else fits.
* Use as few lines as fit. Among the breaks that fit, prefer lines that are balanced (the
  shortest at least half the longest), then the cheapest breaks, then the most even lines.

So "XX区团委2024年上半年工作总结及下半年工作计划" (23 em) becomes "XX区团委2024年上半年工作总结" /
"及下半年工作计划" (15 and 8 em), never "…下半年工 / 作计划".
"""

import math
import re
import unicodedata
from datetime import date
from itertools import combinations

from django.utils import timezone

MM_PER_PT = 25.4 / 72

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, BOTTOM_MM, LEFT_MM, RIGHT_MM = 37, 35, 28, 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - LEFT_MM - RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - TOP_MM - BOTTOM_MM  # 225

BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22

TITLE_LINE_EM = math.floor(TEXT_WIDTH_MM / MM_PER_PT / TITLE_PT)  # 20

# Words a title line must not split.
_WORDS = re.compile(
    r"\d{4}年|\d+|[上下]半年|工作总结|工作计划|工作要点|工作报告|实施方案|共青团|委员会|团工委|少工委|团委"
    r"|“[^”]*”|《[^》]*》|[A-Za-z]+"
)
_YEAR = re.compile(r"\d{4}年")
_ORGANISATION = re.compile(r"(?:委员会|委|支部|总支|团)$")
_NO_LINE_START = set("，。、；：？！）》”’」…")
_NO_LINE_END = set("（《“‘「")
_INSIDE_WORD = 9
_MAX_COMBINATIONS = 50_000


def text_em(text: str) -> float:
    """Width of ``text`` in em of a CJK face: full-width characters 1, ASCII ½."""
    # Ambiguous-width marks (“”、…) are full width in a Chinese face.
    return sum(1 if unicodedata.east_asian_width(ch) in "WFA" else 0.5 for ch in text)


DATE_RIGHT_EM = 4  # §7.3.5.1: 成文日期一般右空四字


def official_date(day: date) -> str:
    """The date under the signature as GB/T 9704-2012 §7.3.5 writes it: Arabic numerals, no
    leading zeros (2024年7月5日)."""
    return f"{day.year}年{day.month}月{day.day}日"


def parse_official_date(text: str) -> date | None:
    match = re.fullmatch(r"\s*(\d{4})年(\d{1,2})月(\d{1,2})日\s*", text or "")
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


def signature_indents(signature: str, date_text: str) -> tuple[float, float]:
    """Right indents in characters (issuer, date) for a single issuer under §7.3.5.1: the date
    four characters in from the right margin, the issuer centred on the date above it. Without a
    date yet (a draft), the issuer is centred where a date of today's length would stand."""
    date_em = text_em(date_text or official_date(timezone.localdate()))
    return max(DATE_RIGHT_EM + (date_em - text_em(signature)) / 2, 0), DATE_RIGHT_EM


def _break_costs(title: str) -> dict[int, int]:
    """Position (a break before title[p]) → its cost, per the rule in the module docstring."""
    costs = {p: 2 for p in range(1, len(title))}
    spans = [m.span() for m in _WORDS.finditer(title)]
    year = _YEAR.search(title)
    if year and year.start() > 0:
        costs[year.start()] = 1
        if _ORGANISATION.search(title, 0, year.start()):
            spans.append((0, year.start()))  # the organisation's name, as the compiler writes titles
    if year:
        costs[year.end()] = min(costs.get(year.end(), 2), 1)
    for start, end in spans:
        for p in range(start + 1, end):
            costs[p] = _INSIDE_WORD
    for p in list(costs):
        if title[p] in _NO_LINE_START or title[p - 1] in _NO_LINE_END:
            costs[p] = _INSIDE_WORD * 2
        elif costs[p] >= _INSIDE_WORD:
            continue
        elif title[p] in "及暨":
            costs[p] = 0
        elif title.startswith(("和", "与", "关于"), p):
            costs[p] = 1
    costs.pop(len(title), None)
    return costs


def title_lines(title: str, max_em: float = TITLE_LINE_EM) -> list[str]:
    """``title`` broken into lines of at most ``max_em``, by the rule in the module docstring."""
    title = title.strip()
    total = text_em(title)
    if total <= max_em or len(title) < 2:
        return [title]
    costs = _break_costs(title)
    positions = sorted(costs)
    for count in range(math.ceil(total / max_em), len(title) + 1):
        if math.comb(len(positions), count - 1) > _MAX_COMBINATIONS:
            break
        best, best_key = None, None
        for breaks in combinations(positions, count - 1):
            bounds = (0, *breaks, len(title))
            lines = [title[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]
            widths = [text_em(line) for line in lines]
            if max(widths) > max_em:
                continue
            key = (min(widths) < max(widths) / 2, sum(costs[b] for b in breaks), max(widths) - min(widths))
            if best_key is None or key < best_key:
                best, best_key = lines, key
        if best is not None:
            return best
    return _greedy(title, max_em)


def _greedy(title: str, max_em: float) -> list[str]:
    """Fill each line to the width: only for titles too long for any sensible layout."""
    lines, line = [], ""
    for ch in title:
        if line and text_em(line + ch) > max_em:
            lines.append(line)
            line = ""
        line += ch
    return [*lines, line] if line else lines
