"""A committee's staffing (编制): dated records with one row per position, kept with their history."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from branches import selectors, services
from branches.models import Position, ReportPlace, StaffingPost, StaffingRecord

pytestmark = pytest.mark.django_db

DISTRICT_POSTS = {
    Position.SECRETARY: {"approved": 1, "in_post": 1},
    Position.DEPUTY: {"approved": 2, "in_post": 1, "seconded": 1, "part_time": 2},
    Position.OFFICER: {"approved": 3, "in_post": 3, "contracted": 2},
}


def record(user, org, day=date(2024, 3, 1), posts=None, **kw) -> StaffingRecord:
    return services.staffing_record_create(
        user=user, organisation=org, recorded_on=day, posts=posts or DISTRICT_POSTS, **kw
    )


def test_a_record_keeps_one_row_per_position_and_derives_vacancies(district, staff):
    rec = record(staff, district.root)
    rec = selectors.staffing_on(organisation=district.root, day=date(2024, 6, 30))
    assert [post.position for post in rec.rows] == [Position.SECRETARY, Position.DEPUTY, Position.OFFICER]
    assert (rec.approved, rec.in_post, rec.vacant, rec.seconded, rec.part_time, rec.contracted) == (6, 5, 1, 1, 2, 2)
    assert [(post.position, post.vacant) for post in rec.rows if post.vacant] == [(Position.DEPUTY, 1)]
    assert rec.report_place == ReportPlace.GOVERN_STRICTLY  # the default


def test_positions_with_nothing_recorded_are_not_stored(district, staff):
    rec = record(staff, district.root, posts={Position.SECRETARY: {"approved": 1}, Position.MEMBER: {}})
    assert list(rec.posts.values_list("position", flat=True)) == [Position.SECRETARY]
    with pytest.raises(ValidationError, match="至少填写一个职务"):
        record(staff, district.root, day=date(2024, 4, 1), posts={Position.SECRETARY: {"approved": 0}})


def test_more_in_post_than_approved_is_refused_by_the_service_and_the_database(district, staff):
    with pytest.raises(ValidationError, match="不能超过核定编制"):
        record(staff, district.root, posts={Position.DEPUTY: {"approved": 1, "in_post": 2}})
    assert not StaffingRecord.objects.exists()
    rec = record(staff, district.root)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffingPost.objects.filter(record=rec, position=Position.SECRETARY).update(in_post=3)


def test_only_committees_keep_staffing_and_not_in_the_future(district, staff):
    with pytest.raises(ValidationError, match="只有团委"):
        record(staff, district.branch_a)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        record(staff, district.root, day=timezone.localdate() + timedelta(days=1))


def test_one_record_a_day(district, staff):
    record(staff, district.root)
    with pytest.raises(ValidationError, match="这一天已有编制记录"):
        record(staff, district.root)


def test_the_record_in_force_on_a_day_is_the_latest_on_or_before_it(district, staff):
    record(staff, district.root, day=date(2023, 2, 20))
    record(staff, district.root, day=date(2024, 9, 10), posts={Position.SECRETARY: {"approved": 1, "in_post": 1}})
    assert selectors.staffing_on(organisation=district.root, day=date(2024, 6, 30)).recorded_on == date(2023, 2, 20)
    assert selectors.staffing_on(organisation=district.root, day=date(2024, 12, 31)).recorded_on == date(2024, 9, 10)
    assert selectors.staffing_on(organisation=district.root, day=date(2023, 1, 1)) is None


def test_an_update_changes_the_rows_and_history_keeps_who_did_what(district, staff):
    rec = record(staff, district.root)
    services.staffing_record_update(
        user=staff,
        record=rec,
        recorded_on=rec.recorded_on,
        report_place=ReportPlace.OPENING,
        note="区编委核定",
        posts={Position.SECRETARY: {"approved": 1, "in_post": 1}, Position.DEPUTY: {"approved": 2, "in_post": 2}},
    )
    rec = selectors.staffing_on(organisation=district.root, day=date(2024, 6, 30))
    assert [(p.position, p.in_post) for p in rec.rows] == [(Position.SECRETARY, 1), (Position.DEPUTY, 2)]
    assert rec.report_place == ReportPlace.OPENING and rec.note == "区编委核定"
    assert [h.history_type for h in rec.history.order_by("history_date")] == ["+", "~"]
    officer = StaffingPost.history.filter(position=Position.OFFICER).order_by("history_date")
    assert [h.history_type for h in officer] == ["+", "-"]
    assert {h.history_user_id for h in StaffingPost.history.all()} == {staff.pk}
    # The unchanged secretary row wrote no second history row.
    assert StaffingPost.history.filter(position=Position.SECRETARY).count() == 1


def test_secretaries_write_within_their_subtree_and_leadership_never(district, staff, secretary_a, leader):
    record(secretary_a, district.sub_a)
    with pytest.raises(PermissionDenied):
        record(secretary_a, district.sub_b)
    with pytest.raises(PermissionDenied):
        record(leader, district.root, day=date(2024, 4, 1))
    rec = StaffingRecord.objects.get()
    with pytest.raises(PermissionDenied):
        services.staffing_record_delete(user=leader, record=rec)
    services.staffing_record_delete(user=secretary_a, record=rec)
    assert not StaffingRecord.objects.exists() and rec.history.filter(history_type="-").exists()


# --- Pages ----------------------------------------------------------------------------------


def grid(day="2024-03-01", place=ReportPlace.GOVERN_STRICTLY, **counts) -> dict:
    data = {"recorded_on": day, "report_place": place, "note": ""}
    data.update({name: str(value) for name, value in counts.items()})
    return data


def test_staff_add_a_record_from_the_organisation_page(staff_client, district):
    page = staff_client.get(reverse("branches:detail", args=[district.root.pk]))
    assert reverse("branches:staffing_create", args=[district.root.pk]) in page.content.decode()
    response = staff_client.post(
        reverse("branches:staffing_create", args=[district.root.pk]),
        grid(secretary_approved=1, secretary_in_post=1, deputy_approved=2, deputy_in_post=1, deputy_part_time=2),
    )
    assert response.status_code == 302 and response["Location"].endswith("#staffing")
    rec = StaffingRecord.objects.get(organisation=district.root)
    assert (rec.approved, rec.in_post, rec.vacant, rec.part_time) == (3, 2, 1, 2)
    page = staff_client.get(reverse("branches:detail", args=[district.root.pk])).content.decode()
    assert 'id="staffing-latest"' in page and "空缺 1" in page


def test_a_new_record_starts_from_the_latest(staff_client, staff, district):
    record(staff, district.root)
    form = staff_client.get(reverse("branches:staffing_create", args=[district.root.pk])).context["form"]
    assert form["deputy_part_time"].value() == 2 and form["officer_contracted"].value() == 2
    assert form["recorded_on"].value() == timezone.localdate()


def test_bad_input_is_shown_again_with_a_message_and_nothing_saved(staff_client, staff, district):
    response = staff_client.post(
        reverse("branches:staffing_create", args=[district.root.pk]),
        grid(deputy_approved=1, deputy_in_post=2, officer_approved=4),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "不能超过核定编制" in str(form.errors["deputy_in_post"])
    assert form["officer_approved"].value() == "4"
    assert not StaffingRecord.objects.exists()
    empty = staff_client.post(reverse("branches:staffing_create", args=[district.root.pk]), grid())
    assert "至少填写一个职务" in str(empty.context["form"].non_field_errors())
    record(staff, district.root)
    twice = staff_client.post(reverse("branches:staffing_create", args=[district.root.pk]), grid(secretary_approved=1))
    assert twice.status_code == 200 and "这一天已有编制记录" in twice.content.decode()


def test_a_branch_has_no_staffing_page(staff_client, district):
    assert staff_client.get(reverse("branches:staffing_create", args=[district.branch_a.pk])).status_code == 404


def test_secretaries_edit_their_own_committee_only(secretary_a_client, district, staff):
    ok = secretary_a_client.post(
        reverse("branches:staffing_create", args=[district.sub_a.pk]), grid(secretary_approved=1)
    )
    assert ok.status_code == 302
    assert secretary_a_client.get(reverse("branches:staffing_create", args=[district.sub_b.pk])).status_code == 404
    other = record(staff, district.sub_b)
    for name in ("branches:staffing_update", "branches:staffing_delete"):
        assert secretary_a_client.get(reverse(name, args=[other.pk])).status_code == 404
        assert secretary_a_client.post(reverse(name, args=[other.pk])).status_code == 404
    assert StaffingRecord.objects.filter(pk=other.pk).exists()


def test_leadership_reads_the_staffing_but_changes_nothing(leader_client, staff, district):
    rec = record(staff, district.root)
    page = leader_client.get(reverse("branches:detail", args=[district.root.pk])).content.decode()
    assert 'id="staffing-latest"' in page
    assert reverse("branches:staffing_update", args=[rec.pk]) not in page
    assert reverse("branches:staffing_create", args=[district.root.pk]) not in page
    assert leader_client.post(reverse("branches:staffing_delete", args=[rec.pk])).status_code == 403
    assert (
        leader_client.post(
            reverse("branches:staffing_create", args=[district.root.pk]), grid(day="2024-04-01", secretary_approved=1)
        ).status_code
        == 403
    )
    assert StaffingRecord.objects.count() == 1


def test_staff_correct_and_delete_a_record(staff_client, staff, district):
    rec = record(staff, district.root)
    form = staff_client.get(reverse("branches:staffing_update", args=[rec.pk])).context["form"]
    assert form["deputy_approved"].value() == 2
    response = staff_client.post(
        reverse("branches:staffing_update", args=[rec.pk]),
        grid(day="2024-03-02", place=ReportPlace.NONE, secretary_approved=1, secretary_in_post=1),
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.recorded_on == date(2024, 3, 2) and rec.report_place == ReportPlace.NONE
    assert list(rec.posts.values_list("position", flat=True)) == [Position.SECRETARY]
    assert staff_client.get(reverse("branches:staffing_delete", args=[rec.pk])).status_code == 200
    assert staff_client.post(reverse("branches:staffing_delete", args=[rec.pk])).status_code == 302
    assert not StaffingRecord.objects.exists()
