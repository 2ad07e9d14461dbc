"""List, calendar, review queue and export: filters, scope, and query counts that do not grow."""

import io
from datetime import date

import openpyxl
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, ActivityKind, Audience, Campaign, Dimension
from core.review.models import Status

from ..factories import OrganisationFactory, UserFactory
from .factories import ActivityFactory, CampaignFactory


def test_list_shows_scope_and_totals_of_approved_only(secretary_a_client, district):
    ActivityFactory(organisation=district.branch_a, participants=30, status=Status.APPROVED)
    ActivityFactory(organisation=district.sub_a, participants=10, person_times=25, status=Status.APPROVED)
    ActivityFactory(organisation=district.branch_a, participants=99, status=Status.SUBMITTED)
    ActivityFactory(organisation=district.branch_b, participants=500, status=Status.APPROVED)
    response = secretary_a_client.get(reverse("activities:list"))
    assert len(response.context["activities"]) == 3
    totals = response.context["approved_totals"]
    assert (totals.count, totals.persons, totals.person_times) == (2, 40, 55)
    assert response.context["status_counts"]["submitted"] == 1


def test_list_filters(staff_client, district):
    campaign = CampaignFactory(name="五四青年文化节")
    hit = ActivityFactory(
        organisation=district.branch_a,
        kind=ActivityKind.VOLUNTEER,
        dimension=Dimension.SERVE_OVERALL,
        campaign=campaign,
        start_date=date(2024, 5, 4),
        title="河道清洁",
    )
    ActivityFactory(organisation=district.branch_b, kind=ActivityKind.VOLUNTEER, start_date=date(2024, 5, 4))
    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.THEME_DAY, start_date=date(2024, 5, 4))
    ActivityFactory(organisation=district.branch_a, kind=ActivityKind.VOLUNTEER, start_date=date(2024, 7, 1))
    url = reverse("activities:list")
    cases = [
        {"organisation": district.sub_a.pk, "kind": "volunteer", "date_to": "2024-06-30"},
        {"campaign": campaign.pk},
        {"dimension": "serve_overall", "organisation": district.sub_a.pk},
        {"q": "河道"},
        {
            "date_from": "2024-05-01",
            "date_to": "2024-05-31",
            "kind": "volunteer",
            "status": "approved",
            "organisation": district.branch_a.pk,
        },
    ]
    for query in cases:
        assert list(staff_client.get(url, query).context["activities"]) == [hit], query


def test_filter_outside_scope_returns_nothing_rather_than_everything(secretary_a_client, district):
    ActivityFactory(organisation=district.branch_a)
    response = secretary_a_client.get(reverse("activities:list"), {"organisation": district.branch_b.pk})
    assert response.status_code == 200
    assert list(response.context["activities"]) == []
    assert response.context["filter"].form.errors


def test_the_campaign_filter_names_each_campaign_with_its_dates(staff_client, district):
    """Campaigns recur under one name year after year: the filter tells them apart by their dates,
    as the logging form does, and the chosen one stays selected."""
    this_year = CampaignFactory(name="五四青年文化节", start_date=date(2025, 4, 1), end_date=date(2025, 5, 31))
    CampaignFactory(name="五四青年文化节", start_date=date(2024, 4, 1), end_date=date(2024, 5, 31))
    html = staff_client.get(reverse("activities:list"), {"campaign": this_year.pk}).content.decode()
    assert f'<option value="{this_year.pk}" selected>五四青年文化节（2025-04-01 至 2025-05-31）</option>' in html
    assert ">五四青年文化节（2024-04-01 至 2024-05-31）</option>" in html


def _bulk(district, n):
    """``n`` records over five new branches, every column the rows show filled on some of them
    (a column a list forgets to read then costs a query per row, and the counts below grow)."""
    orgs = [
        OrganisationFactory(name=f"批量团支部{i}", short_name=f"批量{i}" if i % 2 else "", parent=district.sub_a)
        for i in range(5)
    ]
    campaign = CampaignFactory()
    by = UserFactory(first_name="明", last_name="李")
    statuses = [Status.APPROVED, Status.SUBMITTED, Status.DRAFT, Status.RETURNED]
    Activity.objects.bulk_create(
        [
            Activity(
                title=f"活动{i}",
                organisation=orgs[i % 5],
                kind=ActivityKind.THEME_DAY,
                dimension=Dimension.UNITE_YOUTH,
                campaign=campaign if i % 2 else None,
                start_date=date(2024, 5, 1 + i % 28),
                end_date=date(2024, 5, 2 + i % 28) if i % 3 else None,
                audience=Audience.MEMBERS_YOUTH,
                participants=10,
                person_times=None if i % 3 else 25,
                status=statuses[i % 4],
                submitted_by=by if i % 2 else None,
                submitted_at=timezone.now() if statuses[i % 4] == Status.SUBMITTED else None,
            )
            for i in range(n)
        ]
    )


def test_list_query_count_is_constant(staff_client, secretary_a_client, district, django_assert_max_num_queries):
    _bulk(district, 8)
    with django_assert_max_num_queries(12) as staff_small:
        staff_client.get(reverse("activities:list"))
    with django_assert_max_num_queries(13) as secretary_small:
        secretary_a_client.get(reverse("activities:list"))
    _bulk(district, 120)
    with django_assert_max_num_queries(len(staff_small.captured_queries)):
        response = staff_client.get(reverse("activities:list"), {"kind": "theme_day"})
    assert len(response.context["activities"]) == 50
    with django_assert_max_num_queries(len(secretary_small.captured_queries)):
        response = secretary_a_client.get(reverse("activities:list"))
    assert len(response.context["activities"]) == 50


def test_review_queue_query_count_is_constant(staff_client, district, django_assert_max_num_queries):
    _bulk(district, 8)
    with django_assert_max_num_queries(12) as small:
        staff_client.get(reverse("activities:review"))
    _bulk(district, 160)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = staff_client.get(reverse("activities:review"))
    assert len(response.context["activities"]) == 42
    assert {a.status for a in response.context["activities"]} == {Status.SUBMITTED}


def test_calendar_query_count_is_constant(staff_client, district, django_assert_max_num_queries):
    _bulk(district, 8)
    with django_assert_max_num_queries(10) as small:
        staff_client.get(reverse("activities:calendar"), {"month": "2024-05"})
    _bulk(district, 120)
    with django_assert_max_num_queries(len(small.captured_queries)):
        staff_client.get(reverse("activities:calendar"), {"month": "2024-05"})


def test_calendar_places_activities_on_their_start_day(secretary_a_client, district):
    own = ActivityFactory(organisation=district.branch_a, start_date=date(2024, 5, 4), title="五四团日")
    ActivityFactory(organisation=district.branch_b, start_date=date(2024, 5, 4), title="乙的团日")
    running = ActivityFactory(
        organisation=district.branch_a, start_date=date(2024, 4, 28), end_date=date(2024, 5, 6), title="跨月活动"
    )
    ActivityFactory(organisation=district.branch_a, start_date=date(2024, 6, 1))
    response = secretary_a_client.get(reverse("activities:calendar"), {"month": "2024-05"})
    cells = {cell["day"]: cell for week in response.context["weeks"] for cell in week}
    assert cells[date(2024, 5, 4)]["items"] == [own]
    assert cells[date(2024, 5, 1)]["items"] == [running]
    assert response.context["total"] == 2
    assert response.context["weeks"][0][0]["day"].weekday() == 0  # weeks start on Monday
    assert "乙的团日" not in response.content.decode()


def test_calendar_handles_a_bad_month(staff_client, district):
    response = staff_client.get(reverse("activities:calendar"), {"month": "2024-13"})
    assert response.status_code == 200 and response.context["month"] == date.today().replace(day=1)


def test_review_queue_is_for_staff_only(secretary_a_client, leader_client, district):
    assert secretary_a_client.get(reverse("activities:review")).status_code == 403
    assert leader_client.get(reverse("activities:review")).status_code == 403


def test_export_is_filtered_scoped_and_formula_safe(secretary_a_client, district):
    ActivityFactory(organisation=district.branch_a, title='=HYPERLINK("http://x")', participants=12)
    ActivityFactory(organisation=district.branch_a, title="普通活动", kind=ActivityKind.VOLUNTEER)
    ActivityFactory(organisation=district.branch_b, title="乙的活动")
    response = secretary_a_client.post(
        reverse("core:export_start"), {"exporter": "activities", "query": "kind=theme_day"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("日期", "结束日期", "活动名称", "举办组织")
    assert len(rows) == 2
    assert rows[1][2] == '\'=HYPERLINK("http://x")' and rows[1][3] == "甲社区团支部" and rows[1][9] == 12
    everything = secretary_a_client.post(reverse("core:export_start"), {"exporter": "activities", "query": ""})
    titles = {r[2] for r in openpyxl.load_workbook(io.BytesIO(everything.content)).active.iter_rows(values_only=True)}
    assert "乙的活动" not in titles and "普通活动" in titles


def test_export_with_an_out_of_scope_filter_is_empty(secretary_a_client, district):
    ActivityFactory(organisation=district.branch_b, title="乙的活动")
    response = secretary_a_client.post(
        reverse("core:export_start"), {"exporter": "activities", "query": f"organisation={district.branch_b.pk}"}
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1


def test_list_page_offers_the_export_with_its_filters(staff_client, district):
    html = staff_client.get(reverse("activities:list"), {"kind": "volunteer"}).content.decode()
    assert 'name="exporter" value="activities"' in html and 'value="kind=volunteer"' in html


def test_campaign_pages(staff_client, secretary_a_client, leader_client, district):
    data = {
        "name": "2024年学雷锋志愿服务月",
        "dimension": "bridge",
        "start_date": "2024-03-01",
        "end_date": "2024-03-31",
    }
    assert secretary_a_client.post(reverse("activities:campaign_create"), data).status_code == 403
    assert leader_client.get(reverse("activities:campaign_create")).status_code == 403
    bad = staff_client.post(reverse("activities:campaign_create"), {**data, "end_date": "2024-02-01"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert staff_client.post(reverse("activities:campaign_create"), data).status_code == 302
    campaign = Campaign.objects.get()
    ActivityFactory(organisation=district.branch_a, campaign=campaign, start_date=date(2024, 3, 5))
    ActivityFactory(organisation=district.branch_b, campaign=campaign, start_date=date(2024, 3, 6))
    listing = secretary_a_client.get(reverse("activities:campaigns"))
    assert listing.context["campaigns"][0].approved == 1  # only what secretary A reaches
    shrink = staff_client.post(
        reverse("activities:campaign_update", args=[campaign.pk]), {**data, "end_date": "2024-03-05"}
    )
    assert shrink.status_code == 200  # would leave a record outside the period
    campaign.refresh_from_db()
    assert campaign.end_date == date(2024, 3, 31)


def test_nav_links_to_the_app(staff_client, district):
    html = staff_client.get(reverse("dashboards:home")).content.decode()
    assert reverse("activities:list") in html and reverse("activities:review") in html


def test_list_summary_is_cached_until_a_record_changes(staff_client, district, django_assert_max_num_queries):
    """The whole-set aggregates are computed once per filter and again after any write."""
    record = ActivityFactory(organisation=district.branch_a, participants=12, status=Status.SUBMITTED)
    url = reverse("activities:list")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    staff_client.get(url, {"kind": "volunteer"})  # the session's own write is out of the way
    with CaptureQueriesContext(connection) as first:
        response = staff_client.get(url)
    assert response.context["status_counts"] == {"submitted": 1}
    assert response.context["approved_totals"].count == 0
    with django_assert_max_num_queries(len(first.captured_queries) - 2):
        again = staff_client.get(url)
    assert again.context["paginator"].count == 1

    record.status = Status.APPROVED
    record.save()
    response = staff_client.get(url)
    assert response.context["status_counts"] == {"approved": 1}
    assert (response.context["approved_totals"].count, response.context["approved_totals"].persons) == (1, 12)
    assert response.context["paginator"].count == 1
