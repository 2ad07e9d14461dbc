"""The report laid out for HTML pages (preview, editor, print), from the content object.

The .docx renderer and this module both take their paragraph texts from ReportContent, so
the page and the file say the same thing.
"""

from dataclasses import dataclass, field

from .content import Item, ReportContent, ordinal, sentence_prefixes


@dataclass
class Run:
    text: str
    figure: str | None = None
    link: str = ""


@dataclass
class ItemView:
    item: Item
    prefix: str  # 一是 / （一）从严治团。
    runs: list[Run]
    suffix: str = "。"


@dataclass
class Block:
    kind: str  # "heading" (一、) | "subsection" | "problems" | "plan"
    text: str = ""
    key: str = ""
    theme: str = ""
    items: list[ItemView] = field(default_factory=list)
    empty: bool = False  # a dimension with nothing to say: left out of the document


def _item_views(items: list[Item]) -> list[ItemView]:
    return [
        ItemView(item, prefix, _runs(item)) for prefix, item in zip(sentence_prefixes(len(items)), items, strict=True)
    ]


def _runs(item: Item) -> list[Run]:
    runs = []
    for text, name in item.parts():
        figure = item.figures.get(name) if name else None
        runs.append(Run(text, name, figure.link if figure else ""))
    if runs:
        runs[-1].text = runs[-1].text.rstrip("。；;.")
    return runs


def layout(content: ReportContent) -> list[Block]:
    """The editor's view: every dimension is shown (an empty one marked, so staff can fill it),
    numbered as the document numbers them."""
    first, second, third = content.headings()
    numbers = {sub.key: n for n, sub in content.numbered_subsections()}
    blocks = [Block("heading", first)]
    for sub in content.achievements:
        n = numbers.get(sub.key)
        heading = sub.heading(n) if n else f"{sub.title}，{sub.theme}。"
        block = Block("subsection", heading, key=sub.key, theme=sub.theme, empty=n is None)
        block.items = _item_views(sub.items)
        blocks.append(block)
    blocks.append(Block("heading", second))
    problems = Block("problems", key="problems", empty=not content.problems)
    problems.items = _item_views(content.problems)
    blocks.append(problems)
    blocks.append(Block("heading", third))
    plan = Block("plan", key="plan", empty=not content.plan)
    plan.items = [
        ItemView(item, f"（{ordinal(i)}）{item.heading}。" if item.heading else f"（{ordinal(i)}）", _runs(item), "")
        for i, item in enumerate(content.plan, start=1)
    ]
    blocks.append(plan)
    return blocks


def opening_runs(content: ReportContent) -> list[Run]:
    return [
        Run(text, name, content.opening.figures[name].link if name else "") for text, name in content.opening.parts()
    ]


@dataclass
class Paragraph:
    kind: str  # "title" | "body" | "h1" (一、 HeiTi) | "h2" (（一） KaiTi lead-in + body) | "signature"
    text: str
    lead: str = ""  # the KaiTi heading that opens an "h2" paragraph


def paragraphs(content: ReportContent) -> list[Paragraph]:
    """The document as official paragraphs: what the .docx and the print page both render."""
    first, second, third = content.headings()
    result = [Paragraph("title", content.title), Paragraph("body", content.opening.render()), Paragraph("h1", first)]
    for n, sub in content.numbered_subsections():
        lead, body = content.subsection_paragraph(n, sub)
        result.append(Paragraph("h2", body, lead))
    result.append(Paragraph("h1", second))
    if content.problems:
        result.append(Paragraph("body", content.problems_paragraph()))
    result.append(Paragraph("h1", third))
    result.extend(Paragraph("h2", body, lead) for lead, body in content.plan_paragraphs())
    for text in (content.signature, content.date_text):
        if text:
            result.append(Paragraph("signature", text))
    return result
