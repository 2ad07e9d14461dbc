"""Browser: staff add a conferring body, enter a prize with its grade, edition and body through the
pages, compile the half-year report in a real worker, and read the sentence the report writes."""

import pytest

from core.review.models import Status
from honours.models import ConferringBody, Honour
from reports.content import ReportContent
from reports.models import Report

from .. import celery_processes as workers
from ..factories import PASSWORD
from .conftest import login

pytestmark = pytest.mark.e2e

SLOW = 240_000  # a compile in a worker on a slow, shared machine
SENTENCE = "选树先进青年典型。我区“青春护河”志愿服务项目荣获团市委第三届柳州市青年志愿服务项目大赛金奖"


def test_a_prize_entered_on_the_pages_is_written_in_the_report(
    live_server, district, staff, desktop, screenshot, tmp_path, monkeypatch
):
    page = desktop
    login(page, live_server, "staff", PASSWORD)

    # The body, with the short form the report writes.
    page.goto(f"{live_server.url}/honours/bodies/new/")
    page.get_by_label("全称").fill("共青团柳州市委员会")
    page.get_by_label("简称").fill("团市委")
    page.get_by_label("级别").select_option("city")
    page.get_by_role("button", name="保存").click()
    page.locator("#body-table").get_by_text("团市委", exact=True).wait_for()
    body = ConferringBody.objects.get()

    # The prize: a project's 金奖 at the third edition of a city contest.
    page.goto(f"{live_server.url}/honours/new/")
    page.fill("#id_title", "柳州市青年志愿服务项目大赛")
    page.fill("#id_grade", "金奖")
    page.fill("#id_edition", "3")
    page.select_option("#id_level", "city")
    page.select_option("#id_conferring_body", str(body.pk))
    page.fill("#id_awarded_on", "2024-06-12")
    page.select_option("#id_recipient_kind", "project")
    page.fill("#id_recipient_name", "“青春护河”志愿服务")
    page.select_option("#id_organisation", str(district.sub_a.pk))
    page.get_by_role("button", name="保存并审核通过").click()
    page.locator("h1").get_by_text("第三届柳州市青年志愿服务项目大赛（金奖）").wait_for()
    honour = Honour.objects.get()
    assert (honour.conferring_body, honour.grade, honour.edition, honour.status) == (body, "金奖", 3, Status.APPROVED)

    # The report, compiled by a real worker as in production.
    monkeypatch.setenv("MEDIA_ROOT", str(tmp_path / "media"))
    with workers.celery_processes(beat=False, log_dir=tmp_path):
        page.goto(f"{live_server.url}/reports/")
        page.get_by_label("编制单位").select_option(str(district.root.pk))
        page.get_by_label("年度").fill("2024")
        page.get_by_label("半年", exact=True).select_option("1")
        page.get_by_role("button", name="编制 / 打开").click()
        page.locator("article.report-paper").wait_for(timeout=SLOW)
    report = Report.objects.get(organisation=district.root, year=2024, half=1)
    item = ReportContent.from_json(report.content).find("honours:received")
    assert item is not None and item.render() == SENTENCE
    assert SENTENCE in page.locator("article.report-paper").inner_text()
    screenshot(page, "honours-prize-in-report")
