"""Browser smoke test: a secretary logs in and sees only their own subtree."""

import pytest

from accounts.models import User
from branches.models import Organisation

from .conftest import login

pytestmark = pytest.mark.e2e


def test_secretary_a_sees_only_own_subtree(live_server, demo_data, desktop, screenshot):
    page = desktop
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert page.get_by_role("heading", name="登录区团委工作平台").is_visible()

    login(page, live_server, "secretary_a")
    page.get_by_role("link", name="组织架构").first.click()
    page.wait_for_selector("#org-tree")

    own_root = User.objects.get(username="secretary_a").organisation
    other_root = User.objects.get(username="secretary_b").organisation
    shown = set(page.locator("#org-tree tbody tr td.tree-name > a:first-of-type").all_inner_texts())
    own = set(Organisation.objects.filter(path__startswith=own_root.path).values_list("name", flat=True))
    assert own_root.name in shown
    assert shown <= own, shown - own
    assert other_root.name not in page.content()
    screenshot(page)

    page.goto(f"{live_server.url}/org/{other_root.pk}/")
    assert page.get_by_role("heading", name="页面不存在").is_visible()
