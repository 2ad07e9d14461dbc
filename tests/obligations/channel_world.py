"""Shared set-up of the channel tests: local platforms, a committee with its robots and SMS."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.cache import cache
from django.utils import timezone

from branches.models import Kind
from obligations.services.deliveries import channel_config_save

from ..factories import OrganisationFactory, UserFactory
from .channel_servers import Platform
from .factories import ObligationFactory

DING_SECRET = "SEC0f1e2d3c4b5a69788796a5b4c3d2e1f00112233445566778899aabbccddeeff"
SMS_KEY = "sms-secret-key-for-tests"


@dataclass
class Platforms:
    wecom: Platform
    dingtalk: Platform
    sms: Platform

    def env(self) -> dict[str, str]:
        return {
            "SMS_SECRET_ID": "AKIDtest",
            "SMS_SECRET_KEY": SMS_KEY,
            "SMS_SDK_APP_ID": "1400000000",
            "SMS_SIGN_NAME": "测试区团委",
            "SMS_TEMPLATE_ID": "100001",
            "SMS_ENDPOINT": f"127.0.0.1:{self.sms.port}",
            "SMS_SCHEME": "http",
            "PORTAL_URL": "https://tuan.example.cn",
        }


@pytest.fixture
def platforms(settings):
    cache.clear()  # the robots' per-minute allowance lives in the cache
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    servers = Platforms(Platform("wecom"), Platform("dingtalk", secret=DING_SECRET), Platform("sms", secret=SMS_KEY))
    for name, value in servers.env().items():
        setattr(settings, name, value)
    yield servers
    for server in (servers.wecom, servers.dingtalk, servers.sms):
        server.close()
    cache.clear()


def configure(organisation, platforms: Platforms, user=None, **changes):
    values = {
        "email": True,
        "sms_enabled": True,
        "wecom_webhook": f"{platforms.wecom.base}/cgi-bin/webhook/send?key=wx-robot-key-0001",
        "dingtalk_webhook": f"{platforms.dingtalk.base}/robot/send?access_token=ding-token-0002",
        "dingtalk_secret": DING_SECRET,
        **changes,
    }
    return channel_config_save(organisation=organisation, user=user or UserFactory(), **values)


@pytest.fixture
def three_branches(district):
    """Three branches under sub_a with a verified secretary each; one monthly obligation unmet."""
    ObligationFactory(name="支委会", organisation_kinds=[Kind.BRANCH], active_from=date(2026, 11, 1))
    for org in (district.branch_a, district.branch_b):
        org.active = False
        org.save()
    users = []
    for i in range(3):
        branch = OrganisationFactory(name=f"戊{i}社区团支部", kind=Kind.BRANCH, parent=district.sub_a)
        users.append(
            UserFactory(
                username=f"sec{i}",
                organisation=branch,
                email=f"sec{i}@league.example.cn",
                phone=f"1380000000{i}",
                phone_verified_at=timezone.now(),
            )
        )
    return users
