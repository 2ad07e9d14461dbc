"""A secretary on a phone (issue #28), in Chromium at 390×844 over the demo district: the
returned-record banner in the first screen, list filters folded behind 筛选 with the count of
those set, and activity titles read as words, not one character a line."""

import pytest

from accounts.models import User
from activities import services
from activities.models import Activity
from core.review import services as review
from core.review.models import Status

from .conftest import login

pytestmark = pytest.mark.e2e

PHONE_WIDTH, PHONE_HEIGHT = 390, 844


def test_secretary_on_a_phone(journey, open_page, screenshot):
    secretary = User.objects.get(username="secretary_a")
    staff = User.objects.get(username="staff")
    activity = Activity.objects.visible_to(secretary).filter(status=Status.SUBMITTED).order_by("submitted_at").first()
    # The demo's records carry no submitter; this one is hers, so the return notice is hers.
    activity.submitted_by = secretary
    activity.save(update_fields=["submitted_by"])
    review.review_return(workflow=services.REVIEW, record=activity, reviewer=staff, comment="请补充签到表照片。")

    page = open_page("phone")
    login(page, journey, "secretary_a")
    # The banner is the first thing on the home page, inside the first screen.
    banner = page.locator("#returned-banner")
    box = banner.bounding_box()
    assert box is not None and box["y"] + 40 < PHONE_HEIGHT, box
    assert activity.title in banner.inner_text() and "请补充签到表照片。" in banner.inner_text()
    screenshot(page, "phone-home-returned-banner")
    # ...and the message is in the inbox, unread, with the comment.
    page.goto(f"{journey.url}/obligations/inbox/")
    unread = page.locator(".inbox-unread").filter(has_text=f"【退回待修改】{activity.title}")
    assert "请补充签到表照片。" in unread.inner_text()

    # The list: filters folded behind one button that counts those set.
    page.goto(f"{journey.url}/activities/?kind=volunteer&status=approved")
    assert not page.locator("#activity-filters").is_visible()
    toggle = page.locator(".filters-toggle")
    assert toggle.is_visible() and page.locator("#filters-on").inner_text() == "2"
    table = page.locator("#activity-table")
    assert table.bounding_box()["y"] < PHONE_HEIGHT  # results in the first screen
    toggle.click()
    # Opened once Bootstrap's transition ends (a click while it runs is ignored, by design).
    page.locator("#activity-filters.collapse.show").wait_for(state="visible")
    toggle.click()
    page.locator("#activity-filters").wait_for(state="hidden")

    # Titles read as words: each title cell is wide, none overflow the page.
    cells = "document.querySelectorAll('#activity-table tbody td:nth-child(2)')"
    widths = page.evaluate(f"Array.from({cells}).map(td => td.getBoundingClientRect().width)")
    assert widths and min(widths) > 14 * 8, widths  # more than eight characters a line
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH
    screenshot(page, "phone-activity-list")
