"""The demo roster: about 6,000 valid, fictional people, with something in every workflow."""

from collections import Counter

import pytest
from django.core.management import call_command

from accounts.models import User
from branches.models import COMMITTEE_KINDS, Kind, Organisation
from members import idcard, selectors
from members.choices import Category, Stage, Status, TransferStatus
from members.models import CadreAppointment, CounsellorAppointment, Member, RecruitmentCase, Transfer


@pytest.fixture
def demo(settings, db):
    settings.DEBUG = True
    call_command("load_demo", "--seed", "2024")


def test_the_demo_roster(demo):
    members = list(Member.objects.select_related("organisation"))
    assert 5500 <= len(members) <= 7000
    categories = Counter(m.category for m in members)
    assert min(categories.values()) > 500 and set(categories) == set(Category.values)

    # Fictional, valid ID numbers: the check digit holds, the area code exists nowhere.
    sample = members[::97]
    for member in sample:
        number = member.decrypt_id_number()
        parsed = idcard.parse(number)
        assert number.startswith("4599")
        assert (parsed.birth_date, parsed.gender) == (member.birth_date, member.gender)
        member.full_clean(validate_unique=False, validate_constraints=False)
    assert len({m.id_number_hash for m in members}) == len(members)
    assert len({m.name for m in members}) > len(members) // 3  # names vary

    # Cadres for every league committee: full-time at the district, part-time below.
    current = CadreAppointment.objects.current().select_related("organisation")
    kinds_by_org = {}
    for appointment in current:
        kinds_by_org.setdefault(appointment.organisation_id, set()).add(appointment.kind)
    committees = Organisation.objects.filter(kind__in=COMMITTEE_KINDS).exclude(
        kind__in=(Kind.BRIGADE, Kind.PIONEER_COMMITTEE)
    )
    for org in committees:
        assert org.pk in kinds_by_org, org.name
    district = Organisation.objects.get(kind=Kind.DISTRICT)
    assert "full_time" in kinds_by_org[district.pk]
    assert all("full_time" not in kinds for pk, kinds in kinds_by_org.items() if pk != district.pk)
    # Counsellors at every brigade and squadron of the schools.
    with_counsellor = set(CounsellorAppointment.objects.current().values_list("organisation_id", flat=True))
    assert set(Organisation.objects.filter(kind__in=(Kind.BRIGADE, Kind.SQUADRON)).values_list("pk", flat=True)) <= (
        with_counsellor
    )

    # Something in every workflow.
    stages = Counter(RecruitmentCase.objects.values_list("stage", flat=True))
    assert all(stages[s] > 5 for s in (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.ADMITTED))
    for case in RecruitmentCase.objects.select_related("member", "organisation")[::7]:
        case.full_clean(validate_constraints=False)
    statuses = Counter(Transfer.objects.values_list("status", flat=True))
    assert statuses[TransferStatus.ACCEPTED] >= 10 and statuses[TransferStatus.REQUESTED] >= 3
    secretary_a = User.objects.get(username="secretary_a")
    assert selectors.transfers_pending(user=secretary_a).awaiting
    assert selectors.members_due_to_age_out().count() >= 20
    assert selectors.members_due_to_age_out(user=secretary_a).exists()
    assert Member.objects.filter(status=Status.AGED_OUT).exists()
    ratios = selectors.cohort_ratios(graduation_year=selectors.current_graduation_year())
    assert len(ratios) >= 5 and len(selectors.schools_over_ceiling()) == 1


def test_the_demo_is_the_same_for_the_same_seed(demo):
    first = sorted(Member.objects.values_list("name", "birth_date", "id_number_hash"))
    call_command("load_demo", "--reset", "--seed", "2024")
    assert sorted(Member.objects.values_list("name", "birth_date", "id_number_hash")) == first
