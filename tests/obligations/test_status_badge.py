"""The status badges of compliance cells and of reviewed records."""

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
def test_the_compliance_badge_shows_the_status_and_a_pending_note(status, expected, pending):
    cell = SimpleNamespace(status=status, pending_would_meet=pending)
    expected += PENDING if pending else ""
    page = engines["django"].from_string("{% load compliance %}{% compliance_status cell %}")
    assert page.render({"cell": cell}) == expected


@pytest.mark.parametrize(
    ("status", "tone"),
    [("approved", "success"), ("submitted", "warning"), ("returned", "danger"), ("draft", "secondary")],
)
def test_the_review_status_badge_has_its_tone_and_escapes_the_label(status, tone):
    page = engines["django"].from_string("{% load portal %}{% status_badge status label %}")
    expected = f'<span class="badge text-bg-{tone}">&lt;状态&gt;</span>'
    assert page.render({"status": status, "label": "<状态>"}) == expected
