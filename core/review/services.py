"""The review transitions, written once for every reviewable model.

Each transition locks the row, checks that the user may make it (``Workflow.rules``), stamps
who and when, saves with history, and calls the model's hooks for what it adds: an activity
must have a summary before review, a commendation list moves its recipients with it, a return
leaves the submitter a message.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.models import Role
from core.freshness import mark_changed, organisations_of
from core.validators import COMMENT_LENGTH

from .models import Reviewable, Status
from .rules import ReviewRules

SUBMIT, WITHDRAW, APPROVE, RETURN = "submit", "withdraw", "approve", "return"
# Why a transition is refused (a 403; the page does not show it, logs and tests do).
REFUSED = {
    SUBMIT: "该{noun}当前不能提交审核。",
    WITHDRAW: "只有待审核的{noun}可以撤回。",
    APPROVE: "只有区团委工作人员可以审核{noun}。",
    RETURN: "只有区团委工作人员可以退回{noun}。",
}


def _no_check(action: str, record) -> None:
    return None


def _no_reason(action: str, record, user) -> str:
    return ""


def _no_follow_up(*, action: str, records: list, user, comment: str) -> None:
    return None


@dataclass(frozen=True)
class Workflow:
    """One reviewable model's part in the shared transitions."""

    model: type[Reviewable]
    rules: ReviewRules
    noun: str
    """How refusals name a record: 记录, 表彰, 表彰名单."""
    comment_missing: str
    """What a return without a comment is told."""
    check: Callable[[str, Reviewable], None] = _no_check
    """``check(action, record)``: raise ValidationError when an allowed transition cannot happen yet."""
    refusal: Callable[[str, Reviewable, object], str] = _no_reason
    """``refusal(action, record, user)``: a reason to tell the user instead of a bare refusal, or ""."""
    after: Callable[..., None] = _no_follow_up
    """``after(action=, records=, user=, comment=)``: the model's follow-up, in the same transaction."""


def stamp(record: Reviewable, *, action: str, user, comment: str = "", now: datetime | None = None) -> None:
    """Set the status and who/when of ``action`` on ``record`` (not saved, nothing checked).

    Approving a record nobody submitted (staff finalising their own entry) counts as its submission.
    """
    now = now or timezone.now()
    if action == SUBMIT:
        record.status = Status.SUBMITTED
        record.submitted_by, record.submitted_at = user, now
    elif action == WITHDRAW:
        record.status = Status.DRAFT
    elif action == APPROVE:
        record.status, record.review_comment = Status.APPROVED, ""
        record.reviewed_by, record.reviewed_at = user, now
        if record.submitted_at is None:
            record.submitted_by, record.submitted_at = user, now
    elif action == RETURN:
        record.status, record.review_comment = Status.RETURNED, comment
        record.reviewed_by, record.reviewed_at = user, now
    else:
        raise ValueError(f"Unknown review action {action!r}")


def clean_comment(comment: str, *, missing: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": missing})
    if len(comment) > COMMENT_LENGTH:
        raise ValidationError({"comment": f"审核意见不能超过 {COMMENT_LENGTH} 字。"})
    return comment


def _locked(workflow: Workflow):
    return workflow.model.objects.select_for_update(of=("self",)).select_related("organisation")


@transaction.atomic
def _transition(*, workflow: Workflow, record: Reviewable, user, action: str, comment: str = "") -> Reviewable:
    record = _locked(workflow).get(pk=record.pk)
    if not workflow.rules.allows(action, user, record):
        if reason := workflow.refusal(action, record, user):
            raise ValidationError(reason)
        raise PermissionDenied(REFUSED[action].format(noun=workflow.noun))
    if action == RETURN:
        comment = clean_comment(comment, missing=workflow.comment_missing)
    workflow.check(action, record)
    stamp(record, action=action, user=user, comment=comment)
    record._history_user = user
    record.save()
    workflow.after(action=action, records=[record], user=user, comment=comment)
    return record


def review_submit(*, workflow: Workflow, record: Reviewable, user) -> Reviewable:
    return _transition(workflow=workflow, record=record, user=user, action=SUBMIT)


def review_withdraw(*, workflow: Workflow, record: Reviewable, user) -> Reviewable:
    return _transition(workflow=workflow, record=record, user=user, action=WITHDRAW)


def review_approve(*, workflow: Workflow, record: Reviewable, reviewer) -> Reviewable:
    return _transition(workflow=workflow, record=record, user=reviewer, action=APPROVE)


def review_return(*, workflow: Workflow, record: Reviewable, reviewer, comment: str) -> Reviewable:
    """Send a record back with the reviewer's comment, which must say what to change."""
    return _transition(workflow=workflow, record=record, user=reviewer, action=RETURN, comment=comment)


@transaction.atomic
def review_many(*, workflow: Workflow, ids: Iterable[int], reviewer, approve: bool, comment: str = "") -> int:
    """Approve (or return, with one comment) the submitted records among ``ids``.

    Records no longer awaiting review (someone else got there first) are skipped.
    Returns how many changed.
    """
    if not reviewer.is_committee_staff:
        raise PermissionDenied("只有区团委工作人员可以审核。")
    action = APPROVE if approve else RETURN
    if not approve:
        comment = clean_comment(comment, missing=workflow.comment_missing)
    candidates = _locked(workflow).filter(pk__in=list(ids), status=Status.SUBMITTED).order_by("pk")
    targets = [record for record in candidates if workflow.rules.allows(action, reviewer, record)]
    now = timezone.now()
    for record in targets:
        workflow.check(action, record)
        stamp(record, action=action, user=reviewer, comment=comment, now=now)
        record.updated_at = now
    bulk_update_with_history(
        targets,
        workflow.model,
        ["status", "review_comment", "reviewed_by", "reviewed_at", "submitted_by", "submitted_at", "updated_at"],
        batch_size=500,
        default_user=reviewer,
        default_change_reason="批量审核",
    )
    workflow.after(action=action, records=targets, user=reviewer, comment=comment)
    mark_changed(organisations_of(targets), app=workflow.model._meta.app_label)  # bulk_update sends no post_save
    return len(targets)


def returned_to(records: Iterable[Reviewable], *, reviewer) -> dict[int, list[int]]:
    """Who hears that each record was returned: whoever submitted and entered it, or, when
    neither is an active user (a record imported, or its people gone), the secretaries of its
    organisation. Never the reviewer, never leadership."""
    records = list(records)
    people = {pk for r in records for pk in (r.submitted_by_id, r.created_by_id) if pk}
    User = get_user_model()
    active = set(User.objects.filter(pk__in=people, is_active=True).values_list("pk", flat=True))
    authors = {r.pk: active & {r.submitted_by_id, r.created_by_id} for r in records}
    orphaned = {r.organisation_id for r in records if not authors[r.pk]}
    secretaries: dict[int, set[int]] = defaultdict(set)
    rows = User.objects.filter(
        organisation_id__in=orphaned, role=Role.SECRETARY, is_active=True, is_superuser=False
    ).values_list("pk", "organisation_id")
    for pk, organisation_id in rows:
        secretaries[organisation_id].add(pk)
    return {r.pk: sorted((authors[r.pk] or secretaries[r.organisation_id]) - {reviewer.pk}) for r in records}
