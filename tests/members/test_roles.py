"""Cadre and counsellor appointments, and the organisation page that lists the current ones."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branches.models import Kind
from members import selectors, services
from members.choices import CadreKind, Category, CounsellorRole

from ..factories import MemberFactory, OrganisationFactory


def test_secretary_records_a_cadre_post_and_ends_it(secretary_a_client, roster, district):
    response = secretary_a_client.post(
        reverse("members:cadre_create", args=[roster.a1.pk]),
        {
            "organisation": district.sub_a.pk,
            "kind": CadreKind.PART_TIME,
            "position": "副书记",
            "started_on": "2023-01-01",
        },
    )
    assert response.status_code == 302
    appointment = roster.a1.cadre_appointments.get()
    assert appointment.is_current()
    secretary_a_client.post(reverse("members:cadre_end", args=[appointment.pk]), {"ended_on": "2025-12-31"})
    appointment.refresh_from_db()
    assert appointment.ended_on == date(2025, 12, 31) and not appointment.is_current(date(2026, 1, 1))


def test_appointment_dates_and_organisations_are_checked(roster, district):
    with pytest.raises(ValidationError):
        services.cadre_appoint(
            member=roster.a1,
            organisation=district.branch_a,
            kind=CadreKind.PART_TIME,
            position="书记",
            started_on=date(2024, 1, 1),
            ended_on=date(2023, 1, 1),
        )
    with pytest.raises(ValidationError):  # a counsellor serves a pioneer organisation
        services.counsellor_appoint(
            member=roster.a1, organisation=district.branch_a, role=CounsellorRole.SQUADRON, started_on=date(2024, 1, 1)
        )


def test_appointment_refusals(secretary_b_client, leader_client, secretary_a_client, roster, district):
    url = reverse("members:cadre_create", args=[roster.a1.pk])
    data = {
        "organisation": district.sub_b.pk,
        "kind": CadreKind.PART_TIME,
        "position": "书记",
        "started_on": "2023-01-01",
    }
    assert secretary_b_client.post(url, data).status_code == 404
    assert leader_client.post(url, data).status_code == 403
    response = secretary_a_client.post(url, data)  # sub_b is not an organisation A may choose
    assert response.status_code == 200 and response.context["form"].errors["organisation"]
    appointment = services.cadre_appoint(
        member=roster.a1,
        organisation=district.branch_a,
        kind=CadreKind.PART_TIME,
        position="书记",
        started_on=date(2023, 1, 1),
    )
    end = reverse("members:cadre_end", args=[appointment.pk])
    assert secretary_b_client.post(end, {"ended_on": "2024-01-01"}).status_code == 404
    assert leader_client.post(end, {"ended_on": "2024-01-01"}).status_code == 403
    assert secretary_a_client.get(end).status_code == 405
    appointment.refresh_from_db()
    assert appointment.ended_on is None


def test_organisation_page_lists_current_cadres_and_counsellors_without_per_row_queries(staff_client, district):
    brigade = OrganisationFactory(name="实验小学大队", kind=Kind.BRIGADE, parent=district.root)

    def appoint(n):
        for i in range(n):
            m = MemberFactory(name=f"干部{n}-{i}", organisation=district.sub_a)
            services.cadre_appoint(
                member=m,
                organisation=district.sub_a,
                kind=CadreKind.PART_TIME,
                position="委员",
                started_on=date(2022, 1, 1),
            )
            t = MemberFactory(name=f"辅导员{n}-{i}", organisation=brigade, category=Category.YOUTH)
            services.counsellor_appoint(
                member=t, organisation=brigade, role=CounsellorRole.BRIGADE, started_on=date(2022, 1, 1)
            )

    def page_queries(org):
        with CaptureQueriesContext(connection) as ctx:
            response = staff_client.get(reverse("branches:detail", args=[org.pk]))
        return response, len(ctx.captured_queries)

    appoint(2)
    _, few = page_queries(district.sub_a)
    appoint(8)
    response, many = page_queries(district.sub_a)
    assert few == many
    page = response.content.decode()
    assert "干部8-7" in page and "干部2-0" in page and "现任团干部（10）" in page
    response, _ = page_queries(brigade)
    assert "辅导员8-7" in response.content.decode() and "现任少先队辅导员（10）" in response.content.decode()


def test_past_appointments_are_not_listed_as_current(staff_client, roster, district):
    services.cadre_appoint(
        member=roster.a1,
        organisation=district.sub_a,
        kind=CadreKind.FULL_TIME,
        position="书记",
        started_on=date(2018, 1, 1),
        ended_on=date(2021, 1, 1),
    )
    roles = selectors.current_roles(organisation=district.sub_a)
    assert roles.cadres == []


def test_a_cadre_from_another_subtree_is_named_but_not_linked(secretary_a_client, roster, district):
    services.cadre_appoint(
        member=roster.b1,
        organisation=district.sub_a,
        kind=CadreKind.SECONDED,
        position="挂职副书记",
        started_on=date(2024, 1, 1),
    )
    response = secretary_a_client.get(reverse("branches:detail", args=[district.sub_a.pk]))
    page = response.content.decode()
    assert "王强" in page and reverse("members:detail", args=[roster.b1.pk]) not in page


def test_member_counts_by_category_and_status(roster, district):
    counts = selectors.member_counts(organisation=district.sub_a)
    assert (counts.active_league_members, counts.active_youth) == (1, 1)
    services.member_update(member=roster.a1, status="withdrawn")
    counts = selectors.member_counts(organisation=district.sub_a)
    assert counts.active_league_members == 0 and counts.count(status="withdrawn") == 1
    assert selectors.member_counts(organisation=district.root).count() == 3
