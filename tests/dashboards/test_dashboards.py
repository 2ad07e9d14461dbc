"""The dashboards: figures equal the selectors', every figure's link leads to a list showing the
same number, scoping holds, writes refresh the cached figures, and the query count is fixed."""

import re
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import selectors as activity_selectors
from activities import services as activity_services
from activities.models import Activity, ActivityKind, Dimension
from activities.periods import Period
from core.review import services as review
from core.review.models import Status
from dashboards import figures
from dashboards.boards import board_for
from honours import selectors as honour_selectors
from obligations import selectors as obligation_selectors
from obligations.models import Reminder, ReminderKind
from tests.activities.factories import ActivityFactory
from tests.factories import OrganisationFactory
from tests.honours.factories import HonourFactory

from .helpers import check_links, figures_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def data(district, staff, today):
    d = district
    year_ago = figures.year_earlier(today)
    ActivityFactory(organisation=d.branch_a, start_date=today, participants=12, title="甲支部本月团日")
    ActivityFactory(organisation=d.sub_a, start_date=today, participants=7, person_times=21)
    ActivityFactory(
        organisation=d.branch_b,
        start_date=today,
        participants=30,
        kind=ActivityKind.VOLUNTEER,
        dimension=Dimension.SERVE_OVERALL,
        title="乙支部本月志愿服务",
    )
    ActivityFactory(organisation=d.branch_a, start_date=year_ago, participants=5)
    ActivityFactory(organisation=d.branch_b, start_date=year_ago, participants=9)
    ActivityFactory(organisation=d.branch_a, start_date=today, status=Status.SUBMITTED)
    ActivityFactory(organisation=d.branch_b, start_date=today, status=Status.SUBMITTED)
    ActivityFactory(organisation=d.branch_b, start_date=today, status=Status.RETURNED, review_comment="请补充")
    HonourFactory(organisation=d.branch_a, awarded_on=today)
    HonourFactory(organisation=d.branch_b, awarded_on=today, recipient_kind="counsellor")
    HonourFactory(organisation=d.branch_b, awarded_on=today, level="city")
    HonourFactory(organisation=d.branch_b, awarded_on=year_ago)
    for org in (d.branch_a, d.branch_b):
        Reminder.objects.create(
            organisation=org,
            period_start=today,
            period_end=today,
            kind=ReminderKind.TERM_30,
            recipient=staff,
            run_id=uuid.uuid4(),
        )
    return d


def by_key(board) -> dict:
    return {f.key: f for f in figures_of(board) if f.key}


def test_staff_board_equals_the_selectors(staff, data, today):
    board = board_for(staff)
    found = by_key(board)
    month = figures.this_month(today)
    totals = activity_selectors.activity_totals(user=staff, period=month)
    assert found["month_activities"].value == totals.count == 3
    assert found["month_participants"].value == totals.persons == 12 + 7 + 30
    submitted = Activity.objects.visible_to(staff).filter(status=Status.SUBMITTED)
    assert found["pending_review"].value == submitted.count() == 2
    half = figures.this_half(today)
    summary = honour_selectors.honour_summary(organisation=data.root, start=half.start, end=half.end)
    assert found["half_honours"].value == summary.all_recipients == 3
    compliance = obligation_selectors.compliance(user=staff, today=today).total()
    assert found["compliance_met"].value == compliance.met
    assert found["compliance_demanded"].value == compliance.demanded > 0
    assert board.compliance_rate == compliance.percent
    assert found["month_reminders"].value == 2
    serve = found[f"month_activities:{Dimension.SERVE_OVERALL}"]
    assert serve.value == activity_selectors.activity_totals(user=staff, period=month, dimension="serve_overall").count
    assert found["trend_activities"].value == 3 and found["trend_activities"].previous == 2


def test_leader_board_compares_with_the_same_days_last_year(leader, data, today):
    board = board_for(leader)
    found = by_key(board)
    span = figures.to_date(figures.this_half(today), today)
    last = figures.same_span_last_year(span)
    now = activity_selectors.activity_totals(user=leader, period=span)
    before = activity_selectors.activity_totals(user=leader, period=last)
    assert (found["half_activities"].value, found["half_activities"].previous) == (now.count, before.count)
    assert found["half_participants"].value == now.persons
    assert found["half_person_times"].value == now.person_times
    summary = honour_selectors.honour_summary(organisation=data.root, start=last.start, end=last.end)
    assert found["half_honours"].previous == summary.all_recipients


def test_secretary_board_holds_only_the_subtree(secretary_a, secretary_a_client, data, today):
    board = board_for(secretary_a)
    found = by_key(board)
    month = figures.this_month(today)
    mine = activity_selectors.activity_totals(organisation=data.sub_a, period=month)
    assert found["month_activities"].value == mine.count == 2
    assert found["returned_activities"].value == 0  # the returned record is in 乙's subtree
    due = obligation_selectors.due_list(user=secretary_a, today=today)
    assert found["due_now"].value == len(due.current)
    assert due.current and all(cell.organisation.pk in (data.sub_a.pk, data.branch_a.pk) for cell in due.current)
    html = secretary_a_client.get(reverse("dashboards:home")).content.decode()
    for name in (data.sub_b.name, data.branch_b.name, "乙支部本月志愿服务"):
        assert name not in html
    # 乙's new record leaves 甲's board alone; 甲's own moves it.
    ActivityFactory(organisation=data.branch_b, start_date=today)
    assert by_key(board_for(secretary_a))["month_activities"].value == 2
    ActivityFactory(organisation=data.branch_a, start_date=today)
    assert by_key(board_for(secretary_a))["month_activities"].value == 3


@pytest.mark.parametrize("persona", ["staff", "leader", "secretary_a", "secretary_b"])
def test_every_figure_links_to_a_list_with_the_same_number(persona, request, data):
    user = request.getfixturevalue(persona)
    client = request.getfixturevalue(f"{persona}_client")
    checked = check_links(client, board_for(user))
    assert checked >= 20


def test_an_approval_shows_at_once_despite_the_cache(staff, data, today):
    assert by_key(board_for(staff))["month_activities"].value == 3
    submitted = list(activity_selectors.activities_for(user=staff, statuses=[Status.SUBMITTED]))
    review.review_approve(workflow=activity_services.REVIEW, record=submitted[0], reviewer=staff)
    assert by_key(board_for(staff))["month_activities"].value == 4
    # The bulk review writes with bulk_update (no signals) and still refreshes the figures.
    review.review_many(workflow=activity_services.REVIEW, ids=[submitted[1].pk], reviewer=staff, approve=True)
    found = by_key(board_for(staff))
    assert found["month_activities"].value == 5 and found["pending_review"].value == 0


def test_the_cached_board_is_reused_until_a_write(staff, data):
    board_for(staff)
    with CaptureQueriesContext(connection) as cached:
        board_for(staff)
    assert len(cached) == 0
    ActivityFactory(organisation=data.branch_a, start_date=timezone.localdate())
    with CaptureQueriesContext(connection) as recomputed:
        board_for(staff)
    assert len(recomputed) > 5


def _page_queries(client) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("persona", ["staff", "leader", "secretary_a"])
def test_query_count_does_not_grow_with_the_data(persona, request, data, today):
    client = request.getfixturevalue(f"{persona}_client")
    before = _page_queries(client)
    for i in range(6):
        branch = OrganisationFactory(name=f"新增团支部{i}", kind="branch", parent=data.sub_a)
        for day in range(3):
            ActivityFactory(organisation=branch, start_date=today - timedelta(days=40 * day))
        HonourFactory(organisation=branch, awarded_on=today)
    assert _page_queries(client) == before
    # Cached: the session, the user, the unread badge and little else.
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("dashboards:home"))
    assert len(ctx) <= 8


def test_charts_have_their_data_tables_and_use_the_vendored_chartjs(staff_client, data):
    html = staff_client.get(reverse("dashboards:home")).content.decode()
    assert '<canvas id="trend-canvas" data-chart="chart-trend-data"' in html
    assert re.search(r'<script id="chart-trend-data" type="application/json">', html)
    assert 'id="trend-table"' in html and "<caption" in html
    assert "/static/vendor/chartjs/chart.umd.min.js" in html and "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script (CSP)


def test_leader_sees_the_latest_final_report_and_no_write_buttons(leader_client, data):
    from reports.models import Report, ReportStatus

    Report.objects.create(
        organisation=data.root, year=2024, half=1, status=ReportStatus.FINAL, docx_file="reports/2024/a.docx"
    )
    html = leader_client.get(reverse("dashboards:home")).content.decode()
    assert 'id="latest-report"' in html and "下载 Word" in html
    assert reverse("activities:review") not in html.split("<main", 1)[-1]


def test_a_user_without_an_organisation_gets_a_plain_page(db):
    from accounts.models import Role
    from tests.factories import UserFactory

    user = UserFactory(username="nobody", role=Role.SECRETARY, organisation=None)
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200 and "尚未绑定组织" in response.content.decode()


def test_period_helpers():
    from datetime import date

    assert figures.year_earlier(date(2024, 2, 29)) == date(2023, 2, 28)
    assert figures.this_half(date(2024, 7, 1)) == Period.half_year(2024, 2)
    assert figures.to_date(Period.half_year(2024, 1), date(2024, 3, 5)).end == date(2024, 3, 5)


def _table(html: str, table_id: str) -> str:
    return re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)


def _organisation_row(html: str, name: str) -> int:
    """The leader's by-organisation table: the activity count in ``name``'s row."""
    table = _table(html, "by-organisation-table")
    return int(
        re.search(rf'<th scope="row" class="fw-normal">{name}</th><td class="text-end"><a [^>]*>(\d+)</a>', table)[1]
    )


def test_the_charts_are_rendered_once_per_board_and_follow_a_write_at_once(leader_client, staff_client, data, today):
    def view(client):
        response = client.get(reverse("dashboards:home"))
        return response.content.decode(), {t.name for t in response.templates}

    first, rendered = view(leader_client)
    again, rendered_again = view(leader_client)
    assert "dashboards/_chart.html" in rendered and "dashboards/_chart.html" not in rendered_again
    for table in ("trend-table", "by-organisation-table"):
        assert _table(again, table) == _table(first, table)
    before = _organisation_row(first, data.sub_a.display_name)
    # Another role keeps its own charts: the staff board has no by-organisation chart.
    staff_html, staff_rendered = view(staff_client)
    assert "dashboards/_chart.html" in staff_rendered and 'id="by-organisation-table"' not in staff_html
    ActivityFactory(organisation=data.branch_a, start_date=today)
    after, rendered_after = view(leader_client)
    assert "dashboards/_chart.html" in rendered_after
    assert _organisation_row(after, data.sub_a.display_name) == before + 1


def _load(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    return len(ctx), by_key(response.context["board"])


def test_a_write_in_one_branch_keeps_the_other_secretarys_board(secretary_a_client, secretary_b_client, data, today):
    _load(secretary_b_client)
    cached, found_b = _load(secretary_b_client)  # the board as kept: only the page's own queries
    _, found_a = _load(secretary_a_client)
    assert found_a["month_activities"].value == 2
    ActivityFactory(organisation=data.branch_a, start_date=today)
    # 乙's secretary: the same queries as a kept board, the same figures.
    again, found = _load(secretary_b_client)
    assert again == cached and found["month_activities"].value == found_b["month_activities"].value
    # 甲's secretary: the board is computed afresh and shows the new record.
    recomputed, found = _load(secretary_a_client)
    assert recomputed > cached and found["month_activities"].value == 3
