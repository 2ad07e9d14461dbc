"""Which channels an organisation's reminders use, and the secrets behind them.

The nearest configuration up the tree (the organisation's own, else its parent's, up to the
district) applies whole; with none, reminders go to the inbox and by e-mail, as before.
Webhooks and the 钉钉 signing secret are encrypted with the ID-number key (members.crypto),
decrypted only to send, and shown back masked.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from branches.models import Organisation
from members import crypto

from ..models import ChannelConfig


def seal(secret: str) -> str:
    return crypto.encrypt(secret) if secret else ""


def reveal(token: str) -> str:
    return crypto.decrypt(token) if token else ""


def mask_secret(secret: str) -> str:
    """企业微信 https://qyapi.weixin.qq.com/…4f2a: the host and the last four characters."""
    if not secret:
        return ""
    parts = urlsplit(secret)
    head = f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else ""
    return f"{head}…{secret[-4:]}" if len(secret) > 8 else "…"


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else "****"


@dataclass(frozen=True)
class Channels:
    """The channels in force for one organisation (from ``config``, or the defaults)."""

    config: ChannelConfig | None

    @property
    def email(self) -> bool:
        return self.config.email if self.config else True

    @property
    def wecom(self) -> bool:
        return bool(self.config and self.config.wecom_webhook)

    @property
    def dingtalk(self) -> bool:
        return bool(self.config and self.config.dingtalk_webhook)

    @property
    def sms(self) -> bool:
        return bool(self.config and self.config.sms)

    def names(self) -> list[str]:
        names = ["站内消息"]
        names += ["邮件"] if self.email else []
        names += ["企业微信群"] if self.wecom else []
        names += ["钉钉群"] if self.dingtalk else []
        names += ["短信"] if self.sms else []
        return names


class ChannelIndex:
    """Every configuration by its organisation's path (one query): resolve many organisations."""

    def __init__(self):
        configs = ChannelConfig.objects.select_related("organisation")
        self.by_path = {c.organisation.path: c for c in configs}

    def for_path(self, path: str) -> Channels:
        for length in range(len(path), 0, -Organisation.steplen):
            config = self.by_path.get(path[:length])
            if config is not None:
                return Channels(config)
        return Channels(None)


def channels_for(organisation: Organisation) -> Channels:
    return ChannelIndex().for_path(organisation.path)
