"""In a real browser: the CSP blocks nothing the portal needs, and a lockout shows in Chinese."""

import pytest

from .conftest import login

pytestmark = pytest.mark.e2e

STAFF_PAGES = ["/", "/org/", "/exports/", "/audit/", "/security/history/", "/security/lockouts/", "/admin/"]


def test_pages_raise_no_csp_violation(live_server, demo_data, desktop):
    page = desktop
    violations = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and violations.append(msg.text))
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )
    login(page, live_server, "staff")
    for path in STAFF_PAGES:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    # Bootstrap's JavaScript works under the policy: the user menu opens.
    page.goto(f"{live_server.url}/")
    page.locator("ul.navbar-nav:not(.me-auto) a.dropdown-toggle").click()  # the user menu
    page.get_by_role("link", name="修改历史").wait_for(state="visible")
    assert violations == []


def test_a_locked_out_login_shows_the_chinese_page(live_server, demo_data, desktop):
    page = desktop
    for _ in range(5):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill("secretary_b")
        page.get_by_label("密码").fill("wrong-password-1")
        page.get_by_role("button", name="登录").click()
    assert page.get_by_role("heading", name="登录已被暂时锁定").is_visible()
    assert "15 分钟" in page.content()
