from dataclasses import dataclass
from datetime import date

import pytest

from members.choices import Category, Gender
from members.models import Member

from ..factories import MemberFactory, make_id_number


@dataclass
class Roster:
    a1: Member  # in branch_a (secretary_a's subtree)
    a2: Member
    b1: Member  # in branch_b (secretary_b's subtree)


@pytest.fixture
def roster(district) -> Roster:
    a1 = MemberFactory(
        name="张伟",
        organisation=district.branch_a,
        birth_date=date(2001, 5, 3),
        joined_league_on=date(2016, 5, 4),
        id_number=make_id_number(date(2001, 5, 3), 1),
    )
    a2 = MemberFactory(
        name="李娜",
        gender=Gender.FEMALE,
        organisation=district.branch_a,
        birth_date=date(1990, 2, 1),
        category=Category.YOUTH,
        id_number=make_id_number(date(1990, 2, 1), 2, gender="F"),
    )
    b1 = MemberFactory(
        name="王强",
        organisation=district.branch_b,
        birth_date=date(2003, 8, 9),
        joined_league_on=date(2018, 5, 4),
        id_number=make_id_number(date(2003, 8, 9), 3),
    )
    return Roster(a1, a2, b1)
