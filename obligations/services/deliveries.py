"""Reminders on the channels beside the inbox and e-mail: planned once, sent once per channel.

**Plan** (inside the run's claim transaction, :func:`deliveries_plan`): every ledger row the
run inserted gets one ``Delivery`` per channel in force for its organisation (unique per
reminder and channel), leased to the run. A run killed before committing leaves none; a run
that commits has planned every one, once. A committee that turned e-mail off has the
reminder's e-mail marked as such in the same step.

**Send** (outside transactions, :func:`deliveries_send`): rows are taken a few *groups* at a
time (a robot, or one person's mobile) with a conditional UPDATE, as the e-mails are, then
held again right before the post. One group is one post (or a few, past the platform's
length limit) listing every organisation due, so fifty branches make one message, not fifty.
Each group's outcome is written on its rows at once: sent, failed with the platform's reason
(tried again by the next run, up to MAX_DELIVERY_ATTEMPTS), or waiting for the robot's
per-minute allowance. A channel that is down fails its own rows and nothing else.

As with SMTP, a post the platform accepted in the instant before its sender was killed goes
out again with the retry (one post per killed process); none is lost.
"""

import logging
import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone

from accounts.models import User
from branches.models import Organisation
from core.freshness import mark_changed

from ..channels import ChannelError, RateLimited, robots, sms, texts
from ..channels.config import ChannelIndex, mask_phone, reveal, seal
from ..models import Channel, ChannelConfig, Delivery, DeliveryStatus, EmailStatus, Reminder

logger = logging.getLogger(__name__)

DELIVERY_LEASE = timedelta(seconds=settings.REMINDER_LEASE_SECONDS)
GROUPS_PER_CHUNK = 10
MAX_DELIVERY_ATTEMPTS = 5
RATE_WINDOW = timedelta(seconds=61)


# --- Plan --------------------------------------------------------------------------------------


def deliveries_plan(*, reminders: list[Reminder], now: datetime, lease_token: uuid.UUID, lease_until: datetime) -> int:
    """Plan the channel deliveries of freshly claimed ``reminders`` (call inside the claim's
    transaction). Returns the number of rows planned."""
    if not reminders:
        return 0
    index = ChannelIndex()
    paths = dict(Organisation.objects.filter(pk__in={r.organisation_id for r in reminders}).values_list("pk", "path"))
    users = User.objects.filter(pk__in={r.recipient_id for r in reminders}).only("id", "phone", "phone_verified_at")
    phones = {u.pk: u.verified_phone for u in users}
    rows, email_off = [], []
    for reminder in reminders:
        channels = index.for_path(paths[reminder.organisation_id])
        if not channels.email and reminder.email_status == EmailStatus.PENDING:
            email_off.append(reminder)
        config = channels.config
        lease = {"lease_token": lease_token, "leased_until": lease_until, "created_at": now}
        for channel, on in ((Channel.WECOM, channels.wecom), (Channel.DINGTALK, channels.dingtalk)):
            if on:
                rows.append(
                    Delivery(
                        reminder=reminder,
                        channel=channel,
                        config=config,
                        group_key=f"robot:{config.pk}",
                        target=f"{Channel(channel).label}（{config.organisation.name}）"[:120],
                        **lease,
                    )
                )
        if channels.sms:
            phone = phones.get(reminder.recipient_id, "")
            if phone:
                rows.append(
                    Delivery(
                        reminder=reminder,
                        channel=Channel.SMS,
                        config=config,
                        group_key=f"sms:{reminder.recipient_id}",
                        target=mask_phone(phone),
                        **lease,
                    )
                )
            else:
                rows.append(
                    Delivery(
                        reminder=reminder,
                        channel=Channel.SMS,
                        config=config,
                        group_key=f"sms:{reminder.recipient_id}",
                        status=DeliveryStatus.SKIPPED,
                        last_error="接收人没有已验证的手机号码",
                        created_at=now,
                    )
                )
    Delivery.objects.bulk_create(rows, batch_size=500)
    if email_off:
        Reminder.objects.filter(pk__in=[r.pk for r in email_off]).update(
            email_status=EmailStatus.DISABLED, sent_at=now, lease_token=None, leased_until=None
        )
        for reminder in email_off:
            reminder.email_status, reminder.sent_at, reminder.leased_until = EmailStatus.DISABLED, now, None
    return len(rows)


# --- Send --------------------------------------------------------------------------------------


def _claimable(run_id: uuid.UUID, started: datetime, real_now: datetime, *, lapsed_only: bool) -> Q:
    leased = Q(leased_until__lt=real_now)
    if not lapsed_only:
        leased |= Q(lease_token=run_id) | Q(leased_until__isnull=True)
    return (
        Q(sent_at__isnull=True, status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED])
        & Q(attempts__lt=MAX_DELIVERY_ATTEMPTS)
        & leased
        & (Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=started))
    )


def _take_groups(run_id, started, result, *, lapsed_only: bool) -> dict[tuple[str, str], list[Delivery]]:
    """Lease every claimable row of up to GROUPS_PER_CHUNK groups with one conditional UPDATE."""
    real_now = timezone.now()
    claimable = _claimable(run_id, started, real_now, lapsed_only=lapsed_only)
    groups = list(
        Delivery.objects.filter(claimable)
        .order_by("channel", "group_key")
        .values_list("channel", "group_key")
        .distinct()[:GROUPS_PER_CHUNK]
    )
    if not groups:
        return {}
    token = uuid.uuid4()
    in_groups = reduce(or_, (Q(channel=c, group_key=g) for c, g in groups))
    if not Delivery.objects.filter(claimable & in_groups).update(
        lease_token=token, leased_until=real_now + DELIVERY_LEASE
    ):
        return {}
    _queue_lapse_check(real_now + DELIVERY_LEASE, result)
    taken: dict[tuple[str, str], list[Delivery]] = defaultdict(list)
    rows = (
        Delivery.objects.filter(lease_token=token, sent_at__isnull=True)
        .select_related("reminder__message", "reminder__obligation", "reminder__recipient", "config__organisation")
        .order_by("id")
    )
    for row in rows:
        taken[(row.channel, row.group_key)].append(row)
    return taken


def _queue_lapse_check(until: datetime, result) -> None:
    from .reminders import _queue_lapse_check as queue

    queue(until, result)


def _queue_after_wait(until: datetime) -> None:
    """Send what waits for a robot's allowance when the minute is over (once per run)."""
    from ..tasks import send_lapsed_reminders

    countdown = max(1, int((until - timezone.now()).total_seconds()) + 1)
    try:
        send_lapsed_reminders.apply_async(countdown=countdown)
    except Exception:  # noqa: BLE001 - the next daily run is the fallback
        logger.warning("Could not queue the wait for the robots' allowance", exc_info=True)


def _post(channel: str, rows: list[Delivery]) -> None:
    """One group's message(s) to its platform; raises ChannelError."""
    items = [texts.item_for(row.reminder) for row in rows]
    if channel == Channel.SMS:
        recipient = rows[0].reminder.recipient
        phone = recipient.verified_phone if recipient.is_active else ""
        if not phone:
            raise _Skip("接收人没有已验证的手机号码")
        template = (rows[0].config.sms_template_id if rows[0].config else "") or settings.SMS_TEMPLATE_ID
        sms.send_sms(phone=phone, template_id=template, params=texts.sms_params(items))
        return
    config = rows[0].config
    mobiles = list(
        dict.fromkeys(r.reminder.recipient.verified_phone for r in rows if r.reminder.recipient.verified_phone)
    )
    if channel == Channel.WECOM:
        if config is None or not config.wecom_webhook:
            raise _Skip("企业微信群机器人已从渠道设置中删除")
        webhook = reveal(config.wecom_webhook)
        for number, text in enumerate(texts.group_texts(items, limit=robots.WECOM_TEXT_BYTES, size=texts.utf8_size)):
            robots.wecom_send(webhook, text, mobiles if number == 0 else [])
    else:
        if config is None or not config.dingtalk_webhook:
            raise _Skip("钉钉群机器人已从渠道设置中删除")
        webhook, secret = reveal(config.dingtalk_webhook), reveal(config.dingtalk_secret)
        # The @mobiles are appended to the text: keep room for them under the limit.
        room = robots.DINGTALK_TEXT_CHARS - 13 * len(mobiles) - 1
        for number, text in enumerate(texts.group_texts(items, limit=room)):
            robots.dingtalk_send(webhook, secret, text, mobiles if number == 0 else [])


class _Skip(Exception):
    """Nothing to send this group to any more (a number unverified, a robot removed)."""


def _send_group(channel: str, rows: list[Delivery], result) -> None:
    attempted = timezone.now()
    token = rows[0].lease_token
    ids = [row.pk for row in rows]
    # Held right before the post: rows another run took over after our lease lapsed are left to it.
    ours = Delivery.objects.filter(pk__in=ids, lease_token=token, sent_at__isnull=True)
    if ours.update(leased_until=attempted + DELIVERY_LEASE) < len(ids):
        # Only when some were taken over: which rows are still ours (issue #31, no read per group).
        held = set(ours.values_list("pk", flat=True))
        rows = [row for row in rows if row.pk in held]
    if not rows:
        return
    mine = Delivery.objects.filter(pk__in=[row.pk for row in rows], lease_token=token)
    try:
        _post(channel, rows)
    except _Skip as exc:
        mine.update(status=DeliveryStatus.SKIPPED, last_error=str(exc), lease_token=None, leased_until=None)
    except RateLimited as exc:
        # Not a failure: the rows wait until the minute is over (the lapse check sends them).
        until = attempted + RATE_WINDOW
        mine.update(last_error=f"等待发送：{exc}"[:1000], lease_token=None, leased_until=until)
        if not result.channel_waiting:
            _queue_after_wait(until)
        result.channel_waiting += len(rows)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the rows for a retry
        logger.warning("Reminder delivery by %s to %s failed: %s", channel, rows[0].group_key, exc)
        mine.update(
            status=DeliveryStatus.FAILED,
            attempts=F("attempts") + 1,
            last_attempt_at=attempted,
            last_error=f"{exc}"[:1000] if isinstance(exc, ChannelError) else f"{type(exc).__name__}: {exc}"[:1000],
            lease_token=None,
            leased_until=None,
        )
        result.channel_failed += len(rows)
    else:
        mine.update(
            status=DeliveryStatus.SENT,
            attempts=F("attempts") + 1,
            last_attempt_at=attempted,
            last_error="",
            sent_at=timezone.now(),
            lease_token=None,
            leased_until=None,
        )
        result.channel_sent += len(rows)


def deliveries_send(*, run_id: uuid.UUID, started: datetime, result, lapsed_only: bool = False) -> None:
    """Send every claimable delivery, group by group (see the module's docstring)."""
    before = (result.channel_sent, result.channel_failed)
    touched: set[int] = set()  # the organisations reminded
    while True:
        groups = _take_groups(run_id, started, result, lapsed_only=lapsed_only)
        if not groups:
            break
        for (channel, _key), rows in groups.items():
            _send_group(channel, rows, result)
            touched |= {row.reminder.organisation_id for row in rows}
    if (result.channel_sent, result.channel_failed) != before:
        mark_changed(touched, app="obligations")  # the staff board's failure figures


def deliveries_live_lease() -> datetime | None:
    """The earliest lease a live run still holds on a delivery (or a rate-limited wait)."""
    return Delivery.objects.filter(
        sent_at__isnull=True,
        status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
        leased_until__gte=timezone.now(),
    ).aggregate(until=Min("leased_until"))["until"]


def delivery_retry(*, delivery: Delivery) -> Delivery:
    """Let staff give a failed delivery another round of attempts (the next run sends it)."""
    if delivery.status != DeliveryStatus.FAILED:
        raise ValidationError("只有发送失败的渠道可以重试。")
    Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        attempts=0, lease_token=None, leased_until=None, last_attempt_at=None
    )
    delivery.refresh_from_db()
    return delivery


# --- Configuration and test sends ----------------------------------------------------------


@transaction.atomic
def channel_config_save(
    *,
    organisation: Organisation,
    user,
    email: bool,
    sms_enabled: bool,
    sms_template_id: str = "",
    wecom_webhook: str | None = None,
    dingtalk_webhook: str | None = None,
    dingtalk_secret: str | None = None,
) -> ChannelConfig:
    """Save an organisation's own channel configuration. A secret given as None is kept as
    it is; "" removes it; anything else replaces it (encrypted)."""
    config, _ = ChannelConfig.objects.get_or_create(organisation=organisation)
    config.email = email
    config.sms = sms_enabled
    config.sms_template_id = sms_template_id.strip()
    for field, value in (
        ("wecom_webhook", wecom_webhook),
        ("dingtalk_webhook", dingtalk_webhook),
        ("dingtalk_secret", dingtalk_secret),
    ):
        if value is not None:
            setattr(config, field, seal(value.strip()))
    if not config.dingtalk_webhook:
        config.dingtalk_secret = ""
    config.updated_by = user
    config.full_clean()
    config.save()
    logger.info("Reminder channels of organisation %s saved by %s", organisation.pk, user.pk)
    return config


def channel_config_delete(*, organisation: Organisation, user) -> None:
    """Drop an organisation's own configuration: it inherits its parent's again."""
    ChannelConfig.objects.filter(organisation=organisation).delete()
    logger.info("Reminder channels of organisation %s removed by %s", organisation.pk, user.pk)


def channel_test_send(*, config: ChannelConfig, channel: str, user) -> str:
    """Send a test message through one channel of ``config`` now, outside the ledger.
    Returns where it went; raises ChannelError (or ValidationError) with the reason."""
    org = config.organisation
    text = f"【团务提醒】测试消息：{org.name}的履职提醒将发送到这里。{texts.portal_link()}"
    if channel == "email":
        if not user.email:
            raise ValidationError("您的账号没有邮箱地址。")
        try:
            send_mail("【团务提醒】测试邮件", text, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception as exc:  # noqa: BLE001 - shown to staff as the channel's reason
            raise ChannelError(f"{type(exc).__name__}: {exc}") from exc
        return user.email
    if channel == Channel.WECOM:
        if not config.wecom_webhook:
            raise ValidationError("尚未设置企业微信群机器人。")
        robots.wecom_send(reveal(config.wecom_webhook), text, [])
        return "企业微信群"
    if channel == Channel.DINGTALK:
        if not config.dingtalk_webhook:
            raise ValidationError("尚未设置钉钉群机器人。")
        robots.dingtalk_send(reveal(config.dingtalk_webhook), reveal(config.dingtalk_secret), text, [])
        return "钉钉群"
    if channel == Channel.SMS:
        phone = user.verified_phone
        if not phone:
            raise ValidationError("您的账号没有已验证的手机号码，请先在“手机号码”页验证。")
        template = config.sms_template_id or settings.SMS_TEMPLATE_ID
        sms.send_sms(phone=phone, template_id=template, params=["测试提醒", texts._md(timezone.localdate())])
        return mask_phone(phone)
    raise ValidationError("未知的渠道。")
