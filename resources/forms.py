from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse

from activities.models import Activity
from branches.forms import OrganisationChoiceField
from branches.models import Organisation
from core.params import BoundedDateField

from .models import Base, Coverage, Donation, Partner
from .selectors import ListFilters
from .services import EDITABLE

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ActivityPicker:
    """A select of activities that writes only the empty option and the chosen activities, marked
    for the type-ahead picker (static/js/org-picker.js), which searches activities:pick as the
    user types: a city holds tens of thousands. The field validates against its whole queryset
    (the user's scope), so the server decides what may be linked."""

    def get_context(self, name, value, attrs):
        attrs = {
            **(attrs or {}),
            "data-picker": reverse("activities:pick"),
            "data-picker-none": "没有匹配的活动",
            "data-picker-hint": "输入活动名称搜索",
        }
        return super().get_context(name, value, attrs)

    def optgroups(self, name, value, attrs=None):
        field = self.choices.field
        choices = [("", field.empty_label)] if field.empty_label is not None else []
        chosen = [v for v in value if v.isdigit()]
        if chosen:
            choices += [(a.pk, field.label_from_instance(a)) for a in field.queryset.filter(pk__in=chosen)]
        return [
            (None, [self.create_option(name, pk, label, str(pk) in value, index, attrs=attrs)], index)
            for index, (pk, label) in enumerate(choices)
        ]


class ActivitySelect(_ActivityPicker, forms.Select):
    pass


class ActivitySelectMultiple(_ActivityPicker, forms.SelectMultiple):
    pass


def _label(obj: Activity) -> str:
    return f"{obj.start_date:%Y-%m-%d} {obj.title}（{obj.organisation.display_name}）"


class ActivityChoiceField(forms.ModelChoiceField):
    widget = ActivitySelect

    def label_from_instance(self, obj: Activity) -> str:
        return _label(obj)


class ActivityMultipleChoiceField(forms.ModelMultipleChoiceField):
    widget = ActivitySelectMultiple

    def label_from_instance(self, obj: Activity) -> str:
        return _label(obj)


def _activities(user):
    return Activity.objects.visible_to(user).select_related("organisation").order_by("-start_date", "-id")


class _RecordForm(forms.ModelForm):
    """A record's form: the organisation within the user's scope, dates as date pickers."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"] = OrganisationChoiceField(
            label="所属组织", queryset=Organisation.objects.none(), initial=self.initial.get("organisation")
        )
        self.fields["organisation"].limit_to(user)
        if self.instance.pk:
            self.initial["organisation"] = self.instance.organisation_id
        elif user.is_secretary and user.organisation_id:
            self.initial.setdefault("organisation", user.organisation_id)
        if "activity" in self.fields:
            self.fields["activity"] = ActivityChoiceField(
                label="相关活动", queryset=_activities(user), required=False, empty_label="（不关联活动）"
            )
        self.order_fields(self.Meta.fields)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))

    def record_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in EDITABLE[self._meta.model] if name in self.cleaned_data}


class BaseForm(_RecordForm):
    class Meta:
        model = Base
        fields = list(EDITABLE[Base])
        widgets = {"recognised_on": DATE_WIDGET, "withdrawn_on": DATE_WIDGET}


class CoverageForm(_RecordForm):
    url = forms.URLField(label="链接", required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Coverage
        fields = list(EDITABLE[Coverage])
        widgets = {"published_on": DATE_WIDGET}


class PartnerForm(_RecordForm):
    class Meta:
        model = Partner
        fields = [*EDITABLE[Partner], "activities"]
        widgets = {"since": DATE_WIDGET, "until": DATE_WIDGET}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["activities"] = ActivityMultipleChoiceField(
            label="共同开展的活动",
            queryset=_activities(user),
            required=False,
            help_text="输入活动名称搜索，可添加多项。",
        )
        self.order_fields(self.Meta.fields)


class DonationForm(_RecordForm):
    class Meta:
        model = Donation
        fields = list(EDITABLE[Donation])
        widgets = {"received_on": DATE_WIDGET}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["partner"].queryset = Partner.objects.visible_to(user).order_by("name")
        self.fields["partner"].empty_label = "（不是共建单位）"


class ListFilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    organisation = OrganisationChoiceField(
        label="组织（含下级）", queryset=Organisation.objects.none(), required=False, empty_label="全部组织"
    )
    date_from = BoundedDateField(label="起始日期", required=False, widget=DATE_WIDGET)
    date_to = BoundedDateField(label="截止日期", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user, "all")
        for name in ("q", "date_from", "date_to"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")
        self.fields["organisation"].widget.attrs["class"] = "form-select"

    def filters(self) -> ListFilters:
        data = self.cleaned_data
        return ListFilters(
            organisation=data.get("organisation"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            q=(data.get("q") or "").strip(),
        )
