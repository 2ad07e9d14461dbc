"""Writes on reports: compile, edit, finalise, reopen, render. Every change goes through here."""

import logging
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from branches.models import Organisation

from . import compiler
from .content import Item, ReportContent
from .exporters.docx import render_docx
from .merge import merge_content
from .models import JobStatus, PlanItem, Report, ReportStatus
from .numbers import Style

logger = logging.getLogger(__name__)


def _content(report: Report) -> ReportContent | None:
    return ReportContent.from_json(report.content) if report.content else None


def _require_draft(report: Report) -> None:
    if report.is_final:
        raise ValidationError("该报告已定稿，不能修改。如需修改，请先重新打开（将生成新版本）。")


def _save_content(report: Report, content: ReportContent) -> Report:
    report.content = content.to_json()
    report.save(update_fields=["content", "updated_at"])
    return report


def _locked(report_id: int) -> Report:
    return Report.objects.select_for_update().select_related("organisation").get(pk=report_id)


# --- Creating and compiling ----------------------------------------------------------


@transaction.atomic
def report_start(*, organisation: Organisation, year: int, half: int, user) -> Report:
    """The working version of a report: the latest draft, or a new first draft."""
    if half not in (1, 2):
        raise ValidationError("半年只能是上半年或下半年。")
    if not organisation.is_committee:
        raise ValidationError("只有团委、团工委、少工委等委员会可以编制工作总结。")
    latest = Report.objects.filter(organisation=organisation, year=year, half=half).order_by("-version").first()
    if latest is not None:
        return latest
    report = Report(organisation=organisation, year=year, half=half, version=1)
    report.full_clean()
    report.save()
    return report


def report_compile(*, report: Report, user=None) -> Report:
    """Recompile a draft from the data, keeping staff's wording (see reports.merge)."""
    with transaction.atomic():
        report = _locked(report.pk)
        _require_draft(report)
        fresh = compiler.compile_report_content(organisation=report.organisation, year=report.year, half=report.half)
        merged = merge_content(_content(report), fresh)
        report.content = merged.to_json()
        report.compiled_at = timezone.now()
        report.compiled_by = user if getattr(user, "pk", None) else None
        report.save(update_fields=["content", "compiled_at", "compiled_by", "updated_at"])
    return report


def plan_items_for(report: Report) -> list[Item]:
    """Section 三: the work plan for the half after the report's."""
    year, half = (report.year, 2) if report.half == 1 else (report.year + 1, 1)
    rows = (
        PlanItem.objects.filter(organisation=report.organisation, year=year, half=half)
        .prefetch_related("obligations")
        .order_by("position", "id")
    )
    return [
        Item(
            key=f"plan:{row.pk}",
            template=row.body,
            heading=row.heading,
            source="plan",
            obligation_ids=[ob.pk for ob in row.obligations.all()],
        )
        for row in rows
    ]


# --- Editing (drafts only) ---------------------------------------------------------------


@transaction.atomic
def report_edit_item(
    *, report: Report, key: str, template: str, heading: str | None = None, obligations=None
) -> Report:
    """Reword an item. Placeholders ``{name}`` keep its figures linked; confirming clears 'stale'."""
    report = _locked(report.pk)
    _require_draft(report)
    content = _content(report)
    item = content.find(key)
    if item is None:
        raise ValidationError("没有找到该条目，可能已被删除或重新编制。")
    template = template.strip()
    if not template:
        raise ValidationError("内容不能为空。")
    unknown = [name for name in set(_placeholders(template)) if name not in item.figures]
    if unknown:
        raise ValidationError(f"文中引用了不存在的数据：{'、'.join('{' + n + '}' for n in sorted(unknown))}。")
    if item.source == "plan":
        row = plan_item_update(
            plan_item_id=int(key.split(":")[1]), body=template, heading=heading, obligations=obligations
        )
        item.template, item.heading = template, row.heading
        item.obligation_ids = list(row.obligations.values_list("pk", flat=True))
        return _save_content(report, content)
    item.template = template
    if heading is not None:
        item.heading = heading
    item.edited = True
    item.stale, item.stale_reason = False, ""
    for figure in item.figures.values():
        figure.compiled_value = figure.value
    return _save_content(report, content)


@transaction.atomic
def report_confirm_item(*, report: Report, key: str) -> Report:
    """Staff checked a stale item's wording against its new figures."""
    report = _locked(report.pk)
    _require_draft(report)
    content = _content(report)
    item = content.find(key)
    if item is None:
        raise ValidationError("没有找到该条目。")
    item.stale, item.stale_reason = False, ""
    for figure in item.figures.values():
        figure.compiled_value = figure.value
    return _save_content(report, content)


@transaction.atomic
def report_set_style(*, report: Report, key: str, figure: str, style: str) -> Report:
    report = _locked(report.pk)
    _require_draft(report)
    if style not in Style.__members__.values():
        raise ValidationError("未知的数字写法。")
    content = _content(report)
    item = content.find(key)
    if item is None or figure not in item.figures:
        raise ValidationError("没有找到该数据。")
    item.figures[figure].style = style
    item.figures[figure].style_locked = True
    return _save_content(report, content)


@transaction.atomic
def report_edit_heading(
    *, report: Report, title: str | None = None, dimension: str | None = None, theme: str | None = None
) -> Report:
    report = _locked(report.pk)
    _require_draft(report)
    content = _content(report)
    if title is not None:
        if not title.strip():
            raise ValidationError("标题不能为空。")
        content.title, content.title_edited = title.strip(), True
    if dimension is not None:
        sub = next((s for s in content.achievements if s.key == dimension), None)
        if sub is None or not (theme or "").strip():
            raise ValidationError("请填写该部分的主题。")
        sub.theme, sub.theme_edited = theme.strip().rstrip("。"), True
    return _save_content(report, content)


@transaction.atomic
def report_add_item(*, report: Report, section: str, text: str, heading: str = "", obligations=()) -> Report:
    """Add a problem, a plan item (kept in the work plan) or an item under a dimension."""
    report = _locked(report.pk)
    _require_draft(report)
    text = text.strip()
    if not text:
        raise ValidationError("内容不能为空。")
    content = _content(report)
    if section == "plan":
        if not heading.strip():
            raise ValidationError("计划事项需要标题。")
        year, half = (report.year, 2) if report.half == 1 else (report.year + 1, 1)
        position = (
            PlanItem.objects.filter(organisation=report.organisation, year=year, half=half).aggregate(
                m=Max("position")
            )["m"]
            or 0
        ) + 1
        row = PlanItem(
            organisation=report.organisation,
            year=year,
            half=half,
            position=position,
            heading=heading.strip(),
            body=text,
        )
        row.full_clean()
        row.save()
        row.obligations.set(obligations)
        content.plan.append(
            Item(
                key=f"plan:{row.pk}",
                template=text,
                heading=row.heading,
                source="plan",
                obligation_ids=[ob.pk for ob in obligations],
            )
        )
        return _save_content(report, content)
    item = Item(key=f"staff:{uuid.uuid4().hex[:12]}", template=text, source="staff", edited=True)
    if section == "problems":
        content.problems.append(item)
    else:
        sub = next((s for s in content.achievements if s.key == section), None)
        if sub is None:
            raise ValidationError("未知的部分。")
        sub.items.append(item)
    return _save_content(report, content)


@transaction.atomic
def report_remove_item(*, report: Report, key: str) -> Report:
    report = _locked(report.pk)
    _require_draft(report)
    content = _content(report)
    container = content.container_of(key)
    if container is None:
        raise ValidationError("没有找到该条目。")
    item = next(i for i in container if i.key == key)
    container.remove(item)
    if item.source == "plan":
        PlanItem.objects.filter(pk=int(key.split(":")[1]), organisation=report.organisation).delete()
    elif item.source == "data":
        content.removed.append(key)
    return _save_content(report, content)


@transaction.atomic
def report_move_item(*, report: Report, key: str, offset: int) -> Report:
    report = _locked(report.pk)
    _require_draft(report)
    content = _content(report)
    container = content.container_of(key)
    if container is None:
        raise ValidationError("没有找到该条目。")
    index = next(i for i, item in enumerate(container) if item.key == key)
    target = max(0, min(len(container) - 1, index + offset))
    container.insert(target, container.pop(index))
    if container is content.plan:
        for position, item in enumerate(content.plan, start=1):
            PlanItem.objects.filter(pk=int(item.key.split(":")[1])).update(position=position)
    return _save_content(report, content)


def plan_item_update(*, plan_item_id: int, body: str, heading: str | None = None, obligations=None) -> PlanItem:
    """Reword a work-plan item; ``obligations`` (when given) are the ones that enforce it."""
    row = PlanItem.objects.get(pk=plan_item_id)
    row.body = body
    if heading is not None:
        row.heading = heading.strip()
    row.full_clean()
    row.save()
    if obligations is not None:
        row.obligations.set(obligations)
    return row


# --- Finalising, reopening, rendering -----------------------------------------------------


@transaction.atomic
def report_finalise(*, report: Report, user) -> Report:
    """Freeze the content and figures: later data changes no longer move them."""
    report = _locked(report.pk)
    _require_draft(report)
    content = _content(report)
    if content is None:
        raise ValidationError("报告尚未编制，不能定稿。")
    stale = content.stale_items()
    if stale:
        raise ValidationError(f"还有 {len(stale)} 个条目的数据已更新或来源已不存在，请先核对后再定稿。")
    now = timezone.now()
    content.date_text = content.date_text or f"{timezone.localdate(now):%Y年%-m月%-d日}"
    report.content = content.to_json()
    report.status = ReportStatus.FINAL
    report.finalised_at = now
    report.finalised_by = user
    report.save()
    report_queue_job(report=report)
    return report


@transaction.atomic
def report_reopen(*, report: Report, user) -> Report:
    """A finalised report stays as it was; the next version starts as a draft copy of it."""
    report = _locked(report.pk)
    if not report.is_final:
        raise ValidationError("只有已定稿的报告可以重新打开。")
    latest = Report.objects.filter(organisation=report.organisation, year=report.year, half=report.half).aggregate(
        v=Max("version")
    )["v"]
    if latest != report.version:
        raise ValidationError("该报告已有更新的版本。")
    content = _content(report)
    content.date_text = ""
    draft = Report(
        organisation=report.organisation,
        year=report.year,
        half=report.half,
        version=report.version + 1,
        content=content.to_json(),
        compiled_at=report.compiled_at,
        compiled_by=user,
    )
    draft.full_clean()
    draft.save()
    return draft


def report_queue_job(*, report: Report) -> None:
    """Queue compiling (drafts) and rendering in the background once this transaction commits."""
    from .tasks import run_report_job

    Report.objects.filter(pk=report.pk).update(job_status=JobStatus.QUEUED, job_error="")
    report_id = report.pk
    transaction.on_commit(lambda: run_report_job.delay(report_id))


def report_run_job(*, report_id: int, user=None) -> Report | None:
    """The background job: recompile a draft, then render its files. Claimed once.

    Held under a lease (core.leases) renewed between compiling and rendering: a job whose
    worker died is taken over by the next delivery; one whose worker lives is left to it
    and looked at again when its lease would lapse.
    """
    from .tasks import run_report_job

    jobs = Report.objects.filter(pk=report_id)
    now = timezone.now()
    if not Report.job_lease.claim(jobs, now=now, job_started_at=now, job_error=""):
        Report.job_lease.check_again_when_lapsed(jobs, task=run_report_job, args=(report_id,))
        return None
    report = Report.objects.select_related("organisation").get(pk=report_id)
    try:
        if not report.is_final:
            report = report_compile(report=report, user=user or report.compiled_by)
            Report.job_lease.renew(jobs)
        report_render(report=report)
    except Exception as exc:  # noqa: BLE001 - recorded for the page, retried on request
        logger.exception("Report job %s failed", report_id)
        jobs.update(
            job_status=JobStatus.FAILED, job_error=f"{type(exc).__name__}: {exc}"[:2000], job_lease_expires_at=None
        )
        return Report.objects.get(pk=report_id)
    jobs.update(job_status=JobStatus.DONE, job_lease_expires_at=None)
    report.refresh_from_db()
    return report


def report_render(*, report: Report) -> Report:
    """Render the .docx and the .xlsx annex from the stored content and store them."""
    from .exporters.annex import render_annex

    content = _content(report)
    if content is None:
        raise ValidationError("报告尚未编制。")
    stem = f"{report.organisation.display_name}{report.year}年{report.get_half_display()}工作总结-第{report.version}版"
    report.docx_file.save(f"{stem}.docx", ContentFile(render_docx(content)), save=False)
    report.xlsx_file.save(
        f"{stem}-统计附表.xlsx", ContentFile(render_annex(report=report, content=content)), save=False
    )
    report.rendered_at = timezone.now()
    report.save(update_fields=["docx_file", "xlsx_file", "rendered_at", "updated_at"])
    return report


def _placeholders(template: str) -> list[str]:
    from .content import PLACEHOLDER_RE

    return PLACEHOLDER_RE.findall(template)
