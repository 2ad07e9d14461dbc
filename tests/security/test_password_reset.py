"""Password reset by e-mail, in Chinese, through Django's token views."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

NEW_PASSWORD = "Qingnian-2024-new"


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The reset throttle counts in the shared cache: every test starts from none."""
    cache.clear()
    yield
    cache.clear()


def reset_link(message) -> str:
    match = re.search(r"https?://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def request_reset(client, email, ip="10.1.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=ip)


def test_login_page_links_to_the_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}">忘记密码</a>' in page


def test_a_user_resets_a_forgotten_password_by_email(client, secretary_a):
    secretary_a.email = "chen@example.cn"
    secretary_a.save()
    response = request_reset(client, "CHEN@example.cn")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert "请查收邮件" in client.get(response["Location"]).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chen@example.cn"]
    assert message.subject == "区团委工作平台：重设密码"
    assert "secretary_a" in message.body and "24 小时" in message.body

    form_page = client.get(reset_link(message), follow=True)
    assert "设置新密码" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]

    # Too short: refused with the validators' message, the old password still works.
    short = client.post(set_url, {"new_password1": "Ab1-short", "new_password2": "Ab1-short"})
    assert short.status_code == 200 and "至少" in short.content.decode() and "10" in short.content.decode()
    secretary_a.refresh_from_db()
    assert not secretary_a.check_password("Ab1-short")

    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    secretary_a.refresh_from_db()
    assert secretary_a.check_password(NEW_PASSWORD)

    signed_in = client.post(reverse("login"), {"username": "secretary_a", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("dashboards:home")

    # The link works once.
    client.logout()
    again = client.get(reset_link(message), follow=True)
    assert "链接已失效" in again.content.decode()


def test_an_unknown_address_sends_nothing_and_reveals_nothing(client, secretary_a):
    secretary_a.email = "chen@example.cn"
    secretary_a.save()
    response = request_reset(client, "nobody@example.cn")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_an_inactive_user_gets_no_reset_mail(client, secretary_a):
    User.objects.filter(pk=secretary_a.pk).update(email="chen@example.cn", is_active=False)
    request_reset(client, "chen@example.cn")
    assert mail.outbox == []


def test_a_forged_link_is_refused(client, secretary_a):
    page = client.get(reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "forged"}))
    assert page.status_code == 200 and "链接已失效" in page.content.decode()


def answer(response, client) -> tuple:
    """What a visitor sees: the redirect and the page it leads to (without the CSRF token)."""
    page = client.get(response["Location"]).content.decode()
    return response.status_code, response["Location"], re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_fifteen_requests_for_one_address_send_at_most_three_mails(client, secretary_a, settings):
    secretary_a.email = "chen@example.cn"
    secretary_a.save()
    # From fifteen different addresses, so only the per-address limit applies.
    answers = {answer(request_reset(client, "chen@example.cn", ip=f"10.2.0.{n}"), client) for n in range(15)}
    assert len(mail.outbox) == settings.PASSWORD_RESET_LIMIT_PER_ADDRESS == 3
    assert all(m.to == ["chen@example.cn"] for m in mail.outbox)
    # Throttled or not, the answer is the same.
    assert len(answers) == 1

    # Another address is not held back by the first one's limit.
    secretary_a.email = "chen2@example.cn"
    secretary_a.save()
    request_reset(client, "CHEN2@example.cn", ip="10.2.1.1")
    assert len(mail.outbox) == 4

    # An hour later the address may ask again.
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1), tick=False):
        secretary_a.email = "chen@example.cn"
        secretary_a.save()
        request_reset(client, "Chen@Example.cn", ip="10.2.2.1")
    assert len(mail.outbox) == 5


def test_one_client_cannot_spray_reset_mails_over_many_addresses(client, district, settings):
    from ..factories import UserFactory

    limit = settings.PASSWORD_RESET_LIMIT_PER_CLIENT
    for n in range(limit + 5):
        UserFactory(username=f"user{n}", email=f"user{n}@example.cn")
    for n in range(limit + 5):
        request_reset(client, f"user{n}@example.cn", ip="10.3.0.1")
    assert len(mail.outbox) == limit
    # Another client is not held back.
    request_reset(client, f"user{limit + 4}@example.cn", ip="10.3.0.2")
    assert len(mail.outbox) == limit + 1


def test_known_unknown_and_throttled_addresses_get_the_same_answer(client, secretary_a):
    secretary_a.email = "chen@example.cn"
    secretary_a.save()
    known = answer(request_reset(client, "chen@example.cn", ip="10.4.0.1"), client)
    unknown = answer(request_reset(client, "nobody@example.cn", ip="10.4.0.2"), client)
    for n in range(5):
        throttled = answer(request_reset(client, "chen@example.cn", ip=f"10.4.1.{n}"), client)
    assert known == unknown == throttled
    assert known[0] == 302 and known[1] == reverse("password_reset_done")
    assert len(mail.outbox) == 3


def test_a_malformed_address_is_shown_the_form_again_and_not_counted(client, secretary_a):
    secretary_a.email = "chen@example.cn"
    secretary_a.save()
    for _ in range(5):
        response = client.post(reverse("password_reset"), {"email": "not-an-address"}, REMOTE_ADDR="10.5.0.1")
        assert response.status_code == 200 and "有效的 Email 地址" in response.content.decode()
    request_reset(client, "chen@example.cn", ip="10.5.0.1")
    assert len(mail.outbox) == 1
