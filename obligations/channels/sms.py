"""SMS through Tencent Cloud SMS (SendSms, API 2021-01-11) with its Python SDK.

The SDK signs each request (TC3-HMAC-SHA256) with SMS_SECRET_ID / SMS_SECRET_KEY from the
environment. SMS_ENDPOINT and SMS_SCHEME point it elsewhere (the tests' local server).
Only an approved template's variables are sent, each cut to SMS_PARAM_MAX_CHARS.
"""

from django.conf import settings
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client

from . import ChannelError


def configured() -> bool:
    return bool(settings.SMS_SECRET_ID and settings.SMS_SECRET_KEY and settings.SMS_SDK_APP_ID)


def e164(phone: str) -> str:
    return phone if phone.startswith("+") else f"+86{phone}"


def send_sms(*, phone: str, template_id: str, params: list[str]) -> str:
    """Send one templated SMS; returns the provider's serial number. Raises ChannelError."""
    if not configured():
        raise ChannelError("短信服务未配置（SMS_SECRET_ID、SMS_SECRET_KEY、SMS_SDK_APP_ID）")
    if not template_id:
        raise ChannelError("未设置短信模板 ID")
    http = HttpProfile(
        protocol=settings.SMS_SCHEME, endpoint=settings.SMS_ENDPOINT, reqTimeout=settings.CHANNEL_HTTP_TIMEOUT
    )
    client = sms_client.SmsClient(
        credential.Credential(settings.SMS_SECRET_ID, settings.SMS_SECRET_KEY),
        settings.SMS_REGION,
        ClientProfile(httpProfile=http),
    )
    request = models.SendSmsRequest()
    request.SmsSdkAppId = settings.SMS_SDK_APP_ID
    request.SignName = settings.SMS_SIGN_NAME
    request.TemplateId = template_id
    request.TemplateParamSet = [p[: settings.SMS_PARAM_MAX_CHARS] for p in params]
    request.PhoneNumberSet = [e164(phone)]
    try:
        response = client.SendSms(request)
    except TencentCloudSDKException as exc:
        raise ChannelError(f"{exc.code}: {exc.message}") from exc
    status = response.SendStatusSet[0] if response.SendStatusSet else None
    if status is None or status.Code != "Ok":
        raise ChannelError(f"{getattr(status, 'Code', '无结果')}: {getattr(status, 'Message', '')}")
    return status.SerialNo or ""
