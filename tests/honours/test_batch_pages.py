"""Commendation lists: the workflow, and how far a secretary sees a list whose recipients span subtrees.

A secretary sees a list when its owning organisation or any of its recipients is in their
subtree; inside it they see only their own subtree's recipients; they change only lists
owned within their subtree.
"""

from datetime import date

import pytest
from django.urls import reverse

from core.review.models import Status
from honours.models import CommendationBatch, Direction, Honour, Level, RecipientKind
from honours.selectors import honour_summary

from .factories import BatchFactory, HonourFactory, body

H1_2024 = {"start": date(2024, 1, 1), "end": date(2024, 6, 30)}


def batch_data(district, **overrides):
    data = {
        "name": "2024年甲街道五四表彰",
        "default_title": "优秀共青团员",
        "level": Level.DISTRICT,
        "conferring_body": "共青团测试区委员会",
        "awarded_on": "2024-05-04",
        "year_from": "",
        "year_to": "",
        "direction": Direction.RECEIVED,
        "organisation": district.sub_a.pk,
        "note": "",
    }
    data.update(overrides)
    data["conferring_body"] = body(data["conferring_body"], data["level"]).pk
    return data


@pytest.fixture
def spanning(district):
    """A city list owned by the district, with recipients in both streets and a bare count."""
    batch = BatchFactory(name="全区市级表彰", organisation=district.root, status=Status.SUBMITTED)
    HonourFactory(batch=batch, title="优秀共青团员", recipient_name="甲一", organisation=district.branch_a)
    HonourFactory(batch=batch, title="优秀共青团员", recipient_name="甲二", organisation=district.sub_a)
    HonourFactory(batch=batch, title="优秀共青团员", recipient_name="乙一", organisation=district.branch_b)
    HonourFactory(batch=batch, title="优秀少先队员", recipient_kind=RecipientKind.YOUNG_PIONEER, recipient_name="",
                  recipient_count=40, organisation=district.root)  # fmt: skip
    return batch


def test_secretary_builds_submits_and_staff_approve_a_list(secretary_a_client, staff_client, district):
    response = secretary_a_client.post(reverse("honours:batch_create"), batch_data(district))
    batch = CommendationBatch.objects.get()
    assert response["Location"] == reverse("honours:batch_detail", args=[batch.pk])
    assert batch.organisation == district.sub_a and batch.status == Status.DRAFT
    secretary_a_client.post(
        reverse("honours:batch_pick", args=[batch.pk]),
        {"title": "优秀共青团员", "recipient_kind": RecipientKind.LEAGUE_MEMBER, "names": "甲一\n甲二"},
    )
    secretary_a_client.post(
        reverse("honours:batch_count", args=[batch.pk]),
        {"title": "优秀共青团员", "recipient_kind": RecipientKind.LEAGUE_MEMBER, "count": 10},
    )
    assert honour_summary(organisation=district.root, **H1_2024).total == 0  # not approved yet
    secretary_a_client.post(reverse("honours:batch_submit", args=[batch.pk]))
    assert set(Honour.objects.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert secretary_a_client.post(reverse("honours:batch_approve", args=[batch.pk])).status_code == 403
    staff_client.post(reverse("honours:batch_approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == Status.APPROVED
    assert set(Honour.objects.values_list("status", flat=True)) == {Status.APPROVED}
    summary = honour_summary(organisation=district.root, **H1_2024)
    assert summary.count(level=Level.DISTRICT, kind=RecipientKind.LEAGUE_MEMBER) == 12


def test_an_empty_list_cannot_be_submitted_or_approved(secretary_a_client, staff_client, district):
    batch = BatchFactory(organisation=district.sub_a)
    secretary_a_client.post(reverse("honours:batch_submit", args=[batch.pk]))
    staff_client.post(reverse("honours:batch_approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == Status.DRAFT


def test_header_changes_reach_every_recipient(staff_client, district, spanning):
    response = staff_client.post(
        reverse("honours:batch_update", args=[spanning.pk]),
        batch_data(district, name=spanning.name, level=Level.PROVINCIAL, awarded_on="2024-06-01",
                   conferring_body="广西少工委", organisation=district.root.pk),
    )  # fmt: skip
    assert response.status_code == 302
    rows = Honour.objects.filter(batch=spanning)
    assert {(h.level, h.conferring_body.name, h.counted_on) for h in rows} == {
        (Level.PROVINCIAL, "广西少工委", date(2024, 6, 1))
    }
    assert rows.first().history.first().history_change_reason == "修改表彰名单"


def test_owner_cannot_move_below_its_recipients(staff_client, district, spanning):
    response = staff_client.post(
        reverse("honours:batch_update", args=[spanning.pk]),
        batch_data(district, name=spanning.name, organisation=district.sub_a.pk),
    )
    assert response.status_code == 200 and "不能更改所属组织" in response.content.decode()
    spanning.refresh_from_db()
    assert spanning.organisation == district.root


def test_return_and_resubmit(staff_client, secretary_a_client, district):
    batch = BatchFactory(organisation=district.sub_a, status=Status.SUBMITTED)
    HonourFactory(batch=batch, organisation=district.branch_a)
    staff_client.post(reverse("honours:batch_return", args=[batch.pk]), {"comment": "名单不全"})
    batch.refresh_from_db()
    assert batch.status == Status.RETURNED and batch.honours.get().status == Status.RETURNED
    page = secretary_a_client.get(reverse("honours:batch_detail", args=[batch.pk]))
    assert page.context["can"]["edit"] and "名单不全" in page.content.decode()


# --- How a secretary sees a list that spans subtrees --------------------------------------------


def test_secretary_sees_the_list_but_only_their_recipients(secretary_a_client, secretary_b_client, spanning):
    response = secretary_a_client.get(reverse("honours:batch_detail", args=[spanning.pk]))
    assert response.status_code == 200
    recipients = response.context["recipients"]
    assert {h.recipient_name for h in recipients.honours} == {"甲一", "甲二"}
    assert not recipients.complete and "不在您的管理范围内" in response.content.decode()
    assert "乙一" not in response.content.decode()
    assert [(c["kind"], c["total"]) for c in recipients.counts] == [(RecipientKind.LEAGUE_MEMBER, 2)]
    b = secretary_b_client.get(reverse("honours:batch_detail", args=[spanning.pk])).context["recipients"]
    assert {h.recipient_name for h in b.honours} == {"乙一"}


def test_staff_see_the_whole_list(staff_client, spanning):
    recipients = staff_client.get(reverse("honours:batch_detail", args=[spanning.pk])).context["recipients"]
    assert recipients.complete and len(recipients.honours) == 4
    assert {(c["kind"], c["named"], c["counted"]) for c in recipients.counts} == {
        (RecipientKind.LEAGUE_MEMBER, 3, 0),
        (RecipientKind.YOUNG_PIONEER, 0, 40),
    }


def test_list_of_lists_counts_only_what_the_secretary_may_see(secretary_a_client, staff_client, spanning, district):
    BatchFactory(name="乙街道自己的名单", organisation=district.sub_b)
    rows = {
        b.name: b.visible_recipients for b in secretary_a_client.get(reverse("honours:batch_list")).context["batches"]
    }
    assert rows == {"全区市级表彰": 2}
    rows = {b.name: b.visible_recipients for b in staff_client.get(reverse("honours:batch_list")).context["batches"]}
    assert rows == {"全区市级表彰": 43, "乙街道自己的名单": None}


def test_a_list_without_any_of_their_recipients_is_404(secretary_a_client, district):
    batch = BatchFactory(name="只有乙的", organisation=district.root)
    HonourFactory(batch=batch, organisation=district.branch_b)
    for name in ["batch_detail", "batch_document", "batch_pick", "batch_count", "batch_upload", "batch_update"]:
        assert secretary_a_client.get(reverse(f"honours:{name}", args=[batch.pk])).status_code == 404, name
    for name in ["batch_submit", "batch_withdraw", "batch_approve", "batch_return", "batch_delete", "batch_remove"]:
        assert secretary_a_client.post(reverse(f"honours:{name}", args=[batch.pk])).status_code == 404, name


def test_secretary_cannot_change_a_list_owned_above_them(secretary_a_client, spanning):
    spanning.status = Status.DRAFT
    spanning.save()
    Honour.objects.filter(batch=spanning).update(status=Status.DRAFT)
    for name in ["batch_pick", "batch_count", "batch_upload", "batch_update"]:
        assert secretary_a_client.get(reverse(f"honours:{name}", args=[spanning.pk])).status_code == 403, name
    for name in ["batch_submit", "batch_withdraw", "batch_approve", "batch_return", "batch_delete"]:
        assert secretary_a_client.post(reverse(f"honours:{name}", args=[spanning.pk])).status_code == 403, name
    mine = Honour.objects.get(recipient_name="甲一")
    response = secretary_a_client.post(reverse("honours:batch_remove", args=[spanning.pk]), {"honour": [mine.pk]})
    assert response.status_code == 403
    assert Honour.objects.filter(batch=spanning).count() == 4


def test_removing_recipients_reaches_only_the_users_own(staff_client, secretary_a_client, district):
    batch = BatchFactory(organisation=district.sub_a)
    keep = HonourFactory(batch=batch, recipient_name="留下", organisation=district.branch_a)
    drop = HonourFactory(batch=batch, recipient_name="移除", organisation=district.branch_a)
    secretary_a_client.post(reverse("honours:batch_remove", args=[batch.pk]), {"honour": [drop.pk, "x"]})
    assert list(Honour.objects.filter(batch=batch)) == [keep]


@pytest.mark.parametrize(
    "name", ["batch_submit", "batch_withdraw", "batch_approve", "batch_return", "batch_delete", "batch_remove"]
)
def test_leadership_gets_403_on_list_writes(leader_client, spanning, name):
    assert leader_client.get(reverse("honours:batch_detail", args=[spanning.pk])).status_code == 200
    assert leader_client.post(reverse(f"honours:{name}", args=[spanning.pk])).status_code == 403
    spanning.refresh_from_db()
    assert spanning.status == Status.SUBMITTED


@pytest.mark.parametrize("name", ["batch_pick", "batch_count", "batch_upload", "batch_update"])
def test_leadership_gets_403_on_list_forms(leader_client, spanning, name):
    assert leader_client.get(reverse(f"honours:{name}", args=[spanning.pk])).status_code == 403
    assert leader_client.get(reverse("honours:batch_create")).status_code == 403


@pytest.mark.parametrize(
    "name", ["batch_submit", "batch_withdraw", "batch_approve", "batch_return", "batch_delete", "batch_remove"]
)
def test_list_actions_refuse_get(staff_client, spanning, name):
    assert staff_client.get(reverse(f"honours:{name}", args=[spanning.pk])).status_code == 405


def test_secretary_cannot_create_a_list_for_another_subtree_or_confer(secretary_a_client, district):
    response = secretary_a_client.post(
        reverse("honours:batch_create"), batch_data(district, organisation=district.sub_b.pk)
    )
    assert response.status_code == 200 and response.context["form"].errors["organisation"]
    secretary_a_client.post(reverse("honours:batch_create"), batch_data(district, direction=Direction.CONFERRED))
    assert CommendationBatch.objects.get().direction == Direction.RECEIVED


def test_a_draft_list_is_deleted_with_its_recipients(secretary_a_client, district):
    batch = BatchFactory(organisation=district.sub_a)
    HonourFactory(batch=batch, organisation=district.branch_a)
    response = secretary_a_client.post(reverse("honours:batch_delete", args=[batch.pk]))
    assert response["Location"] == reverse("honours:batch_list")
    assert not CommendationBatch.objects.exists() and not Honour.objects.exists()


def test_batch_detail_query_count_does_not_grow(staff_client, district, django_assert_max_num_queries):
    batch = BatchFactory(organisation=district.root)
    for i in range(50):
        HonourFactory(batch=batch, recipient_name=f"人{i}", organisation=district.branch_a)
    with django_assert_max_num_queries(10):
        response = staff_client.get(reverse("honours:batch_detail", args=[batch.pk]))
    assert len(response.context["recipients"].honours) == 50


def test_secretary_reads_but_does_not_handle_what_the_committee_confers(secretary_a_client, district):
    batch = BatchFactory(organisation=district.sub_a, direction=Direction.CONFERRED, level=Level.DISTRICT)
    HonourFactory(batch=batch, organisation=district.branch_a)
    single = HonourFactory(organisation=district.branch_a, direction=Direction.CONFERRED, status=Status.DRAFT)
    assert secretary_a_client.get(reverse("honours:batch_detail", args=[batch.pk])).status_code == 200
    assert secretary_a_client.get(reverse("honours:batch_update", args=[batch.pk])).status_code == 403
    for name in ["batch_submit", "batch_delete"]:
        assert secretary_a_client.post(reverse(f"honours:{name}", args=[batch.pk])).status_code == 403
    assert secretary_a_client.get(reverse("honours:update", args=[single.pk])).status_code == 403
    for name in ["submit", "delete"]:
        assert secretary_a_client.post(reverse(f"honours:{name}", args=[single.pk])).status_code == 403
    single.refresh_from_db()
    assert single.status == Status.DRAFT and CommendationBatch.objects.filter(pk=batch.pk).exists()
