"""Activity figures: one place, approved only, grouped in the database."""

from datetime import date
from decimal import Decimal

from activities import selectors
from activities.models import ActivityKind, Audience, Dimension
from activities.periods import Period
from core.review.models import Status

from ..factories import OrganisationFactory
from .factories import ActivityFactory, CampaignFactory

H1 = Period.half_year(2024, 1)


def test_totals_count_only_approved_records_in_the_subtree_and_period(district):
    ActivityFactory(organisation=district.branch_a, participants=10, person_times=15, hours=Decimal("2"))
    ActivityFactory(organisation=district.sub_a, participants=5)  # persons only: counts as 5 person-times
    ActivityFactory(organisation=district.sub_a, participants=None, person_times=40)
    ActivityFactory(organisation=district.branch_a, participants=100, status=Status.SUBMITTED)
    ActivityFactory(organisation=district.branch_a, participants=100, start_date=date(2024, 7, 1))
    ActivityFactory(organisation=district.branch_b, participants=1000)
    totals = selectors.activity_totals(organisation=district.sub_a, period=H1)
    assert (totals.count, totals.persons, totals.person_times, totals.hours) == (3, 15, 60, Decimal("2"))
    pending = selectors.activity_totals(organisation=district.sub_a, period=H1, statuses=[Status.SUBMITTED])
    assert pending.count == 1 and pending.persons == 100
    ActivityFactory(organisation=district.branch_a, participants=1)
    assert selectors.activity_totals(organisation=district.sub_a, period=H1).persons == 16


def test_totals_scope_to_a_user(secretary_a, district):
    ActivityFactory(organisation=district.branch_a, participants=10)
    ActivityFactory(organisation=district.branch_b, participants=20)
    assert selectors.activity_totals(user=secretary_a).persons == 10


def test_by_dimension_and_month(district):
    ActivityFactory(organisation=district.branch_a, dimension=Dimension.BRIDGE, start_date=date(2024, 3, 3))
    ActivityFactory(organisation=district.branch_a, dimension=Dimension.BRIDGE, start_date=date(2024, 3, 30))
    ActivityFactory(organisation=district.branch_b, dimension=Dimension.UNITE_YOUTH, start_date=date(2024, 5, 4))
    grouped = selectors.activity_totals_by_dimension_month(organisation=district.root, period=H1)
    assert {key: t.count for key, t in grouped.items()} == {
        (Dimension.BRIDGE, date(2024, 3, 1)): 2,
        (Dimension.UNITE_YOUTH, date(2024, 5, 1)): 1,
    }


def test_by_campaign_with_audiences(district, django_assert_max_num_queries):
    may4 = CampaignFactory(name="五四", start_date=date(2024, 4, 20))
    june1 = CampaignFactory(name="六一", start_date=date(2024, 5, 20))
    ActivityFactory(organisation=district.branch_a, campaign=may4, participants=100)
    ActivityFactory(organisation=district.branch_b, campaign=may4, participants=60, audience=Audience.PUBLIC)
    ActivityFactory(organisation=district.branch_b, campaign=june1, participants=500, audience=Audience.PIONEERS)
    ActivityFactory(organisation=district.branch_b, campaign=june1, participants=9, status=Status.DRAFT)
    ActivityFactory(organisation=district.branch_b, participants=7)
    with django_assert_max_num_queries(2):
        rows = selectors.activity_totals_by_campaign(organisation=district.root, period=H1)
    assert [(r.campaign.name, r.totals.count, r.totals.persons) for r in rows] == [("五四", 2, 160), ("六一", 1, 500)]
    assert rows[0].by_audience[Audience.MEMBERS_YOUTH].persons == 100
    assert rows[0].by_audience[Audience.PUBLIC].persons == 60


def test_by_organisation_rolls_up_to_the_children(district, django_assert_max_num_queries):
    deep = OrganisationFactory(name="甲深层团支部", parent=district.branch_a)
    ActivityFactory(organisation=district.root, participants=1)
    ActivityFactory(organisation=district.sub_a, participants=10)
    ActivityFactory(organisation=deep, participants=20)
    ActivityFactory(organisation=district.branch_b, participants=40)
    with django_assert_max_num_queries(2):
        rows = selectors.activity_totals_by_organisation(organisation=district.root, period=H1)
    assert [(r.organisation.name, r.totals.persons) for r in rows] == [
        ("共青团测试区委员会", 1),
        ("甲街道团工委", 30),
        ("乙街道团工委", 40),
    ]
    flat = selectors.activity_totals_by_organisation(organisation=district.root, period=H1, rollup=False)
    assert {r.organisation.name: r.totals.persons for r in flat}["甲深层团支部"] == 20


def test_grouped_totals_filters(district):
    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.COMMITTEE_MEETING, participants=3)
    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.GROUP_MEETING, participants=4)
    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.THEME_DAY, participants=50)
    by_kind = selectors.activity_totals_by(
        "kind", organisation=district.root, period=H1, kind=[ActivityKind.COMMITTEE_MEETING, ActivityKind.GROUP_MEETING]
    )
    assert {k: t.persons for k, t in by_kind.items()} == {"committee_meeting": 3, "group_meeting": 4}


def test_periods():
    assert Period.quarter(2024, 2) == Period(date(2024, 4, 1), date(2024, 6, 30))
    assert Period.half_year(2024, 1).label == "2024年上半年"
    assert Period.month(2024, 2).end == date(2024, 2, 29)
    assert len(Period.year(2025).months()) == 12
