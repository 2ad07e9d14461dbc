"""Term renewals (换届): recording one moves the term end; the chain tells on-time and overdue later."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from branches import selectors, services
from branches.models import Kind, Organisation, TermRenewal

from ..factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def set_term(org, day):
    Organisation.objects.filter(pk=org.pk).update(term_ends_on=day)
    org.refresh_from_db()


def renew(user, org, held_on, **kw) -> TermRenewal:
    return services.term_renewal_record(user=user, organisation=org, held_on=held_on, **kw)


def term_end(org) -> date | None:
    return Organisation.objects.get(pk=org.pk).term_ends_on


def test_a_renewal_moves_the_term_end_by_the_default_term_of_the_kind(district, staff):
    set_term(district.sub_a, date(2024, 5, 31))
    renewal = renew(staff, district.sub_a, date(2024, 5, 20), delegates_elected=98, members_elected=9)
    assert renewal.term_years == 5 and term_end(district.sub_a) == date(2029, 5, 20)
    assert renewal.previous_term_ends_on == date(2024, 5, 31) and renewal.on_time
    branch = renew(staff, district.branch_a, date(2024, 4, 1))
    assert branch.term_years == 2 and term_end(district.branch_a) == date(2026, 4, 1)
    # Staff may set another term (a students' branch serves a year).
    renew(staff, district.branch_b, date(2024, 2, 29), term_years=1)
    assert term_end(district.branch_b) == date(2025, 2, 28)


def test_a_renewal_after_the_term_ended_is_not_on_time(district, staff):
    set_term(district.branch_a, date(2024, 3, 31))
    assert not renew(staff, district.branch_a, date(2024, 9, 1)).on_time
    # Nothing recorded about the term it replaced: on time is not claimed.
    assert not renew(staff, district.branch_b, date(2024, 9, 1)).on_time


def test_a_renewal_recorded_late_for_an_earlier_date_chains_and_keeps_the_term_end(district, staff):
    set_term(district.sub_a, date(2019, 6, 1))
    later = renew(staff, district.sub_a, date(2024, 5, 20))
    earlier = renew(staff, district.sub_a, date(2019, 5, 25))
    later.refresh_from_db()
    assert earlier.previous_term_ends_on == date(2019, 6, 1) and earlier.on_time
    assert later.previous_term_ends_on == date(2024, 5, 25) and later.on_time
    assert term_end(district.sub_a) == date(2029, 5, 20)


def test_deleting_the_latest_renewal_restores_the_term_end_it_replaced(district, staff):
    set_term(district.sub_a, date(2024, 5, 31))
    renewal = renew(staff, district.sub_a, date(2024, 5, 20))
    services.term_renewal_delete(user=staff, renewal=renewal)
    assert term_end(district.sub_a) == date(2024, 5, 31)
    assert renewal.history.filter(history_type="-", history_user=staff).exists()


def test_correcting_a_renewal_rechains_and_a_term_end_set_by_hand_is_kept(district, staff):
    set_term(district.sub_a, date(2019, 6, 1))
    first = renew(staff, district.sub_a, date(2019, 5, 25))
    second = renew(staff, district.sub_a, date(2024, 5, 20))
    services.term_renewal_update(user=staff, renewal=first, held_on=date(2019, 5, 25), term_years=3)
    second.refresh_from_db()
    assert second.previous_term_ends_on == date(2022, 5, 25) and not second.on_time
    assert term_end(district.sub_a) == date(2029, 5, 20)
    # An extension approved and entered by hand stays while only an older renewal changes.
    services.organisation_update(
        organisation=Organisation.objects.get(pk=district.sub_a.pk), term_ends_on=date(2030, 1, 1)
    )
    services.term_renewal_update(user=staff, renewal=first, held_on=date(2019, 5, 25), term_years=5, notes="更正")
    assert term_end(district.sub_a) == date(2030, 1, 1)
    # Changing the latest renewal sets the term end from it again.
    services.term_renewal_update(user=staff, renewal=second, held_on=date(2024, 5, 21), term_years=5)
    assert term_end(district.sub_a) == date(2029, 5, 21)


def test_renewal_rules(district, staff):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        renew(staff, district.sub_a, timezone.localdate() + timedelta(days=1))
    org = OrganisationFactory(
        name="新建团支部", kind=Kind.BRANCH, parent=district.sub_a, established_on=date(2023, 1, 1)
    )
    with pytest.raises(ValidationError, match="早于组织成立日期"):
        renew(staff, org, date(2022, 12, 1))
    with pytest.raises(ValidationError):
        renew(staff, org, date(2024, 1, 1), term_years=6)
    renew(staff, org, date(2024, 1, 1))
    with pytest.raises(ValidationError, match="这一天已有换届记录"):
        renew(staff, org, date(2024, 1, 1))
    assert TermRenewal.objects.count() == 1


def test_only_writers_in_scope_record_renewals(district, secretary_a, leader):
    renew(secretary_a, district.branch_a, date(2024, 3, 1))
    with pytest.raises(PermissionDenied):
        renew(secretary_a, district.branch_b, date(2024, 3, 1))
    with pytest.raises(PermissionDenied):
        renew(leader, district.branch_a, date(2024, 3, 2))


def test_who_was_past_their_term_on_a_past_day(district, staff):
    set_term(district.root, date(2027, 1, 1))
    set_term(district.sub_a, date(2024, 3, 31))  # renewed only in September
    set_term(district.sub_b, date(2024, 8, 31))
    set_term(district.branch_a, date(2023, 12, 31))  # never renewed
    renew(staff, district.sub_a, date(2024, 9, 1))
    # branch_b has no term recorded: neither counted nor judged.
    june = selectors.term_standing(organisation=district.root, day=date(2024, 6, 30))
    assert [org.name for org, _ in june.overdue] == ["甲街道团工委", "甲社区团支部"] and june.evaluated == 4
    december = selectors.term_standing(organisation=district.root, day=date(2024, 12, 31))
    assert [org.name for org, _ in december.overdue] == ["甲社区团支部", "乙街道团工委"]
    # Organisations founded after the day, inactive ones and the pioneers' line are not counted.
    brigade = OrganisationFactory(
        name="测试大队", kind=Kind.BRIGADE, parent=district.root, term_ends_on=date(2020, 1, 1)
    )
    league = selectors.term_standing(
        organisation=district.root, day=date(2024, 12, 31), kinds=selectors.term_kinds(district.root)
    )
    assert brigade.name not in [org.name for org, _ in league.overdue]
    assert selectors.term_kinds(brigade) == frozenset({Kind.PIONEER_COMMITTEE, Kind.BRIGADE, Kind.SQUADRON})


# --- Pages ----------------------------------------------------------------------------------


def form(held_on="2024-05-20", term_years=5, delegates=0, members=5, notes=""):
    return {
        "held_on": held_on,
        "term_years": term_years,
        "delegates_elected": delegates,
        "members_elected": members,
        "notes": notes,
    }


def test_a_secretary_records_a_renewal_of_a_branch_below(secretary_a_client, district):
    set_term(district.branch_a, date(2024, 5, 31))
    page = secretary_a_client.get(reverse("branches:renewal_create", args=[district.branch_a.pk]))
    assert page.context["form"]["term_years"].value() == 2
    response = secretary_a_client.post(
        reverse("branches:renewal_create", args=[district.branch_a.pk]), form(term_years=2)
    )
    assert response.status_code == 302 and response["Location"].endswith("#renewals")
    assert term_end(district.branch_a) == date(2026, 5, 20)
    detail = secretary_a_client.get(reverse("branches:detail", args=[district.branch_a.pk])).content.decode()
    assert 'id="renewal-records"' in detail and "按期" in detail
    assert reverse("branches:renewal_update", args=[TermRenewal.objects.get().pk]) in detail


def test_renewal_pages_refuse_other_subtrees_and_leadership(secretary_a_client, leader_client, staff, district):
    renewal = renew(staff, district.branch_b, date(2024, 3, 1))
    assert secretary_a_client.get(reverse("branches:renewal_create", args=[district.branch_b.pk])).status_code == 404
    for name in ("branches:renewal_update", "branches:renewal_delete"):
        assert secretary_a_client.post(reverse(name, args=[renewal.pk])).status_code == 404
        assert leader_client.post(reverse(name, args=[renewal.pk])).status_code == 403
    assert (
        leader_client.post(reverse("branches:renewal_create", args=[district.branch_b.pk]), form()).status_code == 403
    )
    assert TermRenewal.objects.count() == 1
    page = leader_client.get(reverse("branches:detail", args=[district.branch_b.pk])).content.decode()
    assert (
        'id="renewal-records"' in page and reverse("branches:renewal_create", args=[district.branch_b.pk]) not in page
    )


def test_bad_renewal_input_is_shown_again(staff_client, district):
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = staff_client.post(
        reverse("branches:renewal_create", args=[district.sub_a.pk]), form(held_on=future, members=7)
    )
    assert response.status_code == 200 and "不能晚于今天" in str(response.context["form"].errors["held_on"])
    assert response.context["form"]["members_elected"].value() == "7"
    assert not TermRenewal.objects.exists()


def test_staff_correct_and_delete_a_renewal_from_its_pages(staff_client, staff, district):
    set_term(district.sub_a, date(2024, 5, 31))
    renewal = renew(staff, district.sub_a, date(2024, 5, 20))
    response = staff_client.post(reverse("branches:renewal_update", args=[renewal.pk]), form(term_years=3))
    assert response.status_code == 302 and term_end(district.sub_a) == date(2027, 5, 20)
    assert staff_client.get(reverse("branches:renewal_delete", args=[renewal.pk])).status_code == 200
    staff_client.post(reverse("branches:renewal_delete", args=[renewal.pk]))
    assert not TermRenewal.objects.exists() and term_end(district.sub_a) == date(2024, 5, 31)


def test_renewals_and_staffing_are_in_the_change_history_with_who_changed_them(staff_client, staff, district):
    renewal = renew(staff, district.sub_a, date(2024, 5, 20))
    services.term_renewal_update(user=staff, renewal=renewal, held_on=date(2024, 5, 21), term_years=5)
    page = staff_client.get(reverse("security:history"), {"model": "branches.termrenewal"})
    rows = page.context["rows"]
    assert [row.record.history_type for row in rows] == ["~", "+"]
    assert {row.record.history_user_id for row in rows} == {staff.pk}
    assert any(change.field == "换届日期" for change in rows[0].changes)
    assert "branches.staffingrecord" in [value for value, _ in page.context["form"].fields["model"].choices]


def test_a_new_renewal_is_linked_in_one_history_row(district, staff):
    set_term(district.sub_a, date(2024, 5, 31))
    renewal = renew(staff, district.sub_a, date(2024, 5, 20))
    assert [(h.history_type, h.previous_term_ends_on) for h in renewal.history.all()] == [("+", date(2024, 5, 31))]
