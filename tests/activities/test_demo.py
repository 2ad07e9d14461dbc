"""The demo district's activities mirror the source document's figures for 2024 H1."""

from datetime import date

import pytest
from django.core.management import call_command

from activities import selectors
from activities.models import Activity, Audience, Campaign
from activities.periods import Period
from branches.models import Organisation
from core.review.models import Status

H1_2024 = Period.half_year(2024, 1)


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True  # load_demo refuses otherwise
    call_command("load_demo", "--reset")
    return Organisation.objects.get_root_nodes().get()


def campaign(name_part: str, year: int = 2024) -> Campaign:
    return Campaign.objects.get(name__startswith=f"{year}年", name__contains=name_part)


def _may_fourth_theme_league_days(demo):
    rows = {r.campaign.pk: r for r in selectors.activity_totals_by_campaign(organisation=demo, period=H1_2024)}
    row = rows[campaign("五四").pk]
    assert 30 <= row.totals.count <= 39
    assert row.by_audience[Audience.MEMBERS_YOUTH].persons == 4560
    assert set(row.by_audience) == {Audience.MEMBERS_YOUTH}


def _childrens_day_activities(demo):
    row = next(
        r for r in selectors.activity_totals_by_campaign(organisation=demo, period=H1_2024) if "六一" in r.campaign.name
    )
    assert 20 <= row.totals.count <= 29
    assert row.by_audience[Audience.PIONEERS].persons == 11560


def _leifeng_stations_river_and_bridge_activities(demo):
    assert selectors.activity_totals(organisation=demo, period=H1_2024, campaign=campaign("雷锋超市")).count == 26
    river = selectors.activities_for(organisation=demo, period=Period.month(2024, 6), campaign=campaign("母亲河"))
    assert river.count() >= 1
    titles = " ".join(selectors.notable_activities(organisation=demo, period=H1_2024).values_list("title", flat=True))
    for named in (
        "寒假自护教育",
        "情满旅途",
        "学雷锋志愿服务月",
        "演讲比赛",
        "征文比赛",
        "社工培训",
        "手抄报比赛",
        "青年联谊",
    ):
        assert named in titles, named


def _outreach_figures(demo):
    figures = selectors.indicator_values(["wechat_posts", "wechat_reads"], organisation=demo, period=H1_2024)
    assert figures["wechat_posts"].value == 166
    assert 39000 < figures["wechat_reads"].value < 40000


def _organisational_life_and_current_months_are_alive(demo):
    meetings = selectors.activity_totals_by("kind", organisation=demo, period=H1_2024)
    for kind in ("general_meeting", "committee_meeting", "group_meeting", "league_lecture", "thematic_study"):
        assert meetings[kind].count > 20, kind
    today = date.today()
    assert Activity.objects.filter(start_date__gte=today.replace(day=1)).exists()
    counts = selectors.activity_counts_by_status(organisation=demo)
    assert counts[Status.APPROVED] > 1000
    assert 0 < counts[Status.SUBMITTED] + counts[Status.RETURNED] + counts[Status.DRAFT] < 60
    assert Activity.objects.filter(status=Status.RETURNED).exclude(review_comment="").exists()


def test_demo_mirrors_the_source_document(demo):
    # One load for all checks: the demo takes seconds to build.
    _may_fourth_theme_league_days(demo)
    _childrens_day_activities(demo)
    _leifeng_stations_river_and_bridge_activities(demo)
    _outreach_figures(demo)
    _organisational_life_and_current_months_are_alive(demo)
