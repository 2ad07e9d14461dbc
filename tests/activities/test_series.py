"""Series, unknown figures and approximate source figures, end to end: entered on the page a
secretary uses, approved by staff, compiled into the sentence the report writes."""

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from activities import selectors
from activities.models import Activity, ActivityKind, Audience, Dimension
from activities.periods import Period
from core.review.models import Status
from reports.compiler import compile_report_content
from reports.numbers import Style, approximation, style_problem
from reports.presentation import paragraphs

from ..reports.writing_checks import overstatements, text_problems
from .factories import ActivityFactory, CampaignFactory

H1 = Period.half_year(2024, 1)


def _form(org, **extra) -> dict:
    data = {
        "title": "活动",
        "organisation": org.pk,
        "kind": ActivityKind.LECTURE_TOUR,
        "dimension": "",
        "start_date": "2024-03-12",
        "audience": Audience.MEMBERS_YOUTH,
        "participants": "",
        "person_times": "",
        "hours": "",
        "summary": "按来源登记。",
        "submit": "1",
    }
    data.update(extra)
    return data


def _enter_and_approve(secretary_client, staff_client, org, **fields) -> Activity:
    """The secretary enters and submits the record on the logging page; staff approve it."""
    response = secretary_client.post(reverse("activities:create"), _form(org, **fields))
    assert response.status_code == 302, response.context["form"].errors
    activity = Activity.objects.get(title=fields["title"])
    assert activity.status == Status.SUBMITTED
    assert staff_client.post(reverse("activities:approve", args=[activity.pk])).status_code == 302
    activity.refresh_from_db()
    assert activity.status == Status.APPROVED
    return activity


def _compile(org):
    return compile_report_content(organisation=org, year=2024, half=1)


def _item_text(org, key: str) -> str:
    item = _compile(org).find(key)
    return item.render() if item else ""


# --- A record that stands for a series ------------------------------------------------------


def test_a_series_is_entered_once_and_written_as_the_source_says(secretary_a_client, staff_client, district):
    tour = _enter_and_approve(
        secretary_a_client,
        staff_client,
        district.branch_a,
        title="“青春心向党”主题宣讲",
        end_date="2024-06-20",
        sessions="8",
        session_unit="期",
        reach="宣讲团成员深入学校、企业、村（社区）",
        participants="200",
        participants_qualifier="余",
    )
    key = f"series:activity:{tour.pk}"
    assert (
        _item_text(district.root, key)
        == "开展“青春心向党”主题宣讲8期，宣讲团成员深入学校、企业、村（社区），覆盖200余名团员青年"
    )
    content = _compile(district.root)
    # Counted session by session: a total made only of 期 says 期.
    assert "共开展各类活动8期" in content.opening.render()
    assert overstatements(content) == [] and text_problems(content) == []

    # The detail page says it as entered.
    html = staff_client.get(reverse("activities:detail", args=[tour.pk])).content.decode()
    assert 'id="activity-sessions">8期<' in html and "200余 人" in html
    # The list's totals count the sessions, and say how many records they come from.
    listing = staff_client.get(reverse("activities:list")).content.decode()
    assert "已通过 <strong>8</strong> 期（1 条记录）" in listing

    # The data moves, the sentence moves: 6期, and one ordinary 场 beside them makes 场（期）.
    Activity.objects.filter(pk=tour.pk).update(sessions=6, participants=None, participants_qualifier="")
    ActivityFactory(
        organisation=district.branch_b, title="青年座谈会", kind=ActivityKind.OTHER, dimension=Dimension.BRIDGE
    )
    content = _compile(district.root)
    assert content.find(key).render() == "开展“青春心向党”主题宣讲6期，宣讲团成员深入学校、企业、村（社区）"
    assert "共开展各类活动7场（期）" in content.opening.render()
    assert selectors.activity_totals(organisation=district.root, period=H1).count == 7


def test_visits_are_written_with_their_reach_and_count_once_in_the_totals(secretary_a_client, staff_client, district):
    visits = _enter_and_approve(
        secretary_a_client,
        staff_client,
        district.branch_a,
        title="“我为青年办实事”走访调研",
        kind=ActivityKind.GRASSROOTS_VISIT,
        sessions="215",
        session_unit="次",
        reach="团干部走访村（社区）120个、企业95家",
    )
    text = _item_text(district.root, f"series:activity:{visits.pk}")
    assert text == "开展“我为青年办实事”走访调研215次，团干部走访村（社区）120个、企业95家"
    # A visit is not a 场: the record counts as one activity in the 场 totals.
    totals = selectors.activity_totals(organisation=district.root, period=H1)
    assert (totals.count, totals.records, totals.count_unit) == (1, 1, "场")


def test_a_series_in_a_campaign_counts_its_sessions(district):
    campaign = CampaignFactory(name="2024年五四青年文化节", start_date=date(2024, 4, 1), end_date=date(2024, 5, 31))
    for n in range(3):
        ActivityFactory(organisation=district.branch_a, campaign=campaign, title=f"主题团日{n}", participants=50)
    ActivityFactory(
        organisation=district.branch_b,
        campaign=campaign,
        title="青年宣讲",
        kind=ActivityKind.LECTURE_TOUR,
        sessions=5,
        session_unit="期",
        participants=100,
    )
    text = _item_text(district.root, f"campaign:{campaign.pk}")
    assert "活动8场（期）" in text and "覆盖250名团员青年" in text


def test_series_validation_messages(secretary_a_client, district):
    response = secretary_a_client.post(
        reverse("activities:create"), _form(district.branch_a, title="零期", sessions="0")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["sessions"] == ["场次/期数至少为1。"]
    assert not Activity.objects.exists()
    # Left empty, a record is one session.
    response = secretary_a_client.post(
        reverse("activities:create"), _form(district.branch_a, title="单场", sessions="", session_unit="")
    )
    assert response.status_code == 302
    assert Activity.objects.values_list("sessions", "session_unit").get() == (1, "场")


# --- Unknown is not zero --------------------------------------------------------------------


def test_unknown_figures_are_not_forced_and_not_written(secretary_a_client, staff_client, district):
    # A study session whose participants and hours the source does not give is submitted as it is.
    study = _enter_and_approve(
        secretary_a_client,
        staff_client,
        district.branch_a,
        title="专题学习会",
        kind=ActivityKind.THEMATIC_STUDY,
    )
    assert study.participants is None and study.person_times is None and study.hours is None
    html = staff_client.get(reverse("activities:detail", args=[study.pk])).content.decode()
    assert 'id="activity-participants"><span class="text-muted">不详</span>' in html

    first = _enter_and_approve(
        secretary_a_client,
        staff_client,
        district.branch_a,
        title="社区清洁志愿服务",
        kind=ActivityKind.VOLUNTEER,
        person_times="300",
    )
    second = _enter_and_approve(
        secretary_a_client, staff_client, district.branch_a, title="敬老院志愿服务", kind=ActivityKind.VOLUNTEER
    )
    key = "series:serve_overall"
    # One of two unknown: the known part is a lower bound, never the full total.
    assert _item_text(district.root, key) == "开展社区清洁志愿服务、敬老院志愿服务，参与300余人次"
    assert overstatements(_compile(district.root)) == []

    # Most unknown: the known part says nothing of the whole, and is left out.
    ActivityFactory(
        organisation=district.branch_b,
        title="河道巡护行动",
        kind=ActivityKind.VOLUNTEER,
        dimension=Dimension.SERVE_OVERALL,
        participants=None,
    )
    assert _item_text(district.root, key) == "开展社区清洁志愿服务、敬老院志愿服务、河道巡护行动"

    # All known again: exact.
    Activity.objects.filter(pk=second.pk).update(person_times=40)
    Activity.objects.filter(title="河道巡护行动").update(participants=25)
    assert _item_text(district.root, key) == "开展社区清洁志愿服务、敬老院志愿服务、河道巡护行动，参与365人次"
    assert first.pk


# --- Approximate source figures -------------------------------------------------------------


def test_an_approximate_figure_keeps_its_qualifier_and_a_sum_never_reads_exact(
    secretary_a_client, staff_client, district
):
    _enter_and_approve(
        secretary_a_client,
        staff_client,
        district.branch_a,
        title="文明交通志愿服务",
        kind=ActivityKind.VOLUNTEER,
        person_times="800",
        person_times_qualifier="约",
    )
    key = "series:serve_overall"
    assert _item_text(district.root, key) == "开展文明交通志愿服务，参与约800人次"

    ActivityFactory(
        organisation=district.branch_b,
        title="义务植树志愿服务",
        kind=ActivityKind.VOLUNTEER,
        dimension=Dimension.SERVE_OVERALL,
        participants=150,
    )
    content = _compile(district.root)
    figure = content.find(key).figures["person_times"]
    # 800 about + 150 exact: 约950, never "950".
    assert content.find(key).render() == "开展文明交通志愿服务、义务植树志愿服务，参与约950人次"
    assert figure.approximate and not figure.at_least
    assert style_problem(figure.value, Style.EXACT, approximate=True)

    # Both lower bounds (余, 多): the sum is a lower bound, 余 kept even on a round figure.
    Activity.objects.filter(title="文明交通志愿服务").update(person_times_qualifier="多")
    Activity.objects.filter(title="义务植树志愿服务").update(participants_qualifier="余", participants=200)
    assert _item_text(district.root, key) == "开展文明交通志愿服务、义务植树志愿服务，参与1000余人次"
    assert overstatements(_compile(district.root)) == []


def test_a_campaigns_coverage_keeps_the_source_qualifier(secretary_a_client, staff_client, district):
    campaign = CampaignFactory(name="2024年五四青年文化节", start_date=date(2024, 4, 1), end_date=date(2024, 5, 31))
    _enter_and_approve(
        secretary_a_client,
        staff_client,
        district.branch_a,
        title="青年文化节主题团日",
        kind=ActivityKind.THEME_DAY,
        campaign=str(campaign.pk),
        start_date="2024-05-04",
        participants="200",
        participants_qualifier="余",
    )
    assert _item_text(district.root, f"campaign:{campaign.pk}").endswith("覆盖200余名团员青年")
    Activity.objects.filter(title="青年文化节主题团日").update(participants_qualifier="近")
    assert _item_text(district.root, f"campaign:{campaign.pk}").endswith("覆盖近200名团员青年")


def test_a_qualifier_without_its_number_is_refused_with_a_message(secretary_a_client, district):
    response = secretary_a_client.post(
        reverse("activities:create"),
        _form(district.branch_a, title="只有约数", participants_qualifier="约"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["participants_qualifier"] == [
        "选择了“约”但没有填写参与人数：请填写来源给出的数字，或去掉约数标记。"
    ]
    assert response.context["form"]["title"].value() == "只有约数"
    assert not Activity.objects.exists()


def test_the_export_carries_series_and_qualifiers(secretary_a_client, district):
    ActivityFactory(
        organisation=district.branch_a,
        title="主题宣讲",
        sessions=8,
        session_unit="期",
        reach="深入学校、企业",
        participants=200,
        participants_qualifier="余",
    )
    response = secretary_a_client.post(reverse("core:export_start"), {"exporter": "activities", "query": ""})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    row = dict(zip(header, rows[1], strict=True))
    assert (row["参与人数（人）"], row["人数约数"], row["场次/期数"], row["计量单位"], row["覆盖范围"]) == (
        200,
        "余",
        8,
        "期",
        "深入学校、企业",
    )


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ({"parts": 3, "known": 3}, (None, False, False, "")),
        ({"parts": 3, "known": 2}, (Style.YU, True, True, "")),
        ({"parts": 3, "known": 1}, None),
        ({"parts": 3, "known": 2, "about": 1}, None),
        ({"parts": 1, "known": 1, "lower": 1, "qualifier": "多"}, (Style.YU, True, True, "多")),
        ({"parts": 1, "known": 1, "about": 1, "qualifier": "近"}, (Style.JIN, True, False, "近")),
        ({"parts": 2, "known": 2, "lower": 1, "about": 1}, (Style.ABOUT, True, False, "")),
        ({"parts": 2, "known": 2, "lower": 2}, (Style.YU, True, True, "")),
        ({"parts": 0, "known": 0}, None),
    ],
)
def test_the_one_rule_for_sums_of_source_figures(sources, expected):
    how = approximation(**sources)
    if expected is None:
        assert how is None
    else:
        assert (how.style, how.approximate, how.at_least, how.source_qualifier) == expected


def test_the_document_reads_every_kind(district):
    """The three shapes together, as the .docx and the preview read them (paragraphs)."""
    ActivityFactory(
        organisation=district.branch_a,
        title="主题宣讲",
        kind=ActivityKind.LECTURE_TOUR,
        sessions=8,
        session_unit="期",
        reach="宣讲团成员深入学校、企业、村（社区）",
        participants=200,
        participants_qualifier="余",
    )
    text = "".join(p.text for p in paragraphs(_compile(district.root)))
    assert "开展主题宣讲8期，宣讲团成员深入学校、企业、村（社区），覆盖200余名团员青年" in text
