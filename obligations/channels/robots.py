"""企业微信 and 钉钉 group robots: one JSON POST to the robot's webhook.

企业微信: ``{"msgtype": "text", "text": {"content", "mentioned_mobile_list"}}``, content at most
2048 bytes (UTF-8). 钉钉: ``{"msgtype": "text", "text": {"content"}, "at": {"atMobiles"}}``, the
mobiles also written as @138… in the content, and with 加签 the URL carries ``timestamp`` (ms)
and ``sign`` = urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))). Both answer
HTTP 200 with ``{"errcode": 0}`` on success; anything else is an error with its errmsg.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from urllib.parse import quote_plus

from django.conf import settings

from security.throttle import throttle_hit

from . import ChannelError, RateLimited

WECOM_TEXT_BYTES = 2048
DINGTALK_TEXT_CHARS = 20000
# Errors the platforms give for "too many messages": the delivery waits instead of failing.
RATE_LIMIT_CODES = {45009, 130101}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def dingtalk_url(webhook: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return webhook
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    return f"{webhook}&timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def _post(url: str, payload: dict, *, rate_key: str) -> None:
    # One allowance per robot shared by every worker (the cache is Redis in production).
    if not throttle_hit(scope="robot", identity=rate_key, limit=settings.ROBOT_RATE_LIMIT_PER_MINUTE, window=60):
        raise RateLimited(f"已达群机器人每分钟 {settings.ROBOT_RATE_LIMIT_PER_MINUTE} 条的上限")
    if not url.startswith(("https://", "http://")):
        raise ChannelError("Webhook 地址须以 https:// 开头")
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.CHANNEL_HTTP_TIMEOUT) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ChannelError(f"无法连接：{getattr(exc, 'reason', exc)}") from exc
    try:
        answer = json.loads(body)
    except ValueError as exc:
        raise ChannelError("平台返回的不是 JSON") from exc
    code = answer.get("errcode")
    if code != 0:
        message = f"errcode {code}: {answer.get('errmsg', '')}"
        raise RateLimited(message) if code in RATE_LIMIT_CODES else ChannelError(message)


def wecom_send(webhook: str, text: str, mobiles: list[str]) -> None:
    payload = {"msgtype": "text", "text": {"content": text, "mentioned_mobile_list": mobiles}}
    _post(webhook, payload, rate_key=webhook)


def dingtalk_send(webhook: str, secret: str, text: str, mobiles: list[str]) -> None:
    if mobiles:
        # 钉钉 shows the @ only where the mobile is written in the text as well.
        text = f"{text}\n" + " ".join(f"@{m}" for m in mobiles)
    payload = {"msgtype": "text", "text": {"content": text}, "at": {"atMobiles": mobiles, "isAtAll": False}}
    _post(dingtalk_url(webhook, secret), payload, rate_key=webhook)
