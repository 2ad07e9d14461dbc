"""Checks a compiled report against the writing rules (docs/report-writing.md); used by the tests."""

import re
from decimal import Decimal

from reports.content import ReportContent
from reports.presentation import paragraphs

_NUMBER = re.compile(r"(近|超|约)?(\d+(?:\.\d+)?)(万)?(余)?")


def _written_value(text: str) -> tuple[str, Decimal] | None:
    match = _NUMBER.fullmatch(text)
    if not match:
        return None
    before, digits, wan, yu = match.groups()
    value = Decimal(digits) * (10_000 if wan else 1)
    return (before or yu or ""), value


def overstatements(content: ReportContent) -> list[str]:
    """Figures whose written form claims more than their value."""
    found = []
    for item in content.all_items():
        for name, figure in item.figures.items():
            if figure.value is None or figure.measure == "change":
                continue
            rendered = figure.render().removesuffix(figure.unit)
            parsed = _written_value(rendered)
            if parsed is None:
                continue
            qualifier, written = parsed
            value = Decimal(str(figure.value))
            if figure.source_qualifier == "近" and qualifier == "近" and value == written:
                continue  # the source's own 近500, kept
            if qualifier == "近" and not (written * Decimal("0.95") <= value < written):
                found.append(f"{item.key}.{name}: {rendered} for {value}")
            elif qualifier in ("余", "超") and not (value > written or (figure.at_least and value == written)):
                # A lower bound (a source's 200余, the known part of a sum) is less than the truth.
                found.append(f"{item.key}.{name}: {rendered} for {value}")
            elif qualifier in ("", "约") and written > value:
                found.append(f"{item.key}.{name}: {rendered} for {value}")
    return found


def text_problems(content: ReportContent) -> list[str]:
    """Lone 一是, repeated sentences, bare category counts and empty headings in the document."""
    problems = []
    seen: set[str] = set()
    for paragraph in paragraphs(content):
        body = paragraph.text
        if "一是" in body and "二是" not in body:
            problems.append(f"lone 一是: {body[:40]}")
        if paragraph.kind == "h2" and not body.strip() and "是" not in paragraph.lead:
            problems.append(f"empty subsection: {paragraph.lead}")
        for sentence in re.split(r"[。；]", re.sub(r"[一二三四五六七八九十]+是", "", body)):
            sentence = sentence.strip()
            if len(sentence) < 10:
                continue
            if sentence in seen:
                problems.append(f"repeated: {sentence}")
            seen.add(sentence)
            if re.fullmatch(r"开展\w{1,6}活动\d+场(，参与\d+人次)?", sentence):
                problems.append(f"bare count: {sentence}")
    return problems
