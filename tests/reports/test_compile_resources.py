"""Bases, coverage, partners and donations entered through the pages staff and secretaries use,
then compiled: the exact sentence the report writes, and how it moves when the data changes."""

from datetime import date

import pytest
from django.urls import reverse

from activities.models import Dimension
from reports.compiler import compile_content
from resources.models import Base, Donation
from tests.activities.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def compiled(org, *, year=2024, half=1):
    return compile_content(organisation=org, year=year, half=half)


def text(org, key, **kwargs) -> str | None:
    item = compiled(org, **kwargs).find(key)
    return item.render() if item else None


def dimension_of(org, key) -> str:
    content = compiled(org)
    return next(sub.key for sub in content.achievements for item in sub.items if item.key == key)


def post_base(client, org, **fields):
    data = {
        "organisation": org.pk,
        "name": "实践基地",
        "kind": "pioneer_practice",
        "level": "city",
        "recognised_on": "2024-05-20",
        "withdrawn_on": "",
        "address": "",
        "note": "",
        **fields,
    }
    response = client.post(reverse("resources:base_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    return response


def test_bases_recognised_in_the_half_by_level_and_kind(secretary_a_client, staff_client, district):
    for i in range(2):
        post_base(secretary_a_client, district.branch_a, name=f"甲实践基地{i}")
    assert text(district.root, "resources:bases") == "加强阵地建设，建成市级少先队校外实践基地2个"
    assert dimension_of(district.root, "resources:bases") == Dimension.SERVE_OVERALL

    post_base(staff_client, district.branch_b, name="乙实践基地")
    post_base(staff_client, district.sub_b, name="乙青年之家", kind="youth_home", level="district")
    post_base(staff_client, district.sub_b, name="全国青年之家", kind="youth_home", level="national")
    # Recognised before the half: in the stock, not among what was built.
    post_base(staff_client, district.sub_b, name="老站点", kind="volunteer_station", recognised_on="2023-09-01")
    assert text(district.root, "resources:bases") == (
        "加强阵地建设，建成国家级青年之家1个、市级少先队校外实践基地3个、区级青年之家1个"
    )
    # A street's summary counts its own subtree only.
    assert text(district.sub_a, "resources:bases") == "加强阵地建设，建成市级少先队校外实践基地2个"
    # The next half built nothing.
    assert text(district.root, "resources:bases", half=2) is None


def test_the_stock_is_written_in_the_opening_as_of_the_halfs_end(staff_client, district):
    post_base(staff_client, district.branch_a, name="甲青年之家", kind="youth_home", recognised_on="2023-03-01")
    post_base(staff_client, district.branch_b, name="乙青年之家", kind="youth_home", recognised_on="2024-02-01")
    post_base(staff_client, district.branch_b, name="乙实践基地", recognised_on="2024-03-01")
    opening = compiled(district.root).opening.render()
    assert "，建有青年之家2个、少先队校外实践基地1个。" in opening

    # Withdrawn (摘牌) in the second half: still standing at the end of the first, gone after.
    withdrawn = Base.objects.get(name="甲青年之家")
    response = staff_client.post(
        reverse("resources:base_update", args=[withdrawn.pk]),
        {
            "organisation": district.branch_a.pk,
            "name": "甲青年之家",
            "kind": "youth_home",
            "level": "city",
            "recognised_on": "2023-03-01",
            "withdrawn_on": "2024-08-01",
            "address": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert "，建有青年之家2个、少先队校外实践基地1个。" in compiled(district.root).opening.render()
    assert "，建有青年之家1个、少先队校外实践基地1个。" in compiled(district.root, half=2).opening.render()


def post_coverage(client, org, outlet, level, *, form="article", day="2024-04-10", title="稿件"):
    data = {
        "organisation": org.pk,
        "title": title,
        "form": form,
        "outlet": outlet,
        "outlet_level": level,
        "published_on": day,
        "url": "",
        "activity": "",
        "note": "",
    }
    response = client.post(reverse("resources:coverage_create"), data)
    assert response.status_code == 302, response.context["form"].errors


def test_coverage_by_outlet_level_naming_the_central_outlets(secretary_a_client, staff_client, district):
    post_coverage(secretary_a_client, district.branch_a, "中国青年报", "central")
    post_coverage(secretary_a_client, district.branch_a, "中国青年报", "central")
    post_coverage(staff_client, district.sub_b, "学习强国", "central")
    for _ in range(3):
        post_coverage(staff_client, district.sub_b, "广西日报", "provincial")
    assert text(district.root, "resources:coverage") == (
        "加强宣传引导，我区共青团工作信息被中央级媒体中国青年报、学习强国采用3篇，省级媒体采用3篇"
    )
    assert dimension_of(district.root, "resources:coverage") == Dimension.BRIDGE

    # More outlets than are named: 等; a video is counted in 条.
    post_coverage(staff_client, district.sub_b, "人民网", "central")
    post_coverage(staff_client, district.sub_b, "央视频", "central", form="video")
    assert text(district.root, "resources:coverage") == (
        "加强宣传引导，我区共青团工作信息和作品被中国青年报、学习强国、人民网等中央级媒体采用稿件4篇、视频1条，"
        "省级媒体采用3篇"
    )
    # A street's own: its three central outlets all named, so no 等.
    assert text(district.sub_b, "resources:coverage") == (
        "加强宣传引导，我街道共青团工作信息和作品被中央级媒体学习强国、人民网、央视频采用稿件2篇、视频1条，"
        "省级媒体采用3篇"
    )


def test_coverage_of_a_street_with_only_city_outlets_names_them(staff_client, district):
    post_coverage(staff_client, district.sub_a, "柳州日报", "city")
    assert text(district.sub_a, "resources:coverage") == "加强宣传引导，我街道共青团工作信息被市级媒体柳州日报采用1篇"


def post_donation(client, org, **fields):
    data = {
        "organisation": org.pk,
        "received_on": "2024-06-01",
        "donor": "",
        "partner": "",
        "activity": "",
        "purpose": "助学",
        "money": "",
        "goods_count": "",
        "goods_unit": "件",
        "goods_kind": "",
        "goods_value": "",
        "qualifier": "",
        "note": "",
        **fields,
    }
    response = client.post(reverse("resources:donation_create"), data)
    assert response.status_code == 302, response.context["form"].errors


def post_partner(client, org, name, *, since="2024-01-01", until="", activities=()):
    data = {
        "organisation": org.pk,
        "name": name,
        "kind": "enterprise",
        "since": since,
        "until": until,
        "note": "",
        "activities": [a.pk for a in activities],
    }
    response = client.post(reverse("resources:partner_create"), data)
    assert response.status_code == 302, response.context["form"].errors


def test_partners_and_donations_as_a_committee_writes_them(secretary_a_client, staff_client, district):
    joint = ActivityFactory(organisation=district.branch_a, title="共建主题团日", start_date=date(2024, 5, 4))
    post_partner(secretary_a_client, district.sub_a, "甲科技公司", activities=[joint])
    post_donation(secretary_a_client, district.sub_a, money="5000")
    post_donation(staff_client, district.sub_b, goods_count="200", goods_kind="书包、文具")
    assert text(district.root, "resources:support") == (
        "整合社会资源，联合甲科技公司开展共建活动1场，筹集善款5000元，募集书包、文具等物资200件"
    )
    assert dimension_of(district.root, "resources:support") == Dimension.BRIDGE

    # Every goods entry valued: the money and goods together, in 万元 when that is exact.
    goods = Donation.objects.get(goods_count=200)
    response = staff_client.post(
        reverse("resources:donation_update", args=[goods.pk]),
        {
            "organisation": district.sub_b.pk,
            "received_on": "2024-06-01",
            "donor": "",
            "partner": "",
            "activity": "",
            "purpose": "",
            "money": "",
            "goods_count": "200",
            "goods_unit": "件",
            "goods_kind": "书包、文具",
            "goods_value": "7000",
            "qualifier": "",
            "note": "",
        },
    )
    assert response.status_code == 302
    assert text(district.root, "resources:support") == (
        "整合社会资源，联合甲科技公司开展共建活动1场，募集爱心款物价值1.2万元"
    )

    # More than three partners: three named, the rest counted; none with joint activities.
    for name in ("乙银行", "丙公司", "丁医院"):
        post_partner(staff_client, district.sub_b, name)
    # Ended before the half: not a partner of this half.
    post_partner(staff_client, district.sub_b, "戊学校", since="2022-01-01", until="2023-12-31")
    assert text(district.root, "resources:support") == (
        "整合社会资源，联合甲科技公司、乙银行、丙公司等4家单位开展共建活动1场，募集爱心款物价值1.2万元"
    )


def test_approximate_amounts_keep_their_qualifier_in_the_sum(staff_client, district):
    post_partner(staff_client, district.sub_a, "甲科技公司")
    post_donation(staff_client, district.sub_a, money="30000", qualifier="余")
    assert text(district.root, "resources:support") == "整合社会资源，与甲科技公司结对共建，筹集善款约3万元"
    post_donation(staff_client, district.sub_b, money="5600")
    # 35,600 with a lower-bound part: 3.5万余元, never the exact 35600元 and never above it.
    assert text(district.root, "resources:support") == "整合社会资源，与甲科技公司结对共建，筹集善款3.5万余元"
    post_donation(staff_client, district.sub_b, money="800", qualifier="约")
    assert text(district.root, "resources:support") == "整合社会资源，与甲科技公司结对共建，筹集善款约3.6万元"


def test_an_exact_amount_not_round_in_wan_is_written_in_yuan(staff_client, district):
    post_donation(staff_client, district.sub_a, money="12345.5")
    assert text(district.root, "resources:support") == "整合社会资源，筹集善款12345.5元"


def test_the_annex_lists_the_records_and_the_snapshot_counts_the_bases(compiled, district, staff, staff_client):
    import openpyxl

    from reports import services as report_services

    post_base(staff_client, district.branch_a, name="甲实践基地", recognised_on="2024-03-01")
    post_base(staff_client, district.branch_b, name="乙青年之家", kind="youth_home", recognised_on="2024-09-01")
    post_donation(staff_client, district.sub_a, money="3000", donor="甲企业")
    post_donation(staff_client, district.sub_a, money="999", donor="下半年企业", received_on="2024-08-01")
    report_services.report_compile(report=compiled, user=staff)
    final = report_services.report_finalise(report=compiled, user=staff, numbers_confirmed=True)
    report_services.report_render(report=final)
    book = openpyxl.load_workbook(final.xlsx_file.open("rb"))

    def values(sheet):
        return [row for row in book[sheet].iter_rows(values_only=True) if any(row)]

    # Standing at the half's end: the base recognised in September is not there yet.
    assert [row[0] for row in values("阵地") if row[0] and row[0].endswith(("基地", "之家"))] == ["甲实践基地"]
    assert ("市级少先队校外实践基地", "个", 1, 1, "本系统阵地登记", "2024-06-30") in values("组织概况")
    donors = [row[1] for row in values("募集款物")]
    assert "甲企业" in donors and "下半年企业" not in donors
