"""The login page (issue #28): a wrong password is said in plain words with what more tries will
do, in the numbers django-axes is set to; the password field offers 显示密码."""

from datetime import timedelta

import pytest
from django.conf import settings

from ..factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_wrong_password_says_so_and_names_the_lockout(client, secretary_a):
    response = client.post(LOGIN, {"username": "secretary_a", "password": "wrong-password"})
    assert response.status_code == 200
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    expected = f"用户名或密码不正确。连续输错{settings.AXES_FAILURE_LIMIT}次后账户将锁定{minutes}分钟。"
    assert response.context["form"].non_field_errors() == [expected]
    assert expected in response.content.decode()
    assert "区分大小写" not in response.content.decode()  # Django's own wording is gone


def test_the_numbers_follow_the_settings(client, secretary_a, settings):
    settings.AXES_FAILURE_LIMIT = 8
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    response = client.post(LOGIN, {"username": "secretary_a", "password": "wrong-password"})
    assert "连续输错8次后账户将锁定30分钟。" in response.content.decode()


def test_an_unknown_user_reads_the_same_words(client, secretary_a):
    # Whether a username exists is not told apart from a wrong password.
    known = client.post(LOGIN, {"username": "secretary_a", "password": "wrong-password"})
    unknown = client.post(LOGIN, {"username": "nobody", "password": "wrong-password"})
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_the_locked_out_page_says_when_to_try_again(client, secretary_a):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(LOGIN, {"username": "secretary_a", "password": "wrong-password"})
    assert response.status_code == 429
    text = response.content.decode()
    assert f"连续 {settings.AXES_FAILURE_LIMIT} 次输入错误的密码" in text and "15 分钟" in text


def test_the_password_field_is_marked_for_the_toggle(client):
    response = client.get(LOGIN)
    text = response.content.decode()
    assert "data-password-toggle" in text and "js/password-toggle.js" in text
    # Without script no button is written: the page itself has none.
    assert "显示密码" not in text


def test_the_right_password_still_signs_in(client, secretary_a):
    response = client.post(LOGIN, {"username": "secretary_a", "password": PASSWORD})
    assert response.status_code == 302
