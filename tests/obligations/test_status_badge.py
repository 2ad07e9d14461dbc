"""A compliance cell's status badge: one function for the Django pages and the Jinja2 rows."""

from types import SimpleNamespace

import pytest
from django.template import engines

PENDING = ' <span class="badge text-bg-info" title="待审核记录通过后即可完成">待审核</span>'


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("met", '<span class="badge text-bg-success">已完成</span>'),
        ("due", '<span class="badge text-bg-warning">待完成</span>'),
        ("overdue", '<span class="badge text-bg-danger">逾期未完成</span>'),
        ("unknown", '<span class="badge text-bg-warning">待完成</span>'),  # as the cell's page always showed it
    ],
)
@pytest.mark.parametrize("pending", [False, True])
def test_the_badge_is_the_same_in_both_engines(status, expected, pending):
    cell = SimpleNamespace(status=status, pending_would_meet=pending)
    expected += PENDING if pending else ""
    django = engines["django"].from_string("{% load compliance %}{% compliance_status cell %}")
    assert django.render({"cell": cell}) == expected
    assert engines["jinja2"].from_string("{{ compliance_status(cell) }}").render({"cell": cell}) == expected
