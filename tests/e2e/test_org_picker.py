"""Browser: the type-ahead organisation picker on the member list, by mouse and by keyboard."""

import pytest
from playwright.sync_api import expect

from accounts.models import Role
from branches.models import Kind

from ..factories import PASSWORD, MemberFactory, OrganisationFactory, UserFactory
from .conftest import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def city(transactional_db, settings):
    settings.ORGANISATION_PICKER_THRESHOLD = 3
    root = OrganisationFactory(name="共青团测试区委员会", kind=Kind.DISTRICT)
    sub_a = OrganisationFactory(name="甲街道团工委", kind=Kind.SUBDISTRICT, parent=root)
    branch_a = OrganisationFactory(name="甲社区团支部", kind=Kind.BRANCH, parent=sub_a)
    sub_b = OrganisationFactory(name="乙街道团工委", kind=Kind.SUBDISTRICT, parent=root)
    branch_b = OrganisationFactory(name="乙社区团支部", kind=Kind.BRANCH, parent=sub_b)
    MemberFactory(name="张甲", organisation=branch_a)
    MemberFactory(name="李乙", organisation=branch_b)
    UserFactory(username="staff", role=Role.STAFF, is_staff=True)
    return {"sub_b": sub_b, "branch_a": branch_a, "branch_b": branch_b}


def _names(page) -> set[str]:
    return set(page.locator("#member-table tbody tr td:first-child").all_inner_texts())


def test_staff_filter_the_roster_by_typing_an_organisations_name(live_server, city, desktop, screenshot):
    page = desktop
    login(page, live_server, "staff", PASSWORD)
    page.goto(f"{live_server.url}/members/")
    assert {"张甲", "李乙"} <= {name.strip() for name in _names(page)}

    box = page.get_by_label("组织（含下级）")
    assert box.get_attribute("role") == "combobox"
    box.fill("乙社区")
    # Focusing the box lists the top of the scope; typing narrows it to the matches.
    option = page.get_by_role("option", name=city["branch_b"].name)
    expect(option).to_be_visible()
    expect(page.get_by_role("option", name=city["branch_a"].name)).to_have_count(0)
    # The parent is shown beside the name, to tell apart branches of the same name.
    expect(option).to_contain_text(city["sub_b"].name)
    screenshot(page, "org-picker-open")
    option.click()
    assert box.input_value() == city["branch_b"].name

    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(f"**/members/?*org={city['branch_b'].pk}*")
    assert {name.strip() for name in _names(page)} == {"李乙"}
    # Shown again after the filter: the chosen organisation, not an empty box.
    assert page.get_by_label("组织（含下级）").input_value() == city["branch_b"].name

    # By keyboard: type, arrow down past the "all" entry, Enter chooses without submitting.
    box = page.get_by_label("组织（含下级）")
    box.fill("甲社区")
    expect(page.get_by_role("option", name=city["branch_a"].name)).to_be_visible()
    expect(page.get_by_role("option", name=city["branch_b"].name)).to_have_count(0)
    box.press("ArrowDown")
    box.press("ArrowDown")
    box.press("Enter")
    assert box.input_value() == city["branch_a"].name
    assert f"org={city['branch_b'].pk}" in page.url  # not submitted yet
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(f"**/members/?*org={city['branch_a'].pk}*")
    assert {name.strip() for name in _names(page)} == {"张甲"}

    # Emptying the box clears the choice: the whole scope again.
    box = page.get_by_label("组织（含下级）")
    box.fill("")
    box.blur()
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/members/?*")
    assert "org=&" in page.url or page.url.endswith("org=")
    assert {"张甲", "李乙"} <= {name.strip() for name in _names(page)}
