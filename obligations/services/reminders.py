"""The reminder run: work out what is due from the database, claim it in the ledger, deliver it.

One function, :func:`reminders_reconcile`, serves Celery beat (through the task), the
``send_reminders`` command and the demo. It never relies on "beat fired once": every run
recomputes what is due now and the ledger decides what has already gone out.

A run has two phases:

1. **Claim** (one transaction). Every reminder that is due becomes a ledger row inserted
   with this run's id and ON CONFLICT DO NOTHING; the rows that carry the run's id
   afterwards are exactly the ones this run inserted (a concurrent run blocks on the
   same keys until this one commits, then skips them). Their inbox messages are written
   in the same transaction, so a run killed here leaves nothing behind, and a run that
   commits has delivered every in-app message it claimed, once.
2. **E-mail** (outside any transaction). Rows are taken a chunk at a time under a lease
   (a conditional UPDATE, as healthchecks claims its checks). Right before each send the run
   checks that its lease has at least half its length left, and renews the chunk's lease
   (one conditional UPDATE, dropping rows another run took over) only when it has not, so a
   row is never sent under a lease that could lapse mid-send. Each row is marked sent as
   soon as the server took it: the one query per e-mail the run cannot batch without
   resending more than one message after a kill (issue #31). A failure is recorded on the
   row and the row is tried again by the next daily run; one bad address does not stop
   the others.

A run that leases rows queues ``send_lapsed_reminders`` for the moment its lease lapses
(after the claim commits): if the run died, that retry sends what it left, a few minutes
later rather than the next day; if the run is still at work, the retry comes back when the
leases it renews would lapse. What SMTP cannot give: the one e-mail being handed to the
server at the instant its sender is killed (accepted, not yet marked sent) goes out again
with the retry. That is at most one message per killed process; none is lost.
"""

import logging
import math
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Min, Q, Subquery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from activities.periods import Period, period_containing
from branches.models import Organisation
from core.dates import format_deadline
from core.freshness import mark_changed

from .. import roster, selectors
from ..models import EmailStatus, Message, Obligation, Reminder, ReminderKind
from . import deliveries

logger = logging.getLogger(__name__)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# How long a run holds the rows it is e-mailing before another run may take them over
# (renewed before a send that would start with less than half of it left):
# REMINDER_LEASE_SECONDS, 5 minutes.
EMAIL_LEASE = timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
# Rows taken per lease. The lease is renewed as the chunk is worked through, so the size only
# sets how many rows a killed run leaves waiting for its lease to lapse, and the two queries
# per chunk.
EMAIL_CHUNK = 100
# After this many failed attempts a row is left for staff to look at (and retry by hand).
MAX_EMAIL_ATTEMPTS = 5
TERM_NOTICES = ((ReminderKind.TERM_30, 30), (ReminderKind.TERM_90, 90))


@dataclass
class Candidate:
    """A reminder that is due now, before the ledger says whether it already went out."""

    kind: str
    organisation: Organisation
    recipient: User
    period: Period
    obligation: Obligation | None
    subject: str
    body: str
    link: str

    @property
    def key(self) -> tuple:
        return (
            self.obligation.pk if self.obligation else None,
            self.organisation.pk,
            self.period.start,
            self.period.end,
            self.kind,
            self.recipient.pk,
        )

    def describe(self) -> str:
        topic = self.obligation.name if self.obligation else ReminderKind(self.kind).label
        address = self.recipient.email or "无邮箱，仅站内消息"
        return (
            f"{ReminderKind(self.kind).label}\t{self.organisation.name}\t{topic}\t{self.period.label}\t"
            f"→ {self.recipient.username} <{address}>"
        )


@dataclass
class ReconcileResult:
    now: datetime
    dry_run: bool = False
    due: int = 0  # reminders due now (one per recipient)
    claimed: int = 0  # ledger rows this run inserted
    sent: int = 0  # reminders this run finished delivering (inbox and e-mail)
    already_sent: int = 0  # due, but already in the ledger from an earlier run
    failed: int = 0  # e-mails that failed in this run (kept for a retry)
    retried: int = 0  # earlier rows this run took over and attempted
    no_recipient: int = 0  # due reminders with nobody to send them to
    lines: list[str] = field(default_factory=list)
    lapse_check_queued: bool = False  # this run queued the retry for its leases' lapse
    channel_sent: int = 0  # channel deliveries (group robots, SMS) this run sent
    channel_failed: int = 0  # channel deliveries that failed in this run (kept for a retry)
    channel_waiting: int = 0  # channel deliveries held back by a robot's per-minute limit

    @property
    def summary(self) -> str:
        return f"sent={self.sent} already_sent={self.already_sent} failed={self.failed}"


# --- What is due ---------------------------------------------------------------------------


def _local(now: datetime) -> datetime:
    if timezone.is_naive(now):
        return now.replace(tzinfo=SHANGHAI)
    return now.astimezone(SHANGHAI)


def _date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _cell_link(cell: selectors.Cell) -> str:
    url = reverse("obligations:cell", args=[cell.organisation.pk, cell.obligation.pk])
    return f"{url}?on={cell.period.start.isoformat()}"


def _requirement(ob: Obligation) -> str:
    """What the obligation asks, as a secretary says it: 每月开展支委会不少于 1 次."""
    every = ob.get_frequency_display()
    if ob.uses_indicator:
        return f"{every}在“月度数据填报”中填报{ob.indicator.name}（{ob.minimum_display}）"
    return f"{every}开展{ob.kinds_display}{ob.minimum_display}"


def _obligation_text(cell: selectors.Cell, kind: str, today: date) -> tuple[str, str]:
    """Plain sentences (issue #28): what is not done, by when, what to do and where."""
    ob, org, period = cell.obligation, cell.organisation, cell.period
    what = f"{org.name}{period.label}{ob.name}"
    not_done = "尚未填报" if ob.uses_indicator else "尚未完成"
    done_so_far = f"目前{cell.progress_display}。" if not (ob.uses_indicator and cell.indicator_value is None) else ""
    pending = f"另有{cell.pending_display}，审核通过后即计入。" if cell.pending_count else ""
    cadres = f"本组织现有相关团干部 {cell.cadres} 名，要求按人数计。" if cell.cadres else ""
    how = (
        "请在平台“月度数据填报”中填报。"
        if ob.uses_indicator
        else "开展后请在平台填报活动记录并提交审核，审核通过即计入。"
    )
    if kind == ReminderKind.UPCOMING:
        subject = f"【履职提醒】{org.name}：{period.label}{ob.name}尚未完成"
        days = cell.days_left
        left = "今天是最后一天" if days == 0 else f"还有 {days} 天"
        lines = [
            f"{what}{not_done}，请于{format_deadline(period.end, today=today)}前完成（{left}）。",
            f"{done_so_far}{pending}{cadres}".strip(),
            f"要求：{_requirement(ob)}。{how}",
        ]
    else:
        subject = f"【逾期通知】{org.name}：{period.label}{ob.name}未完成"
        lines = [
            f"{what}已经结束，该项未按时完成。{done_so_far}{pending}{cadres}".strip(),
            f"要求：{_requirement(ob)}。请尽快补充填报，或向上级团组织说明情况。本通知同时发送给上级团组织。",
        ]
    if ob.description:
        lines.append(f"依据：{ob.description}")
    return subject, "\n\n".join(line for line in lines if line)


def _obligation_candidates(today: date, contacts: selectors.Contacts, result: ReconcileResult) -> list[Candidate]:
    obligations = list(Obligation.objects.enabled().filter(remind=True).select_related("indicator"))
    if not obligations:
        return []
    candidates = []
    current = selectors.compliance(obligations=obligations, today=today)
    # The period just ended: an overdue notice is due for as long as the next period runs.
    previous = selectors.compliance(obligations=obligations, today=today, offset=-1)
    due = [(ReminderKind.UPCOMING, cell) for cell in current.unmet()]
    due += [(ReminderKind.OVERDUE, cell) for cell in previous.unmet()]
    for kind, cell in due:
        if cell.pending_would_meet:
            continue
        if kind == ReminderKind.UPCOMING:
            if today < cell.obligation.reminder_window_opens(cell.period):
                continue
            recipients = contacts.own(cell.organisation)
        else:
            recipients = list(contacts.own(cell.organisation))
            recipients += [user for user in contacts.parent(cell.organisation) if user not in recipients]
        if not recipients:
            result.no_recipient += 1
            continue
        subject, body = _obligation_text(cell, kind, today)
        link = _cell_link(cell)
        candidates += [
            Candidate(kind, cell.organisation, user, cell.period, cell.obligation, subject, body, link)
            for user in recipients
        ]
    return candidates


def _term_candidates(today: date, contacts: selectors.Contacts, result: ReconcileResult) -> list[Candidate]:
    """换届: one notice 90 days ahead and one 30 days ahead of the term's end (one query)."""
    horizon = today + timedelta(days=max(days for _, days in TERM_NOTICES))
    orgs = Organisation.objects.filter(active=True, term_ends_on__gte=today, term_ends_on__lte=horizon).order_by("path")
    candidates = []
    for org in orgs:
        days_left = (org.term_ends_on - today).days
        kind = next(kind for kind, days in TERM_NOTICES if days_left <= days)
        subject = f"【换届提醒】{org.name}本届任期将于{_date(org.term_ends_on)}届满"
        body = "\n\n".join(
            [
                f"{org.name}：",
                f"本届委员会任期将于{_date(org.term_ends_on)}届满，距今还有 {days_left} 天。",
                "请按照团章和有关规定提前做好换届准备：拟定换届方案，报上级团组织审批，按期召开团员大会或团员代表大会选举产生新一届委员会。",
                "换届完成后，请在平台更新本组织的任期届满日期。",
            ]
        )
        recipients = contacts.own(org)
        if not recipients:
            result.no_recipient += 1
        link = reverse("branches:detail", args=[org.pk])
        period = Period(org.term_ends_on, org.term_ends_on)
        candidates += [Candidate(kind, org, user, period, None, subject, body, link) for user in recipients]
    return candidates


def _ageing_candidates(today: date, contacts: selectors.Contacts, result: ReconcileResult) -> list[Candidate]:
    """超龄离团: once a month, to each organisation with members past 28 and holding no post."""
    counts = roster.ageing_out_counts(on=today)
    if not counts:
        return []
    month = period_containing(today, "month")
    orgs = Organisation.objects.filter(pk__in=list(counts), active=True).order_by("path")
    candidates = []
    for org in orgs:
        subject = f"【超龄离团提醒】{org.name}有 {counts[org.pk]} 名团员已满28周岁"
        body = "\n\n".join(
            [
                f"{org.name}：",
                f"截至{_date(today)}，本组织有 {counts[org.pk]} 名团员已满28周岁且未担任团内职务。",
                "按照团章规定，团员年满28周岁，没有在团内担任职务，应办理离团手续。请核实名单，为其办理超龄离团并做好离团纪念。",
            ]
        )
        recipients = contacts.own(org)
        if not recipients:
            result.no_recipient += 1
        link = reverse("obligations:due")
        candidates += [
            Candidate(ReminderKind.AGEING_OUT, org, user, month, None, subject, body, link) for user in recipients
        ]
    return candidates


def _summary_candidates(today: date, contacts: selectors.Contacts, result: ReconcileResult) -> list[Candidate]:
    """工作总结征集: an upcoming reminder from ``lead_days`` before the deadline to the asked
    committee's secretaries, and an overdue notice after it to them and to the requester.

    The ledger key is (asked committee, the half year asked for, kind, recipient): a committee
    is asked for a half year's summary once (submissions.Submission), so each goes out once."""
    from submissions.selectors import open_submissions_for_reminders

    candidates = []
    for submission in open_submissions_for_reminders(today=today):
        request, org = submission.request, submission.organisation
        link = reverse("submissions:detail", args=[request.pk])
        returned = "（已退回修改）" if submission.state == "returned" else ""
        if today <= request.deadline:
            kind = ReminderKind.SUMMARY_UPCOMING
            days = (request.deadline - today).days
            when = "今天是报送截止日" if days == 0 else f"距截止还有 {days} 天"
            subject = f"【报送提醒】{org.name}：{request.period_label}工作总结请于{_date(request.deadline)}前报送"
            lines = [
                f"{org.name}：",
                f"{request.organisation.name}征集{request.period_label}工作总结，截止日期为{_date(request.deadline)}，"
                f"{when}。本单位尚未报送{returned}。",
                "请在平台编制本单位工作总结，定稿后报送。",
            ]
            recipients = contacts.own(org)
        else:
            kind = ReminderKind.SUMMARY_OVERDUE
            days = (today - request.deadline).days
            subject = f"【逾期通知】{org.name}：{request.period_label}工作总结逾期未报送"
            lines = [
                f"{org.name}：",
                f"{request.organisation.name}征集的{request.period_label}工作总结已于{_date(request.deadline)}截止，"
                f"本单位尚未报送{returned}，已逾期 {days} 天。",
                "请尽快定稿并报送。本通知同时发送给征集单位。",
            ]
            recipients = list(contacts.own(org))
            recipients += [user for user in contacts.own(request.organisation) if user not in recipients]
        if not recipients:
            result.no_recipient += 1
            continue
        body = "\n\n".join(lines)
        period = request.period
        candidates += [Candidate(kind, org, user, period, None, subject, body, link) for user in recipients]
    return candidates


def reminder_candidates(*, now: datetime, result: ReconcileResult | None = None) -> list[Candidate]:
    """Every reminder due at ``now``, one per recipient, from the database alone.

    A fixed number of queries: the compliance selector twice, the secretaries and staff,
    the terms ending soon and (once the roster exists) the members due to age out.
    """
    result = result if result is not None else ReconcileResult(now=now)
    today = _local(now).date()
    contacts = selectors.reminder_contacts()
    unique: dict[tuple, Candidate] = {}
    for candidate in (
        *_obligation_candidates(today, contacts, result),
        *_term_candidates(today, contacts, result),
        *_ageing_candidates(today, contacts, result),
        *_summary_candidates(today, contacts, result),
    ):
        unique.setdefault(candidate.key, candidate)
    return list(unique.values())


# --- Phase 1: claim --------------------------------------------------------------------------


def _claim(candidates: list[Candidate], *, run_id: uuid.UUID, now: datetime, result: ReconcileResult) -> list[Reminder]:
    """Insert the ledger rows and, for the rows this run inserted, the inbox messages."""
    if not candidates:
        return []
    lease_until = timezone.now() + EMAIL_LEASE
    # One global order of keys: two runs inserting the same keys concurrently then wait on
    # each other in the same order and can never deadlock.
    ordered = sorted(candidates, key=lambda c: (c.key[0] or 0, *c.key[1:]))
    with transaction.atomic():
        rows = []
        for c in ordered:
            address = (c.recipient.email or "").strip()
            rows.append(
                Reminder(
                    obligation=c.obligation,
                    organisation=c.organisation,
                    period_start=c.period.start,
                    period_end=c.period.end,
                    kind=c.kind,
                    recipient=c.recipient,
                    run_id=run_id,
                    created_at=now,
                    email_to=address,
                    email_status=EmailStatus.PENDING if address else EmailStatus.NO_ADDRESS,
                    # Nothing to e-mail: the inbox message below is the whole delivery.
                    sent_at=None if address else now,
                    lease_token=run_id if address else None,
                    leased_until=lease_until if address else None,
                )
            )
        Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        mine = list(Reminder.objects.filter(run_id=run_id).order_by("id"))
        by_key = {c.key: c for c in candidates}
        messages = []
        for row in mine:
            c = by_key[
                (row.obligation_id, row.organisation_id, row.period_start, row.period_end, row.kind, row.recipient_id)
            ]
            messages.append(
                Message(
                    recipient_id=row.recipient_id,
                    reminder=row,
                    organisation_id=row.organisation_id,
                    subject=c.subject[:200],
                    body=c.body,
                    link=c.link,
                    created_at=now,
                )
            )
        Message.objects.bulk_create(messages, batch_size=500)
        # One delivery row per channel in force (group robots, SMS), planned with the claim.
        if deliveries.deliveries_plan(reminders=mine, now=now, lease_token=run_id, lease_until=lease_until):
            _queue_lapse_check(lease_until, result)
        if mine:
            mark_changed({row.organisation_id for row in mine}, app="obligations")  # bulk_create sends no post_save
        if any(row.leased_until for row in mine):
            _queue_lapse_check(lease_until, result)
    return mine


# --- Phase 2: e-mail -------------------------------------------------------------------------


def _claimable(run_id: uuid.UUID, started: datetime, real_now: datetime, *, lapsed_only: bool = False) -> Q:
    leased = Q(leased_until__lt=real_now)  # left leased by a run that stopped renewing it
    if not lapsed_only:
        leased |= Q(lease_token=run_id) | Q(leased_until__isnull=True)
    return (
        Q(sent_at__isnull=True, email_status__in=[EmailStatus.PENDING, EmailStatus.FAILED])
        & Q(attempts__lt=MAX_EMAIL_ATTEMPTS)
        & leased
        # Attempted once in this run already: wait for the next run.
        & (Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=started))
    )


def _take_chunk(run_id: uuid.UUID, started: datetime, result: ReconcileResult, *, lapsed_only: bool) -> list[Reminder]:
    """Lease up to EMAIL_CHUNK rows to this run with a conditional UPDATE, then read them."""
    real_now = timezone.now()
    token = uuid.uuid4()
    claimable = _claimable(run_id, started, real_now, lapsed_only=lapsed_only)
    ids = Reminder.objects.filter(claimable).order_by("id").values("id")[:EMAIL_CHUNK]
    taken = Reminder.objects.filter(claimable, pk__in=Subquery(ids)).update(
        lease_token=token, leased_until=real_now + EMAIL_LEASE
    )
    if not taken:
        return []
    _queue_lapse_check(real_now + EMAIL_LEASE, result)
    return list(
        Reminder.objects.filter(lease_token=token, sent_at__isnull=True)
        .select_related("message", "recipient", "organisation", "obligation")
        .order_by("id")
    )


def _render_email(row: Reminder) -> EmailMultiAlternatives:
    message = row.message
    base = settings.PORTAL_URL.rstrip("/")
    context = {
        "recipient": row.recipient,
        "message": message,
        "paragraphs": [p for p in message.body.split("\n\n") if p.strip()],
        "url": f"{base}{message.link}" if message.link else base,
        "inbox_url": f"{base}{reverse('obligations:inbox')}",
        "portal_url": base,
    }
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=render_to_string("emails/obligations/reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.email_to],
    )
    email.attach_alternative(render_to_string("emails/obligations/reminder.html", context), "text/html")
    return email


def _queue_lapse_check(lease_until: datetime, result: ReconcileResult) -> None:
    """Queue ``send_lapsed_reminders`` for when ``lease_until`` has passed, once per run and
    after the current transaction commits. A broker that is down only costs the head start:
    the next daily run sends what is left."""
    if result.lapse_check_queued:
        return
    result.lapse_check_queued = True
    countdown = max(1, math.ceil((lease_until - timezone.now()).total_seconds()) + 1)

    def queue() -> None:
        from ..tasks import send_lapsed_reminders

        try:
            send_lapsed_reminders.apply_async(countdown=countdown)
        except Exception:  # noqa: BLE001 - the daily run is the fallback
            logger.warning("Could not queue the reminder retry for %s", lease_until, exc_info=True)

    transaction.on_commit(queue)


class _ChunkLease:
    """This run's lease on one chunk of rows: renewed (one conditional UPDATE for the chunk)
    only before a send that would otherwise start with less than half the lease left."""

    def __init__(self, rows: list[Reminder]):
        self.token = rows[0].lease_token if rows else None
        self.until = min((row.leased_until for row in rows), default=None)
        self.held = {row.pk for row in rows}

    def hold(self, row: Reminder, now: datetime) -> bool:
        """Whether ``row`` may be sent now: still this run's, under a lease that outlasts the send."""
        if row.pk not in self.held:
            return False
        if self.until - now >= EMAIL_LEASE / 2:
            return True
        # The rows of the chunk a run took over after our lease lapsed are left to it.
        mine = Reminder.objects.filter(pk__in=self.held, lease_token=self.token, sent_at__isnull=True)
        renewed = mine.update(leased_until=now + EMAIL_LEASE)
        if renewed < len(self.held):
            self.held = set(mine.values_list("pk", flat=True))
        self.until = now + EMAIL_LEASE
        return row.pk in self.held

    def release(self, row: Reminder) -> None:
        self.held.discard(row.pk)


def _deliver(
    *, run_id: uuid.UUID, started: datetime, connection, result: ReconcileResult, lapsed_only: bool = False
) -> None:
    while True:
        chunk = _take_chunk(run_id, started, result, lapsed_only=lapsed_only)
        if not chunk:
            return
        lease = _ChunkLease(chunk)
        for row in chunk:
            attempted = timezone.now()
            if not lease.hold(row, attempted):
                continue
            lease.release(row)  # marked below whatever happens: not ours to renew any more
            result.retried += row.run_id != run_id
            # The recipient's address as it is now: a retry goes to a corrected address.
            row.email_to = (row.recipient.email or "").strip() if row.recipient.is_active else ""
            if not row.email_to:
                Reminder.objects.filter(pk=row.pk).update(
                    email_status=EmailStatus.NO_ADDRESS,
                    email_to="",
                    sent_at=attempted,
                    lease_token=None,
                    leased_until=None,
                )
                result.sent += 1
                continue
            try:
                email = _render_email(row)
                email.connection = connection
                email.send(fail_silently=False)
            except Exception as exc:  # noqa: BLE001 - any failure is recorded on the row for a retry
                logger.warning("Reminder %s to %s failed: %s", row.pk, row.email_to, exc)
                _reset_connection(connection)
                Reminder.objects.filter(pk=row.pk).update(
                    email_status=EmailStatus.FAILED,
                    email_to=row.email_to,
                    attempts=F("attempts") + 1,
                    last_attempt_at=attempted,
                    last_error=f"{type(exc).__name__}: {exc}"[:1000],
                    lease_token=None,
                    leased_until=None,
                )
                result.failed += 1
            else:
                Reminder.objects.filter(pk=row.pk).update(
                    email_status=EmailStatus.SENT,
                    email_to=row.email_to,
                    attempts=F("attempts") + 1,
                    last_attempt_at=attempted,
                    last_error="",
                    sent_at=timezone.now(),
                    lease_token=None,
                    leased_until=None,
                )
                result.sent += 1


def _reset_connection(connection) -> None:
    # After an SMTP error the connection may be half-open; the next send reopens it.
    try:
        connection.close()
    except Exception:  # noqa: BLE001, S110 - closing a broken connection may fail too
        pass


# --- The run ------------------------------------------------------------------------------------


def reminders_reconcile(*, now: datetime | None = None, dry_run: bool = False, connection=None) -> ReconcileResult:
    """Send every reminder that is due at ``now`` and has not gone out, and retry failed e-mails.

    ``now`` (default: the current time) decides what is due; periods are taken in
    Asia/Shanghai. With ``dry_run`` nothing is written and nothing is sent: the result's
    ``lines`` say what would go out. ``connection`` is an e-mail connection to use instead
    of the configured backend.
    """
    now = now or timezone.now()
    if timezone.is_naive(now):
        now = now.replace(tzinfo=SHANGHAI)
    result = ReconcileResult(now=now, dry_run=dry_run)
    candidates = reminder_candidates(now=now, result=result)
    result.due = len(candidates)
    if dry_run:
        _dry_run(candidates, result)
        return result

    started = timezone.now()
    run_id = uuid.uuid4()
    claimed = _claim(candidates, run_id=run_id, now=now, result=result)
    result.claimed = len(claimed)
    result.already_sent = len(candidates) - len(claimed)
    # Rows without an address (or whose committee sends no e-mail) were delivered in full by the claim.
    result.sent += sum(1 for row in claimed if row.email_status in (EmailStatus.NO_ADDRESS, EmailStatus.DISABLED))
    by_key = {c.key: c for c in candidates}
    for row in claimed:
        key = (row.obligation_id, row.organisation_id, row.period_start, row.period_end, row.kind, row.recipient_id)
        result.lines.append(by_key[key].describe())

    connection = connection or get_connection()
    # The robots and SMS before e-mail: a hung mail server must not hold the group messages back.
    deliveries.deliveries_send(run_id=run_id, started=started, result=result)
    _deliver(run_id=run_id, started=started, connection=connection, result=result)
    logger.info(
        "Reminders at %s: %s (due=%s no_recipient=%s)", now.isoformat(), result.summary, result.due, result.no_recipient
    )
    return result


def reminders_send_lapsed(*, connection=None) -> ReconcileResult:
    """E-mail the rows whose lease lapsed: a run left them leased and stopped (killed, its
    host lost). Rows a live run still holds are left to it, and looked at again when their
    lease would lapse; failed e-mails wait for the next daily run as before."""
    started = timezone.now()
    result = ReconcileResult(now=started)
    deliveries.deliveries_send(run_id=uuid.uuid4(), started=started, result=result, lapsed_only=True)
    _deliver(
        run_id=uuid.uuid4(),
        started=started,
        connection=connection or get_connection(),
        result=result,
        lapsed_only=True,
    )
    live = Reminder.objects.filter(sent_at__isnull=True, leased_until__gte=timezone.now()).aggregate(
        until=Min("leased_until")
    )["until"]
    live_delivery = deliveries.deliveries_live_lease()
    live = min((t for t in (live, live_delivery) if t is not None), default=None)
    if live is not None:
        _queue_lapse_check(live, result)
    if result.sent or result.failed or result.channel_sent or result.channel_failed:
        logger.info("Reminders left by a stopped run: %s", result.summary)
    return result


def _dry_run(candidates: list[Candidate], result: ReconcileResult) -> None:
    existing = set()
    if candidates:
        rows = Reminder.objects.filter(
            period_start__in={c.period.start for c in candidates}, kind__in={c.kind for c in candidates}
        ).values_list("obligation_id", "organisation_id", "period_start", "period_end", "kind", "recipient_id")
        existing = set(rows)
    for c in candidates:
        if c.key in existing:
            result.already_sent += 1
        else:
            result.lines.append(c.describe())
    real_now = timezone.now()
    retries = (
        Reminder.objects.filter(
            Q(sent_at__isnull=True, email_status__in=[EmailStatus.PENDING, EmailStatus.FAILED])
            & Q(attempts__lt=MAX_EMAIL_ATTEMPTS)
            & (Q(leased_until__isnull=True) | Q(leased_until__lt=real_now))
        )
        .select_related("organisation", "recipient")
        .order_by("id")
    )
    for row in retries:
        result.lines.append(
            f"重发邮件\t{row.organisation.name}\t{row.get_kind_display()}\t{row.period.label}\t"
            f"→ {row.recipient.username} <{row.email_to}>（第 {row.attempts + 1} 次）"
        )


def reminder_retry(*, reminder: Reminder) -> Reminder:
    """Let staff give a failed e-mail another round of attempts (the next run sends it)."""
    if reminder.sent_at is not None or reminder.email_status != EmailStatus.FAILED:
        raise ValidationError("只有发送失败的提醒邮件可以重试。")
    Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True, email_status=EmailStatus.FAILED).update(
        attempts=0, lease_token=None, leased_until=None
    )
    reminder.refresh_from_db()
    return reminder


def reminders_queue_run() -> None:
    """Queue a reconcile run now (after the current transaction commits)."""
    from ..tasks import reconcile_reminders

    transaction.on_commit(lambda: reconcile_reminders.delay())
