"""Browser: a secretary enters a donation on the new form, sees it listed, and the report written
from it says what was raised, with the source's 余 kept as an approximate sum."""

import pytest

from reports.compiler import compile_content
from resources.models import Donation

from ..factories import PASSWORD
from .conftest import login

pytestmark = pytest.mark.e2e


def test_a_donation_entered_on_the_form_is_written_in_the_report(live_server, district, secretary_a, desktop):
    page = desktop
    login(page, live_server, "secretary_a", PASSWORD)
    page.goto(f"{live_server.url}/resources/donations/new/")
    page.select_option("#id_organisation", str(district.branch_a.pk))
    page.fill("#id_received_on", "2024-05-30")
    page.fill("#id_donor", "甲地爱心企业")
    page.fill("#id_purpose", "“六一”关爱")
    page.fill("#id_money", "20000")
    page.select_option("#id_qualifier", "余")
    page.fill("#id_goods_count", "150")
    page.fill("#id_goods_kind", "图书")
    page.fill("#id_goods_unit", "册")
    page.get_by_role("button", name="保存").click()
    page.locator("#record-table").get_by_text("甲地爱心企业").wait_for()

    donation = Donation.objects.get()
    assert (donation.organisation, donation.money, donation.qualifier, donation.goods_count, donation.goods_unit) == (
        district.branch_a,
        20000,
        "余",
        150,
        "册",
    )
    item = compile_content(organisation=district.root, year=2024, half=1).find("resources:support")
    assert item.render() == "整合社会资源，筹集善款约2万元，募集图书等物资150册"

    # A form without money or goods is refused on the page, nothing saved.
    page.goto(f"{live_server.url}/resources/donations/new/")
    page.fill("#id_received_on", "2024-05-31")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("请填写善款金额或物资数量（至少一项）。").wait_for()
    assert Donation.objects.count() == 1
