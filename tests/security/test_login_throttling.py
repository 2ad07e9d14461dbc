"""django-axes: five failures of one username from one address lock that pair for 15 minutes."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from ..factories import PASSWORD

LOGIN = "/accounts/login/"


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def lock_out(client, username, ip="10.0.0.1"):
    responses = [attempt(client, username, "wrong-password", ip) for _ in range(5)]
    assert [r.status_code for r in responses[:4]] == [200] * 4
    assert responses[4].status_code == 429
    return responses[4]


def test_five_failures_lock_the_username_from_that_address(client, secretary_a):
    page = lock_out(client, "secretary_a")
    text = page.content.decode()
    assert "登录已被暂时锁定" in text and "15 分钟" in text and "secretary_a" in text
    # The right password does not help while locked.
    assert attempt(client, "secretary_a", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock(client, secretary_a):
    for _ in range(4):
        assert attempt(client, "secretary_a", "wrong-password").status_code == 200
    response = attempt(client, "secretary_a", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("dashboards:home")


def test_the_lock_is_on_the_pair_not_the_user_or_the_address(client, secretary_a, secretary_b):
    lock_out(client, "secretary_a", ip="10.0.0.1")
    # The same user from another address, and another user from the same address, sign in.
    assert attempt(client, "secretary_a", PASSWORD, ip="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, "secretary_b", PASSWORD, ip="10.0.0.1").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, secretary_a):
    lock_out(client, "secretary_a")
    with time_machine.travel(timezone.now() + timedelta(minutes=14), tick=False):
        assert attempt(client, "secretary_a", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16 + 14), tick=False):
        assert attempt(client, "secretary_a", PASSWORD).status_code == 302


def test_the_password_is_not_recorded_with_the_attempt(client, secretary_a):
    attempt(client, "secretary_a", "my-secret-guess")
    stored = AccessAttempt.objects.get()
    assert "my-secret-guess" not in stored.post_data


def test_staff_see_and_release_a_lockout(client, staff_client, secretary_a):
    lock_out(client, "secretary_a", ip="10.0.0.7")
    page = staff_client.get(reverse("security:lockouts"))
    lockouts = page.context["lockouts"]
    assert [(lo.username, lo.ip_address, lo.failures) for lo in lockouts] == [("secretary_a", "10.0.0.7", 5)]
    assert "解除锁定" in page.content.decode()

    response = staff_client.post(
        reverse("security:lockout_release"), {"username": "secretary_a", "ip_address": "10.0.0.7"}, follow=True
    )
    assert "已解除账号「secretary_a」的登录锁定。" in response.content.decode()
    assert staff_client.get(reverse("security:lockouts")).context["lockouts"] == []
    assert attempt(client, "secretary_a", PASSWORD, ip="10.0.0.7").status_code == 302


def test_releasing_a_lockout_that_is_gone_says_so(staff_client, district):
    response = staff_client.post(
        reverse("security:lockout_release"), {"username": "nobody", "ip_address": "10.0.0.9"}, follow=True
    )
    assert "没有找到该锁定记录" in response.content.decode()


def test_expired_lockouts_are_not_listed(client, staff_client, secretary_a):
    lock_out(client, "secretary_a")
    with time_machine.travel(timezone.now() + timedelta(minutes=16), tick=False):
        assert staff_client.get(reverse("security:lockouts")).context["lockouts"] == []


@pytest.mark.parametrize("persona", ["leader_client", "secretary_a_client"])
def test_only_staff_release_lockouts(persona, request, client, secretary_b):
    lock_out(client, "secretary_b")
    other = request.getfixturevalue(persona)
    assert other.post(reverse("security:lockout_release"), {"username": "secretary_b"}).status_code == 403
    assert AccessAttempt.objects.filter(username="secretary_b").exists()
