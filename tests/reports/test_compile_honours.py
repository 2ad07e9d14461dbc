"""Honours in the report: what each sentence says, exactly, and that it moves with the data.

Every figure comes from the honours summary; the wording follows docs/report-writing.md:
bodies by their short form, national first, titles with their edition, prizes with their
grade, every kind of recipient, the committee's own titles once, what it conferred title by
title, and its track record when it asks for one.
"""

from datetime import date

import pytest
from django.urls import reverse

from branches.models import Kind, Organisation
from core.review.models import Status
from honours.models import ConferringBody, Direction, Honour, Level, RecipientKind
from reports.compiler import compile_report_content

from ..factories import OrganisationFactory
from ..honours.factories import BatchFactory, HonourFactory, body

pytestmark = pytest.mark.django_db

PIONEER = RecipientKind.YOUNG_PIONEER
PIONEER_COLLECTIVE = RecipientKind.PIONEER_COLLECTIVE
YOUTH = RecipientKind.YOUTH


def compiled(org, *, year=2024, half=1):
    return compile_report_content(organisation=Organisation.objects.get(pk=org.pk), year=year, half=half)


def received(org, **kwargs) -> str:
    item = compiled(org, **kwargs).find("honours:received")
    return item.render() if item else ""


def conferred(org, **kwargs) -> str:
    item = compiled(org, **kwargs).find("honours:conferred")
    return item.render() if item else ""


@pytest.fixture
def bodies(db):
    """The bodies a district committee in Guangxi names, with their short forms."""
    return {
        "national": body(
            "中央文明办、教育部、共青团中央、全国妇联", Level.NATIONAL, "中央文明办、教育部、团中央、全国妇联"
        ),
        "central": body("共青团中央", Level.NATIONAL, "团中央"),
        "region": body(
            "共青团广西壮族自治区委员会、广西壮族自治区少工委", Level.PROVINCIAL, "共青团广西区委、广西区少工委"
        ),
        "region_league": body("共青团广西壮族自治区委员会", Level.PROVINCIAL, "共青团广西区委"),
        "region_pioneers": body("广西壮族自治区少工委", Level.PROVINCIAL, "广西区少工委"),
        "city": body("共青团柳州市委员会", Level.CITY, "团市委"),
        "city_pioneers": body("柳州市少工委", Level.CITY, "市少工委"),
        "district": body("共青团测试区委员会", Level.DISTRICT, "团区委"),
    }


def honour(org, b: ConferringBody, **fields) -> Honour:
    return HonourFactory(organisation=org, conferring_body=b, level=b.level, **fields)


# --- Named and counted, by the bodies' short forms, national first ----------------------------


def test_named_and_counted_honours_move_with_the_data(district, bodies):
    honour(district.branch_a, bodies["national"], title="最美中学生")
    honour(district.branch_b, bodies["region_pioneers"], title="优秀少先队员", recipient_kind=PIONEER)
    for _ in range(3):
        honour(district.branch_a, bodies["city_pioneers"], recipient_kind=PIONEER)
    honour(district.branch_a, bodies["city_pioneers"], recipient_kind=RecipientKind.COUNSELLOR, status=Status.SUBMITTED)
    assert received(district.root) == (
        "选树先进青年典型。我区1名团员荣获中央文明办、教育部、团中央、全国妇联“最美中学生”称号。"
        "1名少先队员荣获广西区少工委“优秀少先队员”称号。并有3名少先队员获得市少工委表扬"
    )

    # Approving the pending one and deleting one move the figures.
    Honour.objects.filter(status=Status.SUBMITTED).update(status=Status.APPROVED)
    Honour.objects.filter(recipient_kind=PIONEER, level=Level.CITY).first().delete()
    assert received(district.root).endswith("并有2名少先队员、1名少先队辅导员获得市少工委表扬")


def test_a_body_is_written_by_its_short_form_and_in_full_without_one(district, bodies):
    honour(district.branch_a, bodies["region_league"], title="优秀共青团员")
    assert received(district.root) == "选树先进青年典型。我区1名团员荣获共青团广西区委“优秀共青团员”称号"
    ConferringBody.objects.filter(pk=bodies["region_league"].pk).update(short_name="")
    assert received(district.root) == "选树先进青年典型。我区1名团员荣获共青团广西壮族自治区委员会“优秀共青团员”称号"


def test_levels_are_written_national_first_whatever_the_order_of_entry(district, bodies):
    honour(district.branch_a, bodies["district"], title="优秀共青团员", awarded_on=date(2024, 1, 10))
    honour(district.branch_a, bodies["city"], title="优秀共青团员", awarded_on=date(2024, 2, 10))
    honour(district.branch_a, bodies["region_league"], title="优秀共青团员", awarded_on=date(2024, 3, 10))
    honour(district.branch_a, bodies["central"], title="全国优秀共青团员", awarded_on=date(2024, 4, 10))
    assert received(district.root) == (
        "选树先进青年典型。我区1名团员荣获团中央“全国优秀共青团员”称号。"
        "1名团员荣获共青团广西区委“优秀共青团员”称号。"
        "并有1名团员获得团市委表扬，1名团员获得团区委表扬"
    )


def test_one_body_conferring_several_kinds_at_a_level_is_written_once(district, bodies):
    # Entered squadron first: collectives are still written by their level, 大队 before 中队.
    squadron = OrganisationFactory(name="测试小学一（1）中队", kind=Kind.SQUADRON,
                                   parent=OrganisationFactory(name="测试小学少先队大队", kind=Kind.BRIGADE,
                                                              parent=district.root))  # fmt: skip
    brigade = Organisation.objects.get_parent(squadron)
    honour(squadron, bodies["region"], title="优秀少先队中队", recipient_kind=PIONEER_COLLECTIVE,
           recipient_organisation=squadron, recipient_name=squadron.name)  # fmt: skip
    honour(brigade, bodies["region"], title="优秀少先队大队", recipient_kind=PIONEER_COLLECTIVE,
           recipient_organisation=brigade, recipient_name=brigade.name)  # fmt: skip
    honour(brigade, bodies["region"], title="优秀少先队大队辅导员", recipient_kind=RecipientKind.COUNSELLOR)
    assert received(district.root) == (
        "选树先进青年典型。在共青团广西区委、广西区少工委组织的评选表彰中，我区2个少先队集体分别荣获"
        "“优秀少先队大队”和“优秀少先队中队”称号，1名少先队辅导员荣获“优秀少先队大队辅导员”称号"
    )
    # A second body at the level: each kind carries its own.
    honour(district.branch_a, bodies["region_league"], title="优秀共青团员")
    text = received(district.root)
    assert "组织的评选表彰中" not in text
    assert "2个少先队集体分别荣获共青团广西区委、广西区少工委“优秀少先队大队”和“优秀少先队中队”称号" in text
    assert "1名团员荣获共青团广西区委“优秀共青团员”称号" in text


# --- Titles, editions and grades --------------------------------------------------------------


def test_a_prize_is_written_with_its_edition_and_grade_not_as_a_title(district, bodies):
    for name in ("韦一", "韦二"):
        honour(district.branch_a, bodies["city"], title="柳州市“红领巾讲解员”大赛", edition=2, grade="一等奖",
               recipient_kind=PIONEER, recipient_name=name)  # fmt: skip
    honour(district.branch_a, bodies["city"], title="优秀少先队员", recipient_kind=PIONEER)
    honour(district.branch_b, bodies["region_league"], title="“挑战杯”广西大学生课外学术科技作品竞赛",
           edition=10, grade="二等奖")  # fmt: skip
    assert received(district.root) == (
        "选树先进青年典型。我区1名团员荣获共青团广西区委第十届“挑战杯”广西大学生课外学术科技作品竞赛二等奖。"
        "并有1名少先队员获得团市委表扬。2名少先队员荣获团市委第二届柳州市“红领巾讲解员”大赛一等奖"
    )
    # The prize winners are named, not also counted among those praised.
    Honour.objects.filter(title="优秀少先队员").delete()
    assert "表扬" not in received(district.root)


def test_a_title_with_an_edition_is_written_with_it(district, bodies):
    honour(district.branch_a, bodies["region_league"], title="广西青年五四奖章", edition=25)
    assert received(district.root) == "选树先进青年典型。我区1名团员荣获共青团广西区委第二十五届“广西青年五四奖章”称号"


# --- Recipients of every kind -------------------------------------------------------------------


def test_recipients_of_every_kind_are_written(district, bodies):
    honour(district.branch_a, bodies["region_league"], title="广西优秀志愿者", recipient_kind=RecipientKind.YOUTH)
    honour(district.branch_a, bodies["region_league"], title="广西青年文明号", recipient_kind=RecipientKind.UNIT,
           recipient_name="柳州某某科技有限公司")  # fmt: skip
    honour(district.branch_a, bodies["region_league"], title="广西青年志愿服务项目大赛", grade="银奖",
           recipient_kind=RecipientKind.PROJECT, recipient_name="“青春护河”志愿服务")  # fmt: skip
    honour(district.branch_a, bodies["city"], title="优秀青年志愿者", recipient_kind=RecipientKind.YOUTH)
    honour(district.branch_a, bodies["city"], title="青年文明号", recipient_kind=RecipientKind.UNIT,
           recipient_name="某某社区")  # fmt: skip
    honour(district.branch_a, bodies["city"], title="优秀团干部", recipient_kind=RecipientKind.CADRE)
    assert received(district.root) == (
        "选树先进青年典型。在共青团广西区委组织的评选表彰中，我区1个单位荣获“广西青年文明号”称号，"
        "1名青年荣获“广西优秀志愿者”称号，“青春护河”志愿服务项目荣获广西青年志愿服务项目大赛银奖。"
        "并有1名团干部、1名青年、1个单位获得团市委表扬"
    )


# --- The committee's own titles -----------------------------------------------------------------


def test_the_committees_own_title_is_written_once_as_its_own(district, bodies):
    pioneers = OrganisationFactory(name="测试区少工委", kind=Kind.PIONEER_COMMITTEE, parent=district.root)
    honour(district.root, bodies["region_league"], title="五四红旗团委", recipient_kind=RecipientKind.LEAGUE_COLLECTIVE,
           recipient_organisation=district.root, recipient_name=district.root.name)  # fmt: skip
    # At a counted level too, and entered by the committee's name instead of linked.
    honour(district.root, bodies["city"], title="五四红旗团委", recipient_kind=RecipientKind.LEAGUE_COLLECTIVE,
           recipient_name=district.root.name)  # fmt: skip
    honour(pioneers, bodies["city_pioneers"], title="优秀少工委", recipient_kind=PIONEER_COLLECTIVE,
           recipient_organisation=pioneers, recipient_name=pioneers.name, awarded_on=date(2023, 5, 30))  # fmt: skip
    honour(pioneers, bodies["city_pioneers"], title="优秀少工委", recipient_kind=PIONEER_COLLECTIVE,
           recipient_organisation=pioneers, recipient_name=pioneers.name)  # fmt: skip
    honour(district.branch_a, bodies["city"], title="五四红旗团支部", recipient_kind=RecipientKind.LEAGUE_COLLECTIVE)
    assert received(district.root) == (
        "选树先进青年典型。我区1个团组织集体获得团市委表扬。"
        "我区团委荣获共青团广西区委“五四红旗团委”称号、团市委“五四红旗团委”称号。"
        "我区少工委继续荣获市少工委“优秀少工委”称号"
    )


def test_a_schools_and_a_brigades_own_titles_use_their_own_words(district, bodies):
    school = OrganisationFactory(name="测试中学团委", kind=Kind.SCHOOL, parent=district.root)
    honour(school, bodies["city"], title="五四红旗团委", recipient_kind=RecipientKind.LEAGUE_COLLECTIVE,
           recipient_organisation=school, recipient_name=school.name)  # fmt: skip
    assert received(school) == "选树先进青年典型。我校团委荣获团市委“五四红旗团委”称号"
    # For the district the school is one of its collectives, not its own.
    assert received(district.root) == "选树先进青年典型。我区1个团组织集体获得团市委表扬"


# --- What the committee conferred ---------------------------------------------------------------


def conferred_list(district, b, on, **fields):
    return BatchFactory(organisation=district.root, conferring_body=b, level=b.level, direction=Direction.CONFERRED,
                        awarded_on=on, status=Status.APPROVED, **fields)  # fmt: skip


def test_what_the_committee_conferred_is_written_title_by_title(district, bodies):
    models = conferred_list(district, bodies["district"], date(2024, 4, 28), edition=3)
    for _ in range(8):
        HonourFactory(batch=models, title="青春榜样", recipient_kind=YOUTH, organisation=district.branch_a)
    volunteers = conferred_list(district, bodies["district"], date(2024, 5, 1))
    HonourFactory(batch=volunteers, title="优秀志愿者", recipient_kind=RecipientKind.YOUTH, recipient_name="",
                  recipient_count=12, organisation=district.root)  # fmt: skip
    members = conferred_list(district, bodies["district"], date(2024, 5, 4))
    count = HonourFactory(batch=members, title="优秀团员", recipient_name="", recipient_count=40,
                          organisation=district.root)  # fmt: skip
    assert conferred(district.root) == (
        "发挥典型示范作用，上半年评选表彰第三届“青春榜样”8名、优秀志愿者12名、优秀团员40名"
    )

    count.recipient_count = 41
    count.save()
    HonourFactory(batch=members, title="五四红旗团支部", recipient_kind=RecipientKind.LEAGUE_COLLECTIVE,
                  recipient_organisation=district.branch_a, recipient_name=district.branch_a.name,
                  organisation=district.branch_a)  # fmt: skip
    assert conferred(district.root) == (
        "发挥典型示范作用，上半年评选表彰第三届“青春榜样”8名、优秀志愿者12名、优秀团员41名、五四红旗团支部1个"
    )
    assert received(district.root) == ""


def test_what_the_committee_above_conferred_is_received_in_a_streets_summary(district, bodies):
    members = conferred_list(district, bodies["district"], date(2024, 5, 4))
    HonourFactory(batch=members, title="优秀共青团员", organisation=district.branch_a)
    HonourFactory(batch=members, title="优秀共青团员", organisation=district.branch_b)
    assert conferred(district.root) == "发挥典型示范作用，上半年评选表彰优秀共青团员2名"
    assert received(district.root) == ""
    # For the street it is praise its member received from 团区委, not a title it conferred.
    assert conferred(district.sub_a) == ""
    assert received(district.sub_a) == "选树先进青年典型。我街道1名团员获得团区委表扬"


# --- The track record ---------------------------------------------------------------------------


def own_title(district, b, title, on, **fields):
    return honour(district.root, b, title=title, awarded_on=on, recipient_kind=RecipientKind.LEAGUE_COLLECTIVE,
                  recipient_organisation=district.root, recipient_name=district.root.name, **fields)  # fmt: skip


def test_the_track_record_is_written_when_the_committee_asks_for_it(district, bodies):
    own_title(district, bodies["central"], "全国五四红旗团委", date(2021, 5, 4))
    own_title(district, bodies["region_league"], "五四红旗团委", date(2023, 5, 4))
    own_title(district, bodies["city"], "五四红旗团委", date(2022, 5, 4))
    own_title(district, bodies["city"], "先进团委", date(2019, 5, 4))  # before the years asked for
    assert "近年来" not in compiled(district.root).opening.render()

    district.root.report_track_record_years = 3
    district.root.save()
    opening = compiled(district.root).opening.render()
    assert (
        "近年来，我区团委先后荣获团中央“全国五四红旗团委”称号、共青团广西区委“五四红旗团委”称号、"
        "团市委“五四红旗团委”称号。现将上半年工作情况总结如下："
    ) in opening
    assert "先进团委" not in opening

    # A title won again this half is stated once, in the honours item ("继续").
    own_title(district, bodies["city"], "五四红旗团委", date(2024, 5, 4))
    content = compiled(district.root)
    assert "团市委“五四红旗团委”" not in content.opening.render()
    assert "共青团广西区委“五四红旗团委”称号。现将" in content.opening.render()
    assert content.find("honours:received").render().endswith("我区团委荣获团市委“五四红旗团委”称号")


def test_staff_switch_the_track_record_on_on_the_committees_page(staff_client, district):
    url = reverse("branches:update", args=[district.root.pk])
    data = {"name": district.root.name, "kind": district.root.kind, "report_subject": "", "report_plan_span": "half",
            "report_problem_threshold": 90}  # fmt: skip
    assert "总结中写明近年本级荣誉" in staff_client.get(url).content.decode()
    assert staff_client.post(url, {**data, "report_track_record_years": 5}).status_code == 302
    assert Organisation.objects.get(pk=district.root.pk).report_track_record_years == 5
    # Left empty, it is switched off; a number of years past ten is refused with a message.
    response = staff_client.post(url, {**data, "report_track_record_years": 11})
    assert response.status_code == 200 and response.context["form"].errors["report_track_record_years"]
    assert staff_client.post(url, {**data, "report_track_record_years": ""}).status_code == 302
    assert Organisation.objects.get(pk=district.root.pk).report_track_record_years == 0


# --- Year ranges count in the half they were announced ------------------------------------------


def test_a_year_range_honour_counts_in_the_half_it_was_announced(district, bodies):
    honour(district.branch_a, bodies["city"], title="优秀共青团员", year_from=2023, year_to=2024,
           awarded_on=date(2024, 5, 4))  # fmt: skip
    assert received(district.root) == "选树先进青年典型。我区1名团员获得团市委表扬"
    assert received(district.root, half=2) == ""
