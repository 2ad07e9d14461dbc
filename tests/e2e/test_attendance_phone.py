"""Browser, phone: a branch secretary records who came to a 支部大会, picked from the roster."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from activities.models import Activity
from branches.models import Kind, Organisation

from ..factories import PASSWORD, MemberFactory, OrganisationFactory, UserFactory
from .conftest import login

pytestmark = pytest.mark.e2e

ROSTER = ("王小明", "李华", "陈静", "张伟", "刘洋", "杨帆", "赵敏", "黄磊", "周杰", "吴芳", "徐丽", "孙强")


@pytest.fixture
def branch(transactional_db):
    root = OrganisationFactory(name="共青团测试区委员会", kind=Kind.DISTRICT)
    sub = OrganisationFactory(name="甲街道团工委", kind=Kind.SUBDISTRICT, parent=root)
    branch = OrganisationFactory(name="甲社区团支部", kind=Kind.BRANCH, parent=sub)
    other = OrganisationFactory(name="乙社区团支部", kind=Kind.BRANCH, parent=sub)
    for name in ROSTER:
        MemberFactory(name=name, organisation=branch)
    MemberFactory(name="外支部成员", organisation=other)
    UserFactory(username="branch_secretary", role=Role.SECRETARY, organisation=branch)
    return branch


def _pick(page, name: str) -> None:
    page.fill(".roster-filter", name)
    item = page.locator(".roster-item:not([hidden])")
    expect(item).to_have_count(1)
    expect(item).to_contain_text(name)
    item.locator("label").click()


def test_secretary_picks_attendees_on_a_phone_and_keeps_them_through_an_error(
    live_server, branch, phone, screenshot, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = phone
    login(page, live_server, "branch_secretary", PASSWORD)
    page.goto(f"{live_server.url}/activities/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator(".roster-item")).to_have_count(len(ROSTER))  # the branch's roster, no one else's
    expect(page.locator(".roster-list")).not_to_contain_text("外支部成员")
    assert page.locator(".roster-item").first.bounding_box()["height"] >= 44

    page.fill("#id_title", "")  # the error elsewhere: no title yet
    page.select_option("#id_kind", "general_meeting")
    page.fill("#id_summary", "学习团章，讨论下半年工作。")
    for name in ("王小明", "陈静", "孙强"):
        _pick(page, name)
    expect(page.locator("[data-roster-count]")).to_have_text("3")
    assert page.locator("#id_participants").input_value() == "3"  # the figure follows the picks
    page.fill(".roster-filter", "")
    expect(page.locator(".roster-item:not([hidden])")).to_have_count(len(ROSTER))
    screenshot(page, "attendance_phone_picked")

    page.click("button[name=save]")
    expect(page.locator("#id_title.is-invalid")).to_have_count(1)
    assert not Activity.objects.exists()
    # The picks came back: ticked, counted, and the figure with them.
    checked = page.locator(".roster-list input[type=checkbox]:checked")
    expect(checked).to_have_count(3)
    expect(page.locator("[data-roster-count]")).to_have_text("3")
    assert page.locator("#id_participants").input_value() == "3"
    picked = {page.locator(f"label[for='{box.get_attribute('id')}']").inner_text() for box in checked.all()}
    assert picked == {"王小明", "陈静", "孙强"}
    screenshot(page, "attendance_phone_error_kept")

    page.fill("#id_title", "第二季度支部大会")
    page.click("button[name=save]")
    page.wait_for_url(f"{live_server.url}/activities/*/")
    expect(page.locator("#attendance-count")).to_have_text("出席 3 人")
    expect(page.locator("#attendee-names li")).to_have_count(3)
    for name in ("王小明", "陈静", "孙强"):
        expect(page.locator("#attendee-names")).to_contain_text(name)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "attendance_phone_detail")
    activity = Activity.objects.get()
    assert activity.participants == 3
    assert sorted(activity.attendees.values_list("name", flat=True)) == sorted(["王小明", "陈静", "孙强"])


def test_changing_the_organisation_brings_its_roster(live_server, branch, phone):
    """A sub-district secretary logs for one of its branches: the list follows the choice."""
    sub = Organisation.objects.get(name="甲街道团工委")
    UserFactory(username="sub_secretary", role=Role.SECRETARY, organisation=sub)
    other = Organisation.objects.get(name="乙社区团支部")
    page = phone
    login(page, live_server, "sub_secretary", PASSWORD)
    page.goto(f"{live_server.url}/activities/new/")
    # The sub-district's roster spans its branches: each name says which.
    expect(page.locator(".roster-item")).to_have_count(len(ROSTER) + 1)
    _pick(page, "外支部成员")
    _pick(page, "王小明")
    expect(page.locator("[data-roster-count]")).to_have_text("2")
    page.select_option("#id_organisation", str(other.pk))
    expect(page.locator(".roster-item")).to_have_count(1)
    expect(page.locator(".roster-item")).to_contain_text("外支部成员")
    # The pick still on the new roster stays; the other is gone, and the figure follows.
    expect(page.locator(".roster-list input[type=checkbox]:checked")).to_have_count(1)
    expect(page.locator("[data-roster-count]")).to_have_text("1")
    assert page.locator("#id_participants").input_value() == "1"
    # The fresh list works as the first did.
    page.locator(".roster-select-all").click()
    expect(page.locator("[data-roster-count]")).to_have_text("1")
    page.locator(".roster-clear").click()
    expect(page.locator("[data-roster-count]")).to_have_text("0")
    assert page.locator("#id_participants").input_value() == ""
