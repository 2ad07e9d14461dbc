"""The pages: compliance, a cell, what's due, the inbox, obligations, the schedule, the ledger, the export."""

import io
import re
import uuid
from datetime import date, time, timedelta

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from activities.models import ActivityKind
from branches.models import Kind
from core.review.models import Status
from obligations.models import EmailStatus, Message, Obligation, Reminder
from obligations.services import reminders_reconcile
from obligations.services.schedule import REMINDER_TASK

from ..activities.factories import ActivityFactory
from .conftest import at
from .factories import ObligationFactory

pytestmark = pytest.mark.usefixtures("no_default_obligations")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(at("2026-11-25 10:00"), tick=True):
        yield


@pytest.fixture
def meeting(district):
    """支委会 monthly for branches: branch_a held one (approved), branch_b none."""
    ob = ObligationFactory(name="支委会", active_from=date(2026, 11, 1))
    ActivityFactory(
        title="十一月支委会",
        organisation=district.branch_a,
        kind=ActivityKind.COMMITTEE_MEETING,
        start_date=date(2026, 11, 5),
    )
    return ob


@pytest.fixture
def messages(district, secretary_a, secretary_b, meeting):
    """Two reminders for secretary_a (团小组会, then 团课), three for secretary_b (支委会 too)."""
    ObligationFactory(name="团小组会", activity_kinds=[ActivityKind.GROUP_MEETING], active_from=date(2026, 11, 1))
    reminders_reconcile(now=at("2026-11-25 08:30"))
    ObligationFactory(name="团课", activity_kinds=[ActivityKind.LEAGUE_LECTURE], active_from=date(2026, 11, 1))
    reminders_reconcile(now=at("2026-11-25 09:00"))
    return {
        "a": list(Message.objects.filter(recipient=secretary_a).order_by("id")),
        "b": list(Message.objects.filter(recipient=secretary_b).order_by("id")),
    }


# --- Compliance page ---------------------------------------------------------------------------


def test_staff_see_the_whole_district_with_what_counted(staff_client, meeting, district):
    response = staff_client.get(reverse("obligations:compliance"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "甲社区团支部" in html and "乙社区团支部" in html
    assert 'data-status="met"' in html and 'data-status="due"' in html
    assert "1/1 次" in html and "0/1 次" in html
    summary = response.context["summaries"][0]
    assert (summary.met, summary.due, summary.percent) == (1, 1, 50)


def test_the_cached_table_and_due_list_follow_a_new_record_at_once(staff_client, secretary_b_client, meeting, district):
    def summary():
        return staff_client.get(reverse("obligations:compliance")).context["summaries"][0]

    def due_names():
        due = secretary_b_client.get(reverse("obligations:due")).context["due"]
        return [cell.obligation.name for cell in due.current]

    assert (summary().met, summary().due) == (1, 1)  # the second read is the cached one
    assert due_names() == due_names() == ["支委会"]
    ActivityFactory(organisation=district.branch_b, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 11, 6))
    assert (summary().met, summary().due) == (2, 0)
    assert due_names() == []


def test_a_secretary_sees_only_their_subtree(secretary_a_client, meeting):
    html = secretary_a_client.get(reverse("obligations:compliance")).content.decode()
    assert "甲社区团支部" in html and "乙社区团支部" not in html


def test_a_secretary_cannot_widen_the_table_through_the_filters(secretary_a_client, meeting, district):
    response = secretary_a_client.get(reverse("obligations:compliance"), {"organisation": district.sub_b.pk})
    assert response.status_code == 200
    assert response.context["result"] is None and "乙社区团支部" not in response.content.decode()


def test_past_periods_and_status_filter(staff_client, meeting, district):
    ActivityFactory(organisation=district.branch_b, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 12, 2))
    response = staff_client.get(reverse("obligations:compliance"), {"period": "previous"})
    # October was before the obligation came into force: nothing was owed.
    assert response.context["result"].organisation_ids == [] and response.context["summaries"] == []
    response = staff_client.get(
        reverse("obligations:compliance"), {"period": "date", "on": "2026-11-10", "status": "due"}
    )
    orgs = [row["organisation"].name for row in response.context["rows"]]
    assert orgs == ["乙社区团支部"]
    bad = staff_client.get(reverse("obligations:compliance"), {"period": "date"})
    assert bad.context["result"] is None and "请选择日期" in bad.content.decode()


def test_the_overview_is_evaluated_once_and_each_page_only_for_its_rows(staff_client, meeting, district, monkeypatch):
    from obligations import filters

    monkeypatch.setattr(filters, "PAGE_SIZE", 1)
    overviews, pages = [], []
    real = filters.selectors.compliance

    def spying(**kw):
        within = kw.get("within")
        picked = within is not None and within.children and within.children[0][0] == "pk__in"
        (pages if picked else overviews).append(list(within.children[0][1]) if picked else within)
        return real(**kw)

    monkeypatch.setattr(filters.selectors, "compliance", spying)

    def rows(page):
        response = staff_client.get(reverse("obligations:compliance"), {"page": page})
        return [row["organisation"].name for row in response.context["rows"]], response.context["summaries"][0]

    first, summary = rows(1)
    second, again = rows(2)
    assert (first, second) == (["甲社区团支部"], ["乙社区团支部"])
    assert (summary.met, summary.due) == (again.met, again.due) == (1, 1)  # the whole table's, on each page
    assert rows(99)[0] == ["乙社区团支部"]  # past the end: the last page, as the paginator does
    assert len(overviews) == 1  # the overview's parts were kept between the views
    # Each view: the filter's shape (no organisation), then its own page's organisations only.
    assert [ids for ids in pages if ids] == [[district.branch_a.pk], [district.branch_b.pk], [district.branch_b.pk]]
    ActivityFactory(organisation=district.branch_b, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 11, 6))
    assert rows(2)[1].met == 2
    assert len(overviews) == 2


def test_a_row_links_each_cell_and_shows_what_awaits_review(staff_client, meeting, district):
    """The table's rows: each cell links to its own page for its period, under
    the organisation's parent; a record awaiting review that would meet the obligation is shown."""
    ActivityFactory(
        organisation=district.branch_b,
        kind=ActivityKind.COMMITTEE_MEETING,
        start_date=date(2026, 11, 12),
        status=Status.SUBMITTED,
    )
    html = staff_client.get(reverse("obligations:compliance")).content.decode()

    def row(org):
        return re.search(rf'<tr data-organisation="{org.pk}">(.*?)</tr>', html, re.S).group(1)

    cell = reverse("obligations:cell", args=[district.branch_b.pk, meeting.pk])
    b = row(district.branch_b)
    assert f'href="{cell}?on=2026-11-01"' in b and district.sub_b.display_name in b
    assert 'data-status="due"' in b and "0/1 次" in b and "待审核 1 次" in b
    assert 'title="待审核记录通过后即可完成">待审核</span>' in b
    a = row(district.branch_a)
    assert 'data-status="met"' in a and "已完成" in a and "待审核" not in a


def test_an_empty_table_says_so_across_every_column(staff_client, meeting, district):
    ObligationFactory(name="团小组会", activity_kinds=[ActivityKind.GROUP_MEETING], active_from=date(2026, 11, 1))
    response = staff_client.get(reverse("obligations:compliance"), {"status": "overdue"})
    assert response.context["rows"] == []
    columns = len(response.context["result"].obligations) + 1
    assert columns == 3
    assert f'<td colspan="{columns}" class="text-muted">没有符合条件的组织。</td>' in response.content.decode()


def test_compliance_page_queries_do_not_grow_with_the_tree(staff_client, meeting, district):
    from ..factories import OrganisationFactory

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert staff_client.get(reverse("obligations:compliance")).status_code == 200
        return len(ctx)

    before = count()
    for i in range(25):
        OrganisationFactory(name=f"新团支部{i}", kind=Kind.BRANCH, parent=district.sub_b)
    assert count() == before


def test_the_compliance_overview_adds_up_from_parts_and_follows_a_meeting(staff_client, meeting, district, monkeypatch):
    """The overview is added up from the tree's parts (core.parts), each cached apart: cut into
    parts of one organisation or left whole, the page says the same; a meeting logged in one
    branch reaches it at once, its part recomputed while the others are read from the cache."""
    from core import parts as parts_module

    def shown() -> tuple:
        response = staff_client.get(reverse("obligations:compliance"))
        total = response.context["total"]
        summaries = [(s.obligation.name, s.met, s.due, s.overdue) for s in response.context["summaries"]]
        rows = [(row["organisation"].name, [c and c.status for c in row["cells"]]) for row in response.context["rows"]]
        return (total.demanded, total.met, total.due, total.overdue), summaries, rows

    whole = shown()
    assert whole[0] == (2, 1, 1, 0) and [name for name, _ in whole[2]] == ["甲社区团支部", "乙社区团支部"]
    monkeypatch.setattr(parts_module, "PART_SIZE", 1)
    assert shown() == whole
    ActivityFactory(organisation=district.branch_b, kind=ActivityKind.COMMITTEE_MEETING, start_date=date(2026, 11, 6))
    after = shown()
    assert after[0] == (2, 2, 0, 0) and after[1] == [("支委会", 2, 0, 0)]
    assert after[2] == [("甲社区团支部", ["met"]), ("乙社区团支部", ["met"])]


def test_compliance_page_refusals(client, leader_client, staff_client, meeting):
    url = reverse("obligations:compliance")
    assert client.get(url).status_code == 302 and "/login/" in client.get(url)["Location"]
    assert leader_client.get(url).status_code == 200
    assert staff_client.post(url).status_code == 405


# --- One cell ----------------------------------------------------------------------------------------


def test_a_cell_lists_the_activities_and_the_last_periods(staff_client, meeting, district):
    ActivityFactory(
        title="待审支委会",
        organisation=district.branch_a,
        kind=ActivityKind.COMMITTEE_MEETING,
        start_date=date(2026, 11, 20),
        status=Status.SUBMITTED,
    )
    url = reverse("obligations:cell", args=[district.branch_a.pk, meeting.pk])
    response = staff_client.get(url, {"on": "2026-11-01"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "十一月支委会" in html and "待审支委会" in html and "已完成" in html
    assert len(response.context["history"]) == 6


def test_a_secretary_gets_404_for_another_subtrees_cell(secretary_a_client, meeting, district):
    url = reverse("obligations:cell", args=[district.branch_b.pk, meeting.pk])
    assert secretary_a_client.get(url).status_code == 404
    assert secretary_a_client.post(url).status_code == 404
    own = reverse("obligations:cell", args=[district.branch_a.pk, meeting.pk])
    assert secretary_a_client.get(own).status_code == 200
    assert secretary_a_client.post(own).status_code == 405


def test_an_unknown_obligation_is_404(staff_client, district):
    assert staff_client.get(reverse("obligations:cell", args=[district.branch_a.pk, 99999])).status_code == 404


# --- What's due ------------------------------------------------------------------------------------


def test_whats_due_lists_the_secretarys_open_items(secretary_b_client, meeting, district):
    district.branch_b.term_ends_on = date(2027, 1, 31)
    district.branch_b.save()
    response = secretary_b_client.get(reverse("obligations:due"))
    due = response.context["due"]
    assert [(c.organisation.name, c.obligation.name) for c in due.current] == [("乙社区团支部", "支委会")]
    assert [t.organisation.name for t in due.terms] == ["乙社区团支部"]
    html = response.content.decode()
    assert "还剩 5 天" in html and "即将换届" in html


def test_whats_due_is_empty_when_all_is_done(secretary_a_client, meeting):
    response = secretary_a_client.get(reverse("obligations:due"))
    assert response.context["due"].total == 0 and "目前没有待办事项" in response.content.decode()


def test_whats_due_refuses_another_subtree_as_filter(secretary_a_client, meeting, district):
    response = secretary_a_client.get(reverse("obligations:due"), {"organisation": district.sub_b.pk})
    assert response.context["due"] is None


# --- Inbox -------------------------------------------------------------------------------------------


def test_the_inbox_lists_own_messages_and_the_badge_counts_unread(secretary_a_client, messages):
    response = secretary_a_client.get(reverse("obligations:inbox"))
    html = response.content.decode()
    assert [m.pk for m in response.context["inbox"]] == [m.pk for m in reversed(messages["a"])]
    assert re.search(r'id="inbox-unread">2<', html)
    assert "乙社区团支部" not in html


def test_the_badge_costs_one_query(secretary_a_client, messages):
    with CaptureQueriesContext(connection) as ctx:
        secretary_a_client.get(reverse("obligations:list"))
    counting = [q["sql"] for q in ctx.captured_queries if "obligations_message" in q["sql"]]
    assert len(counting) == 1 and "COUNT" in counting[0].upper()


def test_mark_read_one_and_all(secretary_a_client, messages):
    first, second = messages["a"]
    response = secretary_a_client.post(reverse("obligations:message_read", args=[first.pk]))
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None
    html = secretary_a_client.get(reverse("obligations:inbox")).content.decode()
    assert re.search(r'id="inbox-unread">1<', html)
    secretary_a_client.post(reverse("obligations:inbox_read_all"))
    assert not Message.objects.filter(recipient=first.recipient, read_at__isnull=True).exists()
    assert 'id="inbox-unread"' not in secretary_a_client.get(reverse("obligations:inbox")).content.decode()


def test_unread_messages_are_open_and_read_ones_folded(secretary_a_client, messages):
    first, second = messages["a"]
    secretary_a_client.post(reverse("obligations:message_read", args=[first.pk]))
    html = secretary_a_client.get(reverse("obligations:inbox")).content.decode()
    folded = re.search(rf'<details class="list-group-item inbox-read" data-message="{first.pk}"', html)
    assert folded, "a read message is folded to its title"
    assert re.search(
        rf'<div class="list-group-item list-group-item-warning inbox-unread" data-message="{second.pk}"', html
    )
    assert (
        f'data-message="{second.pk}"' not in html[folded.start() :]
        or html.index(f'data-message="{second.pk}"') < folded.start()
    )


def test_the_inbox_is_paged(secretary_a_client, secretary_a, messages):
    Message.objects.bulk_create(Message(recipient=secretary_a, subject=f"消息{i}", body="内容") for i in range(35))
    response = secretary_a_client.get(reverse("obligations:inbox"))
    assert len(response.context["inbox"]) == 30 and response.context["page_obj"].paginator.num_pages == 2


def test_open_marks_read_and_follows_the_link(secretary_a_client, messages):
    message = messages["a"][0]
    response = secretary_a_client.post(reverse("obligations:message_open", args=[message.pk]))
    assert response.status_code == 302 and response["Location"] == message.link
    assert secretary_a_client.get(response["Location"]).status_code == 200
    message.refresh_from_db()
    assert message.read_at is not None


def test_another_users_message_is_404_and_stays_unread(secretary_a_client, staff_client, messages):
    other = messages["b"][0]
    for name in ("obligations:message_read", "obligations:message_open"):
        assert secretary_a_client.post(reverse(name, args=[other.pk])).status_code == 404
        assert staff_client.post(reverse(name, args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_inbox_actions_are_post_only(secretary_a_client, messages):
    message = messages["a"][0]
    assert secretary_a_client.get(reverse("obligations:message_read", args=[message.pk])).status_code == 405
    assert secretary_a_client.get(reverse("obligations:inbox_read_all")).status_code == 405
    message.refresh_from_db()
    assert message.read_at is None


def test_a_foreign_next_url_is_not_followed(secretary_a_client, messages):
    message = messages["a"][0]
    response = secretary_a_client.post(
        reverse("obligations:message_read", args=[message.pk]), {"next": "https://evil.example.com/"}
    )
    assert response["Location"] == reverse("obligations:inbox")


# --- Obligations -------------------------------------------------------------------------------------


def _form(**overrides) -> dict:
    data = {
        "name": "每月主题团日",
        "description": "",
        "target": "organisations",
        "organisation_kinds": ["branch"],
        "activity_kinds": ["theme_day"],
        "frequency": "month",
        "min_count": "1",
        "lead_days": "5",
        "active_from": "2026-12-01",
        "active": "on",
        "remind": "on",
        "position": "100",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_add_an_obligation(staff_client, staff):
    response = staff_client.post(reverse("obligations:create"), _form())
    assert response.status_code == 302
    ob = Obligation.objects.get(name="每月主题团日")
    assert (ob.organisation_kinds, ob.activity_kinds, ob.lead_days) == (["branch"], ["theme_day"], 5)
    assert ob.history.get().history_user == staff


def test_an_invalid_obligation_is_shown_again_with_the_errors(staff_client):
    response = staff_client.post(
        reverse("obligations:create"),
        _form(organisation_kinds=None, activity_kinds=None, min_count="", lead_days="40"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"organisation_kinds", "activity_kinds", "min_count", "lead_days"} <= set(errors)
    assert "请选择适用的组织类型" in response.content.decode()
    assert response.context["form"]["name"].value() == "每月主题团日"
    assert not Obligation.objects.exists()


def test_staff_change_an_obligation(staff_client, meeting):
    url = reverse("obligations:update", args=[meeting.pk])
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(url, _form(name="支委会（每月）", activity_kinds=["committee_meeting"], active=None))
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.name == "支委会（每月）" and not meeting.active


@pytest.mark.parametrize("persona", ["secretary_a_client", "leader_client"])
def test_only_staff_manage_obligations(persona, request, meeting):
    client = request.getfixturevalue(persona)
    for url in (reverse("obligations:create"), reverse("obligations:update", args=[meeting.pk])):
        assert client.get(url).status_code == 403
        assert client.post(url, _form()).status_code == 403
    assert client.get(reverse("obligations:list")).status_code == 200
    assert Obligation.objects.count() == 1


# --- Schedule and ledger -------------------------------------------------------------------------------


def test_the_schedule_defaults_to_0830_beijing_and_staff_change_it(staff_client, staff):
    task = PeriodicTask.objects.get(task=REMINDER_TASK)
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone)) == ("8", "30", "Asia/Shanghai")
    page = staff_client.get(reverse("obligations:schedule"))
    assert page.context["form"].initial["at"] == time(8, 30)
    response = staff_client.post(reverse("obligations:schedule"), {"at": "07:45", "enabled": "on"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute, str(task.crontab.timezone), task.enabled) == (
        "7",
        "45",
        "Asia/Shanghai",
        True,
    )
    staff_client.post(reverse("obligations:schedule"), {"at": "07:45"})
    task.refresh_from_db()
    assert not task.enabled


def test_a_bad_time_is_refused(staff_client):
    response = staff_client.post(reverse("obligations:schedule"), {"at": "25:99", "enabled": "on"})
    assert response.status_code == 200 and response.context["form"].errors
    assert PeriodicTask.objects.get(task=REMINDER_TASK).crontab.hour == "8"


@pytest.mark.parametrize("persona", ["secretary_a_client", "leader_client"])
def test_only_staff_manage_the_schedule(persona, request):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("obligations:schedule")).status_code == 403
    assert client.post(reverse("obligations:schedule"), {"at": "06:00", "enabled": "on"}).status_code == 403
    assert client.post(reverse("obligations:run_now")).status_code == 403
    assert PeriodicTask.objects.get(task=REMINDER_TASK).crontab.hour == "8"


def test_the_ledger_is_read_in_scope_and_only_staff_retry(district, staff, secretary_a_client, leader_client):
    import uuid

    from obligations.models import EmailStatus, Reminder, ReminderKind

    for org in (district.branch_a, district.branch_b):
        Reminder.objects.create(
            organisation=org,
            period_start=date(2024, 1, 1),
            period_end=date(2024, 3, 31),
            kind=ReminderKind.TERM_30,
            recipient=staff,
            run_id=uuid.uuid4(),
            email_status=EmailStatus.FAILED,
            attempts=1,
        )
    mine = secretary_a_client.get(reverse("obligations:reminders"))
    assert [r.organisation for r in mine.context["reminders"]] == [district.branch_a]
    html = mine.content.decode()
    assert district.branch_b.name not in html and "重试" not in html and "立即检查一次" not in html
    with CaptureQueriesContext(connection) as queries:
        everything = leader_client.get(reverse("obligations:reminders"))
    assert everything.context["page_obj"].paginator.count == 2 and "重试" not in everything.content.decode()
    # The count is the e-mail statuses' sum: no COUNT of the ledger of its own.
    assert not [
        q
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "obligations_reminder"')
    ]
    dated = leader_client.get(reverse("obligations:reminders"), {"created_from": "2999-01-01"})
    assert dated.context["page_obj"].paginator.count == 0


def test_run_now_queues_the_task_after_commit(staff_client, django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    from obligations import tasks

    monkeypatch.setattr(tasks.reconcile_reminders, "delay", lambda *a, **k: queued.append((a, k)))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(reverse("obligations:run_now"))
    assert response.status_code == 302 and len(callbacks) == 1 and queued == [((), {})]
    assert staff_client.get(reverse("obligations:run_now")).status_code == 405


def test_the_ledger_shows_failures_and_staff_retry_them(staff_client, messages, secretary_a):
    row = Reminder.objects.filter(recipient=secretary_a).first()
    Reminder.objects.filter(pk=row.pk).update(
        email_status=EmailStatus.FAILED, sent_at=None, attempts=5, last_error="SMTPRecipientsRefused: 550"
    )
    response = staff_client.get(reverse("obligations:reminders"), {"email_status": "failed"})
    assert [r.pk for r in response.context["reminders"]] == [row.pk]
    assert "已停止重试" in response.content.decode()
    staff_client.post(reverse("obligations:reminder_retry", args=[row.pk]))
    row.refresh_from_db()
    assert row.attempts == 0
    inbox_only = Reminder.objects.exclude(pk=row.pk).first()  # the test users have no e-mail address
    assert inbox_only.email_status == EmailStatus.NO_ADDRESS
    response = staff_client.post(reverse("obligations:reminder_retry", args=[inbox_only.pk]), follow=True)
    assert "只有发送失败的提醒邮件可以重试" in response.content.decode()


def test_the_ledger_reads_its_rows_in_a_fixed_number_of_queries(staff_client, messages, district, staff):
    """The rows read only the columns they show (the view's ``row_fields``): a column shown and
    not read would cost a query per row, and more rows would cost more queries."""

    def ledger():
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse("obligations:reminders"))
        return response, len(queries)

    few, few_queries = ledger()
    shown = len(few.context["reminders"])
    staff.first_name, staff.last_name, staff.email = "明", "李", "li.ming@example.org"
    staff.save()
    for n in range(6):
        Reminder.objects.create(
            organisation=district.branch_a,
            obligation=Obligation.objects.first(),
            period_start=date(2026, n + 1, 1),
            period_end=date(2026, n + 2, 1) - timedelta(days=1),
            kind="term_30",
            recipient=staff,
            email_to=staff.email,
            run_id=uuid.uuid4(),
            email_status=EmailStatus.FAILED,
            attempts=2,
            last_error=f"SMTP 550 #{n}",
        )
    many, many_queries = ledger()
    assert len(many.context["reminders"]) == shown + 6 and many_queries == few_queries
    html = many.content.decode()
    for shown_text in ("李明", "li.ming@example.org", "SMTP 550 #5", "2026年6月"):
        assert shown_text in html, shown_text


def test_the_ledger_filter_refuses_nothing_outside_staff_scope(staff_client, messages, district):
    response = staff_client.get(reverse("obligations:reminders"), {"organisation": district.sub_b.pk})
    assert {r.organisation.name for r in response.context["reminders"]} == {"乙社区团支部"}


# --- Export ------------------------------------------------------------------------------------------


def _rows(content: bytes, sheet: int = 0) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return list(book.worksheets[sheet].iter_rows(values_only=True))


def test_the_compliance_export_matches_the_page(staff_client, meeting, district):
    response = staff_client.post(reverse("core:export_start"), {"exporter": "compliance", "query": ""})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = _rows(response.content)
    assert rows[0][:5] == ("组织", "上级组织", "组织类型", "履职要求", "周期")
    table = {(r[0], r[3]): r for r in rows[1:]}
    assert table[("甲社区团支部", "支委会")][9] == 1 and table[("甲社区团支部", "支委会")][14] == "已完成"
    assert table[("乙社区团支部", "支委会")][9] == 0 and table[("乙社区团支部", "支委会")][14] == "待完成"
    assert _rows(response.content, 1)[1][:6] == ("支委会", "2026年11月", 2, 1, 1, 0)


def test_a_secretarys_export_holds_only_their_subtree(secretary_a_client, meeting, district):
    for query in ("", f"organisation={district.sub_b.pk}"):
        response = secretary_a_client.post(reverse("core:export_start"), {"exporter": "compliance", "query": query})
        names = {r[0] for r in _rows(response.content)[1:]}
        assert "乙社区团支部" not in names
