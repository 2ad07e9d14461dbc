"""A secretary logs a series with an approximate figure on a phone; the report writes it as entered."""

import pytest
from django.utils import timezone

from activities.models import Activity
from branches.models import Organisation
from core.review.models import Status
from reports.compiler import compile_report_content

from .conftest import login

pytestmark = pytest.mark.e2e


def test_secretary_logs_a_series_on_a_phone_and_the_report_writes_it(
    live_server, demo_data, phone, browser, screenshot
):
    page = phone
    login(page, live_server, "secretary_a")
    page.goto(f"{live_server.url}/activities/new/")
    title = "“强国有我”青年宣讲"
    page.fill("#id_title", title)
    page.select_option("#id_kind", "lecture_tour")
    # The new fields fit the phone's one column and are large enough to touch.
    for selector in ("#id_sessions", "#id_session_unit", "#id_reach", "#id_participants_qualifier", "#id_participants"):
        box = page.locator(selector).bounding_box()
        assert box["height"] >= 38 and box["x"] + box["width"] <= 390, selector
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#id_sessions").input_value() == "1"  # a record is one session unless told
    page.fill("#id_sessions", "6")
    page.select_option("#id_session_unit", "期")
    page.fill("#id_reach", "宣讲团成员深入学校、企业、村（社区）")
    page.select_option("#id_participants_qualifier", "余")
    page.fill("#id_participants", "300")
    page.fill("#id_summary", "分6期深入基层宣讲。")
    screenshot(page, "activity_series_phone_form")
    page.click("button[name=submit]")
    page.wait_for_selector("text=待审核")
    assert page.locator("#activity-sessions").inner_text() == "6期"
    assert page.locator("#activity-participants").inner_text() == "300余 人"
    activity = Activity.objects.get(title=title)
    assert (activity.sessions, activity.session_unit, activity.participants_qualifier) == (6, "期", "余")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    desk = context.new_page()
    login(desk, live_server, "staff")
    desk.goto(f"{live_server.url}/activities/{activity.pk}/")
    desk.get_by_role("button", name="仅通过").click()
    desk.wait_for_selector("text=已通过")
    context.close()
    activity.refresh_from_db()
    assert activity.status == Status.APPROVED

    today = timezone.localdate()
    root = Organisation.objects.get_root_nodes().get()
    content = compile_report_content(organisation=root, year=today.year, half=1 if today.month <= 6 else 2)
    item = content.find(f"series:activity:{activity.pk}")
    assert item.render() == f"开展{title}6期，宣讲团成员深入学校、企业、村（社区），覆盖300余名团员青年"
