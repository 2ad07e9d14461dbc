"""The pages with the client: who sees which request and row, and who may act on it."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from branches.models import Kind
from submissions import services
from submissions.models import SubmissionState
from tests.factories import OrganisationFactory, UserFactory

from .conftest import finalise


@pytest.fixture
def live(district, six, staff, secretary_a, secretary_b, secretary_c):
    """A request open now, so the pages' days-to-deadline are today's."""
    return services.request_create(
        organisation=district.root,
        year=2024,
        half=1,
        deadline=timezone.localdate() + timedelta(days=5),
        note="请认真总结。",
        user=staff,
    )


def test_staff_create_a_request_through_the_form(district, six, staff_client, secretary_c, client):
    response = staff_client.get(reverse("submissions:create"))
    assert response.status_code == 200
    deadline = timezone.localdate() + timedelta(days=7)
    response = staff_client.post(
        reverse("submissions:create"),
        {
            "organisation": district.root.pk,
            "year": 2024,
            "half": 2,
            "deadline": deadline.isoformat(),
            "kinds": [Kind.SUBDISTRICT],
            "lead_days": 3,
            "note": "",
        },
    )
    assert response.status_code == 302
    request = district.root.summary_requests.get()
    assert request.submissions.count() == 3
    # A deadline in the past: the form says so and nothing is created.
    response = staff_client.post(
        reverse("submissions:create"),
        {"organisation": district.root.pk, "year": 2025, "half": 1, "deadline": "2020-01-01", "lead_days": 3},
    )
    assert response.status_code == 200 and "报送截止日期不能早于今天" in response.content.decode()
    assert district.root.summary_requests.count() == 1


def test_a_secretary_cannot_ask_in_the_name_of_the_district(district, six, secretary_a_client, leader_client):
    response = secretary_a_client.post(
        reverse("submissions:create"),
        {"organisation": district.root.pk, "year": 2024, "half": 1, "deadline": "2099-01-01", "lead_days": 3},
    )
    assert response.status_code == 200 and not district.root.summary_requests.exists()
    assert leader_client.get(reverse("submissions:create")).status_code == 403


def test_the_asked_committee_sees_the_request_on_its_home_page_and_in_its_inbox(live, secretary_c):
    from django.test import Client

    client = Client()
    client.force_login(secretary_c)
    home = client.get(reverse("dashboards:home")).content.decode()
    assert (
        "共青团测试区委员会征集2024年上半年工作总结" in home and reverse("submissions:detail", args=[live.pk]) in home
    )
    inbox = client.get(reverse("obligations:inbox")).content.decode()
    assert "【工作总结征集】共青团测试区委员会请于" in inbox


def test_the_requester_sees_every_row_a_committee_only_its_own(live, staff_client, secretary_a_client):
    page = staff_client.get(reverse("submissions:detail", args=[live.pk])).content.decode()
    for name in ("甲街道团工委", "乙街道团工委", "东环街道团工委", "高新园区团工委", "第一中学团委", "测试区少工委"):
        assert name in page
    assert "还有5天" in page and "未开始 <strong>6</strong>" in page
    page = secretary_a_client.get(reverse("submissions:detail", args=[live.pk])).content.decode()
    assert "甲街道团工委" in page and "乙街道团工委" not in page and "东环街道团工委" not in page
    assert "报送定稿版本" in page and "接收</button>" not in page
    assert secretary_a_client.get(reverse("submissions:archive", args=[live.pk])).status_code == 403
    # The export holds the rows the user may see.
    sheet = openpyxl.load_workbook(
        io.BytesIO(secretary_a_client.get(reverse("submissions:export", args=[live.pk])).getvalue())
    ).active
    names = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "甲街道团工委" in names and "乙街道团工委" not in names


def test_refusals_a_branch_secretary_a_committee_not_asked_another_district(live, district, secretary_b):
    from django.test import Client

    def client_of(user):
        c = Client()
        c.force_login(user)
        return c

    branch = client_of(UserFactory(role=Role.SECRETARY, organisation=district.branch_a))
    assert branch.get(reverse("submissions:detail", args=[live.pk])).status_code == 404
    other_root = OrganisationFactory(name="共青团邻区委员会", kind=Kind.DISTRICT)
    other_sub = OrganisationFactory(name="邻区街道团工委", kind=Kind.SUBDISTRICT, parent=other_root)
    other = client_of(UserFactory(role=Role.SECRETARY, organisation=other_sub))
    mine = live.submissions.get(organisation=district.sub_a)
    assert other.get(reverse("submissions:detail", args=[live.pk])).status_code == 404
    assert other.post(reverse("submissions:submit", args=[mine.pk])).status_code == 404
    assert "甲街道团工委" not in other.get(reverse("submissions:list")).content.decode()
    # A committee not asked (sub_b's row removed) finds neither the request nor sub_a's row.
    live.submissions.get(organisation=district.sub_b).delete()
    b = client_of(secretary_b)
    assert b.get(reverse("submissions:detail", args=[live.pk])).status_code == 404
    assert b.post(reverse("submissions:submit", args=[mine.pk])).status_code == 404


def test_submit_accept_and_return_through_the_pages(
    live,
    district,
    staff,
    staff_client,
    secretary_a,
    secretary_a_client,
    leader_client,
    data,
    django_capture_on_commit_callbacks,
):
    mine = live.submissions.get(organisation=district.sub_a)
    response = secretary_a_client.post(reverse("submissions:submit", args=[mine.pk]), follow=True)
    assert "请先编制本单位的工作总结并定稿" in response.content.decode()
    # The secretary compiles and finalises the committee's own report in the same editor.
    response = secretary_a_client.post(
        reverse("reports:start"), {"organisation": district.sub_a.pk, "year": 2024, "half": 1}
    )
    assert response.status_code == 302
    assert (
        secretary_a_client.post(
            reverse("reports:start"), {"organisation": district.sub_b.pk, "year": 2024, "half": 1}
        ).status_code
        == 200
    )  # not their committee: not in the choices
    finalise(district.sub_a, secretary_a, django_capture_on_commit_callbacks)
    assert secretary_a_client.post(reverse("submissions:submit", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    assert mine.state == SubmissionState.SUBMITTED
    assert secretary_a_client.post(reverse("submissions:accept", args=[mine.pk])).status_code == 403
    assert leader_client.post(reverse("submissions:accept", args=[mine.pk])).status_code == 403
    assert staff_client.get(reverse("submissions:accept", args=[mine.pk])).status_code == 405
    staff_client.post(reverse("submissions:return", args=[mine.pk]), {"comment": "请补充数据。"})
    mine.refresh_from_db()
    assert (mine.state, mine.comment) == (SubmissionState.RETURNED, "请补充数据。")
    page = staff_client.get(reverse("submissions:detail", args=[live.pk])).content.decode()
    assert "已退回" in page and "退回意见：请补充数据。" in page
