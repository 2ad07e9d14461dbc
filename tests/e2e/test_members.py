"""Browser: a secretary works the roster; ID numbers stay masked and out of URLs."""

import pytest

from accounts.models import User
from members.models import Member

from .conftest import login

pytestmark = pytest.mark.e2e


def test_secretary_finds_a_member_by_id_without_the_number_in_the_url(live_server, demo_data, phone, screenshot):
    page = phone
    login(page, live_server, "secretary_a")
    own = User.objects.get(username="secretary_a").organisation
    member = Member.objects.filter(organisation__path__startswith=own.path, status="active").order_by("pk").first()
    number = member.decrypt_id_number()

    page.goto(f"{live_server.url}/members/")
    page.wait_for_selector("#member-table")
    shown = page.locator("#member-table tbody tr td.font-monospace").all_inner_texts()
    assert shown and all("********" in text for text in shown)
    screenshot(page, "members-list-phone")

    # Typed into the name box, the number goes through the POST lookup instead.
    page.get_by_label("姓名").fill(number)
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(f"{live_server.url}/members/{member.pk}/")
    assert number not in page.url
    assert page.get_by_role("heading", name=member.name).is_visible()
    assert number not in page.content()
    screenshot(page, "members-detail-phone")


def test_staff_reveal_a_full_id_and_the_secretary_of_another_subtree_gets_404(live_server, demo_data, desktop):
    page = desktop
    other = User.objects.get(username="secretary_b").organisation
    member = Member.objects.filter(organisation__path__startswith=other.path).order_by("pk").first()
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/members/{member.pk}/")
    page.get_by_role("button", name="查看完整号码").click()
    page.wait_for_selector("#revealed-id")
    assert page.locator("#revealed-id").inner_text() == member.decrypt_id_number()

    page.context.clear_cookies()
    login(page, live_server, "secretary_a")
    page.goto(f"{live_server.url}/members/{member.pk}/")
    assert page.get_by_role("heading", name="页面不存在").is_visible()
