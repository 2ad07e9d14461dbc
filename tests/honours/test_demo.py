"""The demo district carries the source document's honours for the first half of 2024."""

from datetime import date

import pytest
from django.core.management import call_command

from branches.models import Kind, Organisation
from core.review.models import Status
from honours.models import CommendationBatch, ConferringBody, Direction, Honour, Level, RecipientKind
from honours.selectors import honour_summary
from reports.compiler import compile_report_content


@pytest.fixture
def demo(settings, db):
    settings.DEBUG = True
    call_command("load_demo")
    return Organisation.objects.get_root_nodes().get()


def test_demo_matches_the_source_document_and_is_valid(demo):
    s = honour_summary(organisation=demo, start=date(2024, 1, 1), end=date(2024, 6, 30))
    received = Direction.RECEIVED
    national = s.named_at(Level.NATIONAL)
    assert [(h.title, h.recipient_kind) for h in national] == [("最美中学生", RecipientKind.LEAGUE_MEMBER)]
    assert s.count(level=Level.NATIONAL) == 1
    regional = {(h.title, h.recipient_kind) for h in s.named_at(Level.PROVINCIAL)}
    assert regional == {
        ("优秀少先队大队", RecipientKind.PIONEER_COLLECTIVE),
        ("优秀少先队中队", RecipientKind.PIONEER_COLLECTIVE),
        ("优秀少先队大队辅导员", RecipientKind.COUNSELLOR),
        ("优秀少先队员", RecipientKind.YOUNG_PIONEER),
    }
    assert all("广西壮族自治区" in h.conferring_body for h in s.named_at(Level.PROVINCIAL))
    assert s.count(level=Level.CITY, kind=RecipientKind.YOUNG_PIONEER, direction=received) == 135
    assert s.count(level=Level.CITY, kind=RecipientKind.COUNSELLOR, direction=received) == 47
    assert s.count(level=Level.CITY, kind=RecipientKind.PIONEER_COLLECTIVE, direction=received) == 45
    # The source's city figures are the titles; the demo's prize (a project's 金奖) is named apart.
    assert s.phrase(level=Level.CITY, graded=False) == "135名少先队员、47名少先队辅导员、45个少先队集体"
    assert s.phrase(level=Level.CITY) == "135名少先队员、47名少先队辅导员、45个少先队集体、1个项目"
    assert [(h.title, h.edition, h.grade) for h in s.prizes] == [("柳州市青年志愿服务项目大赛", 3, "金奖")]
    assert all("柳州市" in body for body in s.bodies[(received, Level.CITY)])
    own = [(h.title, h.recipient_organisation_kind, h.level) for h in s.own]
    assert own == [("优秀少工委", Kind.PIONEER_COMMITTEE, Level.CITY)]
    conferred = {t for t in Honour.objects.filter(direction=Direction.CONFERRED, counted_on__year=2024)
                 .values_list("title", flat=True)}  # fmt: skip
    assert {"优秀共青团员", "优秀团干部"} <= conferred
    assert s.count(direction=Direction.CONFERRED, level=Level.DISTRICT) > 0

    # Other periods, and records still in the workflow.
    h2_2023 = honour_summary(organisation=demo, start=date(2023, 7, 1), end=date(2023, 12, 31))
    assert h2_2023.count(level=Level.CITY) == 16
    assert Honour.objects.filter(status=Status.SUBMITTED).exists()
    assert Honour.objects.filter(status=Status.RETURNED).exists()
    assert CommendationBatch.objects.filter(status=Status.DRAFT).exists()
    assert Honour.objects.filter(awarded_on__isnull=True, year_from__isnull=False).exists()
    assert all(h.history.exists() for h in Honour.objects.all()[:5])

    # Every record is valid, and persons are linked to the roster where it has them.
    honours = list(Honour.objects.select_related("member", "recipient_organisation", "organisation", "batch"))
    for honour in honours:
        honour.full_clean()
    for batch in CommendationBatch.objects.all():
        batch.full_clean()
    linked = [h for h in honours if h.member_id]
    assert {h.recipient_kind for h in linked} >= {RecipientKind.YOUNG_PIONEER, RecipientKind.COUNSELLOR,
                                                  RecipientKind.CADRE, RecipientKind.LEAGUE_MEMBER}  # fmt: skip
    assert all(h.organisation_id == h.member.organisation_id for h in linked)


def test_demo_report_writes_bodies_prizes_own_titles_and_what_was_conferred(demo):
    """The sentences the district's 2024 H1 report writes from the demo honours, exactly."""
    assert all(b.short_name for b in ConferringBody.objects.all())
    content = compile_report_content(organisation=demo, year=2024, half=1)
    assert content.find("honours:received").render() == (
        "选树先进青年典型。我区1名团员荣获中央文明办、教育部、团中央、全国妇联“最美中学生”称号。"
        "在共青团广西区委、广西区少工委组织的评选表彰中，我区2个少先队集体分别荣获“优秀少先队大队”和"
        "“优秀少先队中队”称号，1名少先队辅导员荣获“优秀少先队大队辅导员”称号，1名少先队员荣获“优秀少先队员”称号。"
        "并有135名少先队员、47名少先队辅导员、45个少先队集体获得团市委、市少工委表扬。"
        "“青春护河”志愿服务项目荣获团市委第三届柳州市青年志愿服务项目大赛金奖。"
        "我区少工委继续荣获团市委、市少工委“优秀少工委”称号"
    )
    assert content.find("honours:conferred").render() == (
        "发挥典型示范作用，上半年评选表彰第三届“青春榜样”8名、优秀共青团员20名、优秀团干部8名、五四红旗团支部6个"
    )
    assert (
        "近年来，我区团委先后荣获团中央“全国五四红旗团委”称号、共青团广西区委“五四红旗团委”称号、"
        "团市委“五四红旗团委”称号。"
    ) in content.opening.render()


def test_demo_reset_replaces_the_honours(demo, settings):
    before = Honour.objects.count()
    call_command("load_demo", "--reset")
    assert Honour.objects.count() == before
    root = Organisation.objects.get_root_nodes().get()
    assert root.pk != demo.pk
    committee = Honour.objects.filter(title="优秀少工委").latest("counted_on").recipient_organisation
    assert committee.path.startswith(root.path) and committee.kind == Kind.PIONEER_COMMITTEE
