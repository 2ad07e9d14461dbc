"""What a committee is, in its report: staffing (编制), renewals (换届), appraisal and registration.

Each sentence is asserted word for word, moves with the data, and is written once."""

from datetime import date
from decimal import Decimal

import pytest

from activities import selectors as activity_selectors
from activities.models import Dimension, Indicator, IndicatorValue
from activities.periods import Period
from branches import services as branch_services
from branches.models import Kind, Organisation, Position, ReportPlace
from reports.compiler import compile_report_content
from reports.presentation import paragraphs

from ..factories import OrganisationFactory
from .writing_checks import text_problems

pytestmark = pytest.mark.django_db

DISTRICT_POSTS = {
    Position.SECRETARY: {"approved": 1, "in_post": 1},
    Position.DEPUTY: {"approved": 2, "in_post": 1, "seconded": 1, "part_time": 2},
    Position.OFFICER: {"approved": 3, "in_post": 3, "contracted": 2},
}


def compile_for(org, half=1, year=2024):
    return compile_report_content(organisation=Organisation.objects.get(pk=org.pk), year=year, half=half)


def document(content) -> str:
    return "\n".join(p.lead + p.text for p in paragraphs(content))


def staffing(staff, org, day=date(2024, 3, 1), posts=None, place=ReportPlace.GOVERN_STRICTLY):
    return branch_services.staffing_record_create(
        user=staff, organisation=org, recorded_on=day, posts=posts or DISTRICT_POSTS, report_place=place
    )


# --- Staffing -------------------------------------------------------------------------------


def test_the_staffing_sentence_is_derived_from_the_record(district, staff):
    staffing(staff, district.root)
    content = compile_for(district.root)
    item = content.find("committee:staffing")
    assert item.render() == (
        "加强机关队伍建设，核定编制6名，其中书记1名、副书记2名、干事3名，在岗5名，"
        "挂职副书记1名，兼职副书记2名，聘用人员2名"
    )
    assert item in next(sub.items for sub in content.achievements if sub.key == Dimension.GOVERN_STRICTLY)
    assert item.figures["approved"].value == 6 and item.figures["in_post"].value == 5
    assert content.find("problem:staffing_vacancies").render() == "编制内空缺副书记1名，尚未配齐"
    assert text_problems(content) == []


def test_zero_parts_are_left_out_and_several_holders_are_listed(district, staff):
    posts = {
        Position.SECRETARY: {"approved": 1, "in_post": 1},
        Position.DEPUTY: {"seconded": 1, "part_time": 1},
        Position.MEMBER: {"part_time": 2},
    }
    staffing(staff, district.root, posts=posts)
    content = compile_for(district.root)
    assert content.find("committee:staffing").render() == (
        "加强机关队伍建设，核定书记编制1名，在岗1名，挂职副书记1名，兼职干部3名（副书记1名、委员2名）"
    )
    assert content.find("problem:staffing_vacancies") is None


def test_several_vacancies_are_counted_by_position(district, staff):
    posts = {Position.DEPUTY: {"approved": 2, "in_post": 1}, Position.OFFICER: {"approved": 3, "in_post": 2}}
    staffing(staff, district.root, posts=posts)
    problem = compile_for(district.root).find("problem:staffing_vacancies")
    assert problem.render() == "编制内空缺2名（副书记1名、干事1名），尚未配齐"
    assert problem.figures["vacant"].value == 2


def test_the_report_uses_the_latest_record_on_or_before_the_end_of_its_half(district, staff):
    staffing(staff, district.root, day=date(2023, 2, 20))
    staffing(
        staff,
        district.root,
        day=date(2024, 9, 10),
        posts={**DISTRICT_POSTS, Position.DEPUTY: {"approved": 2, "in_post": 2}},
    )
    assert "在岗5名" in compile_for(district.root, half=1).find("committee:staffing").render()
    second = compile_for(district.root, half=2)
    assert "在岗6名" in second.find("committee:staffing").render()
    assert second.find("problem:staffing_vacancies") is None
    # Nothing recorded by the half's end: nothing written.
    assert compile_for(district.root, year=2022, half=2).find("committee:staffing") is None


def test_the_committee_chooses_where_its_staffing_is_written(district, staff):
    record = staffing(staff, district.root, place=ReportPlace.OPENING)
    content = compile_for(district.root)
    assert content.find("committee:staffing") is None
    assert (
        "共青团测试区委员会核定编制6名，其中书记1名、副书记2名、干事3名，在岗5名，"
        "挂职副书记1名，兼职副书记2名，聘用人员2名。现将上半年工作情况总结如下："
    ) in content.opening.render()
    assert content.opening.figures["staffing_approved"].value == 6
    assert document(content).count("核定编制6名") == 1
    # Not written at all, but a vacancy is still a problem.
    branch_services.staffing_record_update(
        user=staff,
        record=record,
        recorded_on=record.recorded_on,
        report_place=ReportPlace.NONE,
        note="",
        posts=DISTRICT_POSTS,
    )
    content = compile_for(district.root)
    assert "核定编制" not in document(content) and content.find("problem:staffing_vacancies") is not None


# --- Renewals -------------------------------------------------------------------------------


def set_term(org, day):
    Organisation.objects.filter(pk=org.pk).update(term_ends_on=day)


def renew(staff, org, held_on, **kw):
    return branch_services.term_renewal_record(user=staff, organisation=org, held_on=held_on, **kw)


def more_branches(district, n: int) -> list[Organisation]:
    return [OrganisationFactory(name=f"丙{i}团支部", kind=Kind.BRANCH, parent=district.sub_a) for i in range(n)]


def test_renewals_held_on_time_in_the_half_are_counted(district, staff):
    branches = [district.branch_a, district.branch_b, *more_branches(district, 1)]
    set_term(district.sub_a, date(2024, 5, 31))
    renew(staff, district.sub_a, date(2024, 5, 20), delegates_elected=98, members_elected=9)
    for branch in branches:
        set_term(branch, date(2024, 6, 30))
        renew(staff, branch, date(2024, 6, 1), members_elected=4)
    renew(staff, district.sub_b, date(2024, 7, 2), delegates_elected=50)  # the next half
    item = compile_for(district.root).find("committee:renewals")
    assert item.render() == "规范开展换届工作，按期完成换届的团组织4个，选举产生团代表98名、委员21名"
    assert item.figures["renewed"].value == 4


def test_late_renewals_are_not_called_on_time(district, staff):
    for branch in [district.branch_a, district.branch_b, *more_branches(district, 1)]:
        set_term(branch, date(2024, 2, 28))
        renew(staff, branch, date(2024, 1, 10))
    set_term(district.sub_a, date(2024, 1, 31))
    renew(staff, district.sub_a, date(2024, 4, 1), members_elected=7)
    assert compile_for(district.root).find("committee:renewals").render() == (
        "规范开展换届工作，完成换届的团组织4个，其中按期换届3个，选举产生委员7名"
    )


def test_one_or_two_renewals_are_named(district, staff):
    set_term(district.branch_a, date(2024, 6, 30))
    renew(staff, district.branch_a, date(2024, 6, 1), members_elected=5)
    assert compile_for(district.root).find("committee:renewals").render() == "甲社区团支部按期完成换届，选举产生委员5名"
    assert compile_for(district.branch_a).find("committee:renewals").render() == (
        "甲社区团支部按期完成换届，选举产生委员5名"
    )


def renewal_indicators(district):
    for code, value in (("terms_renewed", 7), ("delegates_elected", 29), ("dues_collected", 900)):
        IndicatorValue.objects.create(
            indicator=Indicator.objects.get(code=code), organisation=district.root, month=date(2024, 5, 1), value=value
        )


def test_the_indicator_sentence_gives_way_to_the_records(district, staff):
    renewal_indicators(district)
    building = compile_for(district.root).find("indicators:building")
    assert building.render() == "按期换届团组织7个，选举产生团代表29名，收缴团费900元"
    renew(staff, district.branch_a, date(2024, 3, 1))
    content = compile_for(district.root)
    assert content.find("indicators:building").render() == "收缴团费900元"
    assert content.find("committee:renewals").render() == "甲社区团支部完成换届"
    assert document(content).count("换届") == 1
    # A record in the other half leaves this half's indicator sentence as it was.
    assert compile_for(district.root, half=2).find("committee:renewals") is None


def test_organisations_past_their_term_are_a_problem_with_their_share(district, staff):
    extra = more_branches(district, 5)
    for org in [district.root, district.sub_a, district.sub_b, district.branch_b, *extra[:4]]:
        set_term(org, date(2027, 1, 1))
    set_term(district.branch_a, date(2024, 3, 31))
    set_term(extra[4], date(2023, 12, 1))
    content = compile_for(district.root)
    problem = content.find("problem:terms_overdue")
    assert problem.render() == "换届工作不够及时，2个团组织（占20%）已超过任期未换届"
    assert (problem.figures["overdue"].value, problem.figures["share"].value) == (2, 20.0)
    # Renewed in September: still past its term at the end of June, no longer at December's.
    renew(staff, district.branch_a, date(2024, 9, 1))
    assert compile_for(district.root).find("problem:terms_overdue").figures["overdue"].value == 2
    assert compile_for(district.root, half=2).find("problem:terms_overdue").render() == (
        "换届工作不够及时，1个团组织（占10%）已超过任期未换届"
    )
    # A branch speaks of its own term.
    set_term(district.branch_b, date(2024, 2, 1))
    assert compile_for(district.branch_b).find("problem:terms_overdue").render() == (
        "乙社区团支部本届任期已于2024年2月届满，尚未换届"
    )


# --- Appraisal and registration ---------------------------------------------------------------


def enter(org, month, **values):
    for code, value in values.items():
        IndicatorValue.objects.create(
            indicator=Indicator.objects.get(code=code), organisation=org, month=month, value=Decimal(value)
        )


def test_appraisal_and_registration_are_written_with_the_share_of_excellent(district):
    enter(
        district.branch_a,
        date(2024, 1, 1),
        appraisal_members=400,
        appraisal_excellent=60,
        appraisal_qualified=330,
        appraisal_basic=8,
        appraisal_unqualified=2,
    )
    enter(district.branch_b, date(2024, 1, 1), appraisal_members=212, appraisal_excellent=35)
    enter(district.branch_a, date(2024, 3, 1), registration_members=398)
    enter(district.branch_b, date(2024, 3, 1), registration_members=210)
    content = compile_for(district.root)
    item = content.find("indicators:appraisal")
    assert item.render() == (
        "扎实开展团员教育评议和团籍注册工作，参加评议团员612名，评定优秀团员95名，占15.5%，"
        "评定合格团员330名、基本合格团员8名、不合格团员2名；完成团籍注册团员608名"
    )
    # The share is the catalogue's derived figure: the annex's indicator sheet shows the same one.
    _, _, _, totals = activity_selectors.indicator_monthly(
        ["appraisal_excellent_rate"], organisation=district.root, period=Period.half_year(2024, 1)
    )
    assert item.figures["excellent_share"].value == float(totals["appraisal_excellent_rate"].value) == 15.5

    IndicatorValue.objects.filter(organisation=district.branch_b, indicator__code="appraisal_excellent").update(
        value=55
    )
    assert "评定优秀团员115名，占18.8%" in compile_for(district.root).find("indicators:appraisal").render()
    assert compile_for(district.root, half=2).find("indicators:appraisal") is None


def test_registration_alone(district):
    enter(district.branch_a, date(2024, 3, 1), registration_members=30)
    assert compile_for(district.root).find("indicators:appraisal").render() == (
        "扎实开展团籍注册工作，完成团籍注册团员30名"
    )


def appraise(branch, year=2024):
    enter(branch, date(year, 1, 1), appraisal_members=20, appraisal_excellent=3)


def test_a_branch_without_appraisal_is_a_problem_stated_once(district):
    appraise(district.branch_a)  # branch_b held none in 2024
    content = compile_for(district.root, half=2)
    # 50% is under the committee's 90% threshold: the obligations' shortfall says it.
    shortfall = content.find("problem:obligation:annual_appraisal")
    assert shortfall.render() == "团员教育评议落实不够到位，1个组织（占50%）未按期完成，按期完成率为50%"
    assert sum("团员教育评议" in item.render() for item in content.problems) == 1

    district.root.report_problem_threshold = 50
    district.root.save()
    content = compile_for(district.root, half=2)
    assert content.find("problem:obligation:annual_appraisal").render() == (
        "仍有1个团支部（占50%）尚未开展2024年度团员教育评议"
    )
    assert "落实不够到位" not in content.find("problem:obligation:annual_appraisal").render()
    # Held by every branch: no problem. Not due in the first half (the year ends in the second).
    appraise(district.branch_b)
    assert compile_for(district.root, half=2).find("problem:obligation:annual_appraisal") is None
    assert compile_for(district.root, half=1).find("problem:obligation:annual_appraisal") is None
