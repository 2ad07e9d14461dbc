"""Counting requests in the shared cache, for what django-axes does not cover (password reset).

Fixed windows on the clock (an hour from xx:00): each window has its own counter, created by
its first request with the window as expiry and incremented by every request (atomically on
Redis); a key is over its limit while its counter exceeds it. Every process shares the cache,
so the limit holds across gunicorn workers and hosts.
"""

import hashlib
import time

from axes.helpers import get_client_ip_address
from django.core.cache import cache


def throttle_hit(*, scope: str, identity: str, limit: int, window: int) -> bool:
    """Count one request of ``identity`` in ``scope``; True while it is within ``limit`` per ``window`` s.

    ``identity`` is hashed, so no e-mail address or other personal data lands in the cache keys.
    """
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"throttle:{scope}:{digest}:{int(time.time()) // window}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens a new window
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit


def client_address(request) -> str:
    """The client's address as the login throttle sees it (AXES_PROXY_COUNT behind a proxy)."""
    return get_client_ip_address(request) or "unknown"
