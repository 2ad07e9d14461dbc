from axes.helpers import get_cool_off
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError

from . import services


class MobileForm(forms.Form):
    phone = forms.CharField(label="手机号码", max_length=20)

    def clean_phone(self):
        try:
            return services.mobile_clean(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


def lockout_warning() -> str:
    """How many wrong passwords lock a login, and for how long (django-axes' settings), in words."""
    cool_off = get_cool_off()
    if cool_off is None:
        return f"连续输错{settings.AXES_FAILURE_LIMIT}次后账户将被锁定，需联系区团委工作人员解除。"
    minutes = max(1, int(cool_off.total_seconds() // 60))
    return f"连续输错{settings.AXES_FAILURE_LIMIT}次后账户将锁定{minutes}分钟。"


class LoginForm(AuthenticationForm):
    """Django's login form, saying plainly what went wrong and what a few more tries will do
    (its own message, "请输入一个正确的 用户名 和密码. 注意他们都是区分大小写的.", does neither)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages = {**self.error_messages, "invalid_login": "用户名或密码不正确。" + lockout_warning()}
        # static/js/password-toggle.js puts a 显示密码 button beside it; without script, none.
        self.fields["password"].widget.attrs["data-password-toggle"] = ""


class CodeForm(forms.Form):
    code = forms.RegexField(label="短信验证码", regex=r"^\s*\d{6}\s*$", error_messages={"invalid": "验证码为6位数字。"})


class SmsSetPasswordForm(SetPasswordForm):
    """The new password and the texted code, checked in that order by the view."""

    code = forms.RegexField(label="短信验证码", regex=r"^\s*\d{6}\s*$", error_messages={"invalid": "验证码为6位数字。"})
    field_order = ["code", "new_password1", "new_password2"]
