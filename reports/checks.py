"""Numbers staff typed into an item's wording, checked against the item's figures.

A figure written through its placeholder (``{count}``) always says what the data says. A number
typed as text is linked to nothing: when staff replace ``{count}`` by "35场" while the data says
33, or type a number no figure of the item supports, the editor marks the item and finalising
asks for confirmation. The report page, the finalise service and the annex all read this module.

What counts as a typed quantity: Arabic digits, optionally with 近/超/超过/逾 before and 万 and
余/多 after, and % — in the item's own words, outside quotation marks and book-title marks
(names such as “12·5”国际志愿者日 or “4+1”工作制度) and braces, not a date, year, ordinal or range (2024年,
5月4日, 第3届, 7-8月), and not one the compiler itself wrote (the year in 2024届, the 30% target
of a problem): those are read off the wording as compiled (``Item.compiled_template``).

A typed quantity agrees with a figure when it is a true way of writing the figure's value (or
its value a year before): exactly, rounded to the digits typed (4.56万 for 45,612), or as an
approximation the way ``reports.numbers`` writes them (30余 for 30-39, 近40000 for 30,001-40,000).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .content import PLACEHOLDER_RE, Figure, Item, ReportContent
from .numbers import Measure

UNITS = ("人次", "小时", "%", "％", "名", "人", "场", "次", "期", "个", "所", "元", "项", "家", "支", "篇", "条")
_UNIT = "|".join(re.escape(u) for u in UNITS)
QUANTITY_RE = re.compile(
    rf"(?P<before>超过|近|超|逾)?(?P<number>\d+(?:,\d{{3}})*(?:\.\d+)?)(?P<wan>万)?(?P<after>余|多)?(?P<unit>{_UNIT})?"
)
UNIT_AFTER_RE = re.compile(rf"(?:{_UNIT})")
# A number followed by one of these is a date, a year, an age or an ordinal, not a quantity.
NOT_A_QUANTITY_AFTER = re.compile(r"(?:年|月|日|号|时|点|届|周年|岁|后|世纪|级|版|楼|层|路|栋|号线)")
# Joined to another number: a range (7-8月), a date (12·5), a formula (4+1), a ratio (1:3).
JOINERS = "-－—–~～至·.:：+/、"
# Names in quotation or book-title marks, and anything in braces (a placeholder that names no
# figure, such as {0}, is text staff typed, not a quantity).
QUOTED_RE = re.compile(r"“[^”]*”|《[^》]*》|「[^」]*」|\"[^\"]*\"|\{[^{}]*\}")

NOT_QUOTED = "（文中未引用）"


@dataclass(frozen=True)
class Quantity:
    text: str  # as typed, unit included: 35场, 近4万, 85.3%
    value: Decimal
    step: Decimal  # the place of the last digit typed: 10 for 30, 1000 for 1.1万
    kind: str  # "exact" | "over" (余, 多, 超) | "under" (近)

    def agrees_with(self, value) -> bool:
        if value is None:
            return False
        v = abs(Decimal(str(value)))
        if self.kind == "over":
            return self.value <= v < self.value + self.step
        if self.kind == "under":
            return self.value - self.step < v <= self.value
        return abs(v - self.value) * 2 <= self.step if "." in self.text or "万" in self.text else v == self.value


@dataclass(frozen=True)
class Mismatch:
    written: str  # what the text says: 35场
    expected: str  # what the figure says: 33场
    label: str  # what the figure counts
    figure: str  # the figure's name in the item

    @property
    def message(self) -> str:
        label = f"（{self.label}）" if self.label else ""
        return f"文中数字与数据不一致：写作“{self.written}”，数据为{self.expected}{label}"


def _mask(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: "\0" * len(m.group(0)), text)


def _quantities(template: str) -> list[Quantity]:
    """The quantities written as text in ``template`` (placeholders and quoted names left out)."""
    text = _mask(_mask(template, PLACEHOLDER_RE), QUOTED_RE)
    found = []
    for match in QUANTITY_RE.finditer(text):
        start, end = match.span()
        before_char = text[start - 1] if start else ""
        after_number = match.end("wan") if match.group("wan") else match.end("number")
        rest = text[after_number:]
        if before_char == "第" or before_char.isdigit():
            continue
        if before_char and before_char in JOINERS and start >= 2 and text[start - 2].isdigit():
            continue
        if rest[:1] and rest[0] in JOINERS and rest[1:2].isdigit():
            continue
        if not match.group("unit") and not match.group("after") and NOT_A_QUANTITY_AFTER.match(rest):
            continue
        number = match.group("number").replace(",", "")
        scale = Decimal(10_000) if match.group("wan") else Decimal(1)
        value = Decimal(number) * scale
        if match.group("before") == "近":
            kind = "under"
        elif match.group("before") or match.group("after"):
            kind = "over"
        else:
            kind = "exact"
        found.append(Quantity(match.group(0), value, _step(number, scale, kind), kind))
    return found


def _step(number: str, scale: Decimal, kind: str) -> Decimal:
    """How far from the typed number the value may lie: the place of the last digit typed
    (4.56万 → 100); for an approximation at least the round figure's own step, as
    ``reports.numbers`` rounds (30余 → 30-39, 4500余 → 4500-4599, 35余 → 35-44)."""
    whole, _, fraction = number.partition(".")
    if fraction:
        place = Decimal(1).scaleb(-len(fraction)) * scale
    else:
        significant = whole.rstrip("0")
        place = Decimal(10) ** (len(whole) - len(significant)) * scale if significant else scale
    if kind == "exact":
        return place
    digits = len(str(int(Decimal(number) * scale)))
    round_step = Decimal(10) ** max(digits - (1 if digits <= 2 else 2), 0)
    return max(place, round_step)


def unit_after(template: str, name: str) -> str:
    """The unit word written right after ``{name}`` (覆盖{persons}名 → 名), or ""."""
    index = template.find("{" + name + "}")
    if index < 0:
        return ""
    match = UNIT_AFTER_RE.match(template, index + len(name) + 2)
    return match.group(0) if match else ""


def _written(item: Item, name: str, figure: Figure) -> str:
    return figure.render() + ("" if figure.unit else unit_after(item.compiled_template or item.template, name))


def _values(figure: Figure) -> list:
    return [v for v in (figure.value, figure.previous) if v is not None]


def _typed(item: Item) -> list[Quantity]:
    """Quantities in the wording that staff typed (not the ones the compiler wrote)."""
    compiled = {q.text for q in _quantities(item.compiled_template)} if item.compiled_template else set()
    return [q for q in _quantities(item.template) if q.text not in compiled]


SAME_UNIT = {"名": "人", "％": "%"}


def _unit_of(text: str) -> str:
    match = re.search(rf"(?:{_UNIT})$", text)
    unit = match.group(0) if match else ""
    return SAME_UNIT.get(unit, unit)


def _closest(quantity: Quantity, item: Item, unused: set[str]) -> str | None:
    """The figure a wrong number most likely stands for: one of the same unit, then one whose
    placeholder the text no longer has, then the nearest in value."""
    unit = _unit_of(quantity.text)
    candidates = [
        (
            _unit_of(_written(item, name, f)) != unit,
            name not in unused,
            abs(abs(Decimal(str(f.value))) - quantity.value),
            name,
        )
        for name, f in item.figures.items()
        if f.value is not None and f.measure != Measure.CHANGE
    ]
    return min(candidates)[-1] if candidates else None


def _analyse(item: Item) -> tuple[list[Mismatch], dict[str, str]]:
    if not item.figures:
        return [], {}
    used = set(PLACEHOLDER_RE.findall(item.template)) & set(item.figures)
    unused = {name: f for name, f in item.figures.items() if name not in used}
    wording = {name: _written(item, name, f) for name, f in item.figures.items() if name in used}
    mismatches = []
    for quantity in _typed(item):
        agreeing = [name for name, f in item.figures.items() if any(quantity.agrees_with(v) for v in _values(f))]
        if agreeing:
            for name in agreeing:
                if name in unused and name not in wording:
                    wording[name] = f"{quantity.text}（手写数字，不随数据更新）"
            continue
        name = _closest(quantity, item, set(unused))
        if name is None:
            continue
        figure = item.figures[name]
        mismatches.append(Mismatch(quantity.text, _written(item, name, figure), figure.label, name))
        if name in unused and name not in wording:
            wording[name] = f"{quantity.text}（与数据不一致）"
    for name in item.figures:
        wording.setdefault(name, NOT_QUOTED)
    return mismatches, wording


def number_mismatches(item: Item) -> list[Mismatch]:
    """Typed numbers in ``item``'s wording that none of its figures supports."""
    return _analyse(item)[0]


def figure_wording(item: Item) -> dict[str, str]:
    """What the text actually says for each figure: the figure as written through its
    placeholder, a typed number standing in for it (marked), or that the text does not cite it."""
    return _analyse(item)[1]


def report_mismatches(content: ReportContent) -> dict[str, list[Mismatch]]:
    """Item key → its mismatches, for every item that has any, in the report's order."""
    result = {}
    for item in content.all_items():
        found = number_mismatches(item)
        if found:
            result[item.key] = found
    return result
