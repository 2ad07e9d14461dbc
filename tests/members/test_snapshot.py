"""What a committee is at a date: the snapshot the report, the overview page and its export share."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from branches.models import Kind
from branches.services import organisation_set_active
from core.models import AuditEvent
from members.choices import Category, TransferReason
from members.models import RecordedCount
from members.services.counts import recorded_count_create
from members.services.transfers import transfer_accept, transfer_request
from members.snapshot import RECORDED, REGISTER, committee_snapshot
from reports.compiler import compile_report_content

from ..factories import MemberFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PAST = date(2024, 6, 30)


def test_a_past_snapshot_walks_back_transfers_and_deactivations(district, staff):
    members = [MemberFactory(organisation=district.branch_a, joined_league_on=date(2020, 5, 4)) for _ in range(3)]
    MemberFactory(organisation=district.branch_b, joined_league_on=date(2020, 5, 4))
    MemberFactory(organisation=district.branch_b, category=Category.YOUNG_PIONEER)
    # Admitted after the date: not yet a league member then.
    MemberFactory(organisation=district.branch_a, joined_league_on=date(2025, 5, 4))
    extra = OrganisationFactory(
        name="丙社区团支部", kind=Kind.BRANCH, parent=district.sub_a, established_on=date(2020, 1, 1)
    )

    # Since the date: one member moved from 甲 to 乙, and a branch of 甲 was deactivated.
    transfer = transfer_request(
        member=members[0], by=staff, reason=TransferReason.JOB_CHANGE, to_organisation=district.branch_b
    )
    transfer_accept(transfer=transfer, by=staff)
    organisation_set_active(organisation=extra, active=False)

    then_a = committee_snapshot(organisation=district.sub_a, on=PAST)
    now_a = committee_snapshot(organisation=district.sub_a, on=date.today())
    assert then_a.league_members.value == 3 and now_a.league_members.value == 3  # −1 moved, +1 admitted
    assert committee_snapshot(organisation=district.sub_b, on=PAST).league_members.value == 1
    assert committee_snapshot(organisation=district.sub_b, on=date.today()).league_members.value == 2
    assert then_a.branches.value == 2 and now_a.branches.value == 1
    root_then = committee_snapshot(organisation=district.root, on=PAST)
    assert root_then.league_members.value == 4 and root_then.young_pioneers.value == 1
    assert dict((g, n) for g, _, n in root_then.organisation_parts()) == {"working_committees": 2, "branches": 3}


def test_a_recorded_count_wins_over_an_incomplete_register_and_loses_to_a_newer_one(district, staff):
    with time_machine.travel(date(2026, 3, 1)):
        MemberFactory(organisation=district.branch_a, joined_league_on=date(2020, 5, 4))
    with time_machine.travel(date(2026, 6, 30)):
        recorded_count_create(
            user=staff,
            organisation=district.sub_a,
            as_of=date(2026, 6, 30),
            source="national_system",
            league_members=860,
        )
    on = date(2026, 7, 1)
    snapshot = committee_snapshot(organisation=district.root, on=on)
    assert snapshot.league_members.value == 860 and snapshot.league_members.source == RECORDED
    assert snapshot.league_members.register == 1
    assert "智慧团建统计（2026年6月30日）" == snapshot.league_members.source_label
    # The register of 乙 still counts beside 甲's recorded count.
    with time_machine.travel(date(2026, 7, 2)):
        MemberFactory(organisation=district.branch_b, joined_league_on=date(2020, 5, 4))
    assert committee_snapshot(organisation=district.root, on=date(2026, 7, 3)).league_members.value == 861

    # 甲's roster is brought up to date after the count: the register is newer and wins.
    with time_machine.travel(date(2026, 8, 1)):
        for _ in range(4):
            MemberFactory(organisation=district.branch_a, joined_league_on=date(2020, 5, 4))
    later = committee_snapshot(organisation=district.sub_a, on=date(2026, 8, 2)).league_members
    assert later.value == 5 and later.source == REGISTER
    assert AuditEvent.objects.filter(action="record_count", target__contains="甲街道团工委").count() == 1
    assert RecordedCount.history.count() == 1


def test_a_secretary_records_counts_only_inside_their_subtree(district, secretary_a, leader, secretary_a_client):
    with pytest.raises(PermissionDenied):
        recorded_count_create(user=secretary_a, organisation=district.sub_b, as_of=PAST, source="other", branches=3)
    with pytest.raises(PermissionDenied):
        recorded_count_create(user=leader, organisation=district.sub_a, as_of=PAST, source="other", branches=3)
    url = reverse("members:recorded_count_create")
    data = {"organisation": district.sub_b.pk, "as_of": "2024-06-30", "source": "other", "branches": 3}
    response = secretary_a_client.post(url, data)
    assert response.status_code == 200 and not RecordedCount.objects.exists()
    data["organisation"] = district.sub_a.pk
    assert secretary_a_client.post(url, data).status_code == 302
    assert RecordedCount.objects.get().organisation == district.sub_a
    # A form without any figure is refused with a message, nothing written.
    response = secretary_a_client.post(
        url, {"organisation": district.sub_a.pk, "as_of": "2024-06-30", "source": "other"}
    )
    assert "请至少填写一项统计数" in response.content.decode() and RecordedCount.objects.count() == 1


def test_the_report_opening_states_the_snapshot_in_the_committees_words(district):
    for _ in range(3):
        MemberFactory(organisation=district.branch_a, joined_league_on=date(2020, 5, 4))
    opening = compile_report_content(organisation=district.root, year=2024, half=1).opening.render()
    assert "全区现有团组织4个（其中团工委2个、团支部2个）、团员3名。" in opening
    branch = compile_report_content(organisation=district.branch_a, year=2024, half=1).opening.render()
    assert "本支部现有团员3名。" in branch
    MemberFactory(organisation=district.branch_b, joined_league_on=date(2020, 5, 4))
    assert "团员4名" in compile_report_content(organisation=district.root, year=2024, half=1).opening.render()


def test_the_overview_page_and_its_export(district, staff_client, secretary_a_client):
    MemberFactory(organisation=district.branch_a, joined_league_on=date(2020, 5, 4))
    url = reverse("members:overview")
    page = staff_client.get(url, {"organisation": district.root.pk, "on": "2024-06-30"}).content.decode()
    assert "甲街道团工委" in page and "本系统名册" in page
    response = staff_client.get(url, {"organisation": district.root.pk, "on": "2024-06-30", "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_name["共青团测试区委员会"]["团员（名）"] == 1 and by_name["乙街道团工委"]["团员（名）"] == 0
    # Another subtree's organisation is not found; a date out of range is a message, not a 500.
    assert secretary_a_client.get(url, {"organisation": district.sub_b.pk}).status_code == 404
    response = secretary_a_client.get(url, {"organisation": district.sub_a.pk, "on": "0001-01-01"})
    assert response.status_code == 200 and "1949" in response.content.decode()  # the field says the range
    future = (date.today() + timedelta(days=400)).isoformat()
    assert staff_client.get(url, {"on": future}).status_code == 200


def test_the_dashboards_show_the_same_snapshot(district, staff_client, leader_client):
    for _ in range(2):
        MemberFactory(organisation=district.branch_a, joined_league_on=date(2020, 5, 4))
    expected = committee_snapshot(organisation=district.root, on=date.today())
    for client in (staff_client, leader_client):
        page = client.get(reverse("dashboards:home")).content.decode()
        assert f"团员 {expected.league_members.value} 名" in page and "组织概况" in page


def test_the_annex_lists_the_register_and_the_recorded_counts_with_their_dates(district, staff):
    from reports.exporters.annex import render_annex
    from reports.models import Report

    with time_machine.travel(date(2024, 3, 1)):
        MemberFactory(organisation=district.branch_a, joined_league_on=date(2020, 5, 4))
    with time_machine.travel(date(2024, 6, 1)):
        recorded_count_create(
            user=staff, organisation=district.sub_a, as_of=date(2024, 6, 1), source="annual_return", league_members=42
        )
    report = Report(organisation=district.root, year=2024, half=1, version=1)
    content = compile_report_content(organisation=district.root, year=2024, half=1)
    sheet = openpyxl.load_workbook(io.BytesIO(render_annex(report=report, content=content)))["组织概况"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row[0]]
    members = next(row for row in rows if row[0] == "团员")
    assert members[2:5] == (42, 1, "年度统计报表（2024年6月1日）")
    recorded = next(row for row in rows if row[0] == "填报统计数：团员")
    assert recorded[2] == 42 and recorded[5] == "2024-06-01" and "甲街道团工委" in recorded[4]
    assert "团员42名" in content.opening.render()
