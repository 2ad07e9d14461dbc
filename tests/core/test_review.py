"""The shared review workflow (core.review), on a bare workflow with no model hooks, and its
hooks' contract. Activities stand in as the reviewable model."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from activities.models import Activity
from core.review import services as review
from core.review.models import Status
from core.review.rules import ReviewRules
from core.validators import COMMENT_LENGTH

from ..activities.factories import ActivityFactory
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def _writes(user, record) -> bool:
    return user.can_write


BARE = review.Workflow(
    model=Activity, rules=ReviewRules(handles=_writes), noun="记录", comment_missing="请写明退回原因。"
)


def _record(district, status=Status.DRAFT, **fields):
    return ActivityFactory(organisation=district.sub_a, status=status, **fields)


def test_submit_then_approve_stamps_who_and_when(staff, secretary_a, district):
    record = review.review_submit(workflow=BARE, record=_record(district), user=secretary_a)
    record.refresh_from_db()
    assert (record.status, record.submitted_by, record.reviewed_by) == (Status.SUBMITTED, secretary_a, None)
    assert record.submitted_at is not None
    record.review_comment = "旧意见"
    record.save()
    review.review_approve(workflow=BARE, record=record, reviewer=staff)
    record.refresh_from_db()
    assert (record.status, record.review_comment, record.reviewed_by) == (Status.APPROVED, "", staff)
    assert record.reviewed_at >= record.submitted_at
    assert record.history.first().history_user == staff


@pytest.mark.parametrize(
    ("status", "action", "who"),
    [
        (Status.DRAFT, "withdraw", "secretary"),  # nothing to take back
        (Status.APPROVED, "submit", "secretary"),  # approved is final for the secretary
        (Status.DRAFT, "approve", "staff"),  # this workflow approves only what was submitted
        (Status.SUBMITTED, "approve", "secretary"),  # review is staff's
        (Status.RETURNED, "return", "staff"),  # already returned
    ],
)
def test_a_transition_not_allowed_is_refused_and_changes_nothing(staff, secretary_a, district, status, action, who):
    record = _record(district, status=status)
    user = staff if who == "staff" else secretary_a
    transition = {
        "submit": lambda: review.review_submit(workflow=BARE, record=record, user=user),
        "withdraw": lambda: review.review_withdraw(workflow=BARE, record=record, user=user),
        "approve": lambda: review.review_approve(workflow=BARE, record=record, reviewer=user),
        "return": lambda: review.review_return(workflow=BARE, record=record, reviewer=user, comment="意见"),
    }[action]
    with pytest.raises(PermissionDenied):
        transition()
    record.refresh_from_db()
    assert record.status == status
    assert record.history.count() == 1


def test_leadership_cannot_submit(leader, district):
    with pytest.raises(PermissionDenied):
        review.review_submit(workflow=BARE, record=_record(district), user=leader)


@pytest.mark.parametrize("comment", ["", "   \n"])
def test_return_without_a_comment_is_refused_with_the_workflows_words(staff, district, comment):
    record = _record(district, status=Status.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        review.review_return(workflow=BARE, record=record, reviewer=staff, comment=comment)
    assert exc.value.message_dict == {"comment": ["请写明退回原因。"]}
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED


def test_return_keeps_the_comment_trimmed_and_refuses_one_too_long(staff, district):
    record = _record(district, status=Status.SUBMITTED)
    with pytest.raises(ValidationError, match=f"不能超过 {COMMENT_LENGTH} 字"):
        review.review_return(workflow=BARE, record=record, reviewer=staff, comment="长" * (COMMENT_LENGTH + 1))
    review.review_return(workflow=BARE, record=record, reviewer=staff, comment="  照片不清晰  ")
    record.refresh_from_db()
    assert (record.status, record.review_comment, record.reviewed_by) == (Status.RETURNED, "照片不清晰", staff)


def test_hooks_veto_explain_and_follow_up(staff, secretary_a, district):
    seen = []

    def check(action, record):
        if record.title == "不完整":
            raise ValidationError("还缺内容。")

    def refusal(action, record, user):
        return "草稿请先提交。" if action == "withdraw" else ""

    def after(*, action, records, user, comment):
        seen.append((action, [r.pk for r in records], user, comment))

    hooked = review.Workflow(
        model=Activity,
        rules=BARE.rules,
        noun="记录",
        comment_missing="-",
        check=check,
        refusal=refusal,
        after=after,
    )
    incomplete = _record(district, title="不完整")
    with pytest.raises(ValidationError, match="还缺内容"):
        review.review_submit(workflow=hooked, record=incomplete, user=secretary_a)
    incomplete.refresh_from_db()
    assert incomplete.status == Status.DRAFT and not seen
    with pytest.raises(ValidationError, match="草稿请先提交"):
        review.review_withdraw(workflow=hooked, record=incomplete, user=secretary_a)

    record = _record(district, status=Status.SUBMITTED)
    review.review_return(workflow=hooked, record=record, reviewer=staff, comment="改")
    assert seen == [("return", [record.pk], staff, "改")]


def test_approving_an_unsubmitted_record_counts_as_its_submission(staff, district):
    finalising = review.Workflow(
        model=Activity,
        rules=ReviewRules(handles=_writes, approvable=(Status.DRAFT, Status.SUBMITTED)),
        noun="记录",
        comment_missing="-",
    )
    record = review.review_approve(workflow=finalising, record=_record(district), reviewer=staff)
    record.refresh_from_db()
    assert (record.status, record.submitted_by, record.reviewed_by) == (Status.APPROVED, staff, staff)


def test_bulk_review_counts_only_the_records_still_submitted(staff, district):
    pending = [_record(district, status=Status.SUBMITTED) for _ in range(3)]
    draft = _record(district)
    approved = _record(district, status=Status.APPROVED)
    ids = [r.pk for r in (*pending, draft, approved)]
    assert review.review_many(workflow=BARE, ids=ids, reviewer=staff, approve=False, comment=" 缺照片 ") == 3
    assert review.review_many(workflow=BARE, ids=ids, reviewer=staff, approve=True) == 0
    statuses = dict(Activity.objects.filter(pk__in=ids).values_list("pk", "status"))
    assert [statuses[r.pk] for r in pending] == [Status.RETURNED] * 3
    assert (statuses[draft.pk], statuses[approved.pk]) == (Status.DRAFT, Status.APPROVED)
    returned = Activity.objects.get(pk=pending[0].pk)
    assert (returned.review_comment, returned.reviewed_by) == ("缺照片", staff)
    assert returned.history.first().history_change_reason == "批量审核"


def test_bulk_review_is_staffs_and_a_bulk_return_needs_a_comment(staff, secretary_a, district):
    record = _record(district, status=Status.SUBMITTED)
    with pytest.raises(PermissionDenied):
        review.review_many(workflow=BARE, ids=[record.pk], reviewer=secretary_a, approve=True)
    with pytest.raises(ValidationError):
        review.review_many(workflow=BARE, ids=[record.pk], reviewer=staff, approve=False, comment="")
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED


def test_rules_offer_each_step_in_its_status(staff, secretary_a, district):
    rules = BARE.rules
    draft, submitted = _record(district), _record(district, status=Status.SUBMITTED)
    assert rules.permissions(secretary_a, draft) == {
        "submit": True,
        "withdraw": False,
        "approve": False,
        "return": False,
    }
    assert rules.permissions(staff, submitted) == {"submit": False, "withdraw": True, "approve": True, "return": True}
    assert rules.can_return(staff, _record(district, status=Status.APPROVED))


def test_a_return_is_heard_by_its_people_else_by_its_organisations_secretaries(staff, secretary_a, district):
    other_secretary = UserFactory(role=Role.SECRETARY, organisation=district.sub_a)
    UserFactory(role=Role.LEADER, organisation=district.sub_a)  # leadership hears nothing
    UserFactory(role=Role.SECRETARY, organisation=district.branch_a)  # nor a sub-organisation
    UserFactory(role=Role.SECRETARY, organisation=district.sub_a, is_active=False)
    gone = UserFactory(role=Role.SECRETARY, organisation=district.sub_a, is_active=False)
    authored = _record(district, submitted_by=secretary_a, created_by=other_secretary)
    orphan = _record(district)
    left = _record(district, submitted_by=gone)
    by_staff = _record(district, created_by=staff)
    heard = review.returned_to([authored, orphan, left, by_staff], reviewer=staff)
    everyone = sorted([secretary_a.pk, other_secretary.pk])
    assert heard == {
        authored.pk: everyone,
        orphan.pk: everyone,
        left.pk: everyone,
        by_staff.pk: [],  # staff returned their own entry: nobody to tell
    }


def test_the_action_view_is_post_only_scoped_and_role_checked(
    staff_client, leader_client, secretary_a_client, secretary_b_client, district
):
    record = _record(district, status=Status.SUBMITTED)
    approve = reverse("activities:approve", args=[record.pk])
    assert staff_client.get(approve).status_code == 405
    assert secretary_b_client.post(reverse("activities:withdraw", args=[record.pk])).status_code == 404
    assert leader_client.post(reverse("activities:withdraw", args=[record.pk])).status_code == 403
    assert secretary_a_client.post(approve).status_code == 403
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED
    response = staff_client.post(approve, follow=True)
    assert f"已通过「{record.title}」。" in response.content.decode()
    record.refresh_from_db()
    assert record.status == Status.APPROVED
