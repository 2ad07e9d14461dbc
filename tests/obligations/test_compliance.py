"""The compliance selector: met, due or overdue, and what counted."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import ActivityKind, IndicatorValue
from activities.periods import Period
from branches.models import Kind
from core.review.models import Status
from obligations import selectors
from obligations.models import Frequency, Target

from ..activities.factories import ActivityFactory, IndicatorFactory
from ..factories import OrganisationFactory
from .factories import ObligationFactory

pytestmark = pytest.mark.usefixtures("no_default_obligations")

TODAY = date(2026, 11, 20)


def _cell(result, org, ob):
    return result.cell(org.pk, ob.pk)


def test_approved_records_meet_and_submitted_ones_show_as_pending(district):
    ob = ObligationFactory()
    ActivityFactory(
        organisation=district.branch_a,
        kind=ActivityKind.COMMITTEE_MEETING,
        start_date=date(2026, 11, 5),
        status=Status.SUBMITTED,
    )
    result = selectors.compliance(today=TODAY)
    cell = _cell(result, district.branch_a, ob)
    assert (cell.status, cell.approved_count, cell.pending_count) == (selectors.DUE, 0, 1)
    assert cell.pending_would_meet
    assert _cell(result, district.branch_b, ob).pending_count == 0

    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 11, 9))
    cell = _cell(selectors.compliance(today=TODAY), district.branch_a, ob)
    assert (cell.status, cell.approved_count, cell.pending_count) == (selectors.MET, 1, 1)
    assert not cell.pending_would_meet


def test_drafts_returned_records_and_other_kinds_do_not_count(district):
    ob = ObligationFactory()
    for status in (Status.DRAFT, Status.RETURNED):
        ActivityFactory(
            organisation=district.branch_a,
            kind=ActivityKind.COMMITTEE_MEETING,
            start_date=date(2026, 11, 5),
            status=status,
        )
    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.GROUP_MEETING, start_date=date(2026, 11, 5))
    cell = _cell(selectors.compliance(today=TODAY), district.branch_a, ob)
    assert (cell.approved_count, cell.pending_count, cell.status) == (0, 0, selectors.DUE)


def test_a_period_that_ended_unmet_is_overdue_and_each_period_counts_its_own_records(district):
    ob = ObligationFactory()
    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 10, 31))
    previous = selectors.compliance(today=TODAY, offset=-1)
    assert previous.periods[ob.pk] == Period(date(2026, 10, 1), date(2026, 10, 31))
    assert _cell(previous, district.branch_a, ob).status == selectors.MET
    assert _cell(previous, district.branch_b, ob).status == selectors.OVERDUE
    # October's meeting does not count for November.
    assert _cell(selectors.compliance(today=TODAY), district.branch_a, ob).status == selectors.DUE


def test_a_multi_day_activity_counts_in_the_period_it_starts(district):
    ob = ObligationFactory()
    ActivityFactory(
        organisation=district.branch_a,
        kind=ActivityKind.COMMITTEE_MEETING,
        start_date=date(2026, 10, 31),
        end_date=date(2026, 11, 2),
    )
    assert _cell(selectors.compliance(today=TODAY, offset=-1), district.branch_a, ob).met
    assert not _cell(selectors.compliance(today=TODAY), district.branch_a, ob).met


def test_hours_are_summed_over_the_kinds_that_count(district):
    ob = ObligationFactory(
        organisation_kinds=[Kind.SUBDISTRICT],
        activity_kinds=[ActivityKind.THEMATIC_STUDY, ActivityKind.TRAINING],
        min_count=None,
        min_hours=Decimal("8"),
    )
    ActivityFactory(
        organisation=district.sub_a, kind=ActivityKind.THEMATIC_STUDY, start_date=date(2026, 11, 3), hours=3
    )
    ActivityFactory(organisation=district.sub_a, kind=ActivityKind.TRAINING, start_date=date(2026, 11, 10), hours=4)
    ActivityFactory(
        organisation=district.sub_a,
        kind=ActivityKind.TRAINING,
        start_date=date(2026, 11, 11),
        hours=2,
        status=Status.SUBMITTED,
    )
    cell = _cell(selectors.compliance(today=TODAY), district.sub_a, ob)
    assert (cell.approved_hours, cell.pending_hours, cell.status) == (Decimal("7"), Decimal("2"), selectors.DUE)
    assert cell.pending_would_meet and cell.held_display == "7/8 小时"

    ActivityFactory(
        organisation=district.sub_a, kind=ActivityKind.THEMATIC_STUDY, start_date=date(2026, 11, 12), hours=1
    )
    assert _cell(selectors.compliance(today=TODAY), district.sub_a, ob).status == selectors.MET


def test_fractional_hours_sum_exactly_on_every_database(district):
    # SQLite sums a decimal column as a float (0.1 + 0.2 = 0.30000000000000004); PostgreSQL
    # as a Decimal. The table reads the sums raw, so both must come out as the same Decimal.
    ob = ObligationFactory(
        organisation_kinds=[Kind.SUBDISTRICT],
        activity_kinds=[ActivityKind.THEMATIC_STUDY],
        min_count=None,
        min_hours=Decimal("0.3"),
    )
    for day, hours in ((3, Decimal("0.1")), (4, Decimal("0.2"))):
        ActivityFactory(
            organisation=district.sub_a, kind=ActivityKind.THEMATIC_STUDY, start_date=date(2026, 11, day), hours=hours
        )
    cell = _cell(selectors.compliance(today=TODAY), district.sub_a, ob)
    assert isinstance(cell.approved_hours, Decimal)
    assert (cell.approved_hours, cell.status, cell.held_display) == (Decimal("0.3"), selectors.MET, "0.3/0.3 小时")


def test_raw_sums_become_decimals_to_the_tenth():
    from obligations.selectors.compliance import _decimal

    assert _decimal(0.1 + 0.2) == Decimal("0.3")
    assert str(_decimal(3)) == "3.0"
    assert _decimal(Decimal("2.5")) == Decimal("2.5")


def test_count_and_hours_must_both_be_reached_when_both_are_set(district):
    ob = ObligationFactory(
        organisation_kinds=[Kind.SUBDISTRICT],
        activity_kinds=[ActivityKind.THEMATIC_STUDY],
        min_count=2,
        min_hours=Decimal("4"),
    )
    ActivityFactory(
        organisation=district.sub_a, kind=ActivityKind.THEMATIC_STUDY, start_date=date(2026, 11, 3), hours=5
    )
    assert not _cell(selectors.compliance(today=TODAY), district.sub_a, ob).met
    ActivityFactory(
        organisation=district.sub_a, kind=ActivityKind.THEMATIC_STUDY, start_date=date(2026, 11, 4), hours=1
    )
    assert _cell(selectors.compliance(today=TODAY), district.sub_a, ob).met


def test_an_activity_counts_only_for_the_organisation_that_held_it(district):
    ob = ObligationFactory(organisation_kinds=[Kind.SUBDISTRICT, Kind.BRANCH])
    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 11, 5))
    result = selectors.compliance(today=TODAY)
    assert _cell(result, district.branch_a, ob).met
    # The branch's meeting is not the sub-district committee's.
    assert not _cell(result, district.sub_a, ob).met


def test_applicability_by_kind_by_directly_managed_flag_and_whole_tree(district):
    district.sub_b.directly_managed = True
    district.sub_b.save()
    by_kind = ObligationFactory(organisation_kinds=[Kind.SUBDISTRICT])
    managed = ObligationFactory(organisation_kinds=[], directly_managed=True)
    school_or_managed = ObligationFactory(organisation_kinds=[Kind.SCHOOL], directly_managed=True)
    everyone = ObligationFactory(organisation_kinds=[], all_organisations=True)
    result = selectors.compliance(today=TODAY)
    applies = {ob.pk: {org_id for org_id, ob_id in result.cells if ob_id == ob.pk} for ob in result.obligations}
    d = district
    assert applies[by_kind.pk] == {d.sub_a.pk, d.sub_b.pk}
    assert applies[managed.pk] == {d.sub_b.pk}
    assert applies[school_or_managed.pk] == {d.sub_b.pk}
    assert applies[everyone.pk] == {d.root.pk, d.sub_a.pk, d.branch_a.pk, d.sub_b.pk, d.branch_b.pk}


def test_only_periods_the_obligation_covered_whole_are_demanded(district):
    ob = ObligationFactory(active_from=date(2026, 11, 10))
    assert selectors.compliance(today=TODAY).cells == {}
    december = selectors.compliance(today=date(2026, 12, 5))
    assert _cell(december, district.branch_a, ob).status == selectors.DUE
    ob.active_until = date(2026, 12, 20)
    ob.save()
    assert selectors.compliance(today=date(2026, 12, 5)).cells == {}
    ob.active_until, ob.active = None, False
    ob.save()
    assert selectors.compliance(today=date(2026, 12, 5)).cells == {}


def test_inactive_and_not_yet_established_organisations_owe_nothing(district):
    ob = ObligationFactory()
    district.branch_a.active = False
    district.branch_a.save()
    district.branch_b.established_on = date(2026, 12, 1)
    district.branch_b.save()
    assert selectors.compliance(today=TODAY).cells == {}
    assert _cell(selectors.compliance(today=date(2026, 12, 3)), district.branch_b, ob).status == selectors.DUE


def test_an_indicator_obligation_is_met_by_an_entry_in_its_period(district):
    indicator = IndicatorFactory(code="registration_done_test")
    ob = ObligationFactory(
        activity_kinds=[],
        min_count=None,
        indicator=indicator,
        indicator_min=Decimal("1"),
        frequency=Frequency.YEAR,
        lead_days=30,
    )
    IndicatorValue.objects.create(indicator=indicator, organisation=district.branch_a, month=date(2026, 3, 1), value=1)
    IndicatorValue.objects.create(indicator=indicator, organisation=district.branch_b, month=date(2025, 12, 1), value=1)
    result = selectors.compliance(today=TODAY)
    assert _cell(result, district.branch_a, ob).met
    assert _cell(result, district.branch_a, ob).indicator_value == Decimal("1")
    assert not _cell(result, district.branch_b, ob).met  # last year's entry
    assert _cell(selectors.compliance(today=TODAY, offset=-1), district.branch_b, ob).met


def test_weekly_periods_run_monday_to_sunday(district):
    ob = ObligationFactory(frequency=Frequency.WEEK, lead_days=2)
    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 11, 22))
    on_sunday = selectors.compliance(today=date(2026, 11, 22))
    assert on_sunday.periods[ob.pk] == Period(date(2026, 11, 16), date(2026, 11, 22))
    assert _cell(on_sunday, district.branch_a, ob).met
    on_monday = selectors.compliance(today=date(2026, 11, 23))
    assert not _cell(on_monday, district.branch_a, ob).met


def test_a_secretary_sees_only_their_subtree(district, secretary_a):
    ObligationFactory(organisation_kinds=[Kind.SUBDISTRICT, Kind.BRANCH])
    result = selectors.compliance(user=secretary_a, today=TODAY)
    assert {org.pk for org in result.organisations} == {district.sub_a.pk, district.branch_a.pk}


def test_the_subtree_and_status_filters_narrow_the_table(district):
    ob = ObligationFactory()
    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 11, 5))
    sub_b = selectors.compliance(organisation=district.sub_b, today=TODAY)
    assert [org.pk for org in sub_b.organisations] == [district.branch_b.pk]
    met = selectors.compliance(today=TODAY).filtered(status=selectors.MET)
    assert list(met.cells) == [(district.branch_a.pk, ob.pk)]
    summary = selectors.compliance(today=TODAY).summaries()[0]
    assert (summary.met, summary.due, summary.overdue, summary.percent) == (1, 1, 0, 50)


def test_with_activities_lists_what_counted(district):
    ob = ObligationFactory()
    approved = ActivityFactory(
        organisation=district.branch_a, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 11, 5)
    )
    pending = ActivityFactory(
        organisation=district.branch_a,
        kind=ActivityKind.COMMITTEE_MEETING,
        start_date=date(2026, 11, 6),
        status=Status.SUBMITTED,
    )
    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 10, 6))
    result = selectors.compliance(organisation=district.branch_a, subtree=False, today=TODAY, with_activities=True)
    assert [a.pk for a in _cell(result, district.branch_a, ob).activities] == [approved.pk, pending.pk]


def test_a_cadre_obligation_applies_where_cadres_serve_and_scales_with_them(district):
    from members.models import CadreAppointment

    from ..factories import MemberFactory

    ob = ObligationFactory(
        target=Target.CADRES,
        cadre_kinds=["full_time"],
        organisation_kinds=[],
        activity_kinds=["grassroots_visit"],
        frequency=Frequency.WEEK,
        lead_days=2,
    )

    def appoint(org, kind, ended_on=None):
        CadreAppointment.objects.create(
            member=MemberFactory(organisation=org),
            organisation=org,
            kind=kind,
            position="副书记",
            started_on=date(2025, 1, 1),
            ended_on=ended_on,
        )

    appoint(district.sub_a, "full_time")
    appoint(district.sub_a, "full_time")
    appoint(district.sub_a, "full_time", ended_on=date(2026, 10, 31))  # left before this week
    appoint(district.sub_b, "part_time")  # 4+1 binds full-time cadres only
    ActivityFactory(organisation=district.sub_a, kind=ActivityKind.GRASSROOTS_VISIT, start_date=date(2026, 11, 17))
    result = selectors.compliance(today=TODAY)
    assert {org_id for org_id, _ in result.cells} == {district.sub_a.pk}
    cell = _cell(result, district.sub_a, ob)
    assert (cell.cadres, cell.required_count, cell.approved_count, cell.met) == (2, 2, 1, False)
    assert cell.held_display == "1/2 次"
    ActivityFactory(organisation=district.sub_a, kind=ActivityKind.GRASSROOTS_VISIT, start_date=date(2026, 11, 19))
    assert _cell(selectors.compliance(today=TODAY), district.sub_a, ob).met


def test_cadres_are_counted_on_every_period_end_in_one_query(district):
    """Each day counts the cadres in post that day (first and last day included); organisations
    with none are left out; however many days, one query."""
    from members.models import CadreAppointment
    from obligations import roster

    from ..factories import MemberFactory

    def appoint(org, kind, started_on, ended_on=None):
        CadreAppointment.objects.create(
            member=MemberFactory(organisation=org),
            organisation=org,
            kind=kind,
            position="副书记",
            started_on=started_on,
            ended_on=ended_on,
        )

    appoint(district.sub_a, "full_time", date(2026, 1, 1))
    appoint(district.sub_a, "full_time", date(2026, 1, 1), ended_on=date(2026, 3, 31))
    appoint(district.sub_b, "full_time", date(2026, 4, 30))
    appoint(district.sub_b, "part_time", date(2026, 1, 1))
    days = [date(2026, 1, 31), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]
    with CaptureQueriesContext(connection) as ctx:
        counts = roster.cadre_counts(kinds=["full_time"], days=days)
    assert len(ctx) == 1
    a, b = district.sub_a.pk, district.sub_b.pk
    assert counts == {
        date(2026, 1, 31): {a: 2},
        date(2026, 3, 31): {a: 2},
        date(2026, 4, 30): {a: 1, b: 1},
        date(2026, 5, 31): {a: 1, b: 1},
    }
    both = roster.cadre_counts(kinds=["full_time", "part_time"], days=[date(2026, 1, 31)])
    assert both == {date(2026, 1, 31): {a: 2, b: 1}}
    assert roster.cadre_counts(kinds=["full_time"], days=[]) == {}


def test_the_number_of_queries_does_not_grow_with_the_tree(district):
    ObligationFactory()
    ObligationFactory(activity_kinds=[ActivityKind.GROUP_MEETING], frequency=Frequency.QUARTER)
    indicator = IndicatorFactory(code="appraisal_test")
    ObligationFactory(activity_kinds=[], min_count=None, indicator=indicator, frequency=Frequency.YEAR)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            result = selectors.compliance(today=TODAY, with_activities=True)
        return len(ctx), len(result.cells)

    small, small_cells = queries()
    for i in range(40):
        branch = OrganisationFactory(name=f"新增团支部{i}", kind=Kind.BRANCH, parent=district.sub_a)
        ActivityFactory(organisation=branch, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 11, 2))
        IndicatorValue.objects.create(indicator=indicator, organisation=branch, month=date(2026, 5, 1), value=3)
    large, large_cells = queries()
    assert large_cells == small_cells + 40 * 3
    assert large == small


# --- Over a reporting span (the half-year report and its annex) -----------------------------------


H2_2026 = Period(date(2026, 7, 1), date(2026, 12, 31))


def test_held_vs_due_over_a_half_year(district):
    monthly = ObligationFactory(name="支委会", active_from=date(2026, 1, 1))
    quarterly = ObligationFactory(
        name="支部大会",
        activity_kinds=[ActivityKind.GENERAL_MEETING],
        frequency=Frequency.QUARTER,
        active_from=date(2026, 1, 1),
    )
    for month in (7, 8, 10):
        ActivityFactory(
            organisation=district.branch_a, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, month, 3)
        )
    ActivityFactory(organisation=district.branch_b, kind=ActivityKind.GENERAL_MEETING, start_date=date(2026, 9, 9))
    over = selectors.compliance_over(span=H2_2026, today=TODAY)
    # July to November have begun; December has not and is not owed yet.
    assert [p.start.month for p in over.periods[monthly.pk]] == [7, 8, 9, 10, 11]
    assert [p.start.month for p in over.periods[quarterly.pk]] == [7, 10]
    tallies = dict(over.tallies())
    assert (tallies[monthly].demanded, tallies[monthly].met, tallies[monthly].overdue, tallies[monthly].due) == (
        10,
        3,
        5,  # branch_a's September, branch_b's July to October
        2,  # November, still running, for both
    )
    assert tallies[monthly].percent == Decimal("30.0")
    assert (tallies[quarterly].demanded, tallies[quarterly].met) == (4, 1)
    table = {org.name: row for org, row in over.by_organisation()}
    assert (table["甲社区团支部"][0].met, table["甲社区团支部"][1].met) == (3, 0)
    assert (table["乙社区团支部"][0].met, table["乙社区团支部"][1].met) == (0, 1)


def test_behind_names_the_organisations_with_a_period_overdue(district):
    ObligationFactory(name="支委会", active_from=date(2026, 1, 1))
    over = selectors.compliance_over(span=H2_2026, today=TODAY)
    behind = over.behind()
    assert district.branch_a.pk in behind
    assert behind == {org.pk for org, row in over.by_organisation() if any(t is not None and t.overdue for t in row)}

    # Every past month held: branch_a is no longer behind (November is still running, only due).
    for month in (7, 8, 9, 10):
        ActivityFactory(
            organisation=district.branch_a, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, month, 3)
        )
    assert selectors.compliance_over(span=H2_2026, today=TODAY).behind() == behind - {district.branch_a.pk}


def test_a_week_belongs_to_the_half_year_in_which_it_ends(district):
    ob = ObligationFactory(frequency=Frequency.WEEK, lead_days=2, active_from=date(2025, 1, 1))
    first_half_2026 = Period(date(2026, 1, 1), date(2026, 6, 30))
    weeks = selectors.periods_within(ob, first_half_2026)
    # 29 December 2025 to 4 January 2026 ends in 2026; 29 June to 5 July 2026 ends after June.
    assert weeks[0] == Period(date(2025, 12, 29), date(2026, 1, 4))
    assert weeks[-1] == Period(date(2026, 6, 22), date(2026, 6, 28))
    assert len(weeks) == 26


def test_a_longer_span_costs_no_more_queries(district):
    ObligationFactory(active_from=date(2020, 1, 1))
    ObligationFactory(frequency=Frequency.WEEK, lead_days=2, active_from=date(2020, 1, 1))

    def queries(span) -> int:
        with CaptureQueriesContext(connection) as ctx:
            selectors.compliance_over(span=span, today=TODAY)
        return len(ctx)

    assert queries(Period(date(2026, 7, 1), date(2026, 9, 30))) == queries(Period(date(2025, 1, 1), date(2026, 11, 30)))
