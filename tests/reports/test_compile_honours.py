"""Honour figures in the report come from the honours summary and move with the data."""

from datetime import date

import pytest

from honours.models import Direction, Level, RecipientKind, Status
from reports.compiler import compile_report_content

from ..honours.factories import HonourFactory

pytestmark = pytest.mark.django_db


def received(district) -> str:
    item = compile_report_content(organisation=district.root, year=2024, half=1).find("honours:received")
    return item.render() if item else ""


def test_named_and_counted_honours(district):
    HonourFactory(
        organisation=district.branch_a, level=Level.NATIONAL, title="最美中学生", conferring_body="中央文明办"
    )
    HonourFactory(
        organisation=district.branch_b,
        level=Level.PROVINCIAL,
        title="优秀少先队员",
        conferring_body="自治区少工委",
        recipient_kind=RecipientKind.YOUNG_PIONEER,
    )
    for _ in range(3):
        HonourFactory(
            organisation=district.branch_a,
            level=Level.CITY,
            conferring_body="市少工委",
            recipient_kind=RecipientKind.YOUNG_PIONEER,
        )
    HonourFactory(
        organisation=district.branch_a,
        level=Level.CITY,
        conferring_body="市少工委",
        recipient_kind=RecipientKind.COUNSELLOR,
        status=Status.SUBMITTED,
    )
    text = received(district)
    assert "1名团员荣获全国级“最美中学生”称号" in text
    assert "我区1名少先队员荣获自治区少工委“优秀少先队员”称号" in text
    assert "并有3名少先队员获得市少工委表扬" in text

    # Approving the pending one and dating one outside the half move the figures.
    from honours.models import Honour

    Honour.objects.filter(status=Status.SUBMITTED).update(status=Status.APPROVED)
    Honour.objects.filter(recipient_kind=RecipientKind.YOUNG_PIONEER, level=Level.CITY).first().delete()
    assert "并有2名少先队员、1名少先队辅导员获得市少工委表扬" in received(district)


def test_conferred_honours_are_a_separate_item(district):
    for _ in range(4):
        HonourFactory(organisation=district.branch_a, direction=Direction.CONFERRED, awarded_on=date(2024, 5, 4))
    content = compile_report_content(organisation=district.root, year=2024, half=1)
    assert content.find("honours:conferred").render() == "发挥典型示范作用，上半年共表彰4名团员"
    assert content.find("honours:received") is None
