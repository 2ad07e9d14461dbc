"""Conferring bodies kept by staff; honours entered with a body, a grade and an edition; recipients
of every kind; what the committee confers finalised in one step; year ranges dated."""

from datetime import date

import pytest
from django.urls import reverse

from core.review.models import Status
from honours.models import CommendationBatch, ConferringBody, Direction, Honour, Level, RecipientKind
from honours.selectors import honour_summary
from members.choices import Category

from ..factories import MemberFactory
from .factories import BatchFactory, HonourFactory, body
from .test_honour_pages import form_data

H1_2024 = {"start": date(2024, 1, 1), "end": date(2024, 6, 30)}


def body_data(**overrides):
    return {"name": "共青团柳州市委员会", "short_name": "团市委", "level": Level.CITY, "active": "on", **overrides}


# --- Bodies: staff only --------------------------------------------------------------------------


def test_staff_keep_the_bodies_with_their_short_forms(staff_client):
    assert staff_client.post(reverse("honours:body_create"), body_data()).status_code == 302
    city = ConferringBody.objects.get()
    assert (city.name, city.short_name, city.level, city.active) == ("共青团柳州市委员会", "团市委", Level.CITY, True)
    assert city.history.get().history_user.username == "staff"

    response = staff_client.post(reverse("honours:body_update", args=[city.pk]), body_data(short_name="团市委员会"))
    assert response.status_code == 302
    city.refresh_from_db()
    assert city.short_name == "团市委员会" and city.history.count() == 2
    page = staff_client.get(reverse("honours:body_list")).content.decode()
    assert "共青团柳州市委员会" in page and "团市委员会" in page


@pytest.mark.parametrize("persona", ["secretary_a_client", "leader_client"])
def test_only_staff_reach_the_bodies_pages(persona, request, district):
    client = request.getfixturevalue(persona)
    city = body("共青团柳州市委员会", Level.CITY)
    for url in (
        reverse("honours:body_list"),
        reverse("honours:body_create"),
        reverse("honours:body_update", args=[city.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("honours:body_create"), body_data(name="新单位")).status_code == 403
    assert client.post(reverse("honours:body_update", args=[city.pk]), body_data(short_name="x")).status_code == 403
    assert not ConferringBody.objects.filter(name="新单位").exists()
    assert ConferringBody.objects.get(pk=city.pk).short_name == ""


def test_a_duplicate_body_is_refused_and_the_form_kept(staff_client):
    body("共青团柳州市委员会", Level.CITY)
    response = staff_client.post(reverse("honours:body_create"), body_data(short_name="市团委"))
    assert response.status_code == 200 and response.context["form"].errors["name"]
    assert response.context["form"]["short_name"].value() == "市团委"
    assert ConferringBody.objects.count() == 1


def test_a_bodys_level_stays_while_honours_of_that_level_use_it(staff_client, district):
    city = body("共青团柳州市委员会", Level.CITY)
    HonourFactory(conferring_body=city, level=Level.CITY, organisation=district.branch_a)
    response = staff_client.post(reverse("honours:body_update", args=[city.pk]), body_data(level=Level.PROVINCIAL))
    assert response.status_code == 200 and "不能修改级别" in str(response.context["form"].errors["level"])
    assert ConferringBody.objects.get(pk=city.pk).level == Level.CITY


# --- Entering an honour with its body, grade and edition ----------------------------------------


def test_an_honour_is_entered_with_its_body_grade_and_edition(staff_client, district):
    response = staff_client.post(
        reverse("honours:create"),
        form_data(title="柳州市青年志愿服务项目大赛", grade="金奖", edition="3", recipient_kind=RecipientKind.PROJECT,
                  recipient_name="“青春护河”志愿服务", organisation=district.sub_a.pk, action="approve"),
    )  # fmt: skip
    assert response.status_code == 302
    honour = Honour.objects.get()
    assert (honour.conferring_body.name, honour.grade, honour.edition) == ("共青团柳州市委员会", "金奖", 3)
    assert honour.title_display == "第三届柳州市青年志愿服务项目大赛（金奖）"
    page = staff_client.get(reverse("honours:detail", args=[honour.pk])).content.decode()
    assert "第三届" in page and "共青团柳州市委员会" in page
    summary = staff_client.get(reverse("honours:summary") + "?period=2024-H1").content.decode()
    assert "市级及以下的奖项" in summary and "柳州市青年志愿服务项目大赛金奖" in summary


def test_a_body_of_another_level_is_refused_with_a_message(secretary_a_client, district):
    region = body("共青团广西壮族自治区委员会", Level.PROVINCIAL)
    response = secretary_a_client.post(
        reverse("honours:create"),
        form_data(recipient_name="王五", organisation=district.branch_a.pk, conferring_body=region.name,
                  level=Level.CITY),
    )  # fmt: skip
    assert response.status_code == 200
    assert "与表彰级别“市级”不一致" in str(response.context["form"].errors["conferring_body"])
    assert response.context["form"]["recipient_name"].value() == "王五"
    assert not Honour.objects.exists()


def test_a_retired_body_is_not_offered_but_stays_on_its_records(staff_client, district):
    old = body("柳州市青年联合会", Level.CITY)
    honour = HonourFactory(conferring_body=old, level=Level.CITY, organisation=district.branch_a,
                           status=Status.DRAFT)  # fmt: skip
    ConferringBody.objects.filter(pk=old.pk).update(active=False)
    new_form = staff_client.get(reverse("honours:create")).context["form"]
    assert old.pk not in [pk for pk, _label in new_form.fields["conferring_body"].choices if pk]
    edit_form = staff_client.get(reverse("honours:update", args=[honour.pk])).context["form"]
    assert old.pk in [pk for pk, _label in edit_form.fields["conferring_body"].choices if pk]


# --- Year ranges count in the half they were announced --------------------------------------------


def test_a_year_range_needs_the_day_it_was_announced(secretary_a_client, district):
    data = form_data(recipient_name="王五", organisation=district.branch_a.pk, awarded_on="", year_from="2023",
                     year_to="2024")  # fmt: skip
    response = secretary_a_client.post(reverse("honours:create"), data)
    assert response.status_code == 200 and "跨年度" in str(response.context["form"].errors["awarded_on"])
    assert not Honour.objects.exists()

    secretary_a_client.post(reverse("honours:create"), {**data, "awarded_on": "2024-05-04"})
    honour = Honour.objects.get()
    assert honour.counted_on == date(2024, 5, 4) and honour.award_year_display == "2023—2024年度"
    Honour.objects.update(status=Status.APPROVED)
    assert honour_summary(organisation=district.root, **H1_2024).total == 1


# --- Recipients of every kind ------------------------------------------------------------------------


def test_youth_and_units_are_recipients_of_their_own(staff_client, district):
    batch = BatchFactory(organisation=district.root, status=Status.DRAFT)
    url = reverse("honours:batch_pick", args=[batch.pk])
    staff_client.post(url, {"title": "优秀青年志愿者", "recipient_kind": RecipientKind.YOUTH, "names": "甲\n乙"})
    staff_client.post(url, {"title": "青年文明号", "recipient_kind": RecipientKind.UNIT, "names": "某某科技有限公司"})
    staff_client.post(reverse("honours:batch_approve", args=[batch.pk]))
    summary = honour_summary(organisation=district.root, **H1_2024)
    assert summary.persons(kind=RecipientKind.YOUTH) == 2 and summary.count(kind=RecipientKind.UNIT) == 1
    assert summary.phrase(level=Level.CITY) == "2名青年、1个单位"

    # A league member is not entered as a youth.
    member = MemberFactory(organisation=district.branch_a, category=Category.LEAGUE_MEMBER, name="团员甲")
    response = staff_client.post(
        reverse("honours:create"), form_data(member=member.pk, recipient_kind=RecipientKind.YOUTH)
    )
    assert "不能按青年登记" in response.content.decode()


# --- What the committee confers: finalised in one step --------------------------------------------


def test_staff_finalise_a_conferred_list_in_one_step(staff_client, district):
    district_body = body("共青团测试区委员会", Level.DISTRICT)
    batch = BatchFactory(organisation=district.root, conferring_body=district_body, level=Level.DISTRICT,
                         direction=Direction.CONFERRED, status=Status.DRAFT)  # fmt: skip
    HonourFactory(batch=batch, organisation=district.branch_a)
    page = staff_client.get(reverse("honours:batch_detail", args=[batch.pk])).content.decode()
    assert "定稿（计入统计）" in page and "提交审核" not in page

    # Submitting to itself is refused with a message, nothing changes.
    response = staff_client.post(reverse("honours:batch_submit", args=[batch.pk]), follow=True)
    assert "无需提交审核" in response.content.decode() and "等待区团委审核" not in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == Status.DRAFT

    response = staff_client.post(reverse("honours:batch_approve", args=[batch.pk]), follow=True)
    assert "已定稿，名单中的获奖对象计入统计" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == Status.APPROVED and batch.honours.get().status == Status.APPROVED


def test_a_received_list_staff_enter_is_still_submitted_and_approved(staff_client, district):
    batch = BatchFactory(organisation=district.root, status=Status.DRAFT)
    HonourFactory(batch=batch, organisation=district.branch_a)
    page = staff_client.get(reverse("honours:batch_detail", args=[batch.pk])).content.decode()
    assert "提交审核" in page and "定稿（计入统计）" not in page
    response = staff_client.post(reverse("honours:batch_submit", args=[batch.pk]), follow=True)
    assert "已提交审核" in response.content.decode() and "等待区团委审核" not in response.content.decode()
    assert CommendationBatch.objects.get(pk=batch.pk).status == Status.SUBMITTED


def test_a_conferred_honour_is_saved_and_finalised_never_submitted(staff_client, district):
    data = form_data(recipient_name="李团干", recipient_kind=RecipientKind.CADRE, organisation=district.sub_b.pk,
                     direction=Direction.CONFERRED, level=Level.DISTRICT,
                     conferring_body="共青团测试区委员会")  # fmt: skip
    response = staff_client.post(reverse("honours:create"), {**data, "action": "submit"})
    assert response.status_code == 200 and "无需提交审核" in response.content.decode()
    assert not Honour.objects.exists()
    response = staff_client.post(reverse("honours:create"), {**data, "action": "approve"})
    honour = Honour.objects.get()
    assert response.status_code == 302 and honour.status == Status.APPROVED
