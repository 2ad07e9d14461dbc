"""Organisational life in the report comes from the compliance selector and moves with the data."""

from datetime import date

import pytest

from activities.models import ActivityKind, Dimension
from reports.compiler import compile_report_content

from ..activities.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def life(district):
    content = compile_report_content(organisation=district.root, year=2024, half=1)
    # Below the committee's threshold the held/due figures are stated as a problem, not an achievement.
    item = content.find("compliance:organisational_life")
    if item is None or "demanded" not in item.figures:
        item = content.find("problem:organisational_life")
    return item, content


def test_held_against_due_moves_with_approved_meetings(district):
    item, content = life(district)
    assert item is not None
    demanded, met = item.figures["demanded"].value, item.figures["met"].value
    assert demanded > 0 and met == 0
    assert content.find("problem:organisational_life") is not None

    ActivityFactory(
        organisation=district.branch_a,
        kind=ActivityKind.COMMITTEE_MEETING,
        dimension=Dimension.GOVERN_STRICTLY,
        start_date=date(2024, 3, 12),
    )
    item, _ = life(district)
    assert item.figures["met"].value == met + 1 and item.figures["demanded"].value == demanded

    # A meeting outside the half, or still awaiting review, does not count.
    ActivityFactory(
        organisation=district.branch_a,
        kind=ActivityKind.COMMITTEE_MEETING,
        dimension=Dimension.GOVERN_STRICTLY,
        start_date=date(2024, 7, 2),
    )
    ActivityFactory(
        organisation=district.branch_b,
        kind=ActivityKind.COMMITTEE_MEETING,
        dimension=Dimension.GOVERN_STRICTLY,
        start_date=date(2024, 4, 2),
        status="submitted",
    )
    item, _ = life(district)
    assert item.figures["met"].value == met + 1
