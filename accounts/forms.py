from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError

from . import services


class MobileForm(forms.Form):
    phone = forms.CharField(label="手机号码", max_length=20)

    def clean_phone(self):
        try:
            return services.mobile_clean(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc


class CodeForm(forms.Form):
    code = forms.RegexField(label="短信验证码", regex=r"^\s*\d{6}\s*$", error_messages={"invalid": "验证码为6位数字。"})


class SmsSetPasswordForm(SetPasswordForm):
    """The new password and the texted code, checked in that order by the view."""

    code = forms.RegexField(label="短信验证码", regex=r"^\s*\d{6}\s*$", error_messages={"invalid": "验证码为6位数字。"})
    field_order = ["code", "new_password1", "new_password2"]
