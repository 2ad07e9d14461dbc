"""A branch secretary logs an activity on a phone, with a photo; staff approve it."""

import pytest

from activities.models import Activity
from core.review.models import Status

from .conftest import login, photo_file

pytestmark = pytest.mark.e2e


def test_secretary_logs_on_a_phone_and_staff_approve(
    live_server, demo_data, phone, browser, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = phone
    login(page, live_server, "secretary_a")
    page.goto(f"{live_server.url}/activities/new/")
    # One column that fits the screen, with large touch targets.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for selector in ("#id_title", "#id_kind", "#id_organisation", "button[name=submit]"):
        box = page.locator(selector).bounding_box()
        assert box["height"] >= 44, selector
    assert page.locator("#id_photos").get_attribute("capture") == "environment"

    page.fill("#id_title", "手机现场填报：社区清洁志愿服务")
    page.select_option("#id_kind", "volunteer")
    assert page.locator("#id_dimension").input_value() == "serve_overall"  # follows the kind
    page.fill("#id_location", "幸福社区")
    page.fill("#id_participants", "18")
    page.fill("#id_person_times", "18")
    page.fill("#id_summary", "清理社区公共区域垃圾。")
    page.set_input_files("#id_photos", str(photo_file(tmp_path)))
    screenshot(page, "activity_phone_form")
    page.click("button[name=submit]")
    page.wait_for_selector("text=待审核")
    activity = Activity.objects.get(title="手机现场填报：社区清洁志愿服务")
    assert activity.status == Status.SUBMITTED and activity.files.count() == 1
    assert page.locator("img.activity-photo").count() == 1
    assert page.evaluate("document.querySelector('img.activity-photo').naturalWidth") > 0
    screenshot(page, "activity_phone_detail")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    desk = context.new_page()
    login(desk, live_server, "staff")
    desk.goto(f"{live_server.url}/activities/{activity.pk}/")
    desk.get_by_role("button", name="仅通过").click()
    desk.wait_for_selector("text=已通过")
    context.close()
    activity.refresh_from_db()
    assert activity.status == Status.APPROVED and activity.reviewed_by.username == "staff"
