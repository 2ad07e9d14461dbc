"""Writes of the summary flow: ask, submit, return, accept, insert into the requester's draft,
and the .zip of accepted summaries."""

import io
import zipfile
from copy import deepcopy
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from branches.models import COMMITTEE_KINDS, Organisation
from obligations.models import Message
from obligations.selectors import reminder_contacts
from reports import services as report_services
from reports.content import Item, ReportContent
from reports.models import Report, report_editable_by

from .models import Submission, SubmissionState, SummaryRequest
from .selectors import accepted_submissions, inserted_key


def _date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def may_act_for(user, organisation: Organisation) -> bool:
    """Staff act for every committee; a secretary for the committee their account is bound to."""
    return report_editable_by(user, organisation)


def askable(*, organisation: Organisation, kinds=()):
    """The committees a request by ``organisation`` may ask: those directly below it, or every
    committee of the chosen kinds in its subtree."""
    below = Organisation.objects.filter(active=True, kind__in=COMMITTEE_KINDS, path__startswith=organisation.path)
    below = below.exclude(pk=organisation.pk)
    if kinds:
        return below.filter(kind__in=list(kinds))
    return below.filter(depth=organisation.depth + 1)


@transaction.atomic
def request_create(
    *,
    organisation: Organisation,
    year: int,
    half: int,
    deadline: date,
    user,
    note: str = "",
    kinds=(),
    lead_days: int = 3,
    today: date | None = None,
) -> SummaryRequest:
    """Ask the committees below ``organisation`` for their half-year summary by ``deadline``.

    Each asked committee gets a row (未开始) and its secretaries a message in their inbox.
    A committee is asked for a half year's summary once: one already asked by another
    committee is refused by name, and nothing is created."""
    if not may_act_for(user, organisation):
        raise PermissionDenied
    today = today or timezone.localdate()
    if deadline < today:
        raise ValidationError("报送截止日期不能早于今天。")
    if SummaryRequest.objects.filter(organisation=organisation, year=year, half=half).exists():
        raise ValidationError(f"本单位已发起{year}年{'上' if half == 1 else '下'}半年工作总结征集。")
    asked = list(askable(organisation=organisation, kinds=kinds))
    if not asked:
        raise ValidationError("没有可征集的下级团组织（只能向本单位下属的团委、团工委、团总支等征集）。")
    taken = list(
        Submission.objects.filter(organisation__in=asked, year=year, half=half).select_related(
            "organisation", "request__organisation"
        )
    )
    if taken:
        names = "、".join(f"{s.organisation.display_name}（{s.request.organisation.display_name}）" for s in taken)
        raise ValidationError(f"以下单位的{year}年{'上' if half == 1 else '下'}半年工作总结已在征集中：{names}。")
    request = SummaryRequest(
        organisation=organisation,
        year=year,
        half=half,
        deadline=deadline,
        note=note.strip(),
        lead_days=lead_days,
        created_by=user,
    )
    request.full_clean()
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:
        raise ValidationError(f"本单位已发起{request.period_label}工作总结征集。") from exc
    Submission.objects.bulk_create(
        [Submission(request=request, organisation=org, year=year, half=half) for org in asked]
    )
    _notify_asked(request, asked)
    return request


def _notify_asked(request: SummaryRequest, asked: list[Organisation]) -> None:
    contacts = reminder_contacts()
    asker, deadline = request.organisation.display_name, _date(request.deadline)
    subject = f"【工作总结征集】{asker}请于{deadline}前报送{request.period_label}工作总结"
    link = reverse("submissions:detail", args=[request.pk])
    messages = []
    for org in asked:
        body = "\n\n".join(
            part
            for part in (
                f"{org.name}：",
                f"{request.organisation.name}征集{request.period_label}工作总结，请于{_date(request.deadline)}前"
                "在平台编制本单位工作总结，定稿后报送。",
                request.note,
            )
            if part
        )
        for user in contacts.own(org):
            messages.append(Message(recipient=user, organisation=org, subject=subject[:200], body=body, link=link))
    Message.objects.bulk_create(messages)


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("request", "organisation").get(pk=submission.pk)


@transaction.atomic
def submission_submit(*, submission: Submission, user) -> Submission:
    """Submit the committee's latest finalised report for the half (报送)."""
    submission = _locked(submission)
    if not may_act_for(user, submission.organisation):
        raise PermissionDenied
    if submission.state == SubmissionState.ACCEPTED:
        raise ValidationError("已接收的工作总结不能再次报送。")
    if submission.state == SubmissionState.SUBMITTED:
        raise ValidationError("已报送，等待上级审阅。")
    latest = (
        Report.objects.filter(organisation=submission.organisation, year=submission.year, half=submission.half)
        .order_by("-version")
        .first()
    )
    returned = "已退回修改：请按退回意见修改，定稿新版本后再报送。"
    if submission.report_id is not None and latest is not None and submission.report_id == latest.pk:
        raise ValidationError(returned)
    if latest is None or not latest.is_final:
        raise ValidationError(
            returned
            if submission.state == SubmissionState.RETURNED
            else "请先编制本单位的工作总结并定稿，再报送定稿版本。"
        )
    now = timezone.now()
    submission.report = latest
    submission.state = SubmissionState.SUBMITTED
    submission.submitted_at = now
    submission.submitted_by = user
    submission.first_submitted_at = submission.first_submitted_at or now
    submission.save()
    return submission


def _require_requester(submission: Submission, user) -> None:
    if not may_act_for(user, submission.request.organisation):
        raise PermissionDenied


@transaction.atomic
def submission_return(*, submission: Submission, user, comment: str) -> Submission:
    """退回修改: the submitted version stays as it was; the committee gets the next version as a
    draft to revise, and the comment in its inbox."""
    submission = _locked(submission)
    _require_requester(submission, user)
    comment = comment.strip()
    if not comment:
        raise ValidationError("请填写退回意见。")
    if submission.state != SubmissionState.SUBMITTED:
        raise ValidationError("只有已报送、尚未接收的工作总结可以退回。")
    report = submission.report
    latest = Report.objects.filter(organisation=report.organisation, year=report.year, half=report.half).aggregate(
        v=Max("version")
    )["v"]
    if latest == report.version:
        report_services.report_reopen(report=report, user=user)
    submission.state = SubmissionState.RETURNED
    submission.comment = comment
    submission.decided_at = timezone.now()
    submission.decided_by = user
    submission.save()
    link = reverse("submissions:detail", args=[submission.request_id])
    asker, org = submission.request.organisation.display_name, submission.organisation.display_name
    subject = f"【工作总结退回】{asker}退回了{org}的{submission.request.period_label}工作总结"
    body = f"{submission.organisation.name}：\n\n退回意见：{comment}\n\n请修改后重新定稿并报送。"
    Message.objects.bulk_create(
        [
            Message(recipient=u, organisation=submission.organisation, subject=subject[:200], body=body, link=link)
            for u in reminder_contacts().own(submission.organisation)
        ]
    )
    return submission


@transaction.atomic
def submission_accept(*, submission: Submission, user) -> Submission:
    submission = _locked(submission)
    _require_requester(submission, user)
    if submission.state != SubmissionState.SUBMITTED:
        raise ValidationError("只有已报送的工作总结可以接收。")
    submission.state = SubmissionState.ACCEPTED
    submission.comment = ""
    submission.decided_at = timezone.now()
    submission.decided_by = user
    submission.save()
    return submission


# --- Drawing on submitted summaries ----------------------------------------------------------------


COUNTED_NOTE = "（下级报送数据，已计入本级合计，不另计）"


@transaction.atomic
def submission_insert_item(*, report: Report, submission: Submission, key: str, user) -> Report:
    """Insert one item of a submitted summary into the requester's own draft.

    The wording is attributed ("东环街道团工委：……"); the figures keep their values, styles and
    links to the committee's own data, and are labelled as already included in the
    requester's totals, which the requester's compile counts over the whole subtree."""
    submission = Submission.objects.select_related("request", "report", "organisation").get(pk=submission.pk)
    if not report.editable_by(user):
        raise PermissionDenied
    if report.organisation_id != submission.request.organisation_id or (report.year, report.half) != (
        submission.year,
        submission.half,
    ):
        raise ValidationError("只能插入本单位征集到的工作总结。")
    if submission.state not in (SubmissionState.SUBMITTED, SubmissionState.ACCEPTED) or submission.report is None:
        raise ValidationError("该单位尚未报送工作总结。")
    source = ReportContent.from_json(submission.report.content)
    section, item = None, None
    for sub in source.achievements:
        for candidate in sub.items:
            if candidate.key == key:
                section, item = sub.key, candidate
    for candidate in source.problems:
        if candidate.key == key:
            section, item = "problems", candidate
    if item is None:
        raise ValidationError("没有找到该条目。")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.is_final:
        raise ValidationError("报告已定稿，不能修改。")
    content = ReportContent.from_json(report.content)
    new_key = inserted_key(submission, key)
    if content.find(new_key) is not None:
        raise ValidationError("该条目已插入本报告。")
    name = submission.organisation.display_name
    figures = deepcopy(item.figures)
    for figure in figures.values():
        figure.label = f"{name}：{figure.label or '数据'}{COUNTED_NOTE}"
    inserted = Item(
        key=new_key,
        template=f"{name}：{item.template.strip()}",
        figures=figures,
        source="staff",
        edited=True,
    )
    if section == "problems":
        content.problems.append(inserted)
    else:
        target = next((s for s in content.achievements if s.key == section), None)
        if target is None:
            raise ValidationError("本报告没有该部分。")
        target.items.append(inserted)
    report.content = content.to_json()
    report.save(update_fields=["content", "updated_at"])
    return report


# --- Downloads ------------------------------------------------------------------------------------------


def _safe_name(text: str) -> str:
    return "".join("_" if ch in '\\/:*?"<>|' else ch for ch in text).strip() or "未命名"


def request_archive(*, request: SummaryRequest, user) -> tuple[str, bytes]:
    """Every accepted summary as .docx, named by committee, and the status table as cover."""
    from .exporters import status_workbook

    buffer = io.BytesIO()
    names = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        cover_name, cover = status_workbook(request=request, user=user)
        archive.writestr(f"00_{cover_name}", cover)
        for submission in accepted_submissions(request=request):
            found = report_services.report_file(report=submission.report, fmt="docx")
            if found is None:
                continue
            _, _, data = found
            if not isinstance(data, bytes):
                with data:
                    data = data.read()
            base = _safe_name(submission.organisation.name)
            name = f"{base}.docx" if base not in names else f"{base}_{submission.organisation.pk}.docx"
            names.add(base)
            archive.writestr(name, data)
    filename = f"{_safe_name(request.organisation.display_name)}{request.period_label}工作总结（已接收）.zip"
    return filename, buffer.getvalue()
