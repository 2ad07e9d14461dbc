"""Every indicator reaches the text: each has a sentence pattern staff edit on the indicator page,
a place (dimension and order) and a measure word; 青年大学习 is written season by season.

Figures are entered through the entry page a secretary uses, patterns through the page staff use;
each sentence is asserted word for word and moves with the data."""

from datetime import date

import pytest
from django.urls import reverse

from activities import catalogue
from activities.models import Dimension, Indicator, IndicatorValue
from branches.models import Organisation
from reports import services as report_services
from reports.compiler import compile_report_content

from .writing_checks import overstatements, text_problems

pytestmark = pytest.mark.django_db

ENTRY = "activities:indicator_entry"


def compile_for(org, half=1, year=2024):
    return compile_report_content(organisation=Organisation.objects.get(pk=org.pk), year=year, half=half)


def enter(client, org, month: str, issue: str = "", **values):
    """Post figures through the entry page: v_<code>=value, q_<code>=qualifier, plus season/as_of."""
    data = {"organisation": org.pk, "month": month, "issue": issue}
    for name, value in values.items():
        data[name if name in ("season", "as_of") or name[:2] in ("q_",) else f"v_{name}"] = value
    response = client.post(reverse(ENTRY), data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return response


def indicator_data(ind: Indicator, **changes) -> dict:
    """The indicator form as the edit page would post it, with ``changes``."""
    data = {
        "code": ind.code,
        "name": ind.name,
        "unit": ind.unit,
        "category": ind.category,
        "platform": ind.platform,
        "period_kind": ind.period_kind,
        "over_time": ind.over_time,
        "over_tree": ind.over_tree,
        "decimals": ind.decimals,
        "numerator": ind.numerator_id or "",
        "denominator": ind.denominator_id or "",
        "description": ind.description,
        "position": ind.position,
        "active": "on" if ind.active else "",
        "in_report": "on" if ind.in_report else "",
        "report_pattern": ind.report_pattern,
        "report_unit": ind.report_unit,
        "report_dimension": ind.report_dimension,
        "report_order": ind.report_order,
    }
    data.update(changes)
    # An unticked checkbox is not posted at all.
    return {k: v for k, v in data.items() if not (k in ("active", "in_report") and not v)}


def item_in(content, key):
    for sub in content.achievements:
        for item in sub.items:
            if item.key == key:
                return sub.title, item
    return None, None


# --- The standard catalogue ----------------------------------------------------------------


def test_the_standard_yearly_indicators_are_in_the_catalogue_with_their_sentences():
    codes = {
        "volunteers": "现有注册青年志愿者{value}",
        "volunteer_hours": "累计服务时长{value}",
        "dues_collected": "收缴团费{value}",
        "two_new_organisations": "在非公有制企业和社会组织中新建团组织{value}",
        "party_recommendations": "推优入党{value}",
        "school_community_rate": "学社衔接率{value}",
        "pioneer_ceremonies": "举行少先队入队仪式{value}",
        "volunteer_wishes": "认领实现“微心愿”{value}",
        "volunteer_certificates": "发放志愿服务证书{value}",
    }
    catalogue_rows = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    assert {code: catalogue_rows[code].report_pattern for code in codes} == codes
    assert catalogue_rows["dues_collected"].measure_word == "元"
    # Every standard indicator is written, or is marked as a base the annex alone shows.
    assert [i.code for i in Indicator.objects.all() if i.needs_pattern] == []
    assert set(Indicator.objects.filter(in_report=False).values_list("code", flat=True)) == {
        "registration_done",
        "graduates_due",
    }


def test_the_catalogue_never_overwrites_a_pattern_staff_wrote():
    Indicator.objects.filter(code="volunteers").update(report_pattern="全区实名注册志愿者{value}")
    Indicator.objects.filter(code="volunteer_wishes").update(report_pattern="")
    catalogue.install(Indicator)
    assert Indicator.objects.get(code="volunteers").report_pattern == "全区实名注册志愿者{value}"
    assert Indicator.objects.get(code="volunteer_wishes").report_pattern == "认领实现“微心愿”{value}"


# --- The yearly indicators in the text -------------------------------------------------------


def test_yearly_indicators_entered_on_the_page_are_written_where_a_committee_writes_them(district, secretary_a_client):
    enter(
        secretary_a_client,
        district.branch_a,
        "2024-05",
        volunteers="120",
        volunteer_hours="340.5",
        volunteer_wishes="15",
        volunteer_certificates="30",
        two_new_organisations="2",
        dues_collected="860",
        party_recommendations="6",
        graduates_linked="48",
        graduates_due="50",
        pioneer_ceremonies="2",
    )
    content = compile_for(district.root)
    assert item_in(content, "indicators:volunteer")[1].render() == (
        "现有注册青年志愿者120名，累计服务时长340.5小时，认领实现“微心愿”15个，发放志愿服务证书30本"
    )
    assert item_in(content, "indicators:building")[1].render() == (
        "在非公有制企业和社会组织中新建团组织2个，收缴团费860元"
    )
    title, members = item_in(content, "indicators:members")
    assert (title, members.render()) == ("从严治团", "推优入党6名，完成毕业团员学社衔接48名，学社衔接率96%")
    title, pioneers = item_in(content, "indicators:pioneers")
    assert (title, pioneers.render()) == ("凝聚青年", "举行少先队入队仪式2场")
    assert overstatements(content) == [] and text_problems(content) == []

    # The data moves, the sentence follows; a figure the source gave as 近 keeps its qualifier.
    enter(
        secretary_a_client,
        district.branch_a,
        "2024-05",
        volunteers="1960",
        q_volunteers="近",
        volunteer_hours="340.5",
        volunteer_wishes="16",
        volunteer_certificates="30",
        graduates_linked="45",
        graduates_due="50",
    )
    content = compile_for(district.root)
    assert item_in(content, "indicators:volunteer")[1].render() == (
        "现有注册青年志愿者近2000名，累计服务时长340.5小时，认领实现“微心愿”16个，发放志愿服务证书30本"
    )
    assert item_in(content, "indicators:members")[1].render() == "完成毕业团员学社衔接45名，学社衔接率90%"
    assert item_in(content, "indicators:building")[1] is None  # cleared on the page: no longer written


# --- Staff edit the sentence ------------------------------------------------------------------


def test_staff_edit_an_indicators_sentence_place_and_measure_word_on_its_page(
    district, staff_client, secretary_a_client
):
    enter(secretary_a_client, district.branch_a, "2024-04", volunteer_wishes="12", volunteer_certificates="8")
    wishes = Indicator.objects.get(code="volunteer_wishes")
    url = reverse("activities:indicator_update", args=[wishes.pk])
    response = staff_client.post(
        url,
        indicator_data(
            wishes,
            report_pattern="依托“青年之家”帮助困难青少年实现{value}心愿，{0}与{x:>9}照写",
            report_unit="项",
            report_dimension=Dimension.BRIDGE,
            report_order=1,
        ),
    )
    assert response.status_code == 302
    content = compile_for(district.root)
    title, moved = item_in(content, "indicators:volunteer:bridge")
    # Only {value} is replaced; every other brace is the text staff typed.
    assert (title, moved.render()) == ("当好桥梁", "依托“青年之家”帮助困难青少年实现12项心愿，{0}与{x:>9}照写")
    assert item_in(content, "indicators:volunteer")[1].render() == "发放志愿服务证书8本"

    # A placeholder the report does not know is refused with a message; nothing is saved.
    response = staff_client.post(url, indicator_data(wishes, report_pattern="实现心愿{value}，参学率{rate}"))
    assert response.status_code == 200
    assert "{rate}" in " ".join(response.context["form"].errors["report_pattern"])
    response = staff_client.post(url, indicator_data(wishes, report_pattern="实现心愿若干"))
    assert "{value}" in " ".join(response.context["form"].errors["report_pattern"])
    wishes.refresh_from_db()
    assert wishes.report_pattern.startswith("依托“青年之家”")


def test_only_staff_edit_sentences(district, secretary_a_client, leader_client):
    wishes = Indicator.objects.get(code="volunteer_wishes")
    url = reverse("activities:indicator_update", args=[wishes.pk])
    for client in (secretary_a_client, leader_client):
        assert client.post(url, indicator_data(wishes, report_pattern="改{value}")).status_code == 403
    wishes.refresh_from_db()
    assert wishes.report_pattern == "认领实现“微心愿”{value}"


def test_an_indicator_staff_add_with_a_sentence_is_written_at_its_place(district, staff_client, secretary_a_client):
    data = {
        "code": "night_school_classes",
        "name": "青年夜校课程",
        "unit": "场",
        "category": "other",
        "period_kind": "month",
        "over_time": "sum",
        "over_tree": "sum",
        "decimals": 0,
        "position": 100,
        "active": "on",
        "in_report": "on",
        "report_pattern": "开办“青年夜校”，{period}开设课程{value}",
        "report_dimension": Dimension.UNITE_YOUTH,
        "report_order": 1,
    }
    assert staff_client.post(reverse("activities:indicator_create"), data).status_code == 302
    enter(secretary_a_client, district.branch_a, "2024-03", night_school_classes="14", pioneer_ceremonies="1")
    content = compile_for(district.root)
    unite = next(sub for sub in content.achievements if sub.title == "凝聚青年")
    keys = [item.key for item in unite.items]
    assert unite.items[keys.index("indicators:night_school_classes")].render() == "开办“青年夜校”，上半年开设课程14场"
    # Order 1 comes before the standard 入队 sentence (order 10) of the same dimension.
    assert keys.index("indicators:night_school_classes") < keys.index("indicators:pioneers")
    enter(secretary_a_client, district.branch_a, "2024-03", night_school_classes="9", pioneer_ceremonies="1")
    assert item_in(compile_for(district.root), "indicators:night_school_classes")[1].render() == (
        "开办“青年夜校”，上半年开设课程9场"
    )


def test_an_indicator_without_a_sentence_warns_staff_until_it_has_one(
    district, staff, staff_client, secretary_a_client, django_capture_on_commit_callbacks
):
    data = {
        "code": "youth_home_visits",
        "name": "青年之家接待青年",
        "unit": "人次",
        "category": "other",
        "period_kind": "month",
        "over_time": "sum",
        "over_tree": "sum",
        "decimals": 0,
        "position": 100,
        "active": "on",
        "in_report": "on",
    }
    assert staff_client.post(reverse("activities:indicator_create"), data).status_code == 302
    indicator = Indicator.objects.get(code="youth_home_visits")
    listing = staff_client.get(reverse("activities:indicators")).content.decode()
    assert 'id="indicators-without-pattern"' in listing and "青年之家接待青年" in listing
    edit_url = reverse("activities:indicator_update", args=[indicator.pk])
    assert 'id="indicator-needs-pattern"' in staff_client.get(edit_url).content.decode()

    enter(secretary_a_client, district.branch_a, "2024-02", youth_home_visits="321")
    with django_capture_on_commit_callbacks(execute=False):
        report = report_services.report_start(organisation=district.root, year=2024, half=1, user=staff)
        report_services.report_queue_job(report=report)
    report_services.report_run_job(report_id=report.pk)
    page = staff_client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert 'id="unwritten-indicators"' in page and "青年之家接待青年" in page
    assert "321" not in "".join(i.render() for i in compile_for(district.root).all_items())

    staff_client.post(edit_url, indicator_data(indicator, report_pattern="青年之家接待青年{value}"))
    assert 'id="indicators-without-pattern"' not in staff_client.get(reverse("activities:indicators")).content.decode()
    assert (
        'id="unwritten-indicators"'
        not in staff_client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    )
    assert item_in(compile_for(district.root), "indicators:youth_home_visits")[1].render() == "青年之家接待青年321人次"


def test_an_indicator_kept_out_of_the_report_does_not_warn(district, staff_client):
    data = {
        "code": "base_only",
        "name": "仅作基数",
        "unit": "人",
        "category": "other",
        "period_kind": "month",
        "over_time": "sum",
        "over_tree": "sum",
        "decimals": 0,
        "position": 100,
        "active": "on",
    }
    assert staff_client.post(reverse("activities:indicator_create"), data).status_code == 302
    assert not Indicator.objects.get(code="base_only").needs_pattern
    assert 'id="indicators-without-pattern"' not in staff_client.get(reverse("activities:indicators")).content.decode()


# --- 青年大学习 by season ---------------------------------------------------------------------


def test_study_seasons_are_written_each_with_its_own_figures(district, secretary_a_client):
    twelfth = {"season": "第十二季", "as_of": "2024-03-31"}
    enter(
        secretary_a_client,
        district.branch_a,
        "2024-03",
        "第十二季第1期",
        study_base="100",
        study_person_times="105",
        **twelfth,
    )
    enter(
        secretary_a_client,
        district.branch_a,
        "2024-03",
        "第十二季第2期",
        study_base="100",
        study_person_times="110",
        **twelfth,
    )
    enter(
        secretary_a_client,
        district.branch_a,
        "2024-05",
        "第十三季第1期",
        study_base="200",
        study_person_times="190",
        season="第十三季",
        as_of="2024-06-30",
    )
    stored = IndicatorValue.objects.filter(issue="第十二季第1期").order_by().values_list("season", "as_of").distinct()
    assert list(stored) == [("第十二季", date(2024, 3, 31))]
    page = secretary_a_client.get(
        reverse(ENTRY), {"organisation": district.branch_a.pk, "month": "2024-03", "issue": "第十二季第1期"}
    )
    assert page.context["form"]["season"].value() == "第十二季"
    assert 'value="第十二季"' in page.content.decode()
    study = compile_for(district.root).find("indicators:study")
    assert study.render() == (
        "深入开展“青年大学习”行动，截至3月31日，第十二季累计参学215人次，应学200人次，参学率107.5%，"
        "各期参学率均在100%以上；截至6月30日，第十三季累计参学190人次，应学200人次，参学率95%"
    )

    # One issue at 95%: the mark every issue reached is the lower one.
    second = {"study_base": "100", "season": "第十二季", "as_of": "2024-03-31"}
    enter(secretary_a_client, district.branch_a, "2024-03", "第十二季第2期", study_person_times="95", **second)
    assert (
        compile_for(district.root)
        .find("indicators:study")
        .render()
        .startswith(
            "深入开展“青年大学习”行动，截至3月31日，第十二季累计参学200人次，应学200人次，参学率100%，"
            "各期参学率均在95%以上；"
        )
    )
    # One issue under 90%: the season's rate stands alone.
    enter(secretary_a_client, district.branch_a, "2024-03", "第十二季第2期", study_person_times="85", **second)
    assert (
        compile_for(district.root)
        .find("indicators:study")
        .render()
        .startswith(
            "深入开展“青年大学习”行动，截至3月31日，第十二季累计参学190人次，应学200人次，参学率95%；截至6月30日"
        )
    )
    assert overstatements(compile_for(district.root)) == []


def test_study_issues_without_a_season_are_written_for_the_half(district, secretary_a_client):
    enter(secretary_a_client, district.branch_a, "2024-04", "2024年第10期", study_base="50", study_person_times="52")
    enter(secretary_a_client, district.branch_a, "2024-05", "2024年第13期", study_base="50", study_person_times="51")
    assert compile_for(district.root).find("indicators:study").render() == (
        "深入开展“青年大学习”行动，上半年累计参学103人次，应学100人次，参学率103%，各期参学率均在100%以上"
    )
    enter(secretary_a_client, district.branch_a, "2024-05", "2024年第13期", study_base="50", study_person_times="44")
    assert compile_for(district.root).find("indicators:study").render() == (
        "深入开展“青年大学习”行动，上半年累计参学96人次，应学100人次，参学率96%"
    )
