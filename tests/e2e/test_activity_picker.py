"""Browser: linking activities to a partner with the type-ahead picker, several at once."""

from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from branches.models import Kind
from resources.models import Partner

from ..activities.factories import ActivityFactory
from ..factories import PASSWORD, OrganisationFactory, UserFactory
from .conftest import login

pytestmark = pytest.mark.e2e


def test_staff_link_two_activities_and_remove_one_before_saving(live_server, transactional_db, desktop):
    root = OrganisationFactory(name="共青团测试区委员会", kind=Kind.DISTRICT)
    first = ActivityFactory(organisation=root, title="共建主题团日", start_date=date(2024, 5, 4))
    second = ActivityFactory(organisation=root, title="共建植树活动", start_date=date(2024, 3, 12))
    ActivityFactory(organisation=root, title="读书会", start_date=date(2024, 6, 1))
    UserFactory(username="staff", role=Role.STAFF, is_staff=True)
    page = desktop
    login(page, live_server, "staff", PASSWORD)
    page.goto(f"{live_server.url}/resources/partners/new/")

    page.get_by_label("所属组织").select_option(str(root.pk))
    page.get_by_label("共建单位名称").fill("甲科技公司")
    page.get_by_label("共建开始日期").fill("2024-01-01")
    box = page.get_by_label("共同开展的活动")
    assert box.get_attribute("role") == "combobox"
    for activity in (first, second, first):  # choosing one again keeps it once
        box.fill("共建")
        expect(page.get_by_role("option", name="读书会")).to_have_count(0)
        page.get_by_role("option", name=f"{activity.start_date:%Y-%m-%d} {activity.title}").click()
        assert box.input_value() == ""
    remove = page.locator(".org-picker-chosen button")
    expect(remove).to_have_count(2)
    page.get_by_role("button", name=f"移除 2024-05-04 共建主题团日（{root.display_name}）").click()
    expect(remove).to_have_count(1)
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/resources/partners/**")
    assert list(Partner.objects.get().activities.all()) == [second]
