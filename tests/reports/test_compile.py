"""The report is compiled from data: change the data and the figures move."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import ActivityKind, Audience, Dimension, Indicator, IndicatorValue
from core.review.models import Status
from reports import services
from reports.compiler import compile_report_content
from reports.content import ReportContent
from reports.models import PlanItem, Report

from ..activities.factories import ActivityFactory, CampaignFactory

pytestmark = pytest.mark.django_db


def may_fourth(district, *, records=33, total=4560, year=2024):
    campaign = CampaignFactory(
        name=f"{year}年五四青年文化节",
        dimension=Dimension.UNITE_YOUTH,
        start_date=date(year, 4, 20),
        end_date=date(year, 5, 31),
    )
    share, rest = divmod(total, records)
    for i in range(records):
        ActivityFactory(
            organisation=district.branch_a if i % 2 else district.branch_b,
            campaign=campaign,
            kind=ActivityKind.THEME_DAY,
            start_date=date(year, 5, 1 + i % 20),
            participants=share + (1 if i < rest else 0),
            audience=Audience.MEMBERS_YOUTH,
        )
    return campaign


def text_of(content: ReportContent) -> str:
    return "".join(p for sub in content.achievements for item in sub.items for p in [item.render()])


def compile_h1(org, year=2024) -> ReportContent:
    return compile_report_content(organisation=org, year=year, half=1)


def test_campaign_figures_come_from_approved_records(district):
    campaign = may_fourth(district)
    text = text_of(compile_h1(district.root))
    assert "在“五四青年文化节”期间" in text
    assert "主题团日活动30余场，覆盖4560名团员青年" in text

    # A submitted record does not count until it is approved.
    pending = ActivityFactory(
        organisation=district.branch_a,
        campaign=campaign,
        start_date=date(2024, 5, 6),
        participants=40,
        status=Status.SUBMITTED,
    )
    assert "4560名" in text_of(compile_h1(district.root))
    pending.status = Status.APPROVED
    pending.save()
    assert "覆盖4600名团员青年" in text_of(compile_h1(district.root))

    # Changing a participant count moves the figure.
    pending.participants = 140
    pending.save()
    assert "覆盖4700名团员青年" in text_of(compile_h1(district.root))


def test_a_standing_programme_counts_its_sessions_exactly(district):
    programme = CampaignFactory(
        name="2024年“我们的节日”雷锋超市主题教育", start_date=date(2024, 1, 1), end_date=date(2024, 12, 31)
    )
    for i in range(26):
        ActivityFactory(organisation=district.branch_a, campaign=programme, start_date=date(2024, 2, 1 + i))
    text = text_of(compile_h1(district.root))
    assert "常态化开展“我们的节日”雷锋超市主题教育，组织基层团支部开展主题团日活动26场" in text


def test_the_count_switches_style_with_the_data(district):
    campaign = may_fourth(district, records=12, total=600)
    assert "活动12场" in text_of(compile_h1(district.root))
    for day in range(10):
        ActivityFactory(organisation=district.branch_a, campaign=campaign, start_date=date(2024, 5, 10 + day))
    assert "活动20余场" in text_of(compile_h1(district.root))


def test_a_subtree_report_holds_only_its_subtree(district):
    may_fourth(district, records=10, total=1000)
    content = compile_h1(district.sub_a)
    assert "覆盖500名团员青年" in text_of(content)  # branch_a's half
    assert content.title.startswith(district.sub_a.short_name or district.sub_a.name)


def test_other_periods_do_not_count(district):
    may_fourth(district, records=10, total=1000)
    volunteering = ActivityFactory(
        organisation=district.branch_a,
        start_date=date(2024, 7, 1),
        kind=ActivityKind.VOLUNTEER,
        dimension=Dimension.SERVE_OVERALL,
    )
    content = compile_h1(district.root)
    assert volunteering.title not in text_of(content)
    h2 = compile_report_content(organisation=district.root, year=2024, half=2)
    # One activity outside any campaign is named by its title, not counted as "1场".
    assert f"开展{volunteering.title}，参与" in text_of(h2)


def test_year_on_year_change_is_stated(district):
    may_fourth(district, records=20, total=2000, year=2023)
    may_fourth(district, records=25, total=2500, year=2024)
    assert "活动场次较去年同期增长25%" in text_of(compile_h1(district.root))


def test_outreach_totals_from_indicators(district):
    posts, reads = Indicator.objects.get(code="wechat_posts"), Indicator.objects.get(code="wechat_reads")
    for month, (p, r) in enumerate([(28, 6500), (27, 6600), (28, 6612), (27, 6700), (28, 6600), (28, 6600)], start=1):
        IndicatorValue.objects.create(indicator=posts, organisation=district.root, month=date(2024, month, 1), value=p)
        IndicatorValue.objects.create(indicator=reads, organisation=district.root, month=date(2024, month, 1), value=r)
    text = text_of(compile_h1(district.root))
    assert "累计共发布信息166期" in text and "累计阅读近40000次" in text
    IndicatorValue.objects.filter(indicator=reads, month=date(2024, 6, 1)).update(value=Decimal(9000))
    assert "累计阅读4.2万余次" in text_of(compile_h1(district.root))


def test_dimension_sections_are_the_four(district):
    content = compile_h1(district.root)
    assert [sub.title for sub in content.achievements] == ["凝聚青年", "服务大局", "当好桥梁", "从严治团"]
    assert content.title == f"{district.root.short_name or district.root.name}2024年上半年工作总结及下半年工作计划"


def test_compiling_runs_a_constant_number_of_queries(district):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            compile_h1(district.root)
        return len(ctx.captured_queries)

    may_fourth(district, records=5, total=100)
    small = queries()
    for year_campaign in range(4):
        campaign = CampaignFactory(
            name=f"专项活动{year_campaign}", start_date=date(2024, 3, 1), end_date=date(2024, 6, 1)
        )
        for i in range(15):
            ActivityFactory(
                organisation=district.branch_b,
                campaign=campaign,
                start_date=date(2024, 3, 1 + i),
                kind=[ActivityKind.CONTEST, ActivityKind.TRAINING][i % 2],
                notable=i == 0,
            )
    assert queries() == small


# --- Editing, recompiling, finalising --------------------------------------------------


@pytest.fixture
def draft(district, staff):
    may_fourth(district)
    report = services.report_start(organisation=district.root, year=2024, half=1, user=staff)
    return services.report_compile(report=report, user=staff)


def content_of(report) -> ReportContent:
    report.refresh_from_db()
    return ReportContent.from_json(report.content)


def campaign_key(report) -> str:
    return next(i.key for i in content_of(report).all_items() if i.key.startswith("campaign:"))


def test_edited_wording_survives_recompiling_and_figures_stay_linked(draft, district, staff):
    key = campaign_key(draft)
    services.report_edit_item(
        report=draft, key=key, template="五四期间各级团组织开展主题团日{count}，覆盖团员青年{persons_members_youth}名"
    )
    ActivityFactory(
        organisation=district.branch_a, campaign_id=int(key.split(":")[1]), start_date=date(2024, 5, 5), participants=40
    )
    services.report_compile(report=draft, user=staff)
    item = content_of(draft).find(key)
    assert item.render() == "五四期间各级团组织开展主题团日30余场，覆盖团员青年4600名"
    assert item.stale and item.stale_reason == "数据已更新，请核对措辞"

    with pytest.raises(Exception, match="核对"):
        services.report_finalise(report=draft, user=staff)
    services.report_confirm_item(report=draft, key=key)
    assert not content_of(draft).find(key).stale


def test_unedited_items_simply_refresh(draft, district, staff):
    key = campaign_key(draft)
    ActivityFactory(
        organisation=district.branch_a, campaign_id=int(key.split(":")[1]), start_date=date(2024, 5, 5), participants=40
    )
    services.report_compile(report=draft, user=staff)
    item = content_of(draft).find(key)
    assert "4600名" in item.render() and not item.stale


def test_edit_refuses_unknown_placeholders(draft):
    key = campaign_key(draft)
    with pytest.raises(Exception, match="不存在的数据"):
        services.report_edit_item(report=draft, key=key, template="开展活动{nonsense}")


def test_a_switched_style_survives_recompiling(draft, staff):
    key = campaign_key(draft)
    services.report_set_style(report=draft, key=key, figure="count", style="exact")
    services.report_compile(report=draft, user=staff)
    assert "主题团日活动33场" in content_of(draft).find(key).render()


def test_removed_items_stay_removed_and_staff_items_stay(draft, staff):
    key = campaign_key(draft)
    services.report_remove_item(report=draft, key=key)
    services.report_add_item(report=draft, section="problems", text="基层团干兼职居多，队伍不够稳定")
    services.report_compile(report=draft, user=staff)
    content = content_of(draft)
    assert content.find(key) is None
    assert [p.render() for p in content.problems if p.source == "staff"] == ["基层团干兼职居多，队伍不够稳定"]


def test_reordering_items(draft, staff):
    services.report_add_item(report=draft, section="problems", text="问题甲")
    services.report_add_item(report=draft, section="problems", text="问题乙")
    key = content_of(draft).problems[-1].key
    services.report_move_item(report=draft, key=key, offset=-1)
    renders = [p.render() for p in content_of(draft).problems]
    assert renders.index("问题乙") < renders.index("问题甲")


def test_plan_items_live_in_the_work_plan(draft, district):
    services.report_add_item(
        report=draft,
        section="plan",
        heading="从严治团",
        text="每月开展一场专题学习活动，机关团干部每月学习不少于8小时。",
    )
    row = PlanItem.objects.get(heading="从严治团")
    assert (row.year, row.half, row.organisation_id) == (2024, 2, district.root.pk)
    key = f"plan:{row.pk}"
    services.report_edit_item(report=draft, key=key, template="每季度召开直管团组织例会。", heading="从严治团")
    row.refresh_from_db()
    assert row.body == "每季度召开直管团组织例会。"
    assert content_of(draft).find(key).render() == "每季度召开直管团组织例会。"


def test_finalised_report_does_not_move_and_reopening_makes_a_new_version(
    draft, district, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        final = services.report_finalise(report=draft, user=staff)
    assert final.is_final and final.finalised_by == staff and final.finalised_at
    before = final.content
    ActivityFactory(
        organisation=district.branch_a,
        campaign_id=int(campaign_key(final).split(":")[1]),
        start_date=date(2024, 5, 5),
        participants=400,
    )
    with pytest.raises(Exception, match="已定稿"):
        services.report_compile(report=final, user=staff)
    final.refresh_from_db()
    assert final.content == before

    reopened = services.report_reopen(report=final, user=staff)
    assert reopened.version == 2 and not reopened.is_final
    services.report_compile(report=reopened, user=staff)
    assert "4960名" in content_of(reopened).find(campaign_key(final)).render()
    final.refresh_from_db()
    assert final.content == before and Report.objects.count() == 2
    with pytest.raises(Exception, match="更新的版本"):
        services.report_reopen(report=final, user=staff)


def test_plan_items_point_to_the_obligations_that_enforce_them(draft, staff_client):
    from django.urls import reverse

    from obligations.models import Obligation

    study = Obligation.objects.get(code="monthly_thematic_study")
    url = reverse("reports:item_add", args=[draft.pk])
    staff_client.post(
        url, {"section": "plan", "heading": "从严治团", "text": "每月开展一场专题学习活动。", "obligations": [study.pk]}
    )
    row = PlanItem.objects.get(heading="从严治团")
    assert list(row.obligations.all()) == [study]
    item = content_of(draft).find(f"plan:{row.pk}")
    assert item.obligation_ids == [study.pk]
    page = staff_client.get(reverse("reports:detail", args=[draft.pk])).content.decode()
    assert f"考核：{study.name}" in page

    meeting = Obligation.objects.get(code="directly_managed_regular_meeting")
    staff_client.post(
        reverse("reports:item_edit", args=[draft.pk]),
        {"key": item.key, "heading": "从严治团", "template": "每季度召开例会。", "obligations": [meeting.pk]},
    )
    assert list(row.obligations.all()) == [meeting]
