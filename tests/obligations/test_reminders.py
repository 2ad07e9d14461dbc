"""The reminder run: what is due, who gets it, once, and what happens when sending fails."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import Role
from activities.models import ActivityKind
from branches.models import Kind
from core.review.models import Status
from obligations.models import EmailStatus, Frequency, Message, Reminder, ReminderKind
from obligations.services import reminder_retry, reminders_reconcile
from obligations.services.reminders import EMAIL_LEASE, MAX_EMAIL_ATTEMPTS

from ..activities.factories import ActivityFactory
from ..factories import OrganisationFactory, UserFactory
from .conftest import at
from .factories import ObligationFactory as _ObligationFactory

pytestmark = pytest.mark.usefixtures("no_default_obligations")


def ObligationFactory(**fields):  # noqa: N802 - reads like the factory it wraps
    # In force from November 2026, so October (unmet by everyone) raises no overdue notices.
    fields.setdefault("active_from", date(2026, 11, 1))
    return _ObligationFactory(**fields)


@pytest.fixture
def people(district, staff, secretary_a, secretary_b):
    for user in (staff, secretary_a, secretary_b):
        user.email = f"{user.username}@league.example.cn"
        user.save()
    return district


def _keys(**filters) -> set[tuple]:
    return set(
        Reminder.objects.filter(**filters).values_list(
            "kind", "organisation__name", "recipient__username", "period_start"
        )
    )


def _inbox(username: str) -> list[str]:
    return list(Message.objects.filter(recipient__username=username).order_by("id").values_list("subject", flat=True))


def test_the_first_reminder_waits_for_the_lead_time(people):
    ObligationFactory(name="支委会", lead_days=7)
    result = reminders_reconcile(now=at("2026-11-22 08:30"))
    assert (result.sent, result.due) == (0, 0) and not Reminder.objects.exists()

    result = reminders_reconcile(now=at("2026-11-23 08:30"))
    assert result.summary == "sent=2 already_sent=0 failed=0"
    # The branches have no secretary account: their committee's secretary acts for them.
    assert _keys() == {
        (ReminderKind.UPCOMING, "甲社区团支部", "secretary_a", date(2026, 11, 1)),
        (ReminderKind.UPCOMING, "乙社区团支部", "secretary_b", date(2026, 11, 1)),
    }
    assert _inbox("secretary_a") == ["【履职提醒】甲社区团支部：2026年11月支委会尚未完成"]
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"secretary_a@league.example.cn", "secretary_b@league.example.cn"}
    email = sent["secretary_a@league.example.cn"]
    assert email.subject == "【履职提醒】甲社区团支部：2026年11月支委会尚未完成"
    assert "陈" not in email.body and "还有 7 天" in email.body and "http://" in email.body
    # Plain sentences a secretary understands (issue #28), not the rule's machine wording.
    body = Message.objects.get(recipient__username="secretary_a").body
    assert body.startswith("甲社区团支部2026年11月支委会尚未完成，请于11月30日前完成（还有 7 天）。")
    assert "要求：每月开展支委会不少于 1 次。开展后请在平台填报活动记录并提交审核，审核通过即计入。" in body
    assert "按照" not in body and "计入：" not in body
    html = email.alternatives[0]
    assert html[1] == "text/html" and "甲社区团支部" in html[0] and "<a href=" in html[0]
    assert Reminder.objects.filter(email_status=EmailStatus.SENT, sent_at__isnull=False).count() == 2


def test_a_second_run_sends_nothing(people):
    ObligationFactory()
    first = reminders_reconcile(now=at("2026-11-25 08:30"))
    second = reminders_reconcile(now=at("2026-11-25 08:30"))
    later = reminders_reconcile(now=at("2026-11-28 08:30"))
    assert first.summary == "sent=2 already_sent=0 failed=0"
    assert second.summary == "sent=0 already_sent=2 failed=0"
    assert later.summary == "sent=0 already_sent=2 failed=0"
    assert len(mail.outbox) == 2 and Message.objects.count() == 2 and Reminder.objects.count() == 2


def test_a_met_obligation_or_one_awaiting_review_is_not_reminded(people):
    ObligationFactory()
    ActivityFactory(organisation=people.branch_a, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 11, 3))
    ActivityFactory(
        organisation=people.branch_b,
        kind=ActivityKind.COMMITTEE_MEETING,
        start_date=date(2026, 11, 3),
        status=Status.SUBMITTED,
    )
    result = reminders_reconcile(now=at("2026-11-25 08:30"))
    assert (result.due, result.sent) == (0, 0)
    # Returned by the reviewer: the record no longer covers it, and the next run reminds.
    from activities.models import Activity

    Activity.objects.filter(organisation=people.branch_b).update(status=Status.RETURNED)
    assert reminders_reconcile(now=at("2026-11-26 08:30")).sent == 1
    assert _keys() == {(ReminderKind.UPCOMING, "乙社区团支部", "secretary_b", date(2026, 11, 1))}


def test_an_overdue_notice_goes_to_the_secretary_and_the_parent_committee(people):
    secretary_branch = UserFactory(
        username="branch_secretary", organisation=people.branch_a, email="branch@league.example.cn"
    )
    ObligationFactory(name="支委会", organisation_kinds=[Kind.BRANCH, Kind.SUBDISTRICT])
    result = reminders_reconcile(now=at("2026-12-01 08:30"))
    assert result.sent == len(mail.outbox) == 7
    november = date(2026, 11, 1)
    assert _keys() == {
        # branch_a: its own secretary, and sub_a's as the parent committee's
        (ReminderKind.OVERDUE, "甲社区团支部", "branch_secretary", november),
        (ReminderKind.OVERDUE, "甲社区团支部", "secretary_a", november),
        # branch_b has no secretary: sub_b's secretary is both its contact and its parent's
        (ReminderKind.OVERDUE, "乙社区团支部", "secretary_b", november),
        # the sub-districts: their secretaries, and committee staff for the district above
        (ReminderKind.OVERDUE, "甲街道团工委", "secretary_a", november),
        (ReminderKind.OVERDUE, "甲街道团工委", "staff", november),
        (ReminderKind.OVERDUE, "乙街道团工委", "secretary_b", november),
        (ReminderKind.OVERDUE, "乙街道团工委", "staff", november),
    }
    message = secretary_branch.inbox_messages.get()
    assert message.subject == "【逾期通知】甲社区团支部：2026年11月支委会未完成"
    assert "已经结束" in message.body and "同时发送给上级团组织" in message.body


def test_reminders_of_the_root_go_to_staff_and_orphans_have_no_recipient(people, staff):
    OrganisationFactory(name="丙街道团工委", kind=Kind.SUBDISTRICT, parent=people.root)
    ObligationFactory(organisation_kinds=[Kind.DISTRICT, Kind.SUBDISTRICT])
    result = reminders_reconcile(now=at("2026-11-25 08:30"))
    assert _keys() == {
        (ReminderKind.UPCOMING, "共青团测试区委员会", "staff", date(2026, 11, 1)),
        (ReminderKind.UPCOMING, "甲街道团工委", "secretary_a", date(2026, 11, 1)),
        (ReminderKind.UPCOMING, "乙街道团工委", "secretary_b", date(2026, 11, 1)),
    }
    # 丙 has no secretary account and nobody above it but the district: nobody to remind
    # until the period is over, when the overdue notice reaches staff.
    assert result.no_recipient == 1
    reminders_reconcile(now=at("2026-12-01 08:30"))
    assert (ReminderKind.OVERDUE, "丙街道团工委", "staff", date(2026, 11, 1)) in _keys()


def test_an_inactive_secretary_is_skipped_for_the_nearest_active_one(people, secretary_a):
    branch_secretary = UserFactory(username="gone", organisation=people.branch_a, email="gone@league.example.cn")
    branch_secretary.is_active = False
    branch_secretary.save()
    ObligationFactory()
    reminders_reconcile(now=at("2026-11-25 08:30"))
    assert (ReminderKind.UPCOMING, "甲社区团支部", "secretary_a", date(2026, 11, 1)) in _keys()
    assert not Reminder.objects.filter(recipient=branch_secretary).exists()


def test_a_refused_address_is_recorded_and_retried_without_a_second_inbox_message(people, smtp_server):
    ObligationFactory()
    smtp_server.refuse.add("secretary_a@league.example.cn")
    first = reminders_reconcile(now=at("2026-11-25 08:30"))
    assert first.summary == "sent=1 already_sent=0 failed=1"
    # The good address got its mail over SMTP; the bad one did not stop it.
    assert [recipients for recipients, _ in smtp_server.messages] == [["secretary_b@league.example.cn"]]
    failed = Reminder.objects.get(recipient__username="secretary_a")
    assert (failed.email_status, failed.attempts, failed.sent_at) == (EmailStatus.FAILED, 1, None)
    assert "550" in failed.last_error and "mailbox unavailable" in failed.last_error
    assert Message.objects.filter(recipient__username="secretary_a").count() == 1  # the inbox has it already

    # Attempted once this run: the same run does not hammer it again; the next run retries.
    smtp_server.refuse.clear()
    second = reminders_reconcile(now=at("2026-11-26 08:30"))
    assert second.summary == "sent=1 already_sent=2 failed=0" and second.retried == 1
    failed.refresh_from_db()
    assert (failed.email_status, failed.attempts, failed.last_error) == (EmailStatus.SENT, 2, "")
    assert [r for r, _ in smtp_server.messages][-1] == ["secretary_a@league.example.cn"]
    assert Message.objects.filter(recipient__username="secretary_a").count() == 1
    assert len(smtp_server.messages) == 2


def test_a_retry_goes_to_the_corrected_address(people, smtp_server, secretary_a):
    ObligationFactory()
    smtp_server.refuse.add("secretary_a@league.example.cn")
    reminders_reconcile(now=at("2026-11-25 08:30"))
    secretary_a.email = "chen.xy@league.example.cn"
    secretary_a.save()
    assert reminders_reconcile(now=at("2026-11-26 08:30")).sent == 1
    assert smtp_server.messages[-1][0] == ["chen.xy@league.example.cn"]
    assert Reminder.objects.get(recipient=secretary_a).email_to == "chen.xy@league.example.cn"


def test_one_bad_address_among_many_stops_nobody(people, smtp_server):
    for i in range(4):
        UserFactory(
            username=f"sec{i}",
            organisation=OrganisationFactory(name=f"丁{i}团支部", kind=Kind.BRANCH, parent=people.sub_a),
            email=f"sec{i}@league.example.cn",
        )
    ObligationFactory()
    smtp_server.refuse.add("sec1@league.example.cn")
    result = reminders_reconcile(now=at("2026-11-25 08:30"))
    assert (result.sent, result.failed) == (5, 1)
    delivered = sorted(r[0] for r, _ in smtp_server.messages)
    assert delivered == sorted(
        ["secretary_a@league.example.cn", "secretary_b@league.example.cn"]
        + [f"sec{i}@league.example.cn" for i in (0, 2, 3)]
    )


def test_a_mail_server_that_is_down_loses_nothing(people, settings):
    ObligationFactory()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens on port 1
    down = reminders_reconcile(now=at("2026-11-25 08:30"))
    assert down.summary == "sent=0 already_sent=0 failed=2"
    assert Message.objects.count() == 2  # the inbox does not wait for the mail server
    assert all("Connection" in r.last_error or "refused" in r.last_error for r in Reminder.objects.all())
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    up = reminders_reconcile(now=at("2026-11-26 08:30"))
    assert up.summary == "sent=2 already_sent=2 failed=0" and len(mail.outbox) == 2


def test_retries_stop_after_the_limit_until_staff_ask_again(people, smtp_server):
    ObligationFactory()
    smtp_server.refuse.add("secretary_a@league.example.cn")
    for day in range(MAX_EMAIL_ATTEMPTS + 2):
        reminders_reconcile(now=at("2026-11-24 08:30") + timedelta(days=day, minutes=1))
    row = Reminder.objects.get(recipient__username="secretary_a")
    assert (row.attempts, row.email_status) == (MAX_EMAIL_ATTEMPTS, EmailStatus.FAILED)
    smtp_server.refuse.clear()
    assert reminders_reconcile(now=at("2026-11-30 09:00")).sent == 0
    reminder_retry(reminder=row)
    assert reminders_reconcile(now=at("2026-11-30 09:30")).sent == 1
    row.refresh_from_db()
    assert row.email_status == EmailStatus.SENT


def test_a_recipient_without_an_address_gets_the_inbox_message_only(people, secretary_a):
    secretary_a.email = ""
    secretary_a.save()
    ObligationFactory()
    result = reminders_reconcile(now=at("2026-11-25 08:30"))
    assert result.sent == 2 and len(mail.outbox) == 1
    row = Reminder.objects.get(recipient=secretary_a)
    assert row.email_status == EmailStatus.NO_ADDRESS and row.sent_at is not None
    assert _inbox("secretary_a")


def test_a_dry_run_says_what_it_would_send_and_writes_nothing(people):
    ObligationFactory(name="支委会")
    result = reminders_reconcile(now=at("2026-11-25 08:30"), dry_run=True)
    assert result.summary == "sent=0 already_sent=0 failed=0"
    assert len(result.lines) == 2 and any("甲社区团支部" in line and "secretary_a" in line for line in result.lines)
    assert not Reminder.objects.exists() and not Message.objects.exists() and not mail.outbox
    reminders_reconcile(now=at("2026-11-25 08:30"))
    again = reminders_reconcile(now=at("2026-11-25 08:30"), dry_run=True)
    assert (again.already_sent, again.lines) == (2, [])


def test_term_expiry_notices_go_out_90_and_30_days_ahead(people):
    people.branch_a.term_ends_on = date(2027, 3, 1)
    people.branch_a.save()
    assert reminders_reconcile(now=at("2026-11-30 08:30")).sent == 0  # 91 days ahead
    assert reminders_reconcile(now=at("2026-12-01 08:30")).sent == 1
    assert reminders_reconcile(now=at("2026-12-20 08:30")).sent == 0
    assert reminders_reconcile(now=at("2027-01-30 08:30")).sent == 1  # 30 days ahead
    assert reminders_reconcile(now=at("2027-02-20 08:30")).sent == 0
    assert _keys() == {
        (ReminderKind.TERM_90, "甲社区团支部", "secretary_a", date(2027, 3, 1)),
        (ReminderKind.TERM_30, "甲社区团支部", "secretary_a", date(2027, 3, 1)),
    }
    assert "2027年3月1日届满" in _inbox("secretary_a")[0]
    # A new term is a new date: its notices are new reminders.
    people.branch_a.term_ends_on = date(2030, 3, 1)
    people.branch_a.save()
    assert reminders_reconcile(now=at("2029-12-15 08:30")).sent == 1


def test_a_term_first_seen_inside_30_days_gets_one_notice(people):
    people.branch_b.term_ends_on = date(2026, 12, 10)
    people.branch_b.save()
    reminders_reconcile(now=at("2026-11-25 08:30"))
    assert _keys() == {(ReminderKind.TERM_30, "乙社区团支部", "secretary_b", date(2026, 12, 10))}


def test_ageing_out_notices_go_out_once_a_month(people):
    from members.models import CadreAppointment

    from ..factories import MemberFactory

    MemberFactory(organisation=people.branch_a, birth_date=date(1997, 1, 5))  # 29
    MemberFactory(organisation=people.branch_a, birth_date=date(2001, 1, 5))  # 25
    in_post = MemberFactory(organisation=people.branch_b, birth_date=date(1996, 3, 1))  # 30, but a cadre
    CadreAppointment.objects.create(
        member=in_post, organisation=people.branch_b, kind="part_time", position="书记", started_on=date(2024, 1, 1)
    )
    reminders_reconcile(now=at("2026-11-25 08:30"))
    assert _keys() == {(ReminderKind.AGEING_OUT, "甲社区团支部", "secretary_a", date(2026, 11, 1))}
    assert "有 1 名团员已满28周岁" in _inbox("secretary_a")[0]
    assert reminders_reconcile(now=at("2026-11-26 08:30")).sent == 0
    assert reminders_reconcile(now=at("2026-12-01 08:30")).sent == 1  # still due next month


# --- Period boundaries, under frozen time (the run takes "now" from the clock) ----------------


def _run_frozen(moment, kind: str | None = None) -> set[tuple]:
    with time_machine.travel(moment, tick=False):
        reminders_reconcile()
    return _keys(kind=kind) if kind else _keys()


def test_the_last_minute_of_a_month_is_still_the_month_and_midnight_is_the_next(people):
    ObligationFactory(lead_days=0)
    november = date(2026, 11, 1)
    # 23:59 in Beijing is 15:59 UTC the same day; 00:00 on 1 December is still 30 November in UTC.
    assert _run_frozen(at("2026-11-30 23:59")) == {
        (ReminderKind.UPCOMING, "甲社区团支部", "secretary_a", november),
        (ReminderKind.UPCOMING, "乙社区团支部", "secretary_b", november),
    }
    after = _run_frozen(at("2026-12-01 00:00"))
    assert {k for k in after if k[0] == ReminderKind.OVERDUE} == {
        (ReminderKind.OVERDUE, "甲社区团支部", "secretary_a", november),
        (ReminderKind.OVERDUE, "乙社区团支部", "secretary_b", november),
    }
    # lead_days=0: December's first reminder waits for 31 December.
    assert not any(k[3] == date(2026, 12, 1) for k in after)


def test_the_last_day_of_a_quarter_and_of_a_year(people):
    ObligationFactory(
        frequency=Frequency.QUARTER,
        lead_days=0,
        activity_kinds=[ActivityKind.GENERAL_MEETING],
        active_from=date(2026, 10, 1),
    )
    q4 = date(2026, 10, 1)
    assert _run_frozen(at("2026-12-30 23:59")) == set()
    assert {k[3] for k in _run_frozen(at("2026-12-31 23:59"))} == {q4}
    overdue = {k for k in _run_frozen(at("2027-01-01 00:00")) if k[0] == ReminderKind.OVERDUE}
    assert {(k[1], k[3]) for k in overdue} == {("甲社区团支部", q4), ("乙社区团支部", q4)}


def test_february_of_a_leap_year_ends_on_the_29th(people):
    ObligationFactory(lead_days=7)
    upcoming = ReminderKind.UPCOMING
    # 29 February 2028 - 7 days = 22 February; in 2027, 28 February - 7 = 21 February.
    assert _run_frozen(at("2028-02-21 08:30"), upcoming) == set()
    assert {k[3] for k in _run_frozen(at("2028-02-22 08:30"), upcoming)} == {date(2028, 2, 1)}
    assert {k[3] for k in _run_frozen(at("2027-02-21 08:30"), upcoming)} == {date(2027, 2, 1), date(2028, 2, 1)}
    Reminder.objects.all().delete()
    Message.objects.all().delete()
    february = date(2028, 2, 1)
    assert {k[3] for k in _run_frozen(at("2028-02-29 23:59"), ReminderKind.UPCOMING)} == {february}
    assert not {k for k in _run_frozen(at("2028-02-29 23:59"), ReminderKind.OVERDUE) if k[3] == february}
    assert {k[3] for k in _run_frozen(at("2028-03-01 00:00"), ReminderKind.OVERDUE) if k[3] == february} == {february}


# --- Crashes and redelivery -------------------------------------------------------------------------


def test_a_run_that_dies_while_claiming_leaves_nothing_and_the_next_sends_all(people, monkeypatch):
    ObligationFactory()
    from obligations.services import reminders as module

    def crash(*args, **kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(module.Message.objects, "bulk_create", crash)
    with pytest.raises(RuntimeError):
        reminders_reconcile(now=at("2026-11-25 08:30"))
    assert not Reminder.objects.exists() and not Message.objects.exists() and not mail.outbox
    monkeypatch.undo()
    assert reminders_reconcile(now=at("2026-11-25 08:30")).summary == "sent=2 already_sent=0 failed=0"


def test_rows_leased_by_a_dead_run_are_taken_over_once_the_lease_expires(people, monkeypatch):
    ObligationFactory()
    from obligations.services import reminders as module

    # The run dies right after committing its claims, before any e-mail.
    monkeypatch.setattr(module, "_deliver", lambda **kwargs: (_ for _ in ()).throw(SystemExit("killed")))
    with time_machine.travel(at("2026-11-25 08:30"), tick=False), pytest.raises(SystemExit):
        reminders_reconcile()
    monkeypatch.undo()
    assert Message.objects.count() == 2 and Reminder.objects.filter(sent_at__isnull=True).count() == 2
    with time_machine.travel(at("2026-11-25 08:31"), tick=False):
        early = reminders_reconcile()
    assert early.summary == "sent=0 already_sent=2 failed=0"  # still leased to the dead run
    with time_machine.travel(at("2026-11-25 08:30") + EMAIL_LEASE + timedelta(seconds=1), tick=False):
        late = reminders_reconcile()
    assert late.summary == "sent=2 already_sent=2 failed=0" and late.retried == 2
    assert len(mail.outbox) == 2 and Message.objects.count() == 2


@pytest.fixture
def scheduled(monkeypatch):
    """The lapsed-lease retries queued for later, as countdowns in seconds, instead of sent."""
    from obligations import tasks

    countdowns = []
    monkeypatch.setattr(tasks.send_lapsed_reminders, "apply_async", lambda countdown=None: countdowns.append(countdown))
    return countdowns


def test_rows_a_dead_run_left_leased_are_sent_by_the_retry_scheduled_for_the_lapse(
    people, monkeypatch, scheduled, django_capture_on_commit_callbacks
):
    """Not at the next daily run: a retry is queued, when the claim commits, for the moment the
    lease lapses; before that it leaves the rows to their run (which may still be alive)."""
    from obligations.services import reminders as module
    from obligations.tasks import send_lapsed_reminders

    ObligationFactory()
    claimed_at = at("2026-11-25 08:30")
    with (
        monkeypatch.context() as patched,
        time_machine.travel(claimed_at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(SystemExit),
    ):
        patched.setattr(module, "_deliver", lambda **kwargs: (_ for _ in ()).throw(SystemExit("killed")))
        reminders_reconcile()
    lease = int(EMAIL_LEASE.total_seconds())
    assert scheduled == [lease + 1] and not mail.outbox

    # Too early (the run might be alive and sending): nothing is sent, and the retry comes back.
    with (
        time_machine.travel(claimed_at + timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_lapsed_reminders() == "sent=0 already_sent=0 failed=0"
    assert not mail.outbox and scheduled == [lease + 1, lease - 60 + 1]

    with (
        time_machine.travel(claimed_at + EMAIL_LEASE + timedelta(seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_lapsed_reminders() == "sent=2 already_sent=0 failed=0"
    assert sorted(m.to[0] for m in mail.outbox) == ["secretary_a@league.example.cn", "secretary_b@league.example.cn"]
    assert not Reminder.objects.filter(sent_at__isnull=True).exists() and Message.objects.count() == 2
    # It leased the rows it sent, so it queued one more look at their lease: that finds nothing.
    assert len(scheduled) == 3
    with time_machine.travel(claimed_at + 2 * EMAIL_LEASE + timedelta(seconds=2), tick=False):
        assert send_lapsed_reminders() == "sent=0 already_sent=0 failed=0"
    assert len(mail.outbox) == 2


def test_the_lapse_retry_leaves_failed_e_mails_to_the_daily_run(people, settings, smtp_server):
    from obligations.tasks import send_lapsed_reminders

    ObligationFactory()
    smtp_server.settings(settings)
    smtp_server.refuse.add("secretary_a@league.example.cn")
    with time_machine.travel(at("2026-11-25 08:30"), tick=False):
        assert reminders_reconcile().failed == 1
    with time_machine.travel(at("2026-11-25 08:30") + EMAIL_LEASE * 2, tick=False):
        assert send_lapsed_reminders() == "sent=0 already_sent=0 failed=0"
    assert Reminder.objects.get(recipient__username="secretary_a").attempts == 1


def test_a_row_another_run_took_over_is_not_sent_by_the_run_that_lost_it(people, monkeypatch):
    """A run whose chunk lease lapsed mid-chunk (a slow SMTP server) renews it before the next
    send, conditionally: a row another run took over in the meantime is left to that run."""
    import uuid

    from django.core.mail.backends.locmem import EmailBackend

    ObligationFactory()
    original = EmailBackend.send_messages

    def first_then_taken_over(self, messages):
        sent = original(self, messages)
        clock.shift(EMAIL_LEASE + timedelta(seconds=1))  # the first send hung past the lease
        lapsed = Reminder.objects.filter(sent_at__isnull=True, leased_until__lt=timezone.now())
        others = lapsed.exclude(email_to=messages[0].to[0])
        assert others.update(lease_token=uuid.uuid4(), leased_until=timezone.now() + EMAIL_LEASE) == 1
        return sent

    monkeypatch.setattr(EmailBackend, "send_messages", first_then_taken_over)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        result = reminders_reconcile(now=at("2026-11-25 08:30"))
    assert len(mail.outbox) == 1 and result.sent == 1
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 1  # its new holder sends it


def test_a_redelivered_task_changes_nothing(people):
    from obligations.tasks import reconcile_reminders

    assert reconcile_reminders.acks_late
    ObligationFactory()
    now = at("2026-11-25 08:30").isoformat()
    first = reconcile_reminders.apply(kwargs={"now": now}).get()
    snapshot = (Reminder.objects.count(), Message.objects.count(), len(mail.outbox))
    # A broker redelivers a message whose worker died before acknowledging it.
    again = reconcile_reminders.apply(kwargs={"now": now}, headers={"redelivered": True}).get()
    assert first == "sent=2 already_sent=0 failed=0" and again == "sent=0 already_sent=2 failed=0"
    assert (Reminder.objects.count(), Message.objects.count(), len(mail.outbox)) == snapshot


def test_the_recipients_of_staff_reminders_are_staff_accounts_only(people, leader):
    ObligationFactory(organisation_kinds=[Kind.DISTRICT])
    reminders_reconcile(now=at("2026-11-25 08:30"))
    assert set(Reminder.objects.values_list("recipient__role", flat=True)) == {Role.STAFF}


def test_an_indicator_obligation_is_reminded_in_terms_of_the_monthly_figure(people):
    from activities.models import Indicator, IndicatorValue

    registration = Indicator.objects.get(code="registration_done")
    ObligationFactory(
        name="团籍注册",
        activity_kinds=[],
        min_count=None,
        indicator=registration,
        indicator_min=1,
        frequency=Frequency.YEAR,
        lead_days=30,
        active_from=date(2026, 1, 1),
    )
    IndicatorValue.objects.create(indicator=registration, organisation=people.branch_b, month=date(2026, 9, 1), value=1)
    reminders_reconcile(now=at("2026-12-02 08:30"))
    assert _keys() == {(ReminderKind.UPCOMING, "甲社区团支部", "secretary_a", date(2026, 1, 1))}
    body = Message.objects.get().body
    # The issue's own example sentence (#28).
    assert body.startswith("甲社区团支部2026年团籍注册尚未填报，请于12月31日前完成（还有 29 天）。")
    assert "已审核通过" not in body
