"""A returned record is impossible to miss: a message in 消息 with the comment, and a banner at
the top of the secretary's home until the record is resubmitted (issue #28)."""

from datetime import date

import pytest
from django.urls import reverse

from activities import services
from activities.models import Status
from obligations.models import Message

from .factories import ActivityFactory

pytestmark = pytest.mark.django_db


def _submitted(secretary, org, title="五四主题团日"):
    activity = ActivityFactory(organisation=org, status=Status.DRAFT, title=title, start_date=date(2026, 5, 4))
    activity.created_by = secretary
    activity.save()
    return services.activity_submit(activity=activity, user=secretary)


def test_return_sends_the_submitter_a_message_with_the_comment(staff, secretary_a, district):
    activity = _submitted(secretary_a, district.branch_a)
    services.activity_return(activity=activity, reviewer=staff, comment="请补充活动照片。")
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
    services.activity_review_many(ids=[c.pk], reviewer=staff, approve=True)
    assert not Message.objects.exists()
    services.activity_review_many(ids=[a.pk, b.pk], reviewer=staff, approve=False, comment="人数有误。")
    assert list(Message.objects.filter(recipient=secretary_a).values_list("subject", flat=True)) == ["【退回待修改】甲"]
    assert list(Message.objects.filter(recipient=secretary_b).values_list("subject", flat=True)) == ["【退回待修改】乙"]


def test_banner_tops_the_secretary_home_until_resubmitted(
    staff, secretary_a, secretary_a_client, secretary_b_client, district
):
    activity = _submitted(secretary_a, district.branch_a)
    services.activity_return(activity=activity, reviewer=staff, comment="请补充活动照片。")
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
    services.activity_submit(activity=activity, user=secretary_a)
    assert 'id="returned-banner"' not in secretary_a_client.get(reverse("dashboards:home")).content.decode()
