"""A returned record is impossible to miss: a message in 消息 with the comment, and a banner at
the top of the secretary's home until the record is resubmitted (issue #28)."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from activities import services
from core.review import services as review
from core.review.models import Status
from obligations.models import Message

from ..factories import UserFactory
from .factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _submitted(secretary, org, title="五四主题团日"):
    activity = ActivityFactory(organisation=org, status=Status.DRAFT, title=title, start_date=date(2026, 5, 4))
    activity.created_by = secretary
    activity.save()
    return review.review_submit(workflow=services.REVIEW, record=activity, user=secretary)


def test_return_sends_the_submitter_a_message_with_the_comment(staff, secretary_a, district):
    activity = _submitted(secretary_a, district.branch_a)
    review.review_return(workflow=services.REVIEW, record=activity, reviewer=staff, comment="请补充活动照片。")
    message = Message.objects.get(recipient=secretary_a)
    assert message.subject == "【退回待修改】五四主题团日"
    assert "请补充活动照片。" in message.body
    assert f"（{district.branch_a.display_name}，2026年5月4日）已被区团委" in message.body
    assert message.link == reverse("activities:detail", args=[activity.pk])
    assert not message.is_read


def test_bulk_return_messages_each_submitter_and_approval_sends_none(staff, secretary_a, secretary_b, district):
    a = _submitted(secretary_a, district.branch_a, "甲")
    b = _submitted(secretary_b, district.branch_b, "乙")
    c = _submitted(secretary_a, district.branch_a, "丙")
    review.review_many(workflow=services.REVIEW, ids=[c.pk], reviewer=staff, approve=True)
    assert not Message.objects.exists()
    review.review_many(workflow=services.REVIEW, ids=[a.pk, b.pk], reviewer=staff, approve=False, comment="人数有误。")
    assert list(Message.objects.filter(recipient=secretary_a).values_list("subject", flat=True)) == ["【退回待修改】甲"]
    assert list(Message.objects.filter(recipient=secretary_b).values_list("subject", flat=True)) == ["【退回待修改】乙"]


def test_banner_tops_the_secretary_home_until_resubmitted(
    staff, secretary_a, secretary_a_client, secretary_b_client, district
):
    activity = _submitted(secretary_a, district.branch_a)
    review.review_return(workflow=services.REVIEW, record=activity, reviewer=staff, comment="请补充活动照片。")
    html = secretary_a_client.get(reverse("dashboards:home")).content.decode()
    assert 'id="returned-banner"' in html
    # Before every other part of the page's content.
    assert html.index('id="returned-banner"') < html.index('id="due"')
    assert "1 条活动记录被退回，请修改后重新提交" in html
    assert "审核意见：请补充活动照片。" in html
    assert reverse("activities:update", args=[activity.pk]) in html
    # Another branch's secretary sees nothing of it.
    assert 'id="returned-banner"' not in secretary_b_client.get(reverse("dashboards:home")).content.decode()

    activity.refresh_from_db()
    review.review_submit(workflow=services.REVIEW, record=activity, user=secretary_a)
    assert 'id="returned-banner"' not in secretary_a_client.get(reverse("dashboards:home")).content.decode()


def test_a_return_tells_the_author_as_well_as_the_submitter(staff, secretary_a, district):
    author = UserFactory(username="author_a", role=Role.SECRETARY, organisation=district.sub_a)
    activity = ActivityFactory(organisation=district.branch_a, status=Status.SUBMITTED, title="团课")
    activity.created_by, activity.submitted_by = author, secretary_a
    activity.save()
    review.review_return(workflow=services.REVIEW, record=activity, reviewer=staff, comment="请补充照片。")
    assert sorted(Message.objects.values_list("recipient__username", flat=True)) == ["author_a", "secretary_a"]
    assert all(body.startswith("你提交的活动记录「团课」") for body in Message.objects.values_list("body", flat=True))


def test_a_record_nobody_submitted_tells_its_organisations_secretaries(
    staff, leader, secretary_a, secretary_b, district
):
    UserFactory(username="leader_a", role=Role.LEADER, organisation=district.sub_a)
    UserFactory(username="former_a", role=Role.SECRETARY, organisation=district.sub_a, is_active=False)
    imported = ActivityFactory(organisation=district.sub_a, status=Status.SUBMITTED, title="导入的记录")
    assert imported.created_by is None and imported.submitted_by is None
    review.review_many(workflow=services.REVIEW, ids=[imported.pk], reviewer=staff, approve=False, comment="日期有误。")
    message = Message.objects.get()
    assert message.recipient == secretary_a
    assert message.subject == "【退回待修改】导入的记录"
    assert message.body.startswith("本组织的活动记录「导入的记录」")
    assert "审核意见：日期有误。" in message.body


def test_a_record_whose_submitter_left_tells_the_secretaries_still_there(staff, secretary_a, district):
    gone = UserFactory(username="gone_a", role=Role.SECRETARY, organisation=district.sub_a, is_active=False)
    activity = ActivityFactory(organisation=district.sub_a, status=Status.SUBMITTED, submitted_by=gone)
    review.review_return(workflow=services.REVIEW, record=activity, reviewer=staff, comment="请补充。")
    assert list(Message.objects.values_list("recipient__username", flat=True)) == ["secretary_a"]
