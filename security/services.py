"""Writes of the security pages."""

import logging

from axes.handlers.proxy import AxesProxyHandler
from django.core.exceptions import ValidationError
from django.db import transaction

logger = logging.getLogger(__name__)


@transaction.atomic
def lockout_release(*, username: str, ip_address: str | None, released_by) -> int:
    """Lift the lockout of one username from one address, through axes' own reset.

    Returns how many attempt records were removed; raises ValidationError if none matched
    (already expired or released by someone else).
    """
    if not username and not ip_address:
        raise ValidationError("缺少要解除锁定的用户名或 IP 地址。")
    removed = AxesProxyHandler.reset_attempts(ip_address=ip_address or None, username=username or None)
    if not removed:
        raise ValidationError("没有找到该锁定记录，可能已自动解除。")
    logger.info("Lockout of %r from %s released by %s", username, ip_address, released_by.username)
    return removed
