"""Writes on reports: compile, edit, finalise, reopen, render. Every change goes through here."""

import logging
import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from branches.models import Organisation

from . import compiler
from .checks import report_mismatches
from .content import Item, ReportContent
from .editing import STALE_HEADINGS, STALE_ITEM, StaleEdit, headings_version, item_version
from .exporters.docx import render_docx
from .exporters.page import official_date
from .merge import merge_content
from .models import JobStatus, PlanItem, Report, ReportStatus
from .numbers import Style, style_problem
from .plan import draft_plan

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
        next_year, next_half = _next_half(report)
        plan_draft_save(organisation=report.organisation, year=next_year, half=next_half)
        fresh = compiler.compile_report_content(organisation=report.organisation, year=report.year, half=report.half)
        merged = merge_content(_content(report), fresh)
        report.content = merged.to_json()
        report.compiled_at = timezone.now()
        report.compiled_by = user if getattr(user, "pk", None) else None
        report.save(update_fields=["content", "compiled_at", "compiled_by", "updated_at"])
    return report


def plan_items_for(report: Report) -> list[Item]:
    """Section 三: the work plan for the half after the report's; where the committee has kept
    none, the draft built from its obligations and campaigns (reports.plan)."""
    year, half = _next_half(report)
    rows = (
        PlanItem.objects.filter(organisation=report.organisation, year=year, half=half)
        .prefetch_related("obligations")
        .order_by("position", "id")
    )
    if rows:
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
    return [
        Item(
            key=f"plan:draft:{n}",
            template=draft.body,
            heading=draft.heading,
            source="plan",
            obligation_ids=[ob.pk for ob in draft.obligations],
        )
        for n, draft in enumerate(draft_plan(organisation=report.organisation, year=year, half=half), start=1)
    ]


def _next_half(report: Report) -> tuple[int, int]:
    return (report.year, 2) if report.half == 1 else (report.year + 1, 1)


def plan_draft_save(*, organisation: Organisation, year: int, half: int) -> list[PlanItem]:
    """Keep the draft plan as the committee's work plan for that half, when it has none yet, so
    staff edit it like any plan and the reminders enforce its obligations."""
    if PlanItem.objects.filter(organisation=organisation, year=year, half=half).exists():
        return []
    rows = []
    for position, draft in enumerate(draft_plan(organisation=organisation, year=year, half=half), start=1):
        row = PlanItem(
            organisation=organisation, year=year, half=half, position=position, heading=draft.heading, body=draft.body
        )
        row.full_clean()
        row.save()
        row.obligations.set(draft.obligations)
        rows.append(row)
    return rows


# --- Editing (drafts only) ---------------------------------------------------------------


@transaction.atomic
def report_edit_item(
    *,
    report: Report,
    key: str,
    template: str,
    heading: str | None = None,
    obligations=None,
    version: str | None = None,
) -> Report:
    """Reword an item. Placeholders ``{name}`` keep its figures linked; confirming clears 'stale'.

    ``version`` is the item's version when the editor read it (reports.editing): if the item
    changed since, nothing is saved and StaleEdit carries what is stored now."""
    report = _locked(report.pk)
    _require_draft(report)
    content = _content(report)
    item = content.find(key)
    if item is None:
        raise ValidationError("没有找到该条目，可能已被删除或重新编制。")
    if version is not None and version != item_version(item):
        raise StaleEdit(STALE_ITEM, current=item, version=item_version(item))
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
    chosen = item.figures[figure]
    problem = style_problem(chosen.value, style, approximate=chosen.approximate, at_least=chosen.at_least)
    if problem:
        raise ValidationError(problem)
    chosen.style = style
    chosen.style_locked = True
    return _save_content(report, content)


@transaction.atomic
def report_edit_heading(
    *,
    report: Report,
    title: str | None = None,
    themes: dict[str, str] | None = None,
    date_text: str | None = None,
    version: str | None = None,
) -> Report:
    """Set the title, the dimensions' themes (dimension key → theme) and the date under the
    signature ("" = the finalise date). Only what differs from the stored text is marked as
    staff's (so recompiling keeps it). ``version`` as for items: a stale form saves nothing."""
    report = _locked(report.pk)
    _require_draft(report)
    content = _content(report)
    if content is None:
        raise ValidationError("报告尚未编制。")
    if version is not None and version != headings_version(content):
        raise StaleEdit(STALE_HEADINGS, current=content, version=headings_version(content))
    if title is not None and title.strip() != content.title:
        if not title.strip():
            raise ValidationError("标题不能为空。")
        content.title, content.title_edited = title.strip(), True
    subs = {sub.key: sub for sub in content.achievements}
    for key, theme in (themes or {}).items():
        sub = subs.get(key)
        theme = (theme or "").strip().rstrip("。")
        if sub is None or not theme:
            raise ValidationError("请填写该部分的主题。")
        if theme != sub.theme:
            sub.theme, sub.theme_edited = theme, True
    if date_text is not None:
        content.date_text = date_text.strip()
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
        year, half = _next_half(report)
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
def report_finalise(*, report: Report, user, numbers_confirmed: bool = False) -> Report:
    """Freeze the content and figures: later data changes no longer move them.

    Items whose typed numbers disagree with their figures (reports.checks) are listed and the
    report is not finalised unless staff confirm they checked them (``numbers_confirmed``)."""
    report = _locked(report.pk)
    _require_draft(report)
    content = _content(report)
    if content is None:
        raise ValidationError("报告尚未编制，不能定稿。")
    empty = content.empty_sections()
    if empty:
        raise ValidationError(f"“{'”“'.join(empty)}”还没有内容，请补充后再定稿。")
    stale = content.stale_items()
    if stale:
        raise ValidationError(f"还有 {len(stale)} 个条目的数据已更新或来源已不存在，请先核对后再定稿。")
    mismatches = report_mismatches(content)
    if mismatches and not numbers_confirmed:
        listed = "；".join(m.message for found in mismatches.values() for m in found)
        raise ValidationError(
            f"有 {len(mismatches)} 个条目的文中数字与数据不一致（{listed}）。"
            "请核对；确认无误后勾选“已核对文中数字”再定稿。"
        )
    now = timezone.now()
    content.date_text = content.date_text or official_date(timezone.localdate(now))
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
    """Queue compiling (drafts) or rendering (finalised reports) in the background once this
    transaction commits. A job running under its worker's live lease is left to that worker:
    queuing it again would let two workers run one report."""
    from .tasks import run_report_job

    now = timezone.now()
    live = Q(job_status=JobStatus.RUNNING, job_lease_expires_at__gte=now)
    if not Report.objects.filter(pk=report.pk).exclude(live).update(job_status=JobStatus.QUEUED, job_error=""):
        raise ValidationError("后台任务正在进行，请稍候再试。")
    report_id = report.pk
    transaction.on_commit(lambda: run_report_job.delay(report_id))


def report_run_job(*, report_id: int, user=None) -> Report | None:
    """The background job: recompile a draft, or render a finalised report's files. Claimed once.

    A draft's files are not stored: downloading a draft renders it as it reads at that moment
    (report_file), so no stored file can fall behind an edit. The job is held under a lease
    (core.leases): one whose worker died is taken over by the next delivery; one whose worker
    lives is left to it and looked at again when its lease would lapse.
    """
    from .tasks import run_report_job

    jobs = Report.objects.filter(pk=report_id)
    now = timezone.now()
    if not Report.job_lease.claim(jobs, now=now, job_started_at=now, job_error=""):
        Report.job_lease.check_again_when_lapsed(jobs, task=run_report_job, args=(report_id,))
        return None
    report = Report.objects.select_related("organisation").get(pk=report_id)
    try:
        if report.is_final:
            report_render(report=report)
        else:
            report = report_compile(report=report, user=user or report.compiled_by)
    except Exception as exc:  # noqa: BLE001 - recorded for the page, retried on request
        logger.exception("Report job %s failed", report_id)
        jobs.update(
            job_status=JobStatus.FAILED, job_error=f"{type(exc).__name__}: {exc}"[:2000], job_lease_expires_at=None
        )
        return Report.objects.get(pk=report_id)
    jobs.update(job_status=JobStatus.DONE, job_lease_expires_at=None)
    report.refresh_from_db()
    return report


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report_filename(report: Report, fmt: str) -> str:
    """What the user's browser saves: 共青团XX区委员会2024年上半年工作总结（第1版）.docx,
    …（第1版）统计附表.xlsx; a draft says so (第2版草稿)."""
    draft = "" if report.is_final else "草稿"
    stem = (
        f"{report.organisation.display_name}{report.year}年{report.get_half_display()}"
        f"工作总结（第{report.version}版{draft}）"
    )
    return f"{stem}.docx" if fmt == "docx" else f"{stem}统计附表.xlsx"


def _render(report: Report, content: ReportContent, fmt: str) -> bytes:
    from .exporters.annex import render_annex

    if fmt == "docx":
        return render_docx(content, author=report.organisation.name, created=report.compiled_at or timezone.now())
    return render_annex(report=report, content=content)


def report_render(*, report: Report) -> Report:
    """Render a finalised report's .docx and .xlsx annex from its frozen content and store them.

    Storage names are plain (report-12-v1.docx); the name a user sees is report_filename's."""
    content = _content(report)
    if content is None:
        raise ValidationError("报告尚未编制。")
    for fmt, field in (("docx", report.docx_file), ("xlsx", report.xlsx_file)):
        field.save(
            f"report-{report.pk}-v{report.version}.{fmt}", ContentFile(_render(report, content, fmt)), save=False
        )
    report.rendered_at = timezone.now()
    report.save(update_fields=["docx_file", "xlsx_file", "rendered_at", "updated_at"])
    return report


def report_file(*, report: Report, fmt: str):
    """(filename, content type, file or bytes) for a download, or None when there is none.

    A finalised report serves the files stored when it was finalised (its annex's activity
    tables froze then too). A draft is rendered on request from its current wording: about
    0.1 s for a district, and nothing stored can go stale."""
    if fmt not in ("docx", "xlsx"):
        return None
    content_type = DOCX_CONTENT_TYPE if fmt == "docx" else XLSX_CONTENT_TYPE
    if report.is_final:
        field = report.docx_file if fmt == "docx" else report.xlsx_file
        return (report_filename(report, fmt), content_type, field.open("rb")) if field else None
    content = _content(report)
    if content is None:
        return None
    return report_filename(report, fmt), content_type, _render(report, content, fmt)


def _placeholders(template: str) -> list[str]:
    from .content import PLACEHOLDER_RE

    return PLACEHOLDER_RE.findall(template)
