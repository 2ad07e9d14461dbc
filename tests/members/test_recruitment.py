"""发展团员: applicant → activist → candidate → admitted, dated; admission makes a league member."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from branches.models import Kind
from members import selectors, services
from members.choices import Category, Stage
from members.models import RecruitmentCase

from ..factories import MemberFactory, OrganisationFactory


@pytest.fixture
def youth(district):
    return MemberFactory(
        name="申请人", category=Category.YOUTH, organisation=district.branch_a, birth_date=date(2008, 4, 1)
    )


def test_the_pipeline_through_the_pages(secretary_a_client, youth, district):
    response = secretary_a_client.post(
        reverse("members:recruitment_start", args=[youth.pk]),
        {"organisation": district.branch_a.pk, "applied_on": "2024-03-01"},
    )
    assert response.status_code == 302
    case = RecruitmentCase.objects.get()
    listing = secretary_a_client.get(reverse("members:recruitment"))
    assert [c.pk for c in listing.context["page_obj"]] == [case.pk]
    for on in ("2024-04-01", "2024-09-01"):
        secretary_a_client.post(reverse("members:recruitment_advance", args=[case.pk]), {"on": on})
    case.refresh_from_db()
    assert case.stage == Stage.CANDIDATE and case.activist_on == date(2024, 4, 1)
    secretary_a_client.post(
        reverse("members:recruitment_advance", args=[case.pk]), {"on": "2024-12-01", "member_number": "T2024001"}
    )
    case.refresh_from_db()
    youth.refresh_from_db()
    assert case.stage == Stage.ADMITTED and case.admitted_on == date(2024, 12, 1)
    assert youth.category == Category.LEAGUE_MEMBER and youth.joined_league_on == date(2024, 12, 1)
    assert youth.member_number == "T2024001"
    response = secretary_a_client.post(reverse("members:recruitment_advance", args=[case.pk]), {"on": "2024-12-02"})
    assert response.status_code == 302 and RecruitmentCase.objects.get().stage == Stage.ADMITTED


def test_stage_dates_must_not_go_backwards(youth, district):
    case = services.recruitment_start(member=youth, organisation=district.branch_a, applied_on=date(2024, 3, 1))
    with pytest.raises(ValidationError) as exc:
        services.recruitment_advance(case=case, on=date(2024, 2, 1))
    assert "activist_on" in exc.value.message_dict
    case.refresh_from_db()
    assert case.stage == Stage.APPLICANT


def test_applicants_must_be_14(district):
    child = MemberFactory(category=Category.YOUTH, organisation=district.branch_a, birth_date=date(2012, 6, 1))
    with pytest.raises(ValidationError) as exc:
        services.recruitment_start(member=child, organisation=district.branch_a, applied_on=date(2026, 5, 31))
    assert "14" in str(exc.value)
    services.recruitment_start(member=child, organisation=district.branch_a, applied_on=date(2026, 6, 1))


def test_one_open_case_per_person_and_members_cannot_apply(youth, roster, district):
    services.recruitment_start(member=youth, organisation=district.branch_a, applied_on=date(2024, 3, 1))
    with pytest.raises(ValidationError):
        services.recruitment_start(member=youth, organisation=district.branch_a, applied_on=date(2024, 3, 2))
    with pytest.raises(ValidationError):
        services.recruitment_start(member=roster.a1, organisation=district.branch_a, applied_on=date(2024, 3, 2))


def test_an_admitted_young_pioneer_moves_to_the_admitting_branch(district):
    brigade = OrganisationFactory(name="某小学大队", kind=Kind.BRIGADE, parent=district.root)
    squadron = OrganisationFactory(name="六年级中队", kind=Kind.SQUADRON, parent=brigade)
    pioneer = MemberFactory(category=Category.YOUNG_PIONEER, organisation=squadron, birth_date=date(2010, 1, 1))
    case = services.recruitment_start(member=pioneer, organisation=district.branch_a, applied_on=date(2024, 2, 1))
    for on in (date(2024, 3, 1), date(2024, 4, 1), date(2024, 5, 4)):
        case = services.recruitment_advance(case=case, on=on)
    pioneer.refresh_from_db()
    assert pioneer.category == Category.LEAGUE_MEMBER and pioneer.organisation == district.branch_a


def test_stopping_needs_a_reason(secretary_a_client, youth, district):
    case = services.recruitment_start(member=youth, organisation=district.branch_a, applied_on=date(2024, 3, 1))
    secretary_a_client.post(reverse("members:recruitment_stop", args=[case.pk]), {"on": "2024-05-01", "reason": ""})
    case.refresh_from_db()
    assert case.stage == Stage.APPLICANT
    secretary_a_client.post(
        reverse("members:recruitment_stop", args=[case.pk]), {"on": "2024-05-01", "reason": "本人撤回"}
    )
    case.refresh_from_db()
    assert case.stage == Stage.STOPPED and case.stop_reason == "本人撤回"


def test_recruitment_refusals(secretary_a_client, secretary_b_client, leader_client, client, youth, district):
    case = services.recruitment_start(member=youth, organisation=district.branch_a, applied_on=date(2024, 3, 1))
    advance = reverse("members:recruitment_advance", args=[case.pk])
    assert secretary_b_client.post(advance, {"on": "2024-04-01"}).status_code == 404
    assert leader_client.post(advance, {"on": "2024-04-01"}).status_code == 403
    assert client.post(advance, {"on": "2024-04-01"}).status_code == 302
    assert secretary_a_client.get(advance).status_code == 405
    assert secretary_b_client.get(reverse("members:recruitment_start", args=[youth.pk])).status_code == 404
    assert case not in secretary_b_client.get(reverse("members:recruitment")).context["page_obj"]
    case.refresh_from_db()
    assert case.stage == Stage.APPLICANT


def test_recruitment_figures_follow_the_data(district):
    def make(n, birth=date(2008, 1, 1)):
        return MemberFactory(category=Category.YOUTH, organisation=district.branch_a, birth_date=birth)

    start, end = date(2024, 1, 1), date(2024, 6, 30)
    a = services.recruitment_start(member=make(1), organisation=district.branch_a, applied_on=date(2024, 2, 1))
    services.recruitment_advance(case=a, on=date(2024, 3, 1))
    b = services.recruitment_start(member=make(2), organisation=district.branch_b, applied_on=date(2023, 9, 1))
    for on in (date(2023, 10, 1), date(2024, 1, 10), date(2024, 5, 4)):
        b = services.recruitment_advance(case=b, on=on)
    figures = selectors.recruitment_figures(start=start, end=end, organisation=district.root)
    assert (figures.applied, figures.admitted, figures.stopped) == (1, 1, 0)
    assert figures.in_progress == {Stage.APPLICANT: 0, Stage.ACTIVIST: 1, Stage.CANDIDATE: 0}
    # Seen at the end of 2023, b was still an activist and a had not applied.
    earlier = selectors.recruitment_figures(start=date(2023, 7, 1), end=date(2023, 12, 31), organisation=district.root)
    assert earlier.in_progress == {Stage.APPLICANT: 0, Stage.ACTIVIST: 1, Stage.CANDIDATE: 0}
    assert earlier.applied == 1 and earlier.admitted == 0
    only_a = selectors.recruitment_figures(start=start, end=end, organisation=district.sub_a)
    assert (only_a.applied, only_a.admitted) == (1, 0)


def test_the_list_figures_are_cached_until_a_case_changes(
    secretary_a_client, youth, district, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("members:recruitment")
    services.recruitment_start(member=youth, organisation=district.branch_a, applied_on=date.today())
    secretary_a_client.get(url, {"stage": "activist"})  # the session's own write is out of the way
    with CaptureQueriesContext(connection) as first:
        response = secretary_a_client.get(url)
    assert response.context["figures"].applied == 1 and response.context["page_obj"].paginator.count == 1
    with django_assert_max_num_queries(len(first.captured_queries) - 2):
        again = secretary_a_client.get(url)
    assert again.context["figures"].applied == 1 and again.context["page_obj"].paginator.count == 1

    other = MemberFactory(category=Category.YOUTH, organisation=district.branch_a, birth_date=date(2008, 5, 1))
    services.recruitment_start(member=other, organisation=district.branch_a, applied_on=date.today())
    response = secretary_a_client.get(url)
    assert response.context["figures"].applied == 2 and response.context["page_obj"].paginator.count == 2
    assert len(response.context["page_obj"]) == 2


def test_the_list_reads_its_rows_in_a_fixed_number_of_queries(staff_client, district):
    """The rows read only the columns they show (the view's ``row_fields``): a column shown and
    not read would be a query per row, and more cases would cost more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dates = {"activist_on": date(2024, 2, 1), "candidate_on": date(2024, 3, 1), "admitted_on": date(2024, 4, 1)}

    def add(n: int) -> None:
        for i in range(n):
            member = MemberFactory(category=Category.YOUTH, organisation=district.branch_a, birth_date=date(2008, 1, 2))
            for stage in (Stage.CANDIDATE, Stage.ADMITTED):
                RecruitmentCase.objects.create(
                    member=member, organisation=district.branch_a, stage=stage, applied_on=date(2024, 1, i + 1), **dates
                )

    def queries(stage: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = staff_client.get(reverse("members:recruitment"), {"stage": stage})
        return len(captured), response.content.decode()

    add(1)
    staff_client.get(reverse("members:recruitment"))  # the session's own write is out of the way
    add(1)  # the figures are computed afresh below, as after the next change
    few = {stage: queries(stage)[0] for stage in (Stage.CANDIDATE, Stage.ADMITTED)}
    add(6)
    for stage in (Stage.CANDIDATE, Stage.ADMITTED):
        count, html = queries(stage)
        assert count == few[stage], stage
        assert html.count("2024-03-01") == 8 and html.count(district.branch_a.display_name) >= 8
