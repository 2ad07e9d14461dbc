"""Draft → submitted → approved, or returned with a comment; and every refusal on the way."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from activities import services
from activities.models import Activity, ActivityKind, Audience, Dimension
from core.review import services as review
from core.review.models import Status

from .factories import ActivityFactory, CampaignFactory


def _fields(org, **extra):
    data = {
        "title": "五四主题团日",
        "organisation": org,
        "kind": ActivityKind.THEME_DAY,
        "start_date": date(2024, 5, 4),
        "audience": Audience.MEMBERS_YOUTH,
        "participants": 30,
        "summary": "重温入团誓词。",
    }
    return {**data, **extra}


def _post_data(org, **extra):
    data = {
        "title": "学习会",
        "organisation": org.pk,
        "kind": ActivityKind.THEMATIC_STUDY,
        "dimension": "",
        "start_date": "2024-05-10",
        "audience": Audience.MEMBERS_YOUTH,
        "participants": "12",
        "person_times": "",
        "hours": "2",
        "summary": "学习习近平总书记重要讲话精神。",
    }
    data.update(extra)
    return data


# --- services ---------------------------------------------------------------


def test_secretary_creates_a_draft_with_the_kinds_default_dimension(secretary_a, district):
    activity = services.activity_create(user=secretary_a, **_fields(district.branch_a, kind=ActivityKind.VOLUNTEER))
    assert activity.status == Status.DRAFT
    assert activity.dimension == Dimension.SERVE_OVERALL
    assert activity.created_by == secretary_a
    assert activity.history.count() == 1


def test_chosen_dimension_overrides_the_default(secretary_a, district):
    activity = services.activity_create(
        user=secretary_a, **_fields(district.branch_a, kind=ActivityKind.VOLUNTEER, dimension=Dimension.BRIDGE)
    )
    assert activity.dimension == Dimension.BRIDGE


def test_full_cycle_submit_return_resubmit_approve(secretary_a, staff, district):
    activity = services.activity_create(user=secretary_a, **_fields(district.branch_a))
    activity = review.review_submit(workflow=services.REVIEW, record=activity, user=secretary_a)
    assert activity.status == Status.SUBMITTED and activity.submitted_by == secretary_a and activity.submitted_at

    activity = review.review_return(
        workflow=services.REVIEW, record=activity, reviewer=staff, comment="请补充活动照片。"
    )
    assert activity.status == Status.RETURNED and activity.review_comment == "请补充活动照片。"
    assert activity.reviewed_by == staff and activity.reviewed_at

    activity = services.activity_update(activity=activity, user=secretary_a, participants=35, submit=True)
    assert activity.status == Status.SUBMITTED and activity.participants == 35

    activity = review.review_approve(workflow=services.REVIEW, record=activity, reviewer=staff)
    assert activity.status == Status.APPROVED and activity.review_comment == ""
    statuses = list(activity.history.order_by("history_date").values_list("status", flat=True))
    assert statuses == ["draft", "submitted", "returned", "submitted", "approved"]
    assert activity.history.latest().history_user == staff


def test_secretary_cannot_approve_or_return(secretary_a, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        review.review_approve(workflow=services.REVIEW, record=activity, reviewer=secretary_a)
    with pytest.raises(PermissionDenied):
        review.review_return(workflow=services.REVIEW, record=activity, reviewer=secretary_a, comment="不行")
    with pytest.raises(PermissionDenied):
        review.review_many(workflow=services.REVIEW, ids=[activity.pk], reviewer=secretary_a, approve=True)
    activity.refresh_from_db()
    assert activity.status == Status.SUBMITTED


def test_secretary_cannot_edit_a_submitted_or_approved_record(secretary_a, district):
    for status in (Status.SUBMITTED, Status.APPROVED):
        activity = ActivityFactory(organisation=district.branch_a, status=status)
        with pytest.raises(PermissionDenied):
            services.activity_update(activity=activity, user=secretary_a, title="改名")
        with pytest.raises(PermissionDenied):
            services.activity_delete(activity=activity, user=secretary_a)
        activity.refresh_from_db()
        assert activity.title != "改名"


def test_staff_may_correct_an_approved_record_and_it_stays_approved(staff, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.APPROVED)
    services.activity_update(activity=activity, user=staff, participants=99, notable=True)
    activity.refresh_from_db()
    assert activity.status == Status.APPROVED and activity.participants == 99 and activity.notable


def test_secretary_cannot_create_for_another_subtree(secretary_a, district):
    with pytest.raises(PermissionDenied):
        services.activity_create(user=secretary_a, **_fields(district.branch_b))
    assert not Activity.objects.exists()


def test_secretary_cannot_move_a_record_out_of_their_subtree(secretary_a, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.DRAFT)
    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, user=secretary_a, organisation=district.branch_b)


def test_leader_changes_nothing(leader, district):
    with pytest.raises(PermissionDenied):
        services.activity_create(user=leader, **_fields(district.branch_a))
    activity = ActivityFactory(organisation=district.branch_a, status=Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        review.review_approve(workflow=services.REVIEW, record=activity, reviewer=leader)


def test_return_needs_a_comment(staff, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        review.review_return(workflow=services.REVIEW, record=activity, reviewer=staff, comment="   ")
    assert "审核意见" in str(exc.value)
    activity.refresh_from_db()
    assert activity.status == Status.SUBMITTED


def test_approve_only_from_submitted(staff, district):
    for status in (Status.DRAFT, Status.RETURNED, Status.APPROVED):
        activity = ActivityFactory(organisation=district.branch_a, status=status)
        with pytest.raises(PermissionDenied):
            review.review_approve(workflow=services.REVIEW, record=activity, reviewer=staff)


def test_staff_can_send_an_approved_record_back(staff, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.APPROVED)
    review.review_return(workflow=services.REVIEW, record=activity, reviewer=staff, comment="人数有误，请核实。")
    activity.refresh_from_db()
    assert activity.status == Status.RETURNED


def test_submission_needs_a_summary_but_never_an_invented_figure(secretary_a, district):
    activity = services.activity_create(
        user=secretary_a,
        **_fields(district.branch_a, kind=ActivityKind.THEMATIC_STUDY, participants=None, hours=None, summary=""),
    )
    with pytest.raises(ValidationError) as exc:
        review.review_submit(workflow=services.REVIEW, record=activity, user=secretary_a)
    # Participants and hours the source does not give stay unknown (tests/activities/test_series.py).
    assert set(exc.value.message_dict) == {"summary"}
    activity.refresh_from_db()
    assert activity.status == Status.DRAFT
    services.activity_update(activity=activity, user=secretary_a, summary="学习会。", submit=True)
    activity.refresh_from_db()
    assert activity.status == Status.SUBMITTED and activity.participants is None and activity.hours is None


def test_withdraw_returns_a_submitted_record_to_draft(secretary_a, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.SUBMITTED)
    review.review_withdraw(workflow=services.REVIEW, record=activity, user=secretary_a)
    activity.refresh_from_db()
    assert activity.status == Status.DRAFT
    with pytest.raises(PermissionDenied):
        review.review_withdraw(workflow=services.REVIEW, record=activity, user=secretary_a)


def test_model_rules_person_times_dates_hours_campaign(secretary_a, district):
    campaign = CampaignFactory(start_date=date(2024, 4, 20), end_date=date(2024, 5, 31))
    bad = [
        ({"participants": 50, "person_times": 40}, "person_times"),
        ({"end_date": date(2024, 5, 1)}, "end_date"),
        ({"hours": 30}, "hours"),
        ({"campaign": campaign, "start_date": date(2024, 7, 1)}, "campaign"),
    ]
    for extra, field in bad:
        with pytest.raises(ValidationError) as exc:
            services.activity_create(user=secretary_a, **_fields(district.branch_a, **extra))
        assert field in exc.value.message_dict
    assert not Activity.objects.exists()


def test_retired_campaign_cannot_be_newly_chosen(secretary_a, district):
    campaign = CampaignFactory(active=False)
    with pytest.raises(ValidationError):
        services.activity_create(user=secretary_a, **_fields(district.branch_a, campaign=campaign))


def test_bulk_review_skips_records_no_longer_pending(staff, district):
    pending = ActivityFactory.create_batch(3, organisation=district.branch_a, status=Status.SUBMITTED)
    done = ActivityFactory(organisation=district.branch_b, status=Status.DRAFT)
    changed = review.review_many(
        workflow=services.REVIEW, ids=[a.pk for a in pending] + [done.pk], reviewer=staff, approve=True
    )
    assert changed == 3
    assert set(Activity.objects.filter(status=Status.APPROVED).values_list("pk", flat=True)) == {a.pk for a in pending}
    done.refresh_from_db()
    assert done.status == Status.DRAFT
    assert pending[0].history.latest().history_user == staff


def test_bulk_return_requires_a_comment_and_records_it(staff, district):
    pending = ActivityFactory.create_batch(2, organisation=district.branch_a, status=Status.SUBMITTED)
    with pytest.raises(ValidationError):
        review.review_many(workflow=services.REVIEW, ids=[a.pk for a in pending], reviewer=staff, approve=False)
    review.review_many(
        workflow=services.REVIEW, ids=[a.pk for a in pending], reviewer=staff, approve=False, comment="照片不清晰"
    )
    assert set(Activity.objects.values_list("status", "review_comment")) == {(Status.RETURNED, "照片不清晰")}


# --- views ------------------------------------------------------------------


def test_create_page_posts_a_draft_and_a_submission(secretary_a_client, district):
    response = secretary_a_client.post(reverse("activities:create"), _post_data(district.branch_a))
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("activities:detail", args=[activity.pk])
    assert activity.status == Status.DRAFT and activity.dimension == Dimension.UNITE_YOUTH
    response = secretary_a_client.post(
        reverse("activities:create"), {**_post_data(district.branch_a, title="第二次"), "submit": "1"}
    )
    assert Activity.objects.get(title="第二次").status == Status.SUBMITTED


def test_create_form_keeps_input_and_shows_errors(secretary_a_client, district):
    data = _post_data(district.branch_a, participants="50", person_times="10", title="保留我")
    response = secretary_a_client.post(reverse("activities:create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "person_times" in form.errors
    assert form["title"].value() == "保留我"
    assert not Activity.objects.exists()


def test_create_form_offers_only_the_secretarys_subtree(secretary_a_client, district):
    response = secretary_a_client.get(reverse("activities:create"))
    choices = set(response.context["form"].fields["organisation"].queryset)
    assert choices == {district.sub_a, district.branch_a}
    response = secretary_a_client.post(reverse("activities:create"), _post_data(district.branch_b))
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_secretary_cannot_see_another_subtrees_records(secretary_b_client, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.DRAFT)
    for name in ("detail", "update", "delete", "return"):
        assert secretary_b_client.get(reverse(f"activities:{name}", args=[activity.pk])).status_code == 404
    for name in ("submit", "withdraw", "approve", "delete"):
        assert secretary_b_client.post(reverse(f"activities:{name}", args=[activity.pk])).status_code == 404
    listing = secretary_b_client.get(reverse("activities:list"))
    assert activity not in listing.context["activities"]


def test_secretary_gets_403_editing_an_approved_record(secretary_a_client, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.APPROVED, title="原名")
    assert secretary_a_client.get(reverse("activities:update", args=[activity.pk])).status_code == 403
    response = secretary_a_client.post(
        reverse("activities:update", args=[activity.pk]), _post_data(district.branch_a, title="新名")
    )
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.title == "原名"


def test_secretary_gets_403_approving(secretary_a_client, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.SUBMITTED)
    assert secretary_a_client.post(reverse("activities:approve", args=[activity.pk])).status_code == 403
    assert secretary_a_client.get(reverse("activities:review")).status_code == 403
    assert secretary_a_client.post(reverse("activities:review_bulk"), {"ids": [activity.pk]}).status_code == 403
    activity.refresh_from_db()
    assert activity.status == Status.SUBMITTED


def test_leader_reads_but_gets_403_on_every_write(leader_client, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.SUBMITTED)
    assert leader_client.get(reverse("activities:detail", args=[activity.pk])).status_code == 200
    assert leader_client.get(reverse("activities:create")).status_code == 403
    assert leader_client.post(reverse("activities:create"), _post_data(district.branch_a)).status_code == 403
    for name in ("submit", "withdraw", "approve", "delete"):
        assert leader_client.post(reverse(f"activities:{name}", args=[activity.pk])).status_code == 403
    assert leader_client.post(reverse("activities:return", args=[activity.pk]), {"comment": "x"}).status_code == 403


def test_anonymous_is_sent_to_login(client, district):
    activity = ActivityFactory(organisation=district.branch_a)
    for url in (reverse("activities:list"), reverse("activities:detail", args=[activity.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_action_views_refuse_get(staff_client, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.SUBMITTED)
    for name in ("submit", "withdraw", "approve"):
        assert staff_client.get(reverse(f"activities:{name}", args=[activity.pk])).status_code == 405
    assert staff_client.get(reverse("activities:review_bulk")).status_code == 405
    activity.refresh_from_db()
    assert activity.status == Status.SUBMITTED


def test_returned_record_shows_the_comment_to_the_secretary(staff_client, secretary_a_client, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.SUBMITTED)
    response = staff_client.post(reverse("activities:return", args=[activity.pk]), {"comment": ""})
    assert response.status_code == 200 and response.context["form"].errors["comment"]
    staff_client.post(reverse("activities:return", args=[activity.pk]), {"comment": "请写明参与人数的来源。"})
    page = secretary_a_client.get(reverse("activities:detail", args=[activity.pk]))
    assert "请写明参与人数的来源。" in page.content.decode()
    assert page.context["can"]["edit"] and page.context["can"]["submit"]
    response = secretary_a_client.post(reverse("activities:submit", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == Status.SUBMITTED


def test_staff_approves_from_the_detail_page(staff_client, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.SUBMITTED)
    response = staff_client.post(reverse("activities:approve", args=[activity.pk]))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == Status.APPROVED


def test_bulk_review_from_the_queue(staff_client, district):
    pending = ActivityFactory.create_batch(3, organisation=district.branch_a, status=Status.SUBMITTED)
    response = staff_client.post(
        reverse("activities:review_bulk"), {"ids": [pending[0].pk, pending[1].pk], "action": "approve"}
    )
    assert response.status_code == 302
    assert Activity.objects.filter(status=Status.APPROVED).count() == 2
    response = staff_client.post(reverse("activities:review_bulk"), {"ids": [pending[2].pk], "action": "return"})
    pending[2].refresh_from_db()
    assert pending[2].status == Status.SUBMITTED  # no comment: nothing happens
    staff_client.post(
        reverse("activities:review_bulk"), {"ids": [pending[2].pk], "action": "return", "comment": "补充简介"}
    )
    pending[2].refresh_from_db()
    assert pending[2].status == Status.RETURNED


def test_delete_a_draft(secretary_a_client, district):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.DRAFT)
    assert secretary_a_client.get(reverse("activities:delete", args=[activity.pk])).status_code == 200
    assert Activity.objects.filter(pk=activity.pk).exists()
    secretary_a_client.post(reverse("activities:delete", args=[activity.pk]))
    assert not Activity.objects.filter(pk=activity.pk).exists()
