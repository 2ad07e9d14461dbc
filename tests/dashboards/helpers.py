"""Walk a board's figures and read, from the list each one links to, the number it should equal."""

from dataclasses import fields, is_dataclass
from urllib.parse import urlsplit

from django.urls import resolve

from dashboards.figures import Chart, Figure


def figures_of(board) -> list[Figure]:
    """Every Figure a board holds, wherever it sits (lists, table rows, charts)."""
    found: list[Figure] = []

    def visit(value):
        if isinstance(value, Figure):
            found.append(value)
        elif isinstance(value, Chart):
            for row in value.rows:
                visit(row)
        elif is_dataclass(value) and not isinstance(value, type):
            for f in fields(value):
                visit(getattr(value, f.name))
        elif isinstance(value, dict):
            for item in value.values():
                visit(item)
        elif isinstance(value, list | tuple):
            for item in value:
                visit(item)

    visit(board)
    return found


def listed_value(response, measure: str):
    """The number the list page shows for ``measure``."""
    ctx = response.context
    name = resolve(urlsplit(response.request["PATH_INFO"]).path).view_name
    if name == "obligations:compliance":
        total = ctx["total"]
        return {
            "demanded": total.demanded,
            "met": total.met,
            "due": total.due,
            "overdue": total.overdue,
            "unmet": total.due + total.overdue,
        }[measure]
    if measure == "activities":
        return ctx["approved_totals"].count
    if measure == "persons":
        return ctx["approved_totals"].persons
    if measure == "person_times":
        return ctx["approved_totals"].person_times
    if measure == "recipients":
        return ctx["recipients"]
    assert measure == "rows", measure
    return ctx["page_obj"].paginator.count


def check_links(client, board) -> int:
    """Follow every figure's link (and last year's) and compare; returns how many were checked."""
    checked = 0
    for figure in figures_of(board):
        pairs = [(figure.url, figure.value)]
        if figure.previous_url and figure.previous is not None:
            pairs.append((figure.previous_url, figure.previous))
        for url, value in pairs:
            if not url:
                continue
            response = client.get(url)
            assert response.status_code == 200, (figure.key, url)
            assert listed_value(response, figure.measure) == value, (figure.key, figure.label, url)
            checked += 1
    return checked
