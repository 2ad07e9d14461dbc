"""Reminders on group robots and SMS: one row per channel, batched, signed, retried, never twice."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from members import crypto
from obligations.channels import robots
from obligations.channels.config import channels_for, reveal
from obligations.models import Channel, ChannelConfig, Delivery, DeliveryStatus, EmailStatus, Reminder
from obligations.services import reminders_reconcile, reminders_send_lapsed
from obligations.services.deliveries import channel_test_send

from ..factories import OrganisationFactory, UserFactory
from .channel_world import DING_SECRET, configure
from .conftest import at

pytestmark = pytest.mark.usefixtures("no_default_obligations")

NOW = at("2026-11-25 08:30")
PHONES = ["13800000000", "13800000001", "13800000002"]


def statuses(channel):
    return sorted(Delivery.objects.filter(channel=channel).values_list("status", flat=True))


def test_one_group_message_lists_every_branch_due_and_mentions_their_secretaries(district, three_branches, platforms):
    configure(district.sub_a, platforms)
    result = reminders_reconcile(now=NOW)

    assert result.claimed == 3 and result.channel_sent == 9 and result.channel_failed == 0
    [wecom] = platforms.wecom.received
    text = wecom.body["text"]["content"]
    assert text.splitlines() == [
        "【团务提醒】以下 3 项待完成：",
        "1. 戊0社区团支部：2026年11月支委会尚未完成，11月30日截止",
        "2. 戊1社区团支部：2026年11月支委会尚未完成，11月30日截止",
        "3. 戊2社区团支部：2026年11月支委会尚未完成，11月30日截止",
        "请登录团务平台处理：https://tuan.example.cn/obligations/due/",
    ]
    assert wecom.query == {"key": "wx-robot-key-0001"}
    assert wecom.body["text"]["mentioned_mobile_list"] == PHONES
    # 钉钉: the server recomputed the sign from the secret and accepted it; @ in text and in at.
    [ding] = platforms.dingtalk.received
    assert not platforms.dingtalk.rejected
    assert set(ding.query) == {"access_token", "timestamp", "sign"}
    assert ding.body["at"] == {"atMobiles": PHONES, "isAtAll": False}
    assert ding.body["text"]["content"].endswith("@13800000000 @13800000001 @13800000002")
    # SMS: one per secretary, the approved template's variables only.
    sms = sorted(platforms.sms.received, key=lambda r: r.body["PhoneNumberSet"])
    assert [r.body["PhoneNumberSet"] for r in sms] == [[f"+86{p}"] for p in PHONES]
    assert {json.dumps(r.body["TemplateParamSet"], ensure_ascii=False) for r in sms} == {'["支委会", "11月30日"]'}
    assert {r.body["TemplateId"] for r in sms} == {"100001"} and not platforms.sms.rejected
    assert {r.body["SignName"] for r in sms} == {"测试区团委"}
    # The ledger: the same reminder, one row per channel, all sent; e-mail and inbox as before.
    for channel in Channel.values:
        assert statuses(channel) == ["sent"] * 3
    assert len(mail.outbox) == 3 and Reminder.objects.filter(email_status=EmailStatus.SENT).count() == 3


def test_a_second_run_sends_nothing_again_on_any_channel(district, three_branches, platforms):
    configure(district.sub_a, platforms)
    reminders_reconcile(now=NOW)
    again = reminders_reconcile(now=NOW + timedelta(hours=3))
    assert again.claimed == 0 and again.channel_sent == 0
    assert len(platforms.wecom.received) == len(platforms.dingtalk.received) == 1
    assert len(platforms.sms.received) == 3 and Delivery.objects.count() == 9


def test_the_nearest_configuration_up_the_tree_applies_whole(district, three_branches, platforms):
    configure(district.sub_a, platforms)
    own = three_branches[0].organisation
    configure(own, platforms, email=False, sms_enabled=False, wecom_webhook="", dingtalk_webhook="")
    assert channels_for(district.sub_a).names() == ["站内消息", "邮件", "企业微信群", "钉钉群", "短信"]
    assert channels_for(own).names() == ["站内消息"]
    assert channels_for(district.sub_b).names() == ["站内消息", "邮件"]  # nothing set above: the defaults

    reminders_reconcile(now=NOW)
    mine = Reminder.objects.get(organisation=own)
    assert mine.email_status == EmailStatus.DISABLED and mine.sent_at is not None
    assert not mine.deliveries.exists() and mine.message.subject
    assert "戊0" not in platforms.wecom.texts()[0] and "戊1社区团支部" in platforms.wecom.texts()[0]
    assert len(mail.outbox) == 2


def test_a_channel_that_is_down_fails_alone_and_the_next_run_retries_it(district, three_branches, platforms):
    configure(district.sub_a, platforms)
    platforms.wecom.fail = "invalid webhook url, hint: [robot deleted]"
    first = reminders_reconcile(now=NOW)
    assert first.channel_failed == 3 and first.channel_sent == 6
    assert statuses(Channel.WECOM) == ["failed"] * 3
    row = Delivery.objects.filter(channel=Channel.WECOM).first()
    assert row.last_error == "errcode 93000: invalid webhook url, hint: [robot deleted]" and row.attempts == 1
    assert statuses(Channel.DINGTALK) == statuses(Channel.SMS) == ["sent"] * 3 and len(mail.outbox) == 3

    platforms.wecom.fail = ""
    second = reminders_reconcile(now=NOW + timedelta(days=1))
    assert second.channel_sent == 3 and second.claimed == 0
    assert statuses(Channel.WECOM) == ["sent"] * 3
    assert len(platforms.wecom.received) == 1 and "3 项" in platforms.wecom.texts()[0]
    assert len(platforms.dingtalk.received) == 1 and len(platforms.sms.received) == 3 and len(mail.outbox) == 3


def test_an_unreachable_robot_is_a_failure_with_its_reason(district, three_branches, platforms):
    configure(district.sub_a, platforms, wecom_webhook="http://127.0.0.1:9/cgi-bin/webhook/send?key=x")
    reminders_reconcile(now=NOW)
    row = Delivery.objects.filter(channel=Channel.WECOM).first()
    assert row.status == DeliveryStatus.FAILED and row.last_error.startswith("无法连接")
    assert statuses(Channel.DINGTALK) == ["sent"] * 3


def test_a_wrong_dingtalk_secret_is_refused_by_the_platform_and_recorded(district, three_branches, platforms):
    configure(district.sub_a, platforms, dingtalk_secret="SECwrong")
    reminders_reconcile(now=NOW)
    assert not platforms.dingtalk.received and platforms.dingtalk.rejected == ["sign not match"]
    assert Delivery.objects.filter(channel=Channel.DINGTALK).first().last_error == "errcode 310000: sign not match"


def test_the_dingtalk_sign_is_the_documented_hmac_base64_urlencoded():
    # HMAC-SHA256("1700000000000\nSECabc", key "SECabc"), base64, then url-encoded.
    sign = robots.dingtalk_sign("SECabc", 1700000000000)
    assert sign == "jcUpW0QmtKduN03n4JqQ0PBosVjqnM8gU7fIIvsDmCM%3D"  # openssl dgst -sha256 -hmac SECabc | base64
    assert robots.dingtalk_url("https://x/robot/send?access_token=t", "SECabc", 1700000000000) == (
        f"https://x/robot/send?access_token=t&timestamp=1700000000000&sign={sign}"
    )


def test_the_robots_per_minute_allowance_holds_messages_back_without_failing_them(
    district, three_branches, platforms, settings
):
    config = configure(district.sub_a, platforms, dingtalk_webhook="", sms_enabled=False)
    staff = UserFactory(role="staff")
    for _ in range(20):
        channel_test_send(config=config, channel=Channel.WECOM, user=staff)
    result = reminders_reconcile(now=NOW)
    assert result.channel_waiting == 3 and result.channel_failed == 0
    assert len(platforms.wecom.received) == 20 and not platforms.wecom.rejected  # the 21st never left
    row = Delivery.objects.filter(channel=Channel.WECOM).first()
    assert row.status == DeliveryStatus.PENDING and row.attempts == 0
    assert row.last_error == "等待发送：已达群机器人每分钟 20 条的上限"
    # A minute later the retry the run queued sends them (here called directly).
    platforms.wecom.received.clear()
    with time_machine.travel(timezone.now() + timedelta(seconds=75), tick=False):
        later = reminders_send_lapsed()
    assert later.channel_sent == 3 and statuses(Channel.WECOM) == ["sent"] * 3
    assert len(platforms.wecom.received) == 1


def test_the_platform_s_own_rate_limit_answer_is_a_wait_not_a_failure(district, three_branches, platforms, settings):
    configure(district.sub_a, platforms, dingtalk_webhook="", sms_enabled=False)
    platforms.wecom.per_minute = 0
    result = reminders_reconcile(now=NOW)
    assert result.channel_waiting == 3 and statuses(Channel.WECOM) == ["pending"] * 3
    assert "errcode 45009" in Delivery.objects.filter(channel=Channel.WECOM).first().last_error


def test_long_lists_go_on_in_further_posts_within_wecom_s_2048_bytes(district, three_branches, platforms):
    configure(district.sub_a, platforms, dingtalk_webhook="", sms_enabled=False)
    for i in range(40):
        branch = OrganisationFactory(name=f"己{i:02d}村团支部青年志愿服务队", kind="branch", parent=district.sub_a)
        UserFactory(username=f"extra{i}", organisation=branch)
    reminders_reconcile(now=NOW)
    posts = platforms.wecom.texts()
    assert len(posts) >= 2 and not platforms.wecom.rejected
    assert all(len(p.encode()) <= 2048 for p in posts)
    assert posts[0].startswith("【团务提醒】以下 43 项待完成：") and posts[1].startswith("【团务提醒】（续）")
    assert all(p.endswith("https://tuan.example.cn/obligations/due/") for p in posts)
    joined = "\n".join(posts)
    assert all(f"己{i:02d}村团支部" in joined for i in range(40)) and joined.count("己00村") == 1
    assert statuses(Channel.WECOM) == ["sent"] * 43


def test_sms_needs_a_verified_mobile(district, three_branches, platforms):
    configure(district.sub_a, platforms, wecom_webhook="", dingtalk_webhook="")
    unverified = three_branches[1]
    unverified.phone_verified_at = None
    unverified.save()
    reminders_reconcile(now=NOW)
    assert sorted(r.body["PhoneNumberSet"][0] for r in platforms.sms.received) == ["+8613800000000", "+8613800000002"]
    skipped = Delivery.objects.get(reminder__recipient=unverified)
    assert skipped.status == DeliveryStatus.SKIPPED and skipped.last_error == "接收人没有已验证的手机号码"


def test_a_wrong_sms_key_is_refused_by_the_signature_check(district, three_branches, platforms, settings):
    configure(district.sub_a, platforms, wecom_webhook="", dingtalk_webhook="")
    settings.SMS_SECRET_KEY = "not-the-key"
    reminders_reconcile(now=NOW)
    assert platforms.sms.rejected == ["signature"] * 3 and not platforms.sms.received
    assert Delivery.objects.filter(channel=Channel.SMS).first().last_error.startswith("AuthFailure.SignatureFailure")


def test_webhooks_and_the_signing_secret_are_encrypted_at_rest(district, platforms):
    configure(district.sub_a, platforms)
    stored = ChannelConfig.objects.values("wecom_webhook", "dingtalk_webhook", "dingtalk_secret").get()
    assert all("wx-robot-key" not in v and "ding-token" not in v and "SEC0f1e" not in v for v in stored.values())
    assert reveal(stored["dingtalk_secret"]) == DING_SECRET
    assert crypto.decrypt(stored["wecom_webhook"]).endswith("key=wx-robot-key-0001")
