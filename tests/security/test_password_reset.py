"""Password reset by e-mail, in Chinese, through Django's token views."""

import re

from django.core import mail
from django.urls import reverse

from accounts.models import User

NEW_PASSWORD = "Qingnian-2024-new"


def reset_link(message) -> str:
    match = re.search(r"https?://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def request_reset(client, email):
    return client.post(reverse("password_reset"), {"email": email})


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
