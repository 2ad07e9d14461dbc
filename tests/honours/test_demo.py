"""The demo district carries the source document's honours for the first half of 2024."""

from datetime import date

import pytest
from django.core.management import call_command

from branches.models import Kind, Organisation
from honours.models import CommendationBatch, Direction, Honour, Level, RecipientKind, Status
from honours.selectors import honour_summary


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
    assert s.phrase(level=Level.CITY) == "135名少先队员、47名少先队辅导员、45个少先队集体"
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


def test_demo_reset_replaces_the_honours(demo, settings):
    before = Honour.objects.count()
    call_command("load_demo", "--reset")
    assert Honour.objects.count() == before
    root = Organisation.objects.get_root_nodes().get()
    assert root.pk != demo.pk
    committee = Honour.objects.get(title="优秀少工委").recipient_organisation
    assert committee.path.startswith(root.path) and committee.kind == Kind.PIONEER_COMMITTEE
