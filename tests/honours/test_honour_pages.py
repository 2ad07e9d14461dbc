"""Single honours: entered by secretaries for their subtree, approved by staff, read by leadership."""

from datetime import date

import pytest
from django.urls import reverse

from core.review.models import Status
from honours.models import Direction, Honour, Level, RecipientKind
from members.choices import Category

from ..factories import MemberFactory, make_id_number
from .factories import BatchFactory, HonourFactory, body


def form_data(**overrides):
    data = {
        "title": "优秀共青团员",
        "grade": "",
        "level": Level.CITY,
        "conferring_body": "共青团柳州市委员会",
        "awarded_on": "2024-05-04",
        "year_from": "",
        "year_to": "",
        "direction": Direction.RECEIVED,
        "recipient_kind": RecipientKind.LEAGUE_MEMBER,
        "recipient_name": "",
        "certificate_number": "",
        "note": "",
    }
    data.update(overrides)
    data["conferring_body"] = body(data["conferring_body"], data["level"]).pk
    return data


@pytest.fixture
def member_a(district):
    birth = date(2005, 9, 9)
    member = MemberFactory(name="蓝天", birth_date=birth, id_number=make_id_number(birth, 77),
                           organisation=district.branch_a, category=Category.LEAGUE_MEMBER)  # fmt: skip
    member.id_text = make_id_number(birth, 77)
    return member


@pytest.fixture
def honour_a(district):
    return HonourFactory(title="甲的表彰", status=Status.DRAFT, organisation=district.branch_a)


# --- Entering --------------------------------------------------------------------------------


def test_secretary_enters_an_honour_for_a_member_found_by_id_number(secretary_a_client, member_a, district):
    response = secretary_a_client.post(reverse("honours:create"), form_data(id_number=member_a.id_text))
    honour = Honour.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("honours:detail", args=[honour.pk])
    assert honour.member == member_a and honour.recipient_name == "蓝天"
    assert honour.organisation == district.branch_a and honour.status == Status.DRAFT
    assert honour.counted_on == date(2024, 5, 4) and honour.history.count() == 1
    assert member_a.id_text not in str(Honour.objects.values().get())


def test_secretary_submits_and_staff_approve(secretary_a_client, staff_client, member_a):
    secretary_a_client.post(reverse("honours:create"), form_data(member=member_a.pk, action="submit"))
    honour = Honour.objects.get()
    assert honour.status == Status.SUBMITTED and honour.submitted_at is not None
    assert secretary_a_client.post(reverse("honours:approve", args=[honour.pk])).status_code == 403
    assert staff_client.post(reverse("honours:approve", args=[honour.pk])).status_code == 302
    honour.refresh_from_db()
    assert honour.status == Status.APPROVED and honour.reviewed_by.username == "staff"


def test_staff_may_save_and_approve_at_once_and_confer(staff_client, district):
    response = staff_client.post(
        reverse("honours:create"),
        form_data(
            recipient_name="李团干",
            recipient_kind=RecipientKind.CADRE,
            organisation=district.sub_b.pk,
            direction=Direction.CONFERRED,
            level=Level.DISTRICT,
            conferring_body="共青团XX区委员会",
            action="approve",
        ),
    )
    assert response.status_code == 302
    honour = Honour.objects.get()
    assert honour.status == Status.APPROVED and honour.direction == Direction.CONFERRED
    assert honour.organisation == district.sub_b


def test_a_secretary_cannot_confer_nor_approve_on_entry(secretary_a_client, district):
    secretary_a_client.post(
        reverse("honours:create"),
        form_data(recipient_name="王五", organisation=district.branch_a.pk, direction=Direction.CONFERRED,
                  action="approve"),
    )  # fmt: skip
    honour = Honour.objects.get()
    assert honour.direction == Direction.RECEIVED and honour.status == Status.DRAFT


def test_secretary_cannot_enter_for_another_subtree(secretary_a_client, district):
    response = secretary_a_client.post(
        reverse("honours:create"), form_data(recipient_name="王五", organisation=district.branch_b.pk)
    )
    assert response.status_code == 200 and response.context["form"].errors["organisation"]
    assert not Honour.objects.exists()


def test_an_id_number_outside_the_scope_is_not_found(secretary_b_client, member_a):
    response = secretary_b_client.post(reverse("honours:create"), form_data(id_number=member_a.id_text))
    assert "未找到" in str(response.context["form"].errors["id_number"])
    assert not Honour.objects.exists()


def test_invalid_input_is_shown_again_with_messages(secretary_a_client, district):
    response = secretary_a_client.post(
        reverse("honours:create"),
        form_data(recipient_name="王五", organisation=district.branch_a.pk, awarded_on="", year_from="2024",
                  year_to="2022", level=Level.NATIONAL, direction=Direction.RECEIVED),
    )  # fmt: skip
    assert response.status_code == 200
    assert "不能早于" in str(response.context["form"].errors["year_to"])
    assert response.context["form"]["recipient_name"].value() == "王五"
    assert not Honour.objects.exists()


def test_recipient_must_be_one_thing(secretary_a_client, district, member_a):
    response = secretary_a_client.post(
        reverse("honours:create"), form_data(member=member_a.pk, recipient_name="另一个人")
    )
    assert "三者选其一" in str(response.context["form"].errors["recipient_name"])
    response = secretary_a_client.post(reverse("honours:create"), form_data())
    assert "请选择获奖成员" in str(response.context["form"].errors["recipient_name"])


def test_pioneer_kind_refuses_a_league_member(secretary_a_client, member_a):
    response = secretary_a_client.post(
        reverse("honours:create"), form_data(member=member_a.pk, recipient_kind=RecipientKind.YOUNG_PIONEER)
    )
    assert response.status_code == 200 and "不能按少先队员登记" in response.content.decode()


def test_create_page_prefills_a_member_from_the_member_page(secretary_a_client, member_a):
    response = secretary_a_client.get(reverse("honours:create"), {"member": member_a.pk})
    assert response.context["picked_member"] == member_a
    assert response.context["form"].initial["organisation"] == member_a.organisation_id


def test_create_page_will_not_prefill_another_subtrees_member(secretary_b_client, member_a):
    assert secretary_b_client.get(reverse("honours:create"), {"member": member_a.pk}).status_code == 404


def test_create_page_search_finds_members_and_organisations_in_scope(secretary_a_client, member_a, district):
    response = secretary_a_client.get(reverse("honours:create"), {"q": "甲"})
    assert {o.name for o in response.context["found_orgs"]} == {"甲街道团工委", "甲社区团支部"}
    response = secretary_a_client.get(reverse("honours:create"), {"q": "蓝"})
    assert response.context["found_members"] == [member_a]


# --- The workflow ------------------------------------------------------------------------------


def test_submitted_honour_is_locked_until_withdrawn(secretary_a_client, honour_a):
    secretary_a_client.post(reverse("honours:submit", args=[honour_a.pk]))
    assert secretary_a_client.get(reverse("honours:update", args=[honour_a.pk])).status_code == 403
    assert secretary_a_client.post(reverse("honours:delete", args=[honour_a.pk])).status_code == 403
    secretary_a_client.post(reverse("honours:withdraw", args=[honour_a.pk]))
    honour_a.refresh_from_db()
    assert honour_a.status == Status.DRAFT
    response = secretary_a_client.post(
        reverse("honours:update", args=[honour_a.pk]),
        form_data(recipient_name="改过的人", organisation=honour_a.organisation_id),
    )
    assert response.status_code == 302
    honour_a.refresh_from_db()
    assert honour_a.recipient_name == "改过的人" and honour_a.history.count() == 4


def test_return_needs_a_comment_and_reopens_the_record(staff_client, secretary_a_client, honour_a):
    secretary_a_client.post(reverse("honours:submit", args=[honour_a.pk]))
    staff_client.post(reverse("honours:return", args=[honour_a.pk]), {"comment": " "})
    honour_a.refresh_from_db()
    assert honour_a.status == Status.SUBMITTED
    staff_client.post(reverse("honours:return", args=[honour_a.pk]), {"comment": "请补充证书"})
    honour_a.refresh_from_db()
    assert honour_a.status == Status.RETURNED and honour_a.review_comment == "请补充证书"
    page = secretary_a_client.get(reverse("honours:detail", args=[honour_a.pk]))
    assert "请补充证书" in page.content.decode() and page.context["can"]["edit"]


def test_secretary_deletes_a_draft(secretary_a_client, honour_a):
    assert secretary_a_client.post(reverse("honours:delete", args=[honour_a.pk])).status_code == 302
    assert not Honour.objects.exists()


def test_a_list_recipient_is_changed_through_its_list(staff_client, district):
    batch = BatchFactory(organisation=district.root)
    honour = HonourFactory(batch=batch, organisation=district.branch_a)
    assert staff_client.get(reverse("honours:update", args=[honour.pk])).status_code == 403
    assert staff_client.post(reverse("honours:approve", args=[honour.pk])).status_code == 403


# --- Refusals ---------------------------------------------------------------------------------

HONOUR_POSTS = ["submit", "withdraw", "approve", "return", "delete", "certificate_upload"]


@pytest.mark.parametrize("name", ["detail", "update", "certificate"])
def test_other_subtree_gets_404_on_every_page(secretary_b_client, honour_a, name):
    assert secretary_b_client.get(reverse(f"honours:{name}", args=[honour_a.pk])).status_code == 404


@pytest.mark.parametrize("name", HONOUR_POSTS + ["update"])
def test_other_subtree_gets_404_on_every_action(secretary_b_client, honour_a, name):
    assert secretary_b_client.post(reverse(f"honours:{name}", args=[honour_a.pk])).status_code == 404
    honour_a.refresh_from_db()
    assert honour_a.status == Status.DRAFT


@pytest.mark.parametrize("name", HONOUR_POSTS + ["update"])
def test_leadership_reads_but_every_write_is_403(leader_client, honour_a, name):
    assert leader_client.get(reverse("honours:detail", args=[honour_a.pk])).status_code == 200
    assert leader_client.post(reverse(f"honours:{name}", args=[honour_a.pk])).status_code == 403
    assert leader_client.get(reverse("honours:create")).status_code == 403


@pytest.mark.parametrize("name", HONOUR_POSTS)
def test_actions_refuse_get(secretary_a_client, honour_a, name):
    assert secretary_a_client.get(reverse(f"honours:{name}", args=[honour_a.pk])).status_code == 405


@pytest.mark.parametrize("name", ["list", "summary", "create", "batch_list", "batch_create", "batch_template"])
def test_anonymous_is_sent_to_login(client, district, name):
    response = client.get(reverse(f"honours:{name}"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_anonymous_is_sent_to_login_from_a_record(client, honour_a):
    response = client.get(reverse("honours:detail", args=[honour_a.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- The list --------------------------------------------------------------------------------


def test_list_counts_follow_a_new_record_at_once(staff_client, district):
    HonourFactory(organisation=district.branch_a)
    url = reverse("honours:list")

    def counts():
        ctx = staff_client.get(url).context
        return ctx["page_obj"].paginator.count, ctx["recipients"]

    assert counts() == counts() == (1, 1)  # the second read comes from the cache
    HonourFactory(organisation=district.branch_b)
    assert counts() == (2, 2)


def test_list_is_scoped_and_filtered(secretary_a_client, staff_client, district):
    HonourFactory(title="甲市级", level=Level.CITY, organisation=district.branch_a)
    HonourFactory(title="甲全国", level=Level.NATIONAL, organisation=district.sub_a)
    HonourFactory(title="乙市级", level=Level.CITY, organisation=district.branch_b)
    titles = lambda r: {h.title for h in r.context["honours"]}  # noqa: E731
    assert titles(secretary_a_client.get(reverse("honours:list"))) == {"甲市级", "甲全国"}
    assert titles(staff_client.get(reverse("honours:list"), {"level": Level.CITY})) == {"甲市级", "乙市级"}
    assert titles(staff_client.get(reverse("honours:list"), {"organisation": district.sub_b.pk})) == {"乙市级"}
    assert titles(staff_client.get(reverse("honours:list"), {"q": "全国"})) == {"甲全国"}
    # Another subtree is not a valid filter for a secretary: nothing is shown, nothing leaks.
    response = secretary_a_client.get(reverse("honours:list"), {"organisation": district.sub_b.pk})
    assert titles(response) == set()


def test_list_filters_by_half_year(staff_client, district):
    HonourFactory(title="上半年", awarded_on=date(2024, 3, 1), organisation=district.sub_a)
    HonourFactory(title="下半年", awarded_on=date(2024, 9, 1), organisation=district.sub_a)
    response = staff_client.get(reverse("honours:list"), {"period": "2024-H2"})
    assert [h.title for h in response.context["honours"]] == ["下半年"]


def test_list_query_count_does_not_grow(staff_client, district, django_assert_max_num_queries):
    batch = BatchFactory(organisation=district.root)
    for i in range(40):
        HonourFactory(title=f"称号{i}", organisation=district.branch_a if i % 2 else district.branch_b,
                      batch=batch if i % 3 == 0 else None)  # fmt: skip
    # 8 for the page, 1 for the navigation's unread-messages badge.
    with django_assert_max_num_queries(9):
        response = staff_client.get(reverse("honours:list"))
    assert len(response.context["honours"]) == 40


def test_search_refuses_an_id_number_in_the_address(secretary_a_client, member_a):
    response = secretary_a_client.get(reverse("honours:create"), {"q": member_a.id_text})
    assert response.context["found_members"] == []
    assert "请勿在此输入身份证号码" in response.content.decode()


def test_edit_can_let_go_of_the_linked_member(secretary_a_client, member_a, district):
    secretary_a_client.post(reverse("honours:create"), form_data(member=member_a.pk))
    honour = Honour.objects.get()
    page = secretary_a_client.get(reverse("honours:update", args=[honour.pk]), {"clear": "1"})
    assert page.context["form"].initial["member"] is None and page.context["picked_member"] is None
    response = secretary_a_client.post(
        reverse("honours:update", args=[honour.pk]), form_data(recipient_name="另一位", organisation=district.sub_a.pk)
    )
    assert response.status_code == 302
    honour.refresh_from_db()
    assert honour.member is None and honour.recipient_name == "另一位" and honour.organisation == district.sub_a
