"""honour_summary: recipients by level × kind × direction for a subtree and a period, from data."""

from datetime import date

import pytest

from branches.models import Kind
from core.review.models import Status
from honours.models import Direction, Level, RecipientKind
from honours.selectors import honour_summary

from ..factories import OrganisationFactory
from .factories import BatchFactory, HonourFactory

H1_2024 = {"start": date(2024, 1, 1), "end": date(2024, 6, 30)}
PIONEER = RecipientKind.YOUNG_PIONEER
COUNSELLOR = RecipientKind.COUNSELLOR
PIONEER_COLLECTIVE = RecipientKind.PIONEER_COLLECTIVE


@pytest.fixture
def pioneers(district):
    committee = OrganisationFactory(name="测试区少工委", kind=Kind.PIONEER_COMMITTEE, parent=district.root)
    brigade = OrganisationFactory(name="实验小学少先队大队", kind=Kind.BRIGADE, parent=committee)
    squadron = OrganisationFactory(name="实验小学五年级（1）中队", kind=Kind.SQUADRON, parent=brigade)
    return committee, brigade, squadron


@pytest.fixture
def seed_like(district, pioneers):
    """The first half of 2024 as the source document tells it, plus records that must not count."""
    committee, brigade, squadron = pioneers
    HonourFactory(title="最美中学生", level=Level.NATIONAL, conferring_body="共青团中央", organisation=district.sub_a)
    regional = {"level": Level.PROVINCIAL, "conferring_body": "广西少工委", "awarded_on": date(2024, 5, 31)}
    HonourFactory(
        title="优秀少先队大队",
        recipient_kind=PIONEER_COLLECTIVE,
        recipient_organisation=brigade,
        recipient_name=brigade.name,
        organisation=brigade,
        **regional,
    )
    HonourFactory(
        title="优秀少先队中队",
        recipient_kind=PIONEER_COLLECTIVE,
        recipient_organisation=squadron,
        recipient_name=squadron.name,
        organisation=squadron,
        **regional,
    )
    HonourFactory(title="优秀少先队大队辅导员", recipient_kind=COUNSELLOR, organisation=brigade, **regional)
    HonourFactory(title="优秀少先队员", recipient_kind=PIONEER, organisation=squadron, **regional)

    city = BatchFactory(
        name="柳州市两红两优", organisation=district.root, status=Status.APPROVED, awarded_on=date(2024, 5, 30)
    )
    HonourFactory(batch=city, title="优秀少先队员", recipient_kind=PIONEER, recipient_name="", recipient_count=133,
                  organisation=district.root)  # fmt: skip
    HonourFactory(batch=city, title="优秀少先队员", recipient_kind=PIONEER, organisation=squadron)
    HonourFactory(batch=city, title="优秀少先队员", recipient_kind=PIONEER, organisation=squadron)
    HonourFactory(batch=city, title="优秀少先队辅导员", recipient_kind=COUNSELLOR, recipient_name="",
                  recipient_count=47, organisation=district.root)  # fmt: skip
    HonourFactory(batch=city, title="红旗大队", recipient_kind=PIONEER_COLLECTIVE, recipient_name="",
                  recipient_count=45, organisation=district.root)  # fmt: skip
    HonourFactory(
        title="优秀少工委",
        level=Level.CITY,
        conferring_body="柳州市少工委",
        recipient_kind=PIONEER_COLLECTIVE,
        recipient_organisation=committee,
        recipient_name=committee.name,
        organisation=committee,
    )
    # Conferred by the district itself on 五四.
    for i in range(3):
        HonourFactory(
            title="优秀共青团员",
            direction=Direction.CONFERRED,
            level=Level.DISTRICT,
            recipient_name=f"团员{i}",
            organisation=district.branch_b,
        )
    HonourFactory(title="优秀团干部", direction=Direction.CONFERRED, recipient_kind=RecipientKind.CADRE,
                  organisation=district.sub_b)  # fmt: skip
    # Not counted: a draft, a submitted one, a returned one, one outside the period.
    HonourFactory(title="未审核", level=Level.NATIONAL, status=Status.DRAFT, organisation=district.sub_a)
    HonourFactory(title="待审核", level=Level.NATIONAL, status=Status.SUBMITTED, organisation=district.sub_a)
    HonourFactory(title="已退回", level=Level.NATIONAL, status=Status.RETURNED, organisation=district.sub_a)
    HonourFactory(title="去年的", level=Level.NATIONAL, awarded_on=date(2023, 12, 31), organisation=district.sub_a)
    return city


def test_counts_recipients_by_level_kind_and_direction(district, seed_like):
    s = honour_summary(organisation=district.root, **H1_2024)
    received = Direction.RECEIVED
    assert s.count(level=Level.NATIONAL) == 1
    assert s.count(level=Level.NATIONAL, kind=RecipientKind.LEAGUE_MEMBER) == 1
    assert s.count(level=Level.PROVINCIAL, kind=PIONEER_COLLECTIVE) == 2
    assert s.count(level=Level.PROVINCIAL, kind=COUNSELLOR) == 1
    assert s.count(level=Level.PROVINCIAL, kind=PIONEER) == 1
    # A bare count adds its number, named rows one each; the 少工委's own title is stated apart, not counted.
    assert s.count(level=Level.CITY, kind=PIONEER, direction=received) == 135
    assert s.count(level=Level.CITY, kind=COUNSELLOR, direction=received) == 47
    assert s.count(level=Level.CITY, kind=PIONEER_COLLECTIVE, direction=received) == 45
    assert s.count(level=Level.DISTRICT, direction=Direction.CONFERRED) == 4
    assert s.count(level=Level.DISTRICT, kind=RecipientKind.CADRE, direction=Direction.CONFERRED) == 1
    assert s.count(direction=received) == 1 + 4 + 135 + 47 + 45
    assert s.total == 1 + 4 + 135 + 47 + 45 + 4
    assert s.collectives(level=Level.PROVINCIAL) == 2 and s.persons(level=Level.PROVINCIAL) == 2
    assert s.bodies[(received, Level.CITY)] == ["共青团柳州市委员会"]


def test_counts_follow_the_data(district, seed_like):
    before = honour_summary(organisation=district.root, **H1_2024)
    draft = seed_like.honours.model.objects.get(title="未审核")
    draft.status = Status.APPROVED
    draft.save()
    count_row = seed_like.honours.get(recipient_kind=PIONEER, recipient_name="")
    count_row.recipient_count = 100
    count_row.save()
    after = honour_summary(organisation=district.root, **H1_2024)
    assert after.count(level=Level.NATIONAL) == before.count(level=Level.NATIONAL) + 1 == 2
    assert after.count(level=Level.CITY, kind=PIONEER) == 102


def test_subtree_and_direction_limit_the_counts(district, seed_like):
    sub_a = honour_summary(organisation=district.sub_a, **H1_2024)
    assert sub_a.total == 1 and sub_a.count(level=Level.NATIONAL) == 1
    sub_b = honour_summary(organisation=district.sub_b, **H1_2024)
    assert sub_b.count(direction=Direction.CONFERRED) == 4 and sub_b.count(direction=Direction.RECEIVED) == 0
    received_only = honour_summary(organisation=district.root, direction=Direction.RECEIVED, **H1_2024)
    assert received_only.count(direction=Direction.CONFERRED) == 0
    assert received_only.total == 1 + 4 + 135 + 47 + 45


def test_period_bounds_are_inclusive_and_year_only_honours_count_at_year_end(district):
    HonourFactory(title="年初", awarded_on=date(2024, 1, 1), organisation=district.sub_a)
    HonourFactory(title="年中", awarded_on=date(2024, 6, 30), organisation=district.sub_a)
    HonourFactory(title="年度", awarded_on=None, year_from=2024, organisation=district.sub_a)
    # A range is entered with the day it was announced, and counts in that half.
    HonourFactory(title="学年", awarded_on=date(2024, 6, 1), year_from=2023, year_to=2024, organisation=district.sub_a)
    assert honour_summary(organisation=district.root, **H1_2024).total == 3
    h2 = honour_summary(organisation=district.root, start=date(2024, 7, 1), end=date(2024, 12, 31))
    assert h2.total == 1


def test_named_list_holds_national_and_provincial_honours_with_their_structure(district, seed_like, pioneers):
    s = honour_summary(organisation=district.root, **H1_2024)
    named = [(h.level, h.title, h.recipient_kind) for h in s.named]
    assert named[0] == (Level.NATIONAL, "最美中学生", RecipientKind.LEAGUE_MEMBER)
    assert sorted(named[1:]) == sorted(
        [
            (Level.PROVINCIAL, "优秀少先队大队", PIONEER_COLLECTIVE),
            (Level.PROVINCIAL, "优秀少先队中队", PIONEER_COLLECTIVE),
            (Level.PROVINCIAL, "优秀少先队大队辅导员", COUNSELLOR),
            (Level.PROVINCIAL, "优秀少先队员", PIONEER),
        ]
    )
    brigade = next(h for h in s.named if h.title == "优秀少先队大队")
    assert brigade.recipient_organisation_name == pioneers[1].name
    assert brigade.conferring_body == "广西少工委" and brigade.unit == "个"
    assert [h.title for h in s.named_at(Level.PROVINCIAL, direction=Direction.CONFERRED)] == []


def test_own_lists_the_titles_of_the_committee_and_its_pioneer_work_committee(district, seed_like, pioneers):
    committee, brigade, _squadron = pioneers
    HonourFactory(title="五四红旗团委", level=Level.CITY, recipient_kind=RecipientKind.LEAGUE_COLLECTIVE,
                  recipient_organisation=district.root, recipient_name=district.root.name,
                  organisation=district.root)  # fmt: skip
    HonourFactory(title="五四红旗团工委", level=Level.CITY, recipient_kind=RecipientKind.LEAGUE_COLLECTIVE,
                  recipient_organisation=district.sub_a, recipient_name=district.sub_a.name,
                  organisation=district.sub_a)  # fmt: skip
    s = honour_summary(organisation=district.root, **H1_2024)
    assert {(h.title, h.recipient_name) for h in s.own} == {
        ("优秀少工委", "测试区少工委"),
        ("五四红旗团委", district.root.name),
    }
    # The street committee's title is one of the district's collectives; the committee's own are not.
    assert s.count(level=Level.CITY, kind=RecipientKind.LEAGUE_COLLECTIVE) == 1
    assert s.count(level=Level.CITY, kind=PIONEER_COLLECTIVE) == 45
    # Seen from the 少工委 itself, its title is its own and the brigade's is one of its collectives.
    mine = honour_summary(organisation=committee, **H1_2024)
    assert [h.title for h in mine.own] == ["优秀少工委"]
    assert mine.count(level=Level.PROVINCIAL, kind=PIONEER_COLLECTIVE) == 2
    # Seen from the street, its own title is stated apart.
    street = honour_summary(organisation=district.sub_a, **H1_2024)
    assert [h.title for h in street.own] == ["五四红旗团工委"] and street.collectives() == 0


def test_phrase_and_table_are_built_from_the_counts(district, seed_like):
    s = honour_summary(organisation=district.root, **H1_2024)
    assert s.phrase(level=Level.CITY) == "135名少先队员、47名少先队辅导员、45个少先队集体"
    table = s.table(direction=Direction.RECEIVED)
    city = next(row for row in table if row["level"] == Level.CITY)
    assert city["total"] == 135 + 47 + 45
    assert table[-1]["label"] == "合计" and table[-1]["total"] == s.count(direction=Direction.RECEIVED)


def test_summary_takes_two_queries_whatever_the_data(district, pioneers, django_assert_num_queries):
    for i in range(30):
        HonourFactory(
            title=f"称号{i % 4}", level=Level.PROVINCIAL if i % 3 else Level.CITY, organisation=district.sub_a
        )
    with django_assert_num_queries(2):
        small = honour_summary(organisation=district.root, **H1_2024)
    for i in range(60):
        HonourFactory(title=f"新称号{i}", level=Level.NATIONAL, organisation=district.branch_b)
    with django_assert_num_queries(2):
        large = honour_summary(organisation=district.root, **H1_2024)
    assert large.total == small.total + 60 and len(large.named) == len(small.named) + 60
