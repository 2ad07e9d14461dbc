"""Bases, coverage, partners and donations through their pages: who may enter what where, bad
input refused with nothing saved, history kept, and the Excel export reopened."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core import services as core_services
from resources import services
from resources.models import Base, Coverage, Donation, Partner
from tests.activities.factories import ActivityFactory

pytestmark = pytest.mark.django_db

BASE_FORM = {
    "name": "甲社区青年之家",
    "kind": "youth_home",
    "level": "city",
    "recognised_on": "2024-03-15",
    "withdrawn_on": "",
    "address": "",
    "note": "",
}


def test_secretary_enters_a_base_in_their_subtree(secretary_a_client, district, secretary_a):
    response = secretary_a_client.post(
        reverse("resources:base_create"), {**BASE_FORM, "organisation": district.branch_a.pk}
    )
    assert response.status_code == 302
    base = Base.objects.get()
    assert (base.organisation, base.level, base.kind, base.created_by) == (
        district.branch_a,
        "city",
        "youth_home",
        secretary_a,
    )
    assert base.history.get().history_user == secretary_a
    page = secretary_a_client.get(reverse("resources:base_list")).content.decode()
    assert "甲社区青年之家" in page


def test_secretary_cannot_enter_a_base_for_another_subtree(secretary_a_client, district):
    response = secretary_a_client.post(
        reverse("resources:base_create"), {**BASE_FORM, "organisation": district.branch_b.pk}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Base.objects.exists()


def test_secretary_cannot_open_other_subtrees_records(secretary_a_client, staff, district):
    base = services.base_create(
        user=staff,
        organisation=district.branch_b,
        name="乙青年之家",
        kind="youth_home",
        level="city",
        recognised_on=date(2024, 3, 1),
    )
    for name in ("resources:base_update", "resources:base_delete"):
        assert secretary_a_client.get(reverse(name, args=[base.pk])).status_code == 404
        assert secretary_a_client.post(reverse(name, args=[base.pk])).status_code == 404
    assert "乙青年之家" not in secretary_a_client.get(reverse("resources:base_list")).content.decode()
    assert Base.objects.filter(pk=base.pk).exists()


def test_leader_reads_lists_but_changes_nothing(leader_client, staff, district):
    donation = services.donation_create(
        user=staff, organisation=district.sub_b, received_on=date(2024, 3, 1), donor="爱心企业", money=800
    )
    assert "爱心企业" in leader_client.get(reverse("resources:donation_list")).content.decode()
    assert leader_client.get(reverse("resources:donation_create")).status_code == 403
    assert leader_client.post(reverse("resources:donation_delete", args=[donation.pk])).status_code == 403
    assert Donation.objects.filter(pk=donation.pk).exists()


def test_services_refuse_leaders_and_other_subtrees(leader, secretary_a, district):
    with pytest.raises(PermissionDenied):
        services.partner_create(user=leader, organisation=district.sub_a, name="某企业", since=date(2024, 1, 1))
    with pytest.raises(PermissionDenied):
        services.partner_create(user=secretary_a, organisation=district.sub_b, name="某企业", since=date(2024, 1, 1))
    assert not Partner.objects.exists()


def test_a_secretary_cannot_move_a_record_out_of_their_subtree(secretary_a, district):
    base = services.base_create(
        user=secretary_a,
        organisation=district.branch_a,
        name="甲青年之家",
        kind="youth_home",
        level="city",
        recognised_on=date(2024, 3, 1),
    )
    with pytest.raises(PermissionDenied):
        services.base_update(user=secretary_a, base=base, organisation=district.branch_b)
    base.refresh_from_db()
    assert base.organisation == district.branch_a


def test_a_donation_needs_money_or_goods(staff_client, district):
    data = {
        "organisation": district.sub_a.pk,
        "received_on": "2024-04-01",
        "donor": "某企业",
        "goods_unit": "件",
        "qualifier": "",
    }
    response = staff_client.post(reverse("resources:donation_create"), data)
    assert response.status_code == 200
    assert "请填写善款金额或物资数量（至少一项）。" in response.content.decode()
    assert not Donation.objects.exists()
    response = staff_client.post(
        reverse("resources:donation_create"), {**data, "goods_count": "50", "goods_kind": "书包"}
    )
    assert response.status_code == 302
    assert Donation.objects.get().goods_count == 50


def test_coverage_cannot_link_an_activity_of_another_line(staff, district):
    activity = ActivityFactory(organisation=district.branch_b)
    with pytest.raises(Exception) as exc:
        services.coverage_create(
            user=staff,
            organisation=district.sub_a,
            title="稿件",
            outlet="中国青年报",
            outlet_level="central",
            published_on=date(2024, 3, 1),
            activity=activity,
        )
    assert "所选活动不属于本组织或其上下级组织。" in str(exc.value)
    assert not Coverage.objects.exists()


def test_edit_and_delete_through_the_pages_keep_history(secretary_a_client, secretary_a, district):
    partner = services.partner_create(
        user=secretary_a, organisation=district.sub_a, name="甲企业", since=date(2024, 1, 1)
    )
    activity = ActivityFactory(organisation=district.branch_a, title="共建主题团日")
    response = secretary_a_client.post(
        reverse("resources:partner_update", args=[partner.pk]),
        {
            "organisation": district.sub_a.pk,
            "name": "甲科技公司",
            "kind": "enterprise",
            "since": "2024-01-01",
            "until": "",
            "note": "",
            "activities": [activity.pk],
        },
    )
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.name == "甲科技公司"
    assert list(partner.activities.all()) == [activity]
    assert secretary_a_client.get(reverse("resources:partner_delete", args=[partner.pk])).status_code == 200
    assert secretary_a_client.post(reverse("resources:partner_delete", args=[partner.pk])).status_code == 302
    assert not Partner.objects.exists()
    kinds = [h.history_type for h in Partner.history.filter(id=partner.pk).order_by("history_date")]
    # Created, changed (the fields, then the linked activities: simple_history's m2m row), deleted.
    assert kinds[0] == "+" and kinds[-1] == "-" and set(kinds[1:-1]) == {"~"}
    assert Partner.history.filter(id=partner.pk, name="甲科技公司").exists()


def test_export_holds_every_kind_in_scope(secretary_a, staff, district):
    services.base_create(
        user=staff,
        organisation=district.branch_a,
        name="甲青年之家",
        kind="youth_home",
        level="city",
        recognised_on=date(2024, 3, 1),
    )
    services.base_create(
        user=staff,
        organisation=district.branch_b,
        name="乙青年之家",
        kind="youth_home",
        level="city",
        recognised_on=date(2024, 3, 1),
    )
    services.donation_create(
        user=staff, organisation=district.sub_a, received_on=date(2024, 3, 1), money=1200, qualifier="约"
    )
    job = core_services.export_request(user=secretary_a, exporter="resources", params={})
    job = core_services.export_run(job_id=job.pk)
    book = openpyxl.load_workbook(io.BytesIO(job.file.read()))
    assert book.sheetnames == ["阵地", "宣传报道采用", "共建单位", "募集款物"]
    bases = [row for row in book["阵地"].iter_rows(values_only=True)]
    assert [r[0] for r in bases] == ["阵地名称", "甲青年之家"]
    donations = list(book["募集款物"].iter_rows(values_only=True))
    assert donations[1][2] == 1200 and donations[1][7] == "约"
