"""团青比 of graduating classes, and 超龄离团 at 28."""

from datetime import date

import pytest
from django.urls import reverse

from branches.models import Kind
from members import selectors, services
from members.choices import CadreKind, Category, CohortLevel, Status
from members.models import Member, SchoolCohort

from ..factories import MemberFactory, OrganisationFactory


@pytest.fixture
def school(district):
    school = OrganisationFactory(name="第一中学团委", kind=Kind.SCHOOL, parent=district.sub_a)
    class1 = OrganisationFactory(name="初三（1）班团支部", kind=Kind.BRANCH, parent=school)
    class2 = OrganisationFactory(name="初三（2）班团支部", kind=Kind.BRANCH, parent=school)
    return school, class1, class2


def test_ratio_counts_active_league_members_of_the_class_branches(secretary_a_client, school):
    school_org, class1, class2 = school
    response = secretary_a_client.post(
        reverse("members:cohort_create"),
        {
            "school": school_org.pk,
            "level": CohortLevel.JUNIOR,
            "graduation_year": selectors.current_graduation_year(),
            "student_count": 20,
            "classes": [class1.pk, class2.pk],
        },
    )
    assert response.status_code == 302
    for org in (class1, class1, class2, class2, class2, class2):
        MemberFactory(organisation=org, birth_date=date(2011, 1, 1))
    MemberFactory(organisation=class1, category=Category.YOUTH, birth_date=date(2011, 2, 1))  # not a member

    page = secretary_a_client.get(reverse("members:cohorts"))
    row = page.context["rows"][0]
    assert (row.students, row.league_members, str(row.percent)) == (20, 6, "30.0")
    assert not row.over_ceiling and page.context["flagged"] == []  # 30% is the ceiling, not over it

    extra = MemberFactory(organisation=class2, birth_date=date(2011, 3, 1))
    row = secretary_a_client.get(reverse("members:cohorts")).context["rows"][0]
    assert row.league_members == 7 and row.over_ceiling
    assert [s.pk for s in selectors.schools_over_ceiling()] == [school_org.pk]
    Member.objects.filter(pk=extra.pk).update(status=Status.TRANSFERRED_OUT)
    assert not selectors.cohort_ratios()[0].over_ceiling


def test_senior_classes_have_no_ceiling(school):
    school_org, class1, _ = school
    services.cohort_save(
        school=school_org, level=CohortLevel.SENIOR, graduation_year=2026, student_count=1, classes=[class1]
    )
    MemberFactory(organisation=class1)
    row = selectors.cohort_ratios(graduation_year=2026)[0]
    assert row.ratio == 1 and not row.over_ceiling


def test_cohort_classes_must_belong_to_the_school(school, district, secretary_b_client):
    school_org, class1, _ = school
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.cohort_save(
            school=school_org,
            level=CohortLevel.JUNIOR,
            graduation_year=2026,
            student_count=9,
            classes=[district.branch_b],
        )
    cohort = services.cohort_save(
        school=school_org, level=CohortLevel.JUNIOR, graduation_year=2026, student_count=9, classes=[class1]
    )
    assert secretary_b_client.get(reverse("members:cohort_update", args=[cohort.pk])).status_code == 404
    assert secretary_b_client.get(reverse("members:cohorts"), {"year": 2026}).context["rows"] == []
    assert SchoolCohort.objects.count() == 1


# --- ageing out -----------------------------------------------------------------------------


@pytest.fixture
def ages(district, time_machine):
    time_machine.move_to("2026-06-15T10:00:00+08:00")
    old = MemberFactory(name="已满28", organisation=district.branch_a, birth_date=date(1998, 6, 15))
    young = MemberFactory(name="差一天", organisation=district.branch_a, birth_date=date(1998, 6, 16))
    cadre = MemberFactory(name="在任团干", organisation=district.branch_a, birth_date=date(1990, 1, 1))
    youth = MemberFactory(
        name="非团员", organisation=district.branch_a, birth_date=date(1990, 1, 1), category=Category.YOUTH
    )
    other = MemberFactory(name="乙方超龄", organisation=district.branch_b, birth_date=date(1995, 1, 1))
    services.cadre_appoint(
        member=cadre,
        organisation=district.branch_a,
        kind=CadreKind.PART_TIME,
        position="书记",
        started_on=date(2020, 1, 1),
    )
    return old, young, cadre, youth, other


def test_due_list_is_those_past_their_28th_birthday_without_a_post(secretary_a_client, ages):
    old, young, cadre, youth, other = ages
    response = secretary_a_client.get(reverse("members:ageing"))
    assert [m.name for m in response.context["due"]] == ["已满28"]
    assert [m.name for m in response.context["exempt"]] == ["在任团干"]
    assert old.has_reached_age_limit() and not young.has_reached_age_limit()


def test_staff_confirm_in_bulk(staff_client, ages):
    old, young, cadre, youth, other = ages
    response = staff_client.post(
        reverse("members:ageing_confirm"), {"member": [old.pk, other.pk, young.pk, cadre.pk]}, follow=True
    )
    assert "已为 2 名成员办理超龄离团" in response.content.decode()
    statuses = dict(Member.objects.values_list("name", "status"))
    assert statuses["已满28"] == statuses["乙方超龄"] == Status.AGED_OUT
    assert statuses["差一天"] == statuses["在任团干"] == Status.ACTIVE
    old.refresh_from_db()
    assert old.status_changed_on == date(2026, 6, 15)
    assert old.history.first().history_user.username == "staff"


def test_ageing_refusals(staff_client, secretary_a_client, leader_client, client, ages):
    old = ages[0]
    for c in (secretary_a_client, leader_client):
        assert c.post(reverse("members:ageing_confirm"), {"member": [old.pk]}).status_code == 403
    assert client.post(reverse("members:ageing_confirm"), {"member": [old.pk]}).status_code == 302
    assert staff_client.get(reverse("members:ageing_confirm")).status_code == 405
    old.refresh_from_db()
    assert old.status == Status.ACTIVE


def test_the_kept_lists_follow_a_confirmation_at_once_and_stay_per_user(
    staff_client, secretary_b_client, ages, kept_table
):
    def names(client) -> tuple[str, int]:
        return kept_table(client, reverse("members:ageing"), "ageing-table")

    first, cold = names(staff_client)
    again, warm = names(staff_client)
    assert "已满28" in first and "乙方超龄" in first and again == first
    assert warm < cold  # the lists came from the kept copy
    # Another user's view is their own, not the staff's kept copy.
    theirs, _ = names(secretary_b_client)
    assert "乙方超龄" in theirs and "已满28" not in theirs
    staff_client.post(reverse("members:ageing_confirm"), {"member": [ages[0].pk]})
    after, _ = names(staff_client)
    assert "已满28" not in after and "乙方超龄" in after
