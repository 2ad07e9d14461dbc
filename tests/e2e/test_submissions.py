"""A street secretary on a phone answers the district's request; staff return, then accept and
draw on it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from reports import services as report_services
from reports.content import ReportContent
from reports.models import PlanItem, Report
from submissions import services
from submissions.models import SubmissionState
from tests.factories import PASSWORD, UserFactory
from tests.reports.test_compile import may_fourth

from .conftest import login

pytestmark = pytest.mark.e2e


def _jobs_run_in_process(monkeypatch):
    """The compile and render jobs run when the request's transaction commits, in the server's
    thread, instead of in a Celery worker (the worker path has its own journey in
    test_journeys.py)."""
    from reports import tasks

    monkeypatch.setattr(tasks.run_report_job, "delay", lambda report_id: tasks.run_report_job(report_id))


def test_submit_return_resubmit_accept_and_insert(
    live_server, district, open_page, screenshot, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _jobs_run_in_process(monkeypatch)
    may_fourth(district)
    district.sub_a.short_name = "东环街道团工委"
    district.sub_a.save()
    staff = UserFactory(username="staff", role=Role.STAFF, is_staff=True)
    UserFactory(username="dh_secretary", role=Role.SECRETARY, organisation=district.sub_a)
    PlanItem.objects.create(
        organisation=district.sub_a, year=2024, half=2, position=1, heading="从严治团", body="每月开展一场专题学习。"
    )
    request = services.request_create(
        organisation=district.root, year=2024, half=1, deadline=timezone.localdate() + timedelta(days=5), user=staff
    )
    mine = request.submissions.get(organisation=district.sub_a)

    phone = open_page("phone")
    login(phone, live_server, "dh_secretary", PASSWORD)
    phone.locator("#summary-requests a").click()
    phone.get_by_role("button", name="编制 / 打开本单位总结").click()
    phone.locator("article.report-paper").wait_for()
    phone.get_by_role("link", name="＋ 添加存在问题").click()
    phone.get_by_label("内容").fill("社区团组织活动阵地不足")
    phone.get_by_role("button", name="添加").click()
    phone.get_by_role("button", name="定稿").first.click()
    phone.locator(".badge", has_text="已定稿").wait_for()
    phone.goto(f"{live_server.url}/submissions/{request.pk}/")
    phone.get_by_role("button", name="报送定稿版本").click()
    phone.locator(f"#submission-{mine.pk} .status", has_text="已报送").wait_for()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "submission_phone_submitted")

    desk = open_page("desktop")
    login(desk, live_server, "staff", PASSWORD)
    desk.goto(f"{live_server.url}/submissions/{request.pk}/")
    desk.locator(f"#submission-{mine.pk} summary", has_text="退回修改").click()
    desk.get_by_label("退回意见").fill("请补充青年大学习开展情况。")
    desk.get_by_role("button", name="确认退回").click()
    desk.locator(f"#submission-{mine.pk} .status", has_text="已退回").wait_for()

    phone.goto(f"{live_server.url}/submissions/{request.pk}/")
    assert "退回意见：请补充青年大学习开展情况。" in phone.locator(f"#submission-{mine.pk}").inner_text()
    phone.get_by_role("button", name="编制 / 打开本单位总结").click()
    assert "第 2 版" in phone.locator("body").inner_text()
    phone.get_by_role("button", name="定稿").first.click()
    phone.locator(".badge", has_text="已定稿").wait_for()
    phone.goto(f"{live_server.url}/submissions/{request.pk}/")
    phone.get_by_role("button", name="报送定稿版本").click()
    phone.locator(f"#submission-{mine.pk} .status", has_text="已报送").wait_for()

    desk.goto(f"{live_server.url}/submissions/{request.pk}/")
    desk.get_by_role("button", name="接收").click()
    desk.locator(f"#submission-{mine.pk} .status", has_text="已接收").wait_for()
    mine.refresh_from_db()
    assert (mine.state, mine.version) == (SubmissionState.ACCEPTED, 2)

    # Staff compile the district's own draft and insert one item of the accepted summary.
    own = report_services.report_start(organisation=district.root, year=2024, half=1, user=staff)
    report_services.report_queue_job(report=own)  # runs at once: see _jobs_run_in_process
    desk.goto(f"{live_server.url}/reports/{own.pk}/")
    item = desk.locator("#drawing li.drawing-item", has_text="社区团组织活动阵地不足")
    item.get_by_role("button", name="插入").click()
    desk.locator("#drawing li.drawing-item", has_text="社区团组织活动阵地不足").locator(
        ".badge", has_text="已插入"
    ).wait_for()
    assert "东环街道团工委：社区团组织活动阵地不足" in desk.locator("article.report-paper").inner_text()
    content = ReportContent.from_json(Report.objects.get(pk=own.pk).content)
    assert any(i.render() == "东环街道团工委：社区团组织活动阵地不足" for i in content.problems)
    screenshot(desk, "submission_inserted")
