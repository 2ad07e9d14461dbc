"""Mobile numbers on accounts: verified by a texted code, then used for SMS reminders and resets.

A code is six digits, valid SMS_CODE_TTL_SECONDS, kept in the shared cache only as an HMAC
(keyed with SECRET_KEY) with a count of wrong tries: the fifth wrong try voids it. Codes are
sent through the same SMS adapter as the reminders (obligations.channels.sms), with the
verification template SMS_CODE_TEMPLATE_ID ({1} the code, {2} the minutes it stays valid).
"""

import hashlib
import hmac
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from members.validators import normalise_mobile, validate_mobile
from obligations.channels import ChannelError
from obligations.channels.sms import send_sms
from security.throttle import throttle_hit

from .models import User

logger = logging.getLogger(__name__)

MAX_CODE_TRIES = 5


def mobile_clean(raw: str) -> str:
    phone = normalise_mobile(raw)
    if not phone:
        raise ValidationError("请填写手机号码。")
    validate_mobile(phone)
    return phone


def _key(purpose: str, phone: str) -> str:
    return f"smscode:{purpose}:{hashlib.sha256(phone.encode()).hexdigest()[:32]}"


@sensitive_variables("code")
def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def sms_code_allowed(*, phone: str, client: str) -> bool:
    """Count one request for a code to ``phone`` from ``client``; both limits count every request."""
    window = settings.SMS_CODE_THROTTLE_WINDOW
    by_number = throttle_hit(
        scope="sms-code-number", identity=phone, limit=settings.SMS_CODE_LIMIT_PER_NUMBER, window=window
    )
    by_client = throttle_hit(
        scope="sms-code-client", identity=client, limit=settings.SMS_CODE_LIMIT_PER_CLIENT, window=window
    )
    return by_number and by_client


@sensitive_variables("code")
def sms_code_send(*, purpose: str, phone: str) -> None:
    """Text a fresh code for ``purpose`` to ``phone`` (replacing any earlier one). Raises ChannelError."""
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_key(purpose, phone), {"digest": _digest(code), "tries": 0}, timeout=settings.SMS_CODE_TTL_SECONDS)
    minutes = str(settings.SMS_CODE_TTL_SECONDS // 60)
    send_sms(phone=phone, template_id=settings.SMS_CODE_TEMPLATE_ID, params=[code, minutes])


@sensitive_variables("code")
def sms_code_check(*, purpose: str, phone: str, code: str) -> bool:
    """Whether ``code`` is the one texted to ``phone``; a right code is used up, wrong ones counted."""
    key = _key(purpose, phone)
    entry = cache.get(key)
    if not entry or not code:
        return False
    if hmac.compare_digest(entry["digest"], _digest(code.strip())):
        cache.delete(key)
        return True
    entry["tries"] += 1
    if entry["tries"] >= MAX_CODE_TRIES:
        cache.delete(key)
    else:
        cache.set(key, entry, timeout=settings.SMS_CODE_TTL_SECONDS)
    return False


# --- Verifying one's own number ------------------------------------------------------------


def mobile_verify_start(*, user: User, phone: str, client: str) -> None:
    """Text a code to ``phone`` for ``user`` to prove they hold it. Raises ValidationError."""
    if not sms_code_allowed(phone=phone, client=client):
        raise ValidationError("请求验证码过于频繁，请一小时后再试。")
    try:
        sms_code_send(purpose=f"verify:{user.pk}", phone=phone)
    except ChannelError as exc:
        logger.warning("Verification code to user %s not sent: %s", user.pk, exc)
        raise ValidationError("短信发送失败，请稍后再试。") from exc


@transaction.atomic
def mobile_verify_finish(*, user: User, phone: str, code: str) -> User:
    """Record ``phone`` as ``user``'s verified number if ``code`` is the one texted to it."""
    if not sms_code_check(purpose=f"verify:{user.pk}", phone=phone, code=code):
        raise ValidationError("验证码错误或已过期。")
    # One verified number, one account: a reset by SMS must find exactly one.
    if User.objects.filter(phone=phone, phone_verified_at__isnull=False).exclude(pk=user.pk).exists():
        raise ValidationError("该手机号码已由其他账号验证，请联系区团委工作人员。")
    user.phone = phone
    user.phone_verified_at = timezone.now()
    user.save(update_fields=["phone", "phone_verified_at"])
    logger.info("User %s verified a mobile number", user.pk)
    return user


# --- Password reset by SMS ---------------------------------------------------------------------


def account_for_mobile(phone: str) -> User | None:
    return User.objects.filter(phone=phone, phone_verified_at__isnull=False, is_active=True).first()


def password_reset_sms_start(*, phone: str, client: str) -> None:
    """Text a reset code when an active account has verified ``phone``. Says nothing either way:
    throttled, unknown and sent requests all return the same."""
    if not sms_code_allowed(phone=phone, client=client):
        logger.warning("SMS password reset throttled from %s", client)
        return
    if account_for_mobile(phone) is None:
        return
    try:
        sms_code_send(purpose="reset", phone=phone)
    except ChannelError as exc:
        logger.warning("SMS password reset code not sent: %s", exc)


def password_reset_sms_check(*, phone: str, code: str) -> User | None:
    """The account whose password may now be set, or None (wrong or expired code, no account)."""
    user = account_for_mobile(phone)
    if user is None or not sms_code_check(purpose="reset", phone=phone, code=code):
        return None
    return user
