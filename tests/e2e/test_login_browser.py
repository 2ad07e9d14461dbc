"""The login page in a browser (issue #28): 显示密码 shows and hides the password, says so with
aria-pressed, and is absent without script; a wrong password reads in plain words."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def secretary(transactional_db):
    return UserFactory(username="secretary_x")


def test_show_password_toggles_the_field(live_server, secretary, desktop, screenshot):
    page = desktop
    page.goto(f"{live_server.url}/accounts/login/")
    field = page.locator("input[name=password]")
    expect(page.get_by_label("密码")).to_have_attribute("name", "password")  # still its label
    toggle = page.get_by_role("button", name="显示密码")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    field.fill("wrong-password")
    assert field.get_attribute("type") == "password"

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert field.get_attribute("type") == "text"
    assert field.input_value() == "wrong-password"
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert field.get_attribute("type") == "password"

    # A wrong password: plain words and the lockout in the numbers axes is set to.
    page.get_by_label("用户名").fill("secretary_x")
    toggle.click()
    page.get_by_role("button", name="登录").click()
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    expect(page.locator("form")).to_contain_text(
        f"用户名或密码不正确。连续输错{settings.AXES_FAILURE_LIMIT}次后账户将锁定{minutes}分钟。"
    )
    # The page comes back with the field hidden again and the button unpressed.
    expect(page.get_by_role("button", name="显示密码")).to_have_attribute("aria-pressed", "false")

    # Shown, then signed in: the form still sends the password.
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="显示密码").click()
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
    screenshot(page, "login-signed-in-home")


def test_without_script_there_is_no_button(live_server, secretary, browser):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        assert page.locator("input[name=password]").get_attribute("type") == "password"
        expect(page.get_by_role("button", name="显示密码")).to_have_count(0)
    finally:
        context.close()
