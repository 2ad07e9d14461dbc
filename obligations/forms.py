from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms

from activities.models import ActivityKind, Indicator
from branches.forms import OrganisationChoiceField
from branches.models import Kind
from core.params import BoundedDateField
from members.choices import CadreKind

from . import selectors
from .models import Channel, EmailStatus, Obligation, ReminderKind
from .selectors import STATUS_CHOICES
from .services.obligations import OBLIGATION_FIELDS


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ObligationForm(forms.ModelForm):
    organisation_kinds = forms.MultipleChoiceField(
        label="适用组织类型",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="对团组织的要求：适用于所选类型的组织；对团干部的要求：限定任职组织的类型，不选则不限。",
    )
    cadre_kinds = forms.MultipleChoiceField(
        label="适用团干部类别", choices=CadreKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    activity_kinds = forms.MultipleChoiceField(
        label="计入的活动类型", choices=ActivityKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Obligation
        fields = list(OBLIGATION_FIELDS)
        widgets = {
            "active_from": _date_widget(),
            "active_until": _date_widget(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(active=True, numerator__isnull=True)
        self.fields["indicator"].empty_label = "（不以统计指标计）"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset("要求", "name", "description", "frequency", "position"),
            Fieldset(
                "适用对象", "target", "organisation_kinds", "directly_managed", "all_organisations", "cadre_kinds"
            ),
            Fieldset("完成标准", "activity_kinds", "min_count", "min_hours", "indicator", "indicator_min"),
            Fieldset("提醒与生效", "lead_days", "remind", "active_from", "active_until", "active"),
        )
        self.helper.add_input(Submit("submit", "保存", css_class="btn-league"))

    def _post_clean(self):
        # The service validates the whole record (full_clean) and its errors are put back
        # on the fields; the form only checks the fields one by one.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in OBLIGATION_FIELDS}


PERIOD_CHOICES = [("current", "本期"), ("previous", "上期"), ("date", "指定日期所在周期")]


class ComplianceFilterForm(forms.Form):
    organisation = OrganisationChoiceField(
        label="组织（含下级）", queryset=None, required=False, empty_label="（全部）"
    )
    kind = forms.ChoiceField(label="组织类型", required=False, choices=[("", "全部类型"), *Kind.choices])
    obligation = forms.ModelChoiceField(
        label="履职要求", queryset=Obligation.objects.none(), required=False, empty_label="全部要求"
    )
    period = forms.ChoiceField(label="周期", required=False, choices=PERIOD_CHOICES, initial="current")
    on = BoundedDateField(label="日期", required=False, widget=_date_widget())
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *STATUS_CHOICES])
    ends_by = BoundedDateField(label="周期截止不晚于", required=False, widget=_date_widget())
    own = forms.BooleanField(label="仅本组织（不含下级）", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user)
        self.fields["obligation"].queryset = Obligation.objects.enabled()
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.update({"class": "form-check-input", "id": f"filter_{name}"})
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"filter_{name}")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") == "date" and not cleaned.get("on"):
            self.add_error("on", "请选择日期。")
        return cleaned


class DueFilterForm(forms.Form):
    organisation = OrganisationChoiceField(
        label="组织（含下级）", queryset=None, required=False, empty_label="（全部）"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user)
        self.fields["organisation"].widget.attrs.update({"class": "form-select", "id": "filter_organisation"})


class ScheduleForm(forms.Form):
    at = forms.TimeField(
        label="每日检查时间（北京时间）",
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M"),
        input_formats=["%H:%M", "%H:%M:%S"],
    )
    enabled = forms.BooleanField(label="启用每日提醒", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存", css_class="btn-league"))


class ReminderFilterForm(forms.Form):
    kind = forms.ChoiceField(label="提醒类型", required=False, choices=[("", "全部类型"), *ReminderKind.choices])
    email_status = forms.ChoiceField(label="邮件状态", required=False, choices=[("", "全部状态"), *EmailStatus.choices])
    organisation = OrganisationChoiceField(
        label="组织（含下级）", queryset=None, required=False, empty_label="（全部）"
    )
    created_from = BoundedDateField(label="生成日期自", required=False, widget=_date_widget())
    created_to = BoundedDateField(label="至", required=False, widget=_date_widget())
    failed = forms.ChoiceField(
        label="发送失败的渠道", required=False, choices=[("", "不限"), ("email", "邮件"), *Channel.choices]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user, "all")
        for name, field in self.fields.items():
            css = "form-control" if isinstance(field.widget, forms.DateInput) else "form-select"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"filter_{name}")

    def filters(self):
        data = self.cleaned_data
        return selectors.ReminderFilters(
            kind=data.get("kind") or "",
            email_status=data.get("email_status") or "",
            organisation=data.get("organisation"),
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            failed=data.get("failed") or "",
        )


class ChannelConfigForm(forms.Form):
    """An organisation's own channels. Secrets are never shown back: a blank field keeps
    the stored value, "remove" clears it."""

    email = forms.BooleanField(label="邮件", required=False)
    wecom_webhook = forms.URLField(
        label="企业微信群机器人 Webhook",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="形如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…；留空则保持不变。",
    )
    wecom_remove = forms.BooleanField(label="删除企业微信群机器人", required=False)
    dingtalk_webhook = forms.URLField(
        label="钉钉群机器人 Webhook",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="形如 https://oapi.dingtalk.com/robot/send?access_token=…；留空则保持不变。",
    )
    dingtalk_secret = forms.CharField(
        label="钉钉加签密钥",
        required=False,
        max_length=200,
        widget=forms.PasswordInput,
        help_text="机器人安全设置中的“加签”密钥（SEC 开头）；留空则保持不变。",
    )
    dingtalk_remove = forms.BooleanField(label="删除钉钉群机器人", required=False)
    sms = forms.BooleanField(label="短信（发送给已验证手机号码的书记）", required=False)
    sms_template_id = forms.CharField(
        label="短信模板 ID", required=False, max_length=32, help_text="不填则用系统配置的模板。"
    )

    def clean_wecom_webhook(self):
        url = self.cleaned_data["wecom_webhook"].strip()
        if url and "key=" not in url:
            raise forms.ValidationError("企业微信群机器人的 Webhook 地址应含有 key= 参数。")
        return url

    def clean_dingtalk_webhook(self):
        url = self.cleaned_data["dingtalk_webhook"].strip()
        if url and "access_token=" not in url:
            raise forms.ValidationError("钉钉群机器人的 Webhook 地址应含有 access_token= 参数。")
        return url

    def clean_sms_template_id(self):
        value = self.cleaned_data["sms_template_id"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError("短信模板 ID 应为数字。")
        return value

    def secrets(self) -> dict:
        """What to store: None keeps, "" removes, a value replaces."""
        data = self.cleaned_data
        wecom = "" if data["wecom_remove"] else (data["wecom_webhook"] or None)
        dingtalk = "" if data["dingtalk_remove"] else (data["dingtalk_webhook"] or None)
        secret = "" if data["dingtalk_remove"] else (data["dingtalk_secret"].strip() or None)
        return {"wecom_webhook": wecom, "dingtalk_webhook": dingtalk, "dingtalk_secret": secret}
