"""Reads of the summary requests: the status table, the drawing panel, what is due for reminders."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils import timezone

from reports.content import Item, ReportContent
from reports.models import Report, ReportStatus

from .models import DisplayStatus, Submission, SubmissionState, SummaryRequest

INSERTED_PREFIX = "from:"


@dataclass
class StatusRow:
    submission: Submission
    status: str  # a DisplayStatus value
    days: int | None  # days to the deadline (negative: past it); None once submitted on time
    timing: str  # 还有3天 / 今天截止 / 逾期2天 / 按时报送 / 逾期1天报送

    @property
    def status_label(self) -> str:
        return DisplayStatus(self.status).label

    @property
    def overdue(self) -> bool:
        return self.days is not None and self.days < 0


def _local_date(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def status_rows(*, request: SummaryRequest, user, today: date | None = None) -> list[StatusRow]:
    """The asked committees of ``request`` that ``user`` may see, with status and timing.

    One query for the submissions and one for which of them have a draft of their own."""
    today = today or timezone.localdate()
    submissions = list(
        Submission.objects.visible_to(user)
        .filter(request=request)
        .select_related("organisation", "report", "submitted_by")
        .order_by("organisation__path")
    )
    drafting = set(
        Report.objects.filter(
            organisation__in=[s.organisation_id for s in submissions], year=request.year, half=request.half
        ).values_list("organisation_id", flat=True)
    )
    rows = []
    for s in submissions:
        if s.state == SubmissionState.PENDING:
            status = DisplayStatus.DRAFTING if s.organisation_id in drafting else DisplayStatus.NOT_STARTED
        else:
            status = DisplayStatus(s.state)
        if s.state in (SubmissionState.SUBMITTED, SubmissionState.ACCEPTED) and s.submitted_at:
            late = (_local_date(s.submitted_at) - request.deadline).days
            days, timing = None, (f"逾期{late}天报送" if late > 0 else "按时报送")
        else:
            days = (request.deadline - today).days
            timing = "今天截止" if days == 0 else (f"还有{days}天" if days > 0 else f"逾期{-days}天")
        rows.append(StatusRow(s, status, days, timing))
    return rows


def status_counts(rows: list[StatusRow]) -> dict[str, int]:
    counts = {status.label: 0 for status in DisplayStatus}
    for row in rows:
        counts[row.status_label] += 1
    return counts


def requests_for(*, user):
    """Requests the user's committee made or received, newest first."""
    return SummaryRequest.objects.visible_to(user).select_related("organisation")


def open_requests_addressed_to(*, user) -> list[Submission]:
    """The open submissions of the committee a secretary runs: its home page lists them."""
    if not (user.is_authenticated and user.is_secretary and user.organisation_id):
        return []
    return list(
        Submission.objects.open()
        .filter(organisation_id=user.organisation_id)
        .select_related("request", "request__organisation")
        .order_by("request__deadline")
    )


def accepted_submissions(*, request: SummaryRequest) -> list[Submission]:
    return list(
        request.submissions.filter(state=SubmissionState.ACCEPTED, report__status=ReportStatus.FINAL)
        .select_related("organisation", "report")
        .order_by("organisation__path")
    )


# --- The drawing panel in the requester's draft ------------------------------------------------


@dataclass
class PanelItem:
    submission: Submission
    section: str  # dimension code, "problems" or "plan"
    section_title: str
    item: Item
    text: str
    inserted: bool  # already in the requester's draft
    counted_by: str = ""  # the requester's own item counting the same data, if any


@dataclass
class PanelSection:
    key: str
    title: str
    committees: list[tuple[Submission, list[PanelItem]]] = field(default_factory=list)


def _sections(content: ReportContent):
    for sub in content.achievements:
        yield sub.key, f"一、{sub.title}", sub.items
    yield "problems", "二、存在问题", content.problems


def drawing_panel(*, report: Report, user) -> dict:
    """For a requester's own draft: the submitted summaries' items, by section and committee.

    Empty unless ``report`` is an editable draft of a committee that asked for the same half.
    An item whose data the draft already counts (the same compiled key: a campaign, the
    honours, the outreach totals cover the whole subtree) is marked so, and inserting it brings
    its wording with figures labelled as included in the requester's totals, never added."""
    if report.is_final or not report.content or not report.editable_by(user):
        return {}
    request = SummaryRequest.objects.filter(
        organisation_id=report.organisation_id, year=report.year, half=report.half
    ).first()
    if request is None:
        return {}
    own = ReportContent.from_json(report.content)
    own_items = {item.key: item for item in own.all_items()}
    submissions = list(
        request.submissions.filter(state__in=[SubmissionState.SUBMITTED, SubmissionState.ACCEPTED])
        .select_related("organisation", "report")
        .order_by("organisation__path")
    )
    sections: dict[str, PanelSection] = {}
    for submission in submissions:
        if submission.report is None or not submission.report.content:
            continue
        content = ReportContent.from_json(submission.report.content)
        for key, title, items in _sections(content):
            section = sections.setdefault(key, PanelSection(key, title))
            entries = []
            for item in items:
                text = item.render().strip()
                if not text:
                    continue
                counted = own_items.get(item.key) if item.source == "data" else None
                entries.append(
                    PanelItem(
                        submission=submission,
                        section=key,
                        section_title=title,
                        item=item,
                        text=text,
                        inserted=inserted_key(submission, item.key) in own_items,
                        counted_by=counted.render()[:40] if counted is not None else "",
                    )
                )
            if entries:
                section.committees.append((submission, entries))
    return {
        "drawing": {
            "request": request,
            "sections": [s for s in sections.values() if s.committees],
            "submitted": len(submissions),
        }
    }


def inserted_key(submission: Submission, key: str) -> str:
    return f"{INSERTED_PREFIX}{submission.pk}:{key}"


# --- Reminders ------------------------------------------------------------------------------------


def open_submissions_for_reminders(*, today: date) -> list[Submission]:
    """Open submissions whose upcoming window has opened or whose deadline has passed."""
    rows = (
        Submission.objects.open()
        .filter(organisation__active=True)
        .select_related("request", "request__organisation", "organisation")
        .order_by("request_id", "organisation__path")
    )
    return [s for s in rows if today >= s.request.reminder_window_opens()]
