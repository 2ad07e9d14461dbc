"""A verified mobile number: the code texted through the SMS adapter, then password reset by SMS."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.views import SMS_RESET_SENT

from ..factories import UserFactory
from ..obligations.channel_servers import Platform

NEW_PASSWORD = "Xq7-mP2kz-river"

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_server(settings):
    cache.clear()
    server = Platform("sms", secret="sms-secret-key-for-tests")
    settings.SMS_SECRET_ID = "AKIDtest"
    settings.SMS_SECRET_KEY = "sms-secret-key-for-tests"
    settings.SMS_SDK_APP_ID = "1400000000"
    settings.SMS_SIGN_NAME = "测试区团委"
    settings.SMS_CODE_TEMPLATE_ID = "200002"
    settings.SMS_ENDPOINT = f"127.0.0.1:{server.port}"
    settings.SMS_SCHEME = "http"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield server
    server.close()
    cache.clear()


def last_code(server) -> str:
    body = server.received[-1].body
    assert body["TemplateId"] == "200002" and body["TemplateParamSet"][1] == "10"
    return body["TemplateParamSet"][0]


def test_a_secretary_verifies_a_number_by_the_code_texted_to_it(secretary_a_client, secretary_a, sms_server):
    url = reverse("mobile")
    assert "尚未验证手机号码" in secretary_a_client.get(url).content.decode()
    response = secretary_a_client.post(url, {"phone": "+86 139-1234-5678"})
    assert response.status_code == 302
    assert sms_server.received[0].body["PhoneNumberSet"] == ["+8613912345678"]
    code = last_code(sms_server)
    wrong = "000000" if code != "000000" else "111111"
    response = secretary_a_client.post(url, {"code": wrong})
    assert response.context["code_form"].errors["code"] == ["验证码错误或已过期。"]
    secretary_a.refresh_from_db()
    assert secretary_a.verified_phone == ""
    response = secretary_a_client.post(url, {"code": code}, follow=True)
    secretary_a.refresh_from_db()
    assert secretary_a.verified_phone == "13912345678"
    assert "已验证的手机号码：139****5678。" in response.content.decode()


def test_five_wrong_codes_void_the_code(secretary_a_client, secretary_a, sms_server):
    secretary_a_client.post(reverse("mobile"), {"phone": "13912345678"})
    code = last_code(sms_server)
    wrong = [c for c in ("000000", "111111", "222222", "333333", "444444", "555555") if c != code][:5]
    for guess in wrong:
        secretary_a_client.post(reverse("mobile"), {"code": guess})
    response = secretary_a_client.post(reverse("mobile"), {"code": code})
    assert response.context["code_form"].errors["code"] == ["验证码错误或已过期。"]
    secretary_a.refresh_from_db()
    assert not secretary_a.phone_verified_at


def test_a_number_verified_by_another_account_is_refused(secretary_a_client, secretary_a, sms_server):
    UserFactory(username="other", phone="13912345678", phone_verified_at=timezone.now())
    secretary_a_client.post(reverse("mobile"), {"phone": "13912345678"})
    response = secretary_a_client.post(reverse("mobile"), {"code": last_code(sms_server)})
    assert response.context["code_form"].errors["code"] == ["该手机号码已由其他账号验证，请联系区团委工作人员。"]


def test_a_bad_number_is_refused_before_anything_is_sent(secretary_a_client, sms_server):
    response = secretary_a_client.post(reverse("mobile"), {"phone": "12345"})
    assert response.context["mobile_form"].errors["phone"] == ["请填写有效的大陆手机号码（11位，以1开头）。"]
    assert not sms_server.received


def ask(client, phone, ip="10.0.0.1"):
    return client.post(reverse("password_reset_sms"), {"phone": phone}, REMOTE_ADDR=ip, follow=True)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_a_verified_holder_resets_the_password_by_sms(client, sms_server):
    user = UserFactory(username="sec_sms", phone="13912345678", phone_verified_at=timezone.now())
    response = ask(client, "139 1234 5678")
    assert response.redirect_chain[-1][0] == reverse("password_reset_sms_confirm")
    assert messages_of(response) == [SMS_RESET_SENT]
    code = last_code(sms_server)
    confirm = reverse("password_reset_sms_confirm")
    bad = client.post(
        confirm,
        {
            "code": "999999" if code != "999999" else "888888",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert bad.context["reset_form"].errors["code"] == ["验证码错误或已过期。"]
    short = client.post(confirm, {"code": code, "new_password1": "Ab1-short", "new_password2": "Ab1-short"})
    assert short.status_code == 200 and short.context["reset_form"].errors["new_password2"]
    done = client.post(confirm, {"code": code, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The code is used up.
    again = client.post(
        confirm, {"code": code, "new_password1": "Other-pass-2026x", "new_password2": "Other-pass-2026x"}
    )
    assert again.status_code == 302 and again["Location"] == reverse("password_reset_sms")


def test_unknown_and_unverified_numbers_get_the_same_answer_and_no_sms(client, sms_server):
    UserFactory(username="unverified", phone="13900000001")
    UserFactory(username="inactive", phone="13900000002", phone_verified_at=timezone.now(), is_active=False)
    for phone in ("13900000001", "13900000002", "13900000003"):
        response = ask(client, phone)
        assert response.redirect_chain[-1][0] == reverse("password_reset_sms_confirm")
        assert messages_of(response) == [SMS_RESET_SENT]
    assert not sms_server.received
    # A code guessed for a number without an account: the same refusal as a wrong code.
    response = client.post(
        reverse("password_reset_sms_confirm"),
        {"code": "123456", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.context["reset_form"].errors["code"] == ["验证码错误或已过期。"]
    assert not User.objects.get(username="unverified").check_password(NEW_PASSWORD)


def test_requests_for_codes_are_throttled_per_number_and_per_client(client, sms_server, settings):
    UserFactory(username="sec_sms", phone="13912345678", phone_verified_at=timezone.now())
    for i in range(7):  # five per number an hour, whichever client asks
        response = ask(client, "13912345678", ip=f"10.0.1.{i}")
        assert messages_of(response) == [SMS_RESET_SENT]
    assert len(sms_server.received) == settings.SMS_CODE_LIMIT_PER_NUMBER == 5

    for i in range(12):  # ten per client an hour, whichever number it asks for
        UserFactory(username=f"n{i}", phone=f"1370000{i:04d}", phone_verified_at=timezone.now())
        response = ask(client, f"1370000{i:04d}", ip="10.0.2.1")
        assert messages_of(response) == [SMS_RESET_SENT]
    assert len(sms_server.received) == 5 + settings.SMS_CODE_LIMIT_PER_CLIENT == 15


def test_the_sign_in_and_e_mail_reset_pages_offer_the_sms_reset(client):
    page = client.get(reverse("password_reset")).content.decode()
    assert f'href="{reverse("password_reset_sms")}">用手机短信重设</a>' in page
