"""The writing rules of the report (docs/report-writing.md), one test per rule; each moves with the data."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from activities.models import ActivityKind, Audience, Dimension, Indicator, IndicatorValue
from branches.models import Kind, Organisation
from honours.models import Level, RecipientKind
from obligations.models import Obligation
from reports import services
from reports.compiler import compile_report_content
from reports.content import Figure, Item, ReportContent, Subsection, numbered_sentences
from reports.models import PlanItem, Report
from reports.numbers import Style, format_number, style_problem
from reports.presentation import paragraphs

from ..activities.factories import ActivityFactory, CampaignFactory
from ..factories import OrganisationFactory
from ..honours.factories import HonourFactory
from .writing_checks import overstatements, text_problems

pytestmark = pytest.mark.django_db


def compile_for(org, half=1, year=2024) -> ReportContent:
    return compile_report_content(organisation=org, year=year, half=half)


def document(content: ReportContent) -> str:
    return "\n".join(p.lead + p.text for p in paragraphs(content))


# --- 1. Never overstate ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [14561, 12100, 1002, 128000])
def test_jin_is_written_only_just_under_its_round_figure(value):
    written = format_number(value, Style.JIN)
    if written.startswith("近"):
        round_figure = Decimal(written[1:].replace("万", "")) * (10_000 if "万" in written else 1)
        assert round_figure * Decimal("0.95") <= value < round_figure, written
    else:
        # Outside the band the figure falls back to 余, which never claims more than the value.
        number = written.removesuffix("余")
        floor = Decimal(number.removesuffix("万")) * (10_000 if number.endswith("万") else 1)
        assert written.endswith("余") and floor <= value
    assert format_number(14561, Style.JIN) != "近20000"


def test_staff_cannot_switch_a_figure_to_an_overstating_style(district, staff):
    report = services.report_start(organisation=district.root, year=2024, half=1, user=staff)
    content = ReportContent(
        title="测试",
        opening=Item("opening", "服务群众{served}人次", {"served": Figure(value=12100, unit="")}),
    )
    report.content = content.to_json()
    report.save()
    with pytest.raises(ValidationError, match="夸大"):
        services.report_set_style(report=report, key="opening", figure="served", style=Style.JIN)
    services.report_set_style(report=report, key="opening", figure="served", style=Style.YU)
    report.refresh_from_db()
    assert ReportContent.from_json(report.content).opening.render() == "服务群众1.2万余人次"
    # 12,900 is just under 13,000: the same switch is allowed.
    assert style_problem(12900, Style.JIN) == ""


def _volunteer_indicator() -> Indicator:
    return Indicator.objects.get(code="volunteer_beneficiaries")


def test_a_sum_of_approximate_sources_is_never_written_exact_nor_above_its_parts(district):
    indicator = _volunteer_indicator()
    IndicatorValue.objects.create(
        indicator=indicator, organisation=district.branch_a, month=date(2024, 3, 1), value=9700, qualifier="近"
    )
    IndicatorValue.objects.create(
        indicator=indicator, organisation=district.branch_b, month=date(2024, 4, 1), value=4861
    )
    item = compile_for(district.root).find("indicators:volunteer")
    figure = item.figures["volunteer_beneficiaries"]
    assert figure.approximate and not figure.at_least
    # 14,561 of which 9,700 was "nearly": 约1.4万, not 近20000, not 14561.
    assert item.render() == "服务群众约1.4万人次"
    assert overstatements(compile_for(district.root)) == []
    assert style_problem(figure.value, Style.EXACT, approximate=True)

    # A single approximate source keeps its own words.
    IndicatorValue.objects.get(organisation=district.branch_b).delete()
    entry = IndicatorValue.objects.get(organisation=district.branch_a)
    entry.value, entry.qualifier = 236, "余"
    entry.save()
    assert compile_for(district.root).find("indicators:volunteer").render() == "服务群众230余人次"


# --- 2 and 5. Every section has content; numbering closes up; no lone 一是 -----------------


def test_a_dimension_with_nothing_is_left_out_and_the_numbering_closes_up(district):
    ActivityFactory(
        organisation=district.branch_a,
        title="青年知识竞赛",
        kind=ActivityKind.CONTEST,
        dimension=Dimension.BRIDGE,
        start_date=date(2024, 3, 5),
        participants=60,
    )
    content = compile_for(district.root)
    leads = [p.lead for p in paragraphs(content) if p.kind == "h2" and "当好桥梁" in p.lead]
    assert leads and leads[0].startswith("（一）当好桥梁")
    body = next(p.text for p in paragraphs(content) if p.lead.startswith("（一）当好桥梁"))
    # One item: no ordinal. The item names what was done.
    assert "一是" not in body and body == "开展青年知识竞赛，参与60人次。"
    assert numbered_sentences(["甲", "乙"]) == "一是甲。二是乙。"


def test_section_three_holds_a_draft_plan_from_obligations_when_none_was_kept(district, staff):
    content = compile_for(district.root)
    text = "".join(item.render() for item in content.plan)
    assert "支委会" in text and "团小组会" in text  # the branches' monthly meetings
    linked = {pk for item in content.plan for pk in item.obligation_ids}
    assert Obligation.objects.get(code="branch_committee_meeting").pk in linked

    # Compiling a draft keeps the plan as the committee's work plan, linked to its obligations.
    report = services.report_start(organisation=district.root, year=2024, half=1, user=staff)
    services.report_compile(report=report, user=staff)
    rows = PlanItem.objects.filter(organisation=district.root, year=2024, half=2)
    assert rows.exists()
    assert rows.filter(obligations__code="branch_committee_meeting").exists()
    # A kept plan wins over the draft.
    rows.delete()
    PlanItem.objects.create(organisation=district.root, year=2024, half=2, heading="网上共青团", body="每月发布。")
    assert [item.heading for item in compile_for(district.root).plan] == ["网上共青团"]


def test_finalising_refuses_an_empty_section(district, staff):
    report = services.report_start(organisation=district.root, year=2024, half=1, user=staff)
    report.content = ReportContent(
        title="测试",
        opening=Item("opening", "开头。"),
        achievements=[Subsection(key=Dimension.BRIDGE, title="当好桥梁", theme="倾听青年需求")],
        plan=[Item("plan:draft:1", "计划。", heading="从严治团", source="plan")],
    ).to_json()
    report.save()
    with pytest.raises(ValidationError, match="二、存在问题"):
        services.report_finalise(report=report, user=staff)
    services.report_add_item(report=report, section="problems", text="问题。")
    services.report_add_item(report=report, section=Dimension.BRIDGE, text="成效。")
    assert services.report_finalise(report=report, user=staff).is_final


# --- 3. Headings and the title follow the period ---------------------------------------


def test_an_h2_report_plans_for_the_next_year_and_says_so(district):
    content = compile_for(district.root, half=2)
    assert content.headings()[2] == "三、2025年上半年工作计划"
    assert content.title.endswith("2024年下半年工作总结及2025年上半年工作计划")
    district.root.report_plan_span = "year"
    district.root.save()
    content = compile_for(Organisation.objects.get(pk=district.root.pk), half=2)
    assert content.headings()[2] == "三、2025年工作计划" and content.title.endswith("及2025年工作计划")
    assert compile_for(district.root, half=1).headings()[2] == "三、下半年工作计划"


# --- 4. One fact in one place -------------------------------------------------------------


def test_a_notable_activity_of_a_campaign_is_written_once(district):
    river = CampaignFactory(
        name="2024年保护母亲河",
        dimension=Dimension.SERVE_OVERALL,
        start_date=date(2024, 6, 1),
        end_date=date(2024, 6, 30),
    )
    ActivityFactory(
        organisation=district.branch_a,
        campaign=river,
        title="柳江河畔清洁行动",
        notable=True,
        kind=ActivityKind.VOLUNTEER,
        dimension=Dimension.SERVE_OVERALL,
        start_date=date(2024, 6, 5),
    )
    text = document(compile_for(district.root))
    assert text.count("柳江河畔清洁行动") == 1
    assert text_problems(compile_for(district.root)) == []


def test_the_committees_own_honour_is_not_counted_among_its_subtree(district):
    brigade = OrganisationFactory(name="测试小学少先队大队", kind=Kind.BRIGADE, parent=district.root)
    HonourFactory(
        organisation=brigade,
        level=Level.PROVINCIAL,
        title="优秀少先队大队",
        conferring_body="自治区少工委",
        recipient_kind=RecipientKind.PIONEER_COLLECTIVE,
        recipient_organisation=brigade,
        recipient_name=brigade.name,
    )
    text = compile_for(brigade).find("honours:received").render()
    assert text.count("优秀少先队大队") == 1
    # Stated as the committee's own, in its own word for itself.
    assert text == "选树少先队先进典型。我大队荣获自治区少工委“优秀少先队大队”称号"


# --- 6. The right words for who did it and who took part ---------------------------------


def test_the_subject_fits_the_committee(district):
    school = OrganisationFactory(name="测试中学团委", kind=Kind.SCHOOL, parent=district.root)
    HonourFactory(
        organisation=school,
        level=Level.PROVINCIAL,
        title="优秀共青团员",
        conferring_body="团省委",
        recipient_kind=RecipientKind.LEAGUE_MEMBER,
    )
    assert "我校1名团员荣获团省委" in compile_for(school).find("honours:received").render()
    assert "我区1名团员" in compile_for(district.root).find("honours:received").render()
    district.root.report_subject = "我县"
    district.root.save()
    assert "我县1名团员" in compile_for(Organisation.objects.get(pk=district.root.pk)).find("honours:received").render()

    # A branch has nobody under it: "本支部", not "各级团组织".
    ActivityFactory(organisation=district.branch_a, start_date=date(2024, 3, 1))
    opening = compile_for(district.branch_a).opening.render()
    assert "本支部共开展各类活动" in opening and "各级团组织" not in opening
    assert "各级团组织共开展各类活动" in compile_for(district.root).opening.render()


def test_a_campaign_is_written_with_its_phrase_and_real_organiser(district):
    brigade = OrganisationFactory(name="测试小学少先队大队", kind=Kind.BRIGADE, parent=district.root)
    children = CampaignFactory(
        name="2024年“六一”争做新时代好队员",
        phrase="“六一”期间，围绕“争做新时代好队员”主题",
        start_date=date(2024, 5, 20),
        end_date=date(2024, 6, 10),
    )
    for day in range(1, 5):
        ActivityFactory(
            organisation=brigade,
            campaign=children,
            kind=ActivityKind.PUBLICITY,
            audience=Audience.PIONEERS,
            participants=100,
            start_date=date(2024, 6, day),
        )
    text = compile_for(district.root).find(f"campaign:{children.pk}").render()
    assert text.startswith("“六一”期间，围绕“争做新时代好队员”主题，组织少先队大队开展宣传活动4场")
    assert "基层团" not in text and "在“六一”争做新时代好队员期间" not in text
    # The opening's total includes pioneers: 青少年, not 团员青年.
    ActivityFactory(organisation=district.branch_a, start_date=date(2024, 3, 1))
    assert "参与青少年" in compile_for(district.root).opening.render()


# --- 7. Weaknesses are problems -----------------------------------------------------------


def test_a_rate_under_the_threshold_is_a_problem_with_its_true_scale(district):
    content = compile_for(district.root)
    life = content.find("problem:organisational_life")
    assert (
        life is not None and "完成率" not in (content.find("compliance:organisational_life") or Item("", "")).render()
    )
    behind = life.figures["behind"].value
    assert f"{behind}个团组织" in life.render() and "部分" not in life.render()

    # With a threshold of 0 … 1%, the same rate is an achievement.
    district.root.report_problem_threshold = 1
    district.root.save()
    ActivityFactory(
        organisation=district.branch_a,
        kind=ActivityKind.COMMITTEE_MEETING,
        dimension=Dimension.GOVERN_STRICTLY,
        start_date=date(2024, 3, 12),
    )
    content = compile_for(Organisation.objects.get(pk=district.root.pk))
    assert "完成率" in content.find("compliance:organisational_life").render()
    assert content.find("problem:organisational_life") is None


# --- Every committee of the demo district, both halves ------------------------------------


def test_every_demo_report_follows_the_writing_rules(settings):
    settings.DEBUG = True
    call_command("load_demo")
    settings.DEBUG = False
    checked = 0
    for org in Organisation.objects.all():
        if not org.is_committee:
            continue
        for half in (1, 2):
            content = compile_for(org, half=half)
            assert overstatements(content) == [], (org.name, half)
            assert text_problems(content) == [], (org.name, half)
            assert content.plan, (org.name, half, "section 三 is empty")
            assert "我区" not in document(content) or org.kind in (Kind.DISTRICT, Kind.PIONEER_COMMITTEE)
            checked += 1
    root = Organisation.objects.get_root_nodes().get()
    for half in (1, 2):
        assert compile_for(root, half=half).empty_sections() == []
    assert checked >= 20
    assert Report.objects.filter(status="final").exists()


def test_the_editor_says_which_sections_are_empty_and_marks_empty_dimensions(district, staff, staff_client):
    from django.urls import reverse

    ActivityFactory(
        organisation=district.branch_a,
        title="青年知识竞赛",
        kind=ActivityKind.CONTEST,
        dimension=Dimension.BRIDGE,
        start_date=date(2024, 3, 5),
    )
    report = services.report_start(organisation=district.root, year=2024, half=1, user=staff)
    services.report_compile(report=report, user=staff)
    content = ReportContent.from_json(Report.objects.get(pk=report.pk).content)
    for item in list(content.problems):
        services.report_remove_item(report=report, key=item.key)
    page = staff_client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "以下部分还没有内容" in page and "二、存在问题" in page
    assert page.count("本部分暂无内容") == 3  # the three dimensions with nothing logged
    services.report_add_item(report=report, section="problems", text="活动覆盖面不够广")
    page = staff_client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "以下部分还没有内容" not in page


def test_a_phrased_campaign_with_one_or_two_activities_is_not_named_twice(district):
    brigade = OrganisationFactory(name="测试小学少先队大队", kind=Kind.BRIGADE, parent=district.root)
    children = CampaignFactory(
        name="2024年“六一”争做新时代好队员",
        phrase="“六一”期间，围绕“争做新时代好队员”主题",
        start_date=date(2024, 5, 20),
        end_date=date(2024, 6, 10),
    )
    ActivityFactory(
        organisation=brigade, campaign=children, kind=ActivityKind.PUBLICITY, audience=Audience.PIONEERS,
        participants=80, start_date=date(2024, 6, 1),
    )  # fmt: skip
    text = compile_for(district.root).find(f"campaign:{children.pk}").render()
    assert text == "“六一”期间，围绕“争做新时代好队员”主题，组织少先队大队开展宣传活动，覆盖80名少先队员"
