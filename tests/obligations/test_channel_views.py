"""Staff set the channels, test-send each, and see every channel's delivery; others are refused."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.boards import staff_board
from obligations.models import Channel, ChannelConfig, Delivery
from obligations.services import reminders_reconcile

from .channel_world import configure
from .conftest import at

pytestmark = pytest.mark.usefixtures("no_default_obligations")

NOW = at("2026-11-25 08:30")


def edit_url(org):
    return reverse("obligations:channel_edit", args=[org.pk])


def flash(response) -> list[str]:
    """The messages of a POST followed to its page (which shows, and so consumes, them)."""
    return [str(m) for m in response.context["messages"]]


def test_staff_set_a_committee_s_robots_and_see_them_only_masked(staff_client, district, platforms):
    wecom = f"{platforms.wecom.base}/cgi-bin/webhook/send?key=wx-robot-key-0001"
    ding = f"{platforms.dingtalk.base}/robot/send?access_token=ding-token-0002"
    data = {"email": "on", "wecom_webhook": wecom, "dingtalk_webhook": ding, "dingtalk_secret": "SECabcdef123"}
    response = staff_client.post(edit_url(district.sub_a), data)
    assert response.status_code == 302
    page = staff_client.get(edit_url(district.sub_a)).content.decode()
    assert "wx-robot-key-0001" not in page and "ding-token-0002" not in page and "SECabcdef123" not in page
    assert f"{platforms.wecom.base}/…0001" in page and "加签密钥已设置" in page
    assert "现行渠道：站内消息、邮件、企业微信群、钉钉群" in page
    listing = staff_client.get(reverse("obligations:channels")).content.decode()
    assert "wx-robot-key-0001" not in listing and "甲街道团工委" in listing

    # A blank field keeps the secret; "remove" clears it; the branch below inherits.
    staff_client.post(edit_url(district.sub_a), {"email": "on", "sms": "on", "dingtalk_remove": "on"})
    config = ChannelConfig.objects.get()
    assert config.wecom_webhook and not config.dingtalk_webhook and not config.dingtalk_secret and config.sms
    below = staff_client.get(edit_url(district.branch_a)).content.decode()
    assert "现行渠道：站内消息、邮件、企业微信群、短信（沿用甲街道团工委的设置）" in below


def test_a_webhook_without_its_key_is_refused_and_nothing_is_saved(staff_client, district):
    response = staff_client.post(edit_url(district.sub_a), {"wecom_webhook": "https://qyapi.weixin.qq.com/cgi-bin/x"})
    assert response.status_code == 200
    assert response.context["form"].errors["wecom_webhook"] == ["企业微信群机器人的 Webhook 地址应含有 key= 参数。"]
    assert not ChannelConfig.objects.exists()


def test_dropping_a_committee_s_own_settings_makes_it_inherit_again(staff_client, district, platforms):
    configure(district.sub_a, platforms)
    response = staff_client.post(edit_url(district.sub_a), {"inherit": "1"}, follow=True)
    assert response.redirect_chain[0][1] == 302 and not ChannelConfig.objects.exists()
    assert flash(response) == ["已删除本级设置，沿用上级组织的提醒渠道。"]


@pytest.mark.parametrize("who", ["secretary_a_client", "leader_client"])
def test_only_staff_configure_channels_or_test_send(request, who, district, platforms):
    client = request.getfixturevalue(who)
    configure(district.sub_a, platforms)
    assert client.get(reverse("obligations:channels")).status_code == 403
    assert client.get(edit_url(district.sub_a)).status_code == 403
    assert client.post(edit_url(district.sub_a), {"email": ""}).status_code == 403
    test = reverse("obligations:channel_test", args=[district.sub_a.pk, "wecom"])
    assert client.post(test).status_code == 403
    assert not platforms.wecom.received and ChannelConfig.objects.get().email


def test_a_secretary_gets_404_for_another_subtree_s_channels(secretary_a_client, district):
    assert secretary_a_client.get(edit_url(district.sub_b)).status_code == 404


def test_the_test_button_sends_through_each_channel_and_says_why_one_failed(staff_client, staff, district, platforms):
    configure(district.sub_a, platforms)

    def test(channel):
        url = reverse("obligations:channel_test", args=[district.sub_a.pk, channel])
        return flash(staff_client.post(url, follow=True))

    assert test("wecom") == ["测试消息已发送到企业微信群。"]
    assert test("dingtalk") == ["测试消息已发送到钉钉群。"]
    assert platforms.wecom.texts() == [
        "【团务提醒】测试消息：甲街道团工委的履职提醒将发送到这里。https://tuan.example.cn"
    ]
    assert not platforms.dingtalk.rejected and len(platforms.dingtalk.received) == 1
    assert test("sms") == ["您的账号没有已验证的手机号码，请先在“手机号码”页验证。"]
    staff.phone, staff.phone_verified_at = "13912345678", timezone.now()
    staff.save()
    assert test("sms") == ["测试消息已发送到139****5678。"]
    assert platforms.sms.received[0].body["PhoneNumberSet"] == ["+8613912345678"]
    platforms.wecom.fail = "robot is disabled"
    assert test("wecom") == ["测试消息发送失败：errcode 93000: robot is disabled"]
    assert test("telegram") == ["请先保存本级的提醒渠道设置。"]


def test_the_ledger_shows_each_channel_and_the_staff_board_names_the_one_that_failed(
    staff_client, staff, district, three_branches, platforms
):
    configure(district.sub_a, platforms)
    platforms.wecom.fail = "invalid webhook url"
    reminders_reconcile(now=NOW)
    page = staff_client.get(reverse("obligations:reminders")).content.decode()
    assert page.count('企业微信群 <span class="badge text-bg-danger">发送失败</span>') == 3
    assert page.count("errcode 93000: invalid webhook url") == 3
    assert page.count('钉钉群 <span class="badge text-bg-success">已发送</span>') == 3
    assert page.count('短信 <span class="badge text-bg-success">已发送</span>') == 3

    failed = staff_client.get(reverse("obligations:reminders"), {"failed": "wecom"})
    assert failed.context["page_obj"].paginator.count == 3
    assert (
        staff_client.get(reverse("obligations:reminders"), {"failed": "sms"}).context["page_obj"].paginator.count == 0
    )

    board = staff_board(user=staff, today=NOW.date())
    figures = {fig.key: fig.value for fig in board.delivery_failures}
    assert figures == {"failed_email": 0, "failed_wecom": 3, "failed_dingtalk": 0, "failed_sms": 0}
    home = staff_client.get(reverse("dashboards:home")).content.decode()
    assert "提醒发送失败：" in home and "企业微信群发送失败 3 条" in home and "钉钉群发送失败" not in home

    platforms.wecom.fail = ""
    reminders_reconcile(now=at("2026-11-26 08:30"))
    assert set(Delivery.objects.filter(channel=Channel.WECOM).values_list("status", flat=True)) == {"sent"}
    assert "提醒发送失败：" not in staff_client.get(reverse("dashboards:home")).content.decode()
