"""The five journeys of issue #11, each end to end in a real browser over the demo district.

The journeys share one live server and one load of the demo data (``journey``); each leaves
the district in a state the others do not depend on. Each saves a screenshot of its last page
to test-artifacts/.
"""

import io
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import docx
import pytest
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts.models import User
from activities import selectors as activity_selectors
from activities.models import Activity
from activities.periods import Period, period_containing
from branches.models import Kind, Organisation
from core.review.models import Status
from members import idcard
from members.models import Member
from obligations import selectors as obligation_selectors
from obligations.models import Message, Reminder, ReminderKind
from reports.content import ReportContent
from reports.exporters.annex import plain_label
from reports.models import Report
from reports.numbers import Style

from .. import celery_processes as workers
from .conftest import login, photo_file

pytestmark = pytest.mark.e2e

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Celery job, a report compile or a render on a slow, shared machine.
SLOW = 240_000


def _digits(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def dashboard_figure(page, server, key: str) -> int:
    """A figure on the staff dashboard (core:home): ``<a data-figure="KEY" href="...">N</a>``."""
    page.goto(f"{server.url}/")
    return _digits(page.locator(f'a[data-figure="{key}"]').inner_text())


# --- 1. Logging, review and the dashboard ---------------------------------------------------


def test_journey_1_logging_review_and_the_dashboard(journey, open_page, screenshot, tmp_path):
    title = "主题团日：青春心向党 建功新时代（端到端）"
    today = timezone.localdate()  # Asia/Shanghai, as the dashboard's month is

    secretary = open_page("phone")
    login(secretary, journey, "secretary_a")
    secretary.goto(f"{journey.url}/activities/new/")
    assert secretary.evaluate("document.documentElement.scrollWidth") <= 390
    secretary.fill("#id_title", title)
    secretary.select_option("#id_kind", "theme_day")
    secretary.fill("#id_start_date", today.isoformat())
    secretary.fill("#id_location", "社区党群服务中心")
    secretary.fill("#id_participants", "20")
    secretary.fill("#id_person_times", "20")
    secretary.fill("#id_summary", "组织团员重温入团誓词，交流学习体会。")
    secretary.set_input_files("#id_photos", str(photo_file(tmp_path)))
    secretary.get_by_role("button", name="保存并提交审核").click()
    secretary.locator("h1").get_by_text("待审核").wait_for()
    activity = Activity.objects.get(title=title)
    assert activity.status == Status.SUBMITTED and activity.files.count() == 1
    assert activity.start_date == today and activity.created_by.username == "secretary_a"

    # Staff return it with a comment.
    comment = "参与人数与签到表不符，请核对后重新提交。"
    staff = open_page("desktop")
    login(staff, journey, "staff")
    staff.goto(f"{journey.url}/activities/{activity.pk}/")
    staff.get_by_role("link", name="退回").click()
    staff.get_by_label("审核意见").fill(comment)
    staff.get_by_role("button", name="退回").click()
    # 退回并审核下一条: on to the next record, or the emptied queue.
    staff.get_by_text("填报人会看到审核意见").wait_for()
    activity.refresh_from_db()
    assert activity.status == Status.RETURNED

    # The secretary sees the comment, corrects the record and resubmits.
    secretary.goto(f"{journey.url}/activities/{activity.pk}/")
    assert comment in secretary.locator("#review-comment").inner_text()
    secretary.get_by_role("link", name="编辑").click()
    assert comment in secretary.locator(".activity-form-wrap .alert-danger").inner_text()
    secretary.fill("#id_participants", "24")
    secretary.fill("#id_person_times", "24")
    secretary.get_by_role("button", name="保存并提交审核").click()
    secretary.locator("h1").get_by_text("待审核").wait_for()
    activity.refresh_from_db()
    assert (activity.status, activity.participants) == (Status.SUBMITTED, 24)

    # Staff approve it, and this month's figure on the dashboard counts it.
    before = dashboard_figure(staff, journey, "month_activities")
    staff.goto(f"{journey.url}/activities/{activity.pk}/")
    staff.get_by_role("button", name="仅通过").click()
    staff.locator("h1").get_by_text("已通过").wait_for()
    activity.refresh_from_db()
    assert activity.status == Status.APPROVED
    after = dashboard_figure(staff, journey, "month_activities")
    assert after == before + 1
    staff.locator('a[data-figure="month_activities"]').click()
    staff.get_by_role("link", name=title).wait_for()
    # The figure's link is the list behind it: the same count, filtered the same way.
    assert _digits(staff.locator("#activity-totals strong").first.inner_text()) == after
    screenshot(staff, "journey-1-dashboard-list")


# --- 2. Roster import -------------------------------------------------------------------------


def _roster(template: bytes, rows: list[dict]) -> tuple[bytes, dict[str, int]]:
    """The downloaded template with ``rows`` filled in under its own headers."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.active
    columns = {cell.value: cell.column for cell in sheet[1] if cell.value}
    for r, row in enumerate(rows, start=2):
        for header, value in row.items():
            sheet.cell(row=r, column=columns[header], value=value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), columns


def test_journey_2_roster_import(journey, open_page, screenshot, tmp_path):
    org = Organisation.objects.filter(kind=Kind.BRANCH, active=True).order_by("path").first()
    people = [("端测甲", date(2004, 5, 4), 11), ("端测乙", date(2005, 3, 18), 22), ("端测丙", date(2006, 11, 2), 33)]
    # Valid numbers of an area the demo roster does not use, so every row is a new member.
    rows = [
        {"姓名": name, "身份证号码": idcard.make("110101", born, seq), "人员类别": "团员"} for name, born, seq in people
    ]
    rows[2]["手机号码"] = "110"  # the one bad row
    names = [name for name, _, _ in people]

    page = open_page("desktop")
    login(page, journey, "staff")
    page.goto(f"{journey.url}/members/import/")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载导入模板（.xlsx）").click()
    template = download.value.path().read_bytes()

    bad, columns = _roster(template, rows)
    (tmp_path / "花名册.xlsx").write_bytes(bad)
    page.get_by_label("导入到组织").select_option(str(org.pk))
    page.get_by_label("花名册文件（.xlsx）").set_input_files(str(tmp_path / "花名册.xlsx"))
    page.get_by_role("button", name="上传并预览").click()
    problems = page.locator("#import-problems tbody tr")
    problems.first.wait_for()
    assert problems.count() == 1
    row, column, message = problems.first.locator("td").all_inner_texts()
    assert row == "第 4 行"  # the header is row 1, the third person row 4
    assert column == f"{get_column_letter(columns['手机号码'])} 列 手机号码"
    assert "手机号码" in message
    assert page.get_by_text("未导入任何数据").is_visible()
    assert not Member.objects.filter(name__in=names).exists()

    rows[2]["手机号码"] = "13907710123"
    good, _ = _roster(template, rows)
    (tmp_path / "花名册（已改）.xlsx").write_bytes(good)
    page.get_by_role("link", name="重新上传").click()
    page.get_by_label("导入到组织").select_option(str(org.pk))
    page.get_by_label("花名册文件（.xlsx）").set_input_files(str(tmp_path / "花名册（已改）.xlsx"))
    page.get_by_role("button", name="上传并预览").click()
    assert page.locator("#import-rows tbody tr").count() == 3
    page.get_by_role("button", name=re.compile(r"^确认导入（新增 3 人")).click()
    page.get_by_text("导入完成：新增 3 人").wait_for()
    assert set(Member.objects.filter(name__in=names, organisation=org).values_list("name", flat=True)) == set(names)

    page.goto(f"{journey.url}/members/")
    page.get_by_label("姓名").fill("端测")
    page.get_by_role("button", name="筛选").click()
    for name in names:
        page.locator("#member-table").get_by_role("link", name=name).wait_for()
    screenshot(page, "journey-2-members")


# --- 3. The report ----------------------------------------------------------------------------


def _table(sheet) -> list[tuple]:
    """An annex sheet's rows below its caption and header (the header stays in view)."""
    return list(sheet.iter_rows(min_row=int(sheet.freeze_panes[1:]), values_only=True))


def _draft(org) -> tuple[Report, ReportContent]:
    report = Report.objects.filter(organisation=org, year=2024, half=1).order_by("-version").first()
    return report, ReportContent.from_json(report.content)


def test_journey_3_the_report(journey, open_page, screenshot, tmp_path, monkeypatch):
    root = Organisation.objects.get_root_nodes().get()
    # The compile and the rendering run in a real worker, as in production.
    monkeypatch.setenv("MEDIA_ROOT", str(journey.media_root))
    with workers.celery_processes(beat=False, log_dir=tmp_path):
        page = open_page("desktop")
        login(page, journey, "staff")
        page.goto(f"{journey.url}/reports/")
        page.get_by_label("编制单位").select_option(str(root.pk))
        page.get_by_label("年度").fill("2024")
        page.get_by_label("半年", exact=True).select_option("1")
        page.get_by_role("button", name="编制 / 打开").click()
        page.locator("article.report-paper").wait_for(timeout=SLOW)  # the page reloads when the job is done
        report, content = _draft(root)
        assert not report.is_final

        # One item's wording: the figures stay placeholders.
        items = [item for sub in content.achievements for item in sub.items if item.figures]
        edited = items[0]
        new_template = edited.template.rstrip("。") + "，受到团员青年普遍欢迎"
        page.locator(f'a[href="/reports/{report.pk}/item/?key={quote(edited.key)}"]').click()
        page.get_by_label("内容").fill(new_template)
        page.get_by_role("button", name="保存").click()
        page.locator("article.report-paper").wait_for()
        report, content = _draft(root)
        assert content.find(edited.key).template == new_template
        edited_text = content.find(edited.key).render()
        paper = page.locator("article.report-paper").inner_text()
        assert edited_text in paper
        assert " 。" not in paper  # an item's sentence runs straight into its full stop

        # One figure's style: an approximate figure (30余场) written exactly instead.
        switched, name = next(
            (item, name)
            for item in items[1:]
            for name, figure in item.figures.items()
            if figure.style == Style.YU and figure.render() != replace(figure, style=Style.EXACT).render()
        )
        approximate = switched.figures[name].render()
        style_form = page.locator(
            f'form.style-form:has(input[name="key"][value="{switched.key}"]):has(input[name="figure"][value="{name}"])'
        )
        with page.expect_navigation():
            style_form.locator("select").select_option(Style.EXACT)  # report.js submits on change
        report, content = _draft(root)
        figure = content.find(switched.key).figures[name]
        assert figure.style == Style.EXACT
        exact = figure.render()
        switched_text = content.find(switched.key).render()
        assert exact in page.locator("article.report-paper").inner_text()

        page.get_by_role("button", name="定稿").click()
        # A draft offers its files too (rendered on request): wait for the finalised page whose
        # background render has finished (the page reloads itself when it has).
        page.locator(".badge", has_text="已定稿").wait_for(timeout=SLOW)
        page.locator("#report-job[hidden]").wait_for(state="attached", timeout=SLOW)
        report.refresh_from_db()
        assert report.is_final and report.docx_file and report.xlsx_file

    leader = open_page("desktop")
    login(leader, journey, "leader")
    leader.goto(f"{journey.url}/reports/")
    leader.locator(f'a[href="/reports/{report.pk}/"]').click()
    with leader.expect_download() as word:
        leader.get_by_role("link", name="下载 Word").click()
    with leader.expect_download() as annex:
        leader.get_by_role("link", name="统计附表").click()
    assert word.value.suggested_filename.endswith(".docx")
    assert annex.value.suggested_filename.endswith(".xlsx")
    word_path, annex_path = tmp_path / word.value.suggested_filename, tmp_path / annex.value.suggested_filename
    word.value.save_as(word_path)
    annex.value.save_as(annex_path)
    screenshot(leader, "journey-3-report")

    # The Word document holds the edited wording and the switched figure.
    document = docx.Document(str(word_path))
    text = "\n".join(p.text for p in document.paragraphs)
    assert content.title in text.replace("\n", "")  # a long title is broken into lines
    assert edited_text in text
    assert switched_text in text and approximate not in switched_text

    # The annex holds the report's figures and the activity totals of the half year.
    workbook = load_workbook(annex_path)
    figures = {(row[1], row[2]): row for row in _table(workbook["报告数据"])}
    row = figures[(switched_text, plain_label(figure.label))]
    assert row[3] == figure.value and row[5].startswith(exact)
    period = Period.half_year(2024, 1)
    totals = activity_selectors.activity_totals_by_dimension_month(organisation=root, period=period)
    expected = sum(t.count for t in totals.values())
    assert expected > 0
    by_month = _table(workbook["按维度和月份"])
    total_row = next(r for r in by_month if r[0] == "合计" and r[1] == "活动场次（场）")
    assert total_row[-1] == expected


# --- 4. Reminders -----------------------------------------------------------------------------


def _send_reminders(now: datetime) -> int:
    """``manage.py send_reminders --now``, as cron would run it, against the test database."""
    result = subprocess.run(
        [sys.executable, "manage.py", "send_reminders", "--now", now.isoformat()],
        cwd=workers.ROOT,
        env={**os.environ, "DATABASE_URL": workers.database_url_of_tests()},
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return int(re.search(r"^sent=(\d+) ", result.stdout, re.M).group(1))


def _badge(page) -> int:
    badge = page.locator("#inbox-unread")
    return _digits(badge.inner_text()) if badge.count() else 0


def test_journey_4_reminders(journey, open_page, screenshot):
    secretary = User.objects.get(username="secretary_b")
    # Two days before a quarter ends: this quarter, unless the demo's own run is already past that day.
    today = timezone.localdate()
    quarter = period_containing(today, "quarter")
    if quarter.end - timedelta(days=2) <= today:
        quarter = period_containing(quarter.end + timedelta(days=1), "quarter")
    clock = datetime.combine(quarter.end - timedelta(days=2), time(8, 30), tzinfo=SHANGHAI)

    page = open_page("desktop")
    login(page, journey, "secretary_b")
    unread_before = _badge(page)
    assert unread_before == Message.objects.visible_to(secretary).unread().count()
    ledger_before = Reminder.objects.count()
    seen = set(Message.objects.values_list("pk", flat=True))

    sent = _send_reminders(clock)
    assert sent > 0 and Reminder.objects.count() == ledger_before + sent
    new = Message.objects.filter(recipient=secretary).exclude(pk__in=seen).select_related("reminder")
    assert new.exists()
    # Among them the quarter's own reminder, for an obligation the selector says is still unmet.
    quarterly = next(
        m
        for m in new
        if m.reminder.kind == ReminderKind.UPCOMING
        and (m.reminder.period_start, m.reminder.period_end) == (quarter.start, quarter.end)
    )
    cell = obligation_selectors.compliance(
        organisation=quarterly.reminder.organisation,
        subtree=False,
        on=clock.date(),
        today=clock.date(),
        obligations=[quarterly.reminder.obligation],
    ).cell(quarterly.reminder.organisation_id, quarterly.reminder.obligation_id)
    assert cell is not None and not cell.met

    page.reload()
    assert _badge(page) == unread_before + new.count()
    page.locator("#nav-inbox").click()
    inbox = list(Message.objects.visible_to(secretary).order_by("-created_at", "-id").values_list("pk", flat=True))
    page_number = inbox.index(quarterly.pk) // 30 + 1
    if page_number > 1:
        page.goto(f"{journey.url}/obligations/inbox/?page={page_number}")
    message = page.locator(f'#inbox-list [data-message="{quarterly.pk}"]')
    assert quarterly.subject in message.inner_text() and message.get_attribute("data-read") == "0"

    # A second run at the same time adds nothing: no ledger row, no message, no badge.
    messages = Message.objects.count()
    assert _send_reminders(clock) == 0
    assert Reminder.objects.count() == ledger_before + sent and Message.objects.count() == messages
    page.goto(f"{journey.url}/obligations/inbox/")
    assert _badge(page) == unread_before + new.count()
    screenshot(page, "journey-4-inbox")


# --- 5. Scoping -------------------------------------------------------------------------------


def test_journey_5_another_subtree_is_a_chinese_404(journey, open_page, screenshot):
    own = User.objects.get(username="secretary_a").organisation
    activity = Activity.objects.filter(organisation__path__startswith=own.path).order_by("pk").first()

    page = open_page("desktop")
    login(page, journey, "secretary_b")
    response = page.goto(f"{journey.url}/activities/{activity.pk}/")
    assert response.status == 404
    assert page.get_by_role("heading", name="页面不存在").is_visible()
    assert "不在您的管理范围内" in page.content() and activity.title not in page.content()
    screenshot(page, "journey-5-404")
