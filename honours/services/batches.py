"""Writes to commendation lists: the header, the recipients (picked, counted or imported
from Excel, see ``imports``) and the review workflow, which moves every recipient with it."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from branches.models import Organisation
from core.freshness import mark_changed, organisations_of
from core.review import services as review
from core.review.models import Status
from members.models import Member

from .. import rules
from ..models import COLLECTIVE_KINDS, PERSON_KINDS, CommendationBatch, Honour, RecipientKind
from . import files
from .honours import COMMENT_MISSING, conferred_is_final

BATCH_FIELDS = (
    "name",
    "default_title",
    "level",
    "conferring_body",
    "edition",
    "awarded_on",
    "year_from",
    "year_to",
    "direction",
    "organisation",
    "note",
)
# What every recipient of a list shares with the list itself.
SHARED_FIELDS = (
    "level",
    "conferring_body",
    "edition",
    "awarded_on",
    "year_from",
    "year_to",
    "counted_on",
    "direction",
    "status",
)
MAX_TITLE = 80


def _check_fields(fields: dict) -> None:
    unknown = set(fields) - set(BATCH_FIELDS)
    if unknown:
        raise TypeError(f"Not settable here: {sorted(unknown)}")


def _save(batch: CommendationBatch, user, *, document=None) -> None:
    batch._history_user = user
    with files.stored(batch.document, document):
        batch.save()


def _sync_recipients(batch: CommendationBatch, user, reason: str) -> int:
    """Copy the shared fields onto every recipient (with history), in batches of 500."""
    honours = list(batch.honours.all())
    now = timezone.now()
    for honour in honours:
        for name in SHARED_FIELDS:
            setattr(honour, name, getattr(batch, name))
        honour.updated_at = now
    if honours:
        bulk_update_with_history(
            honours,
            Honour,
            [*SHARED_FIELDS, "updated_at"],
            batch_size=500,
            default_user=user,
            default_change_reason=reason,
        )
        mark_changed(organisations_of(honours), app="honours")  # bulk_update sends no post_save
    return len(honours)


@transaction.atomic
def batch_create(*, user, document=None, **fields) -> CommendationBatch:
    """Start a commendation list as a draft; recipients are added afterwards."""
    _check_fields(fields)
    checked = original = None
    if document is not None:
        checked, original = files.checked_document(document)
    batch = CommendationBatch(**fields, created_by=user, status=Status.DRAFT)
    if batch.organisation_id and not rules.can_enter(user, organisation=batch.organisation, direction=batch.direction):
        raise PermissionDenied("不能为该组织录入表彰名单。")
    batch.full_clean(exclude=["document", "counted_on"])
    if checked is not None:
        batch.document_name = original
    _save(batch, user, document=checked)
    return batch


@transaction.atomic
def batch_update(*, batch: CommendationBatch, user, document=None, remove_document: bool = False, **fields):
    """Change the header; every recipient follows (level, body, date, direction)."""
    _check_fields(fields)
    batch = CommendationBatch.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=batch.pk)
    if not rules.batch_can_edit(user, batch):
        raise PermissionDenied("该表彰名单已提交或已通过审核，不能再修改。")
    checked = original = None
    if document is not None:
        checked, original = files.checked_document(document)
    previous_file = batch.document.name
    old_org = batch.organisation
    for name, value in fields.items():
        setattr(batch, name, value)
    if not rules.can_enter(user, organisation=batch.organisation, direction=batch.direction):
        raise PermissionDenied("不能把表彰名单改到该组织名下。")
    batch.full_clean(exclude=["document", "counted_on"])
    if batch.organisation_id != old_org.pk:
        outside = batch.honours.exclude(organisation__path__startswith=batch.organisation.path)
        if outside.exists():
            raise ValidationError({"organisation": "名单中已有获奖对象不属于新选的组织及其下级，不能更改所属组织。"})
        # Bare counts belonged to the list's organisation: they move with it.
        batch.honours.filter(recipient_name="", organisation=old_org).update(organisation=batch.organisation)
        mark_changed([old_org, batch.organisation], app="honours")
    if checked is not None:
        batch.document_name = original
    elif remove_document:
        batch.document, batch.document_name = "", ""
    _save(batch, user, document=checked)
    _sync_recipients(batch, user, "修改表彰名单")
    if previous_file and (checked is not None or remove_document):
        files.delete_after_commit(previous_file, batch.document.storage)
    return batch


def _locked(batch: CommendationBatch) -> CommendationBatch:
    return CommendationBatch.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=batch.pk)


def _require_edit(user, batch: CommendationBatch) -> None:
    if not rules.batch_can_edit(user, batch):
        raise PermissionDenied("该表彰名单已提交或已通过审核，不能再修改。")


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写荣誉称号。"})
    if len(title) > MAX_TITLE:
        raise ValidationError({"title": f"荣誉称号不能超过 {MAX_TITLE} 个字。"})
    return title


def new_recipient(batch: CommendationBatch, **fields) -> Honour:
    """A recipient row carrying the list's shared fields."""
    return Honour(batch=batch, **{name: getattr(batch, name) for name in SHARED_FIELDS}, **fields)


def check_recipient(honour: Honour) -> None:
    """Model validation without a query per foreign key: the callers loaded every related row."""
    honour.full_clean(
        exclude=["batch", "member", "recipient_organisation", "organisation", "certificate", "counted_on"],
        validate_constraints=False,
    )


def write_recipients(batch: CommendationBatch, honours: Sequence[Honour], *, user, reason: str) -> None:
    try:
        with transaction.atomic():
            bulk_create_with_history(
                list(honours), Honour, batch_size=500, default_user=user, default_change_reason=reason
            )
            touched = organisations_of(honours)  # None: not attributable, every figure
            mark_changed(None if touched is None else touched | {batch.organisation_id}, app="honours")
    except IntegrityError as exc:
        raise ValidationError(
            "名单已变化，请重新检查：名单中已有相同的获奖对象（同一称号），未写入任何数据。", code="changed"
        ) from exc


@transaction.atomic
def batch_add_recipients(
    *,
    batch: CommendationBatch,
    user,
    title: str,
    recipient_kind: str,
    grade: str = "",
    members: Iterable[Member] = (),
    organisations: Iterable[Organisation] = (),
    names: Iterable[str] = (),
    names_organisation: Organisation | None = None,
) -> list[Honour]:
    """Add picked members, organisations and plain names, all with one title; all or nothing.

    Every recipient must belong to the list's organisation subtree and to the user's scope;
    someone already on the list with the same title is refused, not duplicated.
    """
    batch = _locked(batch)
    _require_edit(user, batch)
    title = _clean_title(title)
    grade = (grade or "").strip()
    members, organisations = list(members), list(organisations)
    names = [name.strip() for name in names if name and name.strip()]
    errors: list[str] = []
    if not (members or organisations or names):
        raise ValidationError("请至少选择或填写一个获奖对象。")
    if members and recipient_kind not in PERSON_KINDS:
        errors.append("选择成员时，获奖对象类别应为团员、少先队员、少先队辅导员或团干部。")
    if organisations and recipient_kind not in COLLECTIVE_KINDS:
        errors.append("选择组织时，获奖对象类别应为团组织集体或少先队集体。")
    owner_for_names = names_organisation or batch.organisation
    if names and not _within(user, batch, owner_for_names):
        errors.append("按名称登记的获奖对象，所属组织须在本名单所属组织及下级、且在您的管理范围内。")
    existing_members = set(batch.honours.filter(title=title, member__isnull=False).values_list("member_id", flat=True))
    existing_orgs = set(
        batch.honours.filter(title=title, recipient_organisation__isnull=False).values_list(
            "recipient_organisation_id", flat=True
        )
    )
    honours = []
    for member in members:
        if not _within(user, batch, member.organisation):
            errors.append(f"{member.name}不属于本名单所属组织及下级。")
            continue
        if member.pk in existing_members:
            errors.append(f"{member.name}已在名单中（{title}）。")
            continue
        existing_members.add(member.pk)
        honours.append(
            new_recipient(
                batch,
                title=title,
                grade=grade,
                recipient_kind=recipient_kind,
                member=member,
                recipient_name=member.name,
                organisation=member.organisation,
                created_by=user,
            )
        )
    for org in organisations:
        if not _within(user, batch, org):
            errors.append(f"「{org.name}」不属于本名单所属组织及下级。")
            continue
        if org.pk in existing_orgs:
            errors.append(f"「{org.name}」已在名单中（{title}）。")
            continue
        existing_orgs.add(org.pk)
        honours.append(
            new_recipient(
                batch,
                title=title,
                grade=grade,
                recipient_kind=recipient_kind,
                recipient_organisation=org,
                recipient_name=org.name,
                organisation=org,
                created_by=user,
            )
        )
    for name in names:
        if len(name) > 120:
            errors.append(f"名称过长（不超过120个字）：{name[:20]}……")
            continue
        honours.append(
            new_recipient(
                batch,
                title=title,
                grade=grade,
                recipient_kind=recipient_kind,
                recipient_name=name,
                organisation=owner_for_names,
                created_by=user,
            )
        )
    for honour in honours:
        try:
            check_recipient(honour)
        except ValidationError as exc:
            errors.extend(f"{honour.recipient_name}：{message}" for message in exc.messages)
    if errors:
        raise ValidationError(errors)
    write_recipients(batch, honours, user=user, reason="添加获奖对象")
    return honours


def _within(user, batch: CommendationBatch, organisation: Organisation) -> bool:
    return organisation.path.startswith(batch.organisation.path) and rules.reaches(user, organisation)


@transaction.atomic
def batch_set_count(
    *,
    batch: CommendationBatch,
    user,
    title: str,
    recipient_kind: str,
    count: int,
    organisation: Organisation | None = None,
) -> Honour | None:
    """Record how many recipients of a kind and title a list has beyond those named.

    Setting it again replaces the number; 0 removes it.
    """
    batch = _locked(batch)
    _require_edit(user, batch)
    title = _clean_title(title)
    if recipient_kind not in RecipientKind.values:
        raise ValidationError({"recipient_kind": "请选择获奖对象类别。"})
    if count is None or count < 0 or count > 100_000:
        raise ValidationError({"count": "人数应在 0 到 100000 之间。"})
    owner = organisation or batch.organisation
    if not _within(user, batch, owner):
        raise ValidationError({"organisation": "所属组织须在本名单所属组织及下级、且在您的管理范围内。"})
    current = (
        Honour.objects.select_for_update()
        .filter(batch=batch, recipient_name="", recipient_kind=recipient_kind, title=title, organisation=owner)
        .first()
    )
    if count == 0:
        if current is not None:
            current._history_user = user
            current.delete()
        return None
    if current is None:
        current = new_recipient(batch, title=title, recipient_kind=recipient_kind, organisation=owner, created_by=user)
    current.recipient_count = count
    current.recipient_name = ""
    check_recipient(current)
    current._history_user = user
    current.save()
    return current


@transaction.atomic
def batch_remove_recipients(*, batch: CommendationBatch, user, honour_ids: Iterable[int]) -> int:
    """Remove recipients the user reaches from a list they may change."""
    batch = _locked(batch)
    _require_edit(user, batch)
    honours = list(Honour.objects.visible_to(user).filter(batch=batch, pk__in=list(honour_ids)))
    for honour in honours:
        name, storage = honour.certificate.name, honour.certificate.storage
        honour._history_user = user
        honour.delete()
        files.delete_after_commit(name, storage)
    return len(honours)


# --- Workflow: the list and every recipient move together ----------------------------


# Why each step moves the recipients, in their history.
SYNC_REASONS = {review.SUBMIT: "提交审核", review.WITHDRAW: "撤回", review.APPROVE: "审核通过", review.RETURN: "退回"}


def _check(action: str, batch: CommendationBatch) -> None:
    if action in (review.SUBMIT, review.APPROVE) and not batch.honours.exists():
        raise ValidationError("名单中还没有获奖对象，请先添加。")


def _after(*, action: str, records: list[CommendationBatch], user, comment: str) -> None:
    for batch in records:
        _sync_recipients(batch, user, SYNC_REASONS[action])


# Staff approve a submitted list, or finalise one they entered (what the committee confers is
# finalised in this one step); every recipient then counts.
REVIEW = review.Workflow(
    model=CommendationBatch,
    rules=rules.batch_review,
    noun="表彰名单",
    comment_missing=COMMENT_MISSING,
    check=_check,
    refusal=conferred_is_final("本级授予的表彰名单由区团委直接定稿，无需提交审核。"),
    after=_after,
)


@transaction.atomic
def batch_delete(*, batch: CommendationBatch, user) -> None:
    batch = _locked(batch)
    if not rules.batch_can_delete(user, batch):
        raise PermissionDenied("已提交或已通过的表彰名单不能删除。")
    stored = [(h.certificate.name, h.certificate.storage) for h in batch.honours.exclude(certificate="")]
    stored.append((batch.document.name, batch.document.storage))
    # Its imports go with it (CASCADE), and so do the files of those not finished.
    stored.extend((i.file.name, i.file.storage) for i in batch.imports.exclude(file=""))
    for honour in batch.honours.all():
        honour._history_user = user
        honour.delete()
    batch._history_user = user
    batch.delete()
    for name, storage in stored:
        files.delete_after_commit(name, storage)
