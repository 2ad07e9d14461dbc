"""Writes to activities, campaigns and indicator values."""

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import PurePosixPath

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from branches.models import Organisation
from branches.scoping import Scope
from core.dates import format_date
from core.review import services as review
from core.review.models import Status
from core.uploads import IMAGE, PDF, validate_upload
from members.choices import Status as MemberStatus
from members.models import Member

from . import catalogue, rules
from .models import (
    DEFAULT_DIMENSION,
    INDICATOR_FIELDS,
    Activity,
    ActivityFile,
    Campaign,
    FileKind,
    Indicator,
    IndicatorValue,
)

ACTIVITY_FIELDS = (
    "title",
    "organisation",
    "kind",
    "dimension",
    "campaign",
    "start_date",
    "end_date",
    "location",
    "summary",
    "audience",
    "sessions",
    "session_unit",
    "reach",
    "participants",
    "participants_qualifier",
    "person_times",
    "person_times_qualifier",
    "hours",
)
STAFF_ONLY_FIELDS = ("notable",)

PHOTO_MAX_BYTES = 15 * 1024 * 1024
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_ACTIVITY = 30


def _check_fields(fields: dict, user) -> None:
    allowed = set(ACTIVITY_FIELDS) | (set(STAFF_ONLY_FIELDS) if user.is_committee_staff else set())
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Not settable here: {sorted(unknown)}")


def _validate_campaign_choice(activity: Activity, previous_campaign_id: int | None) -> None:
    # A campaign staff retired cannot be newly chosen, but records already in it keep it.
    if activity.campaign_id and activity.campaign_id != previous_campaign_id and not activity.campaign.active:
        raise ValidationError({"campaign": f"「{activity.campaign.name}」已停用，不能再选择。"})


def submission_problems(activity: Activity) -> dict[str, str]:
    """What a record still lacks before it can go to review (empty when complete).

    Participants, person-times and hours are not required: a figure the source does not give
    is left unknown (the detail page says 不详, the report leaves it out), never invented."""
    problems = {}
    if not activity.summary.strip():
        problems["summary"] = "提交审核前请填写活动简介。"
    return problems


def _attendee_rows(activity: Activity, attendees, *, user, previous: set[int]) -> list[int]:
    """The ids of ``attendees`` once checked against the record's organisation.

    A member newly picked must be on the roster of the organisation's subtree now (在册); one
    already recorded stays even if they have since transferred out or aged out: they were there.
    An id the user may not see is refused without its name.
    """
    ids = {member.pk for member in attendees}
    rows = Member.objects.filter(pk__in=ids).values_list("pk", "name", "status", "organisation__path")
    found = {pk: (name, status, path) for pk, name, status, path in rows}
    scope = Scope.of(user)
    organisation = activity.organisation
    hidden, outside = len(ids - set(found)), []
    for pk, (name, status, path) in sorted(found.items(), key=lambda item: item[1][0]):
        if pk in previous:
            continue
        if not scope.reaches_path(path):
            hidden += 1
        elif not path.startswith(organisation.path) or status != MemberStatus.ACTIVE:
            outside.append(name)
    problems = []
    if outside:
        names = "、".join(f"「{name}」" for name in outside[:5]) + (f"等 {len(outside)} 人" if len(outside) > 5 else "")
        problems.append(f"{names}不是「{organisation.name}」的在册成员，不能登记为出席人员。")
    if hidden:
        problems.append(f"有 {hidden} 名所选人员不在「{organisation.name}」的名册中，不能登记为出席人员。")
    if problems:
        raise ValidationError({"attendees": problems})
    return sorted(ids)


def _follow_attendance(activity: Activity, count: int) -> None:
    """The participants figure covers everyone recorded as attending: filled in when left empty,
    refused when smaller (a record of 12 present cannot say 10 took part)."""
    if not count:
        return
    if activity.participants is None:
        activity.participants = count
    elif activity.participants < count:
        raise ValidationError(
            {
                "participants": f"参与人数（{activity.participants}人）少于登记的出席人员（{count}人）："
                "请改正参与人数，或留空由出席人数自动填入。"
            }
        )


def _check(action: str, activity: Activity) -> None:
    if action == review.SUBMIT and (problems := submission_problems(activity)):
        raise ValidationError(problems)


def _mark_submitted(activity: Activity, user) -> None:
    _check(review.SUBMIT, activity)
    review.stamp(activity, action=review.SUBMIT, user=user)


@transaction.atomic
def activity_create(
    *, user, submit: bool = False, attendees=(), photos=(), attachments=(), sign_in=(), kept=(), **fields
) -> Activity:
    """Log a new activity as a draft (or straight to review with ``submit``), with its files.

    The dimension defaults to the kind's when not given. ``attendees`` are members of the
    organisation's subtree; the participants figure follows their number when left empty.
    One bad file stores nothing.
    """
    _check_fields(fields, user)
    organisation: Organisation = fields["organisation"]
    if not rules.can_create_for(user, organisation):
        raise PermissionDenied("不能为该组织填报活动。")
    if not fields.get("dimension") and fields.get("kind"):
        fields["dimension"] = DEFAULT_DIMENSION.get(fields["kind"], "")
    activity = Activity(**fields, created_by=user, status=Status.DRAFT)
    attendee_ids = _attendee_rows(activity, attendees, user=user, previous=set())
    _follow_attendance(activity, len(attendee_ids))
    activity.full_clean()
    _validate_campaign_choice(activity, None)
    if submit:
        _mark_submitted(activity, user)
    activity._history_user = user
    activity.save()
    activity.attendees.set(attendee_ids)
    _add_files(activity=activity, user=user, photos=photos, attachments=attachments, sign_in=sign_in, kept=kept)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    user,
    submit: bool = False,
    attendees=None,
    photos=(),
    attachments=(),
    sign_in=(),
    kept=(),
    **fields,
) -> Activity:
    """Change a record the user may edit. A returned record keeps its reviewer's comment until resubmitted.

    ``attendees`` replaces who attended; None leaves them as they are."""
    _check_fields(fields, user)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not rules.can_edit(user, activity):
        raise PermissionDenied("该记录已提交或已通过审核，不能再修改。")
    previous_campaign, previous_organisation = activity.campaign_id, activity.organisation_id
    if "organisation" in fields and fields["organisation"].pk != activity.organisation_id:
        if not rules.can_create_for(user, fields["organisation"]):
            raise PermissionDenied("不能把记录改到该组织名下。")
    if "kind" in fields and not fields.get("dimension"):
        fields["dimension"] = DEFAULT_DIMENSION.get(fields["kind"], activity.dimension)
    for name, value in fields.items():
        setattr(activity, name, value)
    previous = set(activity.attendees.values_list("pk", flat=True))
    if attendees is None:
        attendee_ids = None
        _follow_attendance(activity, len(previous))
    else:
        # Those recorded before stay (they were there), unless the record moves to another
        # organisation: then everyone must be on the new one's roster.
        stay = previous if activity.organisation_id == previous_organisation else set()
        attendee_ids = _attendee_rows(activity, attendees, user=user, previous=stay)
        _follow_attendance(activity, len(attendee_ids))
    activity.full_clean()
    _validate_campaign_choice(activity, previous_campaign)
    if submit:
        if not rules.review.can_submit(user, activity):
            raise ValidationError("该记录当前不能提交审核。")
        _mark_submitted(activity, user)
    activity._history_user = user
    activity.save()
    if attendee_ids is not None and set(attendee_ids) != previous:
        activity.attendees.set(attendee_ids)
    _add_files(activity=activity, user=user, photos=photos, attachments=attachments, sign_in=sign_in, kept=kept)
    return activity


def _returned_message_text(activity: Activity, *, reviewer, comment: str, whose: str) -> tuple[str, str]:
    who = reviewer.get_full_name() or reviewer.username
    subject = f"【退回待修改】{activity.title}"
    body = "\n\n".join(
        [
            f"{whose}的活动记录「{activity.title}」（{activity.organisation.display_name}，"
            f"{format_date(activity.start_date)}）已被区团委{who}退回。",
            f"审核意见：{comment}",
            "请按意见修改后重新提交审核；修改并提交后，首页的提示会自动消失。",
        ]
    )
    return subject, body


def activity_return_notices(*, activities: list[Activity], reviewer, comment: str) -> None:
    """One inbox message per returned record to whoever submitted and entered it, or, when
    neither can act on it any more, to its organisation's secretaries (``review.returned_to``).

    Written in the review's transaction: a return that rolls back leaves no message behind."""
    from obligations.models import Message  # obligations reads activities: import late, no cycle

    recipients = review.returned_to(activities, reviewer=reviewer)
    rows = []
    for activity in activities:
        link = reverse("activities:detail", args=[activity.pk])
        for recipient_id in recipients[activity.pk]:
            # The organisation's secretaries did not submit it themselves: say whose it is.
            whose = "你提交" if recipient_id in (activity.submitted_by_id, activity.created_by_id) else "本组织"
            subject, body = _returned_message_text(activity, reviewer=reviewer, comment=comment, whose=whose)
            rows.append(
                Message(
                    recipient_id=recipient_id,
                    organisation_id=activity.organisation_id,
                    subject=subject[:200],
                    body=body,
                    link=link,
                )
            )
    Message.objects.bulk_create(rows)


def _after(*, action: str, records: list[Activity], user, comment: str) -> None:
    if action == review.RETURN:
        activity_return_notices(activities=records, reviewer=user, comment=comment)


REVIEW = review.Workflow(
    model=Activity,
    rules=rules.review,
    noun="记录",
    comment_missing="退回时请填写审核意见，告诉填报人需要修改什么。",
    check=_check,
    after=_after,
)


@transaction.atomic
def activity_delete(*, activity: Activity, user) -> None:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not rules.can_delete(user, activity):
        raise PermissionDenied("已提交或已通过的记录不能删除。")
    files = list(activity.files.all())
    activity._history_user = user
    activity.delete()
    # The rows are gone with the activity; remove the stored files once that is certain.
    for stored in files:
        transaction.on_commit(lambda name=stored.file.name, storage=stored.file.storage: storage.delete(name))


def _validated_files(uploads, *, allowed: set[str], max_bytes: int, field: str, errors: dict) -> list:
    checked = []
    for upload in uploads:
        try:
            checked.append((upload.name, validate_upload(upload, allowed=allowed, max_bytes=max_bytes)))
        except ValidationError as exc:
            errors.setdefault(field, []).extend(f"「{upload.name}」：{message}" for message in exc.messages)
    return checked


# --- Files kept across a form that came back with an error -----------------------------------
#
# A browser cannot refill a file input, so the files picked on a form that failed are checked
# and stored at once as pending files, and the form carries a signed list of them: saving the
# form later attaches them (moved to their record's place), without picking them again.

KEPT_SALT = "activities.kept-files"
KEPT_MAX_AGE = 24 * 3600
PENDING_ROOT = "pending/activities/"


def _pending_prefix(user) -> str:
    return f"{PENDING_ROOT}{user.pk}/"


def kept_files_token(*, user, files: list[dict]) -> str:
    return signing.dumps({"u": user.pk, "f": files}, salt=KEPT_SALT, compress=True)


def kept_files_from_token(*, user, token: str) -> list[dict]:
    """The pending files a form carries, if the token is the user's and fresh; else none."""
    if not token:
        return []
    try:
        data = signing.loads(token, salt=KEPT_SALT, max_age=KEPT_MAX_AGE)
    except signing.BadSignature:
        return []
    if data.get("u") != user.pk:
        return []
    prefix = _pending_prefix(user)
    return [f for f in data.get("f", []) if str(f.get("name", "")).startswith(prefix)]


def activity_files_keep(
    *, user, photos=(), attachments=(), sign_in=(), kept: list[dict] = ()
) -> tuple[list[dict], dict]:
    """Check the uploads and store the acceptable ones as pending files of ``user``.

    Returns (every kept file, earlier ones included; the problems of the refused ones by field).
    """
    storage = ActivityFile._meta.get_field("file").storage
    errors: dict[str, list[str]] = {}
    checked = [
        ("photos", *c)
        for c in _validated_files(photos, allowed={IMAGE}, max_bytes=PHOTO_MAX_BYTES, field="photos", errors=errors)
    ]
    checked += [
        ("attachments", *c)
        for c in _validated_files(
            attachments, allowed={IMAGE, PDF}, max_bytes=ATTACHMENT_MAX_BYTES, field="attachments", errors=errors
        )
    ]
    checked += [
        ("sign_in", *c)
        for c in _validated_files(
            sign_in, allowed={IMAGE, PDF}, max_bytes=ATTACHMENT_MAX_BYTES, field="sign_in", errors=errors
        )
    ]
    files = list(kept)
    for field, original_name, clean in checked:
        if len(files) >= MAX_FILES_PER_ACTIVITY:
            errors.setdefault(field, []).append(f"每条活动记录最多 {MAX_FILES_PER_ACTIVITY} 个照片和附件。")
            break
        suffix = PurePosixPath(clean.name).suffix.lower()[:8]
        name = storage.save(f"{_pending_prefix(user)}{uuid.uuid4().hex}{suffix}", clean)
        kind = _file_kind(field, clean.name)
        files.append({"name": name, "original": original_name[:255], "kind": kind, "size": clean.size, "field": field})
    return files, errors


# A form's token expires a day after it was signed; a pending file older than that is one whose
# form was abandoned (a form saved later skips a file cleared away: _attach_kept).
PENDING_KEPT_FOR = timedelta(seconds=KEPT_MAX_AGE)


def activity_pending_files_purge(*, now: datetime | None = None, older_than: timedelta = PENDING_KEPT_FOR) -> int:
    """Delete the pending files (kept across a form that came back with an error) stored more
    than ``older_than`` before ``now``: those of forms never saved. Returns how many went.

    Beat runs it hourly (activities.purge_pending_files); ``manage.py purge_pending_files`` too.
    """
    storage = ActivityFile._meta.get_field("file").storage
    cutoff = (now or timezone.now()) - older_than
    if not storage.exists(PENDING_ROOT):
        return 0
    deleted = 0
    users, _ = storage.listdir(PENDING_ROOT)
    for folder in users:
        _, names = storage.listdir(f"{PENDING_ROOT}{folder}/")
        for name in names:
            path = f"{PENDING_ROOT}{folder}/{name}"
            try:
                stale = storage.get_modified_time(path) < cutoff
            except FileNotFoundError:
                continue  # attached (and so moved) meanwhile
            if stale:
                storage.delete(path)
                deleted += 1
    return deleted


def _attach_kept(*, activity: Activity, user, kept: list[dict]) -> list[ActivityFile]:
    storage = ActivityFile._meta.get_field("file").storage
    stored = []
    for entry in kept:
        if not storage.exists(entry["name"]):
            continue  # attached already by a double submit, or cleared away
        record = ActivityFile(
            activity=activity, kind=entry["kind"], original_name=entry["original"], size=entry["size"], uploaded_by=user
        )
        with storage.open(entry["name"]) as handle:
            record.file.save(PurePosixPath(entry["name"]).name, File(handle), save=False)
        record.full_clean()
        record.save()
        stored.append(record)
        transaction.on_commit(lambda name=entry["name"]: storage.delete(name))
    return stored


def _file_kind(field: str, name: str) -> str:
    if field == "sign_in":
        return FileKind.SIGN_IN
    return FileKind.PDF if name.lower().endswith(".pdf") else FileKind.IMAGE


def _add_files(
    *, activity: Activity, user, photos=(), attachments=(), sign_in=(), kept: list[dict] = ()
) -> list[ActivityFile]:
    """Validate every upload first (content sniffed, images re-encoded), then store them all."""
    if kept:
        if activity.files.count() + len(kept) + len(photos) + len(attachments) + len(sign_in) > MAX_FILES_PER_ACTIVITY:
            raise ValidationError({"attachments": f"每条活动记录最多 {MAX_FILES_PER_ACTIVITY} 个照片和附件。"})
        return _attach_kept(activity=activity, user=user, kept=kept) + _add_files(
            activity=activity, user=user, photos=photos, attachments=attachments, sign_in=sign_in
        )
    if not photos and not attachments and not sign_in:
        return []
    errors: dict[str, list[str]] = {}
    checked = [
        ("photos", *c)
        for c in _validated_files(photos, allowed={IMAGE}, max_bytes=PHOTO_MAX_BYTES, field="photos", errors=errors)
    ]
    for field, uploads in (("attachments", attachments), ("sign_in", sign_in)):
        checked += [
            (field, *c)
            for c in _validated_files(
                uploads, allowed={IMAGE, PDF}, max_bytes=ATTACHMENT_MAX_BYTES, field=field, errors=errors
            )
        ]
    if errors:
        raise ValidationError(errors)
    if activity.files.count() + len(checked) > MAX_FILES_PER_ACTIVITY:
        raise ValidationError({"attachments": f"每条活动记录最多 {MAX_FILES_PER_ACTIVITY} 个照片和附件。"})
    stored = []
    for field, original_name, clean in checked:
        kind = _file_kind(field, clean.name)
        record = ActivityFile(
            activity=activity,
            kind=kind,
            original_name=original_name[:255],
            size=clean.size,
            uploaded_by=user,
        )
        record.file.save(clean.name, clean, save=False)
        try:
            record.full_clean()
            record.save()
        except Exception:
            record.file.delete(save=False)
            raise
        stored.append(record)
    return stored


@transaction.atomic
def activity_files_add(*, activity: Activity, user, photos=(), attachments=(), sign_in=()) -> list[ActivityFile]:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not rules.can_manage_files(user, activity):
        raise PermissionDenied("该记录已提交或已通过审核，不能再修改附件。")
    return _add_files(activity=activity, user=user, photos=photos, attachments=attachments, sign_in=sign_in)


@transaction.atomic
def activity_file_delete(*, activity_file: ActivityFile, user) -> None:
    activity_file = ActivityFile.objects.select_related("activity__organisation").get(pk=activity_file.pk)
    if not rules.can_manage_files(user, activity_file.activity):
        raise PermissionDenied("该记录已提交或已通过审核，不能再修改附件。")
    name, storage = activity_file.file.name, activity_file.file.storage
    activity_file.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Campaigns ------------------------------------------------------------------

CAMPAIGN_FIELDS = ("name", "dimension", "start_date", "end_date", "phrase", "description", "active")


@transaction.atomic
def campaign_create(*, user, **fields) -> Campaign:
    if not user.is_committee_staff:
        raise PermissionDenied
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"Not settable here: {sorted(unknown)}")
    campaign = Campaign(**fields)
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, user, **fields) -> Campaign:
    if not user.is_committee_staff:
        raise PermissionDenied
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"Not settable here: {sorted(unknown)}")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.full_clean()
    outside = campaign.activities.filter(
        Q(start_date__gt=campaign.end_date)
        | Q(end_date__lt=campaign.start_date)
        | Q(end_date__isnull=True, start_date__lt=campaign.start_date)
    ).count()
    if outside:
        raise ValidationError(f"有 {outside} 条已关联的活动记录不在新的时间范围内，请先调整这些记录。")
    campaign.save()
    return campaign


# --- Indicators -------------------------------------------------------------------


@transaction.atomic
def indicator_save(*, user, indicator: Indicator | None = None, **fields) -> Indicator:
    """Create an indicator, or change one. Once values exist its code and rules stay fixed:
    changing how a figure aggregates would silently change every past report."""
    if not user.is_committee_staff:
        raise PermissionDenied
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise TypeError(f"Not settable here: {sorted(unknown)}")
    if indicator is None:
        indicator = Indicator()
    else:
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        if indicator.values.exists():
            frozen = ("code", "over_time", "over_tree", "period_kind", "numerator", "denominator")
            changed = [
                Indicator._meta.get_field(name).verbose_name
                for name in frozen
                if name in fields and getattr(indicator, name) != fields[name]
            ]
            if changed:
                raise ValidationError(f"该指标已有填报数据，不能再修改：{'、'.join(changed)}。")
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    return indicator


def _appraisal_problems(existing: dict[int, IndicatorValue], values: dict) -> dict[str, str]:
    """The appraisal figures as they would stand after this save, checked together. Figures
    entered as approximate (约数) are not checked: they need not add up."""
    codes = (catalogue.APPRAISAL_MEMBERS, *catalogue.APPRAISAL_GRADES)
    final, qualified = {}, False
    given = {ind.code: (value, qualifier) for ind, (value, qualifier, _) in values.items() if ind.code in codes}
    ids = dict(Indicator.objects.filter(code__in=codes).values_list("code", "pk"))
    for code in codes:
        if code in given:
            value, qualifier = given[code]
        elif (stored := existing.get(ids.get(code))) is not None:
            value, qualifier = stored.value, stored.qualifier
        else:
            value, qualifier = None, ""
        final[code] = value
        qualified |= bool(value is not None and qualifier)
    return {} if qualified else catalogue.appraisal_problems(final)


@transaction.atomic
def indicator_values_save(
    *,
    user,
    organisation: Organisation,
    month: date,
    issue: str = "",
    season: str = "",
    as_of: date | None = None,
    values: dict[Indicator, tuple[Decimal | None, str, str]],
) -> tuple[int, int]:
    """Store one organisation's figures for one month (and issue).

    ``values`` maps each indicator to (value, qualifier, note); a value of None
    removes what was entered before. An issue's figures carry the season (学习季) it belongs
    to and the date they were taken (``as_of``). Returns (saved, removed).
    """
    if not (user.can_write and rules.reaches(user, organisation)):
        raise PermissionDenied("不能为该组织填报数据。")
    if month.day != 1:
        raise ValidationError({"month": "月份须以该月第一天表示。"})
    issue = (issue or "").strip()
    season = (season or "").strip() if issue else ""
    as_of = as_of if issue else None
    existing = {
        v.indicator_id: v
        for v in IndicatorValue.objects.select_for_update().filter(organisation=organisation, month=month, issue=issue)
    }
    appraisal = _appraisal_problems(existing, values)
    if appraisal:
        raise ValidationError(appraisal)
    saved = removed = 0
    errors = {}
    for indicator, (value, qualifier, note) in values.items():
        if indicator.is_derived:
            raise ValidationError(f"「{indicator.name}」由其他指标计算得出，不能直接填报。")
        current = existing.get(indicator.pk)
        if value is None:
            if current is not None:
                current._history_user = user
                current.delete()
                removed += 1
            continue
        qualifier, note = qualifier or "", note or ""
        entry = (value, qualifier, note, season, as_of)
        if (
            current is not None
            and (current.value, current.qualifier, current.note, current.season, current.as_of) == entry
        ):
            continue  # unchanged: no new history row
        record = current or IndicatorValue(indicator=indicator, organisation=organisation, month=month, issue=issue)
        record.value, record.qualifier, record.note, record.entered_by = value, qualifier, note, user
        record.season, record.as_of = season, as_of
        try:
            record.full_clean(validate_unique=False)
        except ValidationError as exc:
            errors[indicator.code] = exc.messages
            continue
        record._history_user = user
        record.save()
        saved += 1
    if errors:
        raise ValidationError(errors)
    return saved, removed
