"""The plain content object of a half-year report.

The compiler builds it from data; staff edit it; renderers (HTML, .docx, .xlsx annex) read it.
It is stored as JSON on the report, so a finalised report is frozen exactly as it was.

An item's text is a template: ``{name}`` placeholders stand for its figures, so the wording can
be edited while every figure stays linked to the data behind it. Only a placeholder that names
one of the item's figures is replaced; every other brace is the text staff typed, and stays as it
is (the wording is never given to ``str.format``: "存在问题{0}" or "{x:>200000000}" are text).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from .numbers import Approximation, Measure, Style, change_text, format_figure

CHINESE_ORDINALS = "一二三四五六七八九十"
PLACEHOLDER_RE = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def ordinal(n: int) -> str:
    """1 → 一, 11 → 十一, 20 → 二十 (enough for a report's numbering)."""
    if n <= 10:
        return CHINESE_ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_ORDINALS[tens - 1]
    return f"{head}十{CHINESE_ORDINALS[ones - 1] if ones else ''}"


@dataclass
class Figure:
    value: float | int | None
    unit: str = ""
    measure: str = Measure.PERSONS
    style: str = Style.EXACT
    label: str = ""  # what it counts, in Chinese, for the editor and the annex
    link: str = ""  # the list behind the figure
    previous: float | int | None = None  # the same half of the previous year
    compiled_value: float | int | None = None  # the value when staff last confirmed the wording
    style_locked: bool = False  # staff chose the style; recompiling keeps it
    # Summed from source figures that were themselves approximate: never written as exact, and
    # as 余 only when every such source was a lower bound (余 / 超), else as 约.
    approximate: bool = False
    at_least: bool = False
    # One source figure given with 余 / 多 / 超 / 约 / 近 (200余名): its qualifier is kept.
    source_qualifier: str = ""

    def render(self) -> str:
        if self.measure == Measure.CHANGE:
            return change_text(self.value)
        return format_figure(
            self.value,
            self.unit,
            self.style,
            lower_bound=self.approximate and self.at_least,
            upper_bound=self.source_qualifier == "近",
        )

    def qualify(self, approximation: Approximation) -> Figure:
        """Apply how its source figures let it be written (``numbers.approximation``)."""
        if approximation.style is not None:
            self.style = approximation.style
        self.approximate = approximation.approximate
        self.at_least = approximation.at_least
        self.source_qualifier = approximation.source_qualifier
        return self


@dataclass
class Item:
    key: str  # stable across recompiles: "campaign:12", "honours:national", "plan:custom:3"
    template: str
    figures: dict[str, Figure] = field(default_factory=dict)
    source: str = "data"  # "data" (compiled) or "staff" (added by hand)
    edited: bool = False  # staff changed the wording; recompiling keeps it
    stale: bool = False  # an edited item whose figures changed, or whose data is gone
    stale_reason: str = ""
    heading: str = ""  # plan items: the (一) heading
    obligation_ids: list[int] = field(default_factory=list)  # plan items: the obligations enforcing them
    # The wording as compiled, before staff edited it: numbers in it are the compiler's, not
    # typed (reports.checks). A fresh compilation carries it into a merged draft by itself.
    compiled_template: str = ""

    def __post_init__(self):
        if not self.compiled_template:
            self.compiled_template = self.template

    def render(self) -> str:
        return "".join(text for text, _ in self.parts())

    def placeholders(self) -> list[str]:
        return PLACEHOLDER_RE.findall(self.template)

    def parts(self) -> list[tuple[str, str | None]]:
        """The rendered text in pieces: (text, figure name or None), for pages that link figures.

        A ``{name}`` naming one of the item's figures becomes the figure as written; any other
        brace, and a ``{name}`` naming no figure, is literal text."""
        pieces, position = [], 0
        for match in PLACEHOLDER_RE.finditer(self.template):
            pieces.append((self.template[position : match.start()], None))
            name = match.group(1)
            if name in self.figures:
                pieces.append((self.figures[name].render(), name))
            else:
                pieces.append((match.group(0), None))
            position = match.end()
        pieces.append((self.template[position:], None))
        return [(text, name) for text, name in pieces if text]


@dataclass
class Subsection:
    key: str  # a dimension code
    title: str  # 凝聚青年
    theme: str  # 紧扣时代主题，深化青少年思想政治引领和价值引领工作
    items: list[Item] = field(default_factory=list)
    theme_edited: bool = False

    def heading(self, n: int) -> str:
        return f"（{ordinal(n)}）{self.title}，{self.theme}。"


@dataclass
class ReportContent:
    title: str
    opening: Item
    achievements: list[Subsection] = field(default_factory=list)
    problems: list[Item] = field(default_factory=list)
    plan: list[Item] = field(default_factory=list)
    signature: str = ""
    date_text: str = ""
    title_edited: bool = False
    removed: list[str] = field(default_factory=list)  # compiled items staff removed
    # What section 三 plans for: 下半年 after an H1 summary; the next year's first half (or the
    # whole next year, as the committee chooses) after an H2 one. The title says the same.
    plan_title: str = "下半年工作计划"

    def headings(self) -> tuple[str, str, str]:
        return ("一、主要做法和成效", "二、存在问题", f"三、{self.plan_title}")

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> ReportContent:
        def item(raw: dict) -> Item:
            figures = {name: Figure(**fig) for name, fig in raw.get("figures", {}).items()}
            return Item(**{**raw, "figures": figures})

        return cls(
            title=data["title"],
            opening=item(data["opening"]),
            achievements=[
                Subsection(**{**sub, "items": [item(i) for i in sub.get("items", [])]})
                for sub in data.get("achievements", [])
            ],
            problems=[item(i) for i in data.get("problems", [])],
            plan=[item(i) for i in data.get("plan", [])],
            signature=data.get("signature", ""),
            date_text=data.get("date_text", ""),
            title_edited=data.get("title_edited", False),
            removed=list(data.get("removed", [])),
            plan_title=data.get("plan_title", "下半年工作计划"),
        )

    def all_items(self) -> list[Item]:
        return [self.opening, *(i for sub in self.achievements for i in sub.items), *self.problems, *self.plan]

    def find(self, key: str) -> Item | None:
        return next((i for i in self.all_items() if i.key == key), None)

    def container_of(self, key: str) -> list[Item] | None:
        """The list an item lives in (a dimension's items, the problems or the plan)."""
        for items in [*(sub.items for sub in self.achievements), self.problems, self.plan]:
            if any(i.key == key for i in items):
                return items
        return None

    def stale_items(self) -> list[Item]:
        return [i for i in self.all_items() if i.stale]

    def numbered_subsections(self) -> list[tuple[int, Subsection]]:
        """The dimensions that have something to say, numbered （一）（二）… without gaps."""
        filled = [sub for sub in self.achievements if any(item.render().strip() for item in sub.items)]
        return list(enumerate(filled, start=1))

    def empty_sections(self) -> list[str]:
        """The headings of the sections a reader would find empty (finalising refuses them)."""
        first, second, third = self.headings()
        texts = {
            first: [i.render() for sub in self.achievements for i in sub.items],
            second: [i.render() for i in self.problems],
            third: [i.render() for i in self.plan],
        }
        return [heading for heading, items in texts.items() if not any(t.strip() for t in items)]

    # --- Paragraph texts, shared by every renderer ----------------------------

    def subsection_paragraph(self, n: int, sub: Subsection) -> tuple[str, str]:
        """(the KaiTi heading with its theme sentence, the body: 一是……。二是……。)"""
        return sub.heading(n), numbered_sentences(item.render() for item in sub.items)

    def problems_paragraph(self) -> str:
        return numbered_sentences(item.render() for item in self.problems)

    def plan_paragraphs(self) -> list[tuple[str, str]]:
        return [
            (f"（{ordinal(n)}）{item.heading}。" if item.heading else f"（{ordinal(n)}）", item.render())
            for n, item in enumerate(self.plan, start=1)
        ]


def sentence_prefixes(count: int) -> list[str]:
    """一是 / 二是 … for two items or more; a single item takes no ordinal (a lone 一是 reads as
    a list the writer forgot to finish)."""
    return [f"{ordinal(n)}是" for n in range(1, count + 1)] if count > 1 else [""] * count


def numbered_sentences(texts) -> str:
    """一是……。二是……。 — each text ends with a full stop exactly once."""
    kept = [t.strip().rstrip("。；;.") for t in texts if t and t.strip()]
    return "".join(f"{prefix}{text}。" for prefix, text in zip(sentence_prefixes(len(kept)), kept, strict=True))
