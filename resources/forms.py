from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.forms.models import ModelChoiceIterator

from activities.models import Activity
from branches.forms import OrganisationChoiceField
from branches.models import Organisation
from core.params import BoundedDateField

from .models import Base, Coverage, Donation, Partner
from .selectors import ListFilters
from .services import EDITABLE

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Activities offered for linking: the user's most recent (a city holds tens of thousands), plus
# whatever the record already links. The field accepts any activity in the user's scope.
ACTIVITIES_OFFERED = 300


class _RecentActivities(ModelChoiceIterator):
    def _shown(self):
        qs = self.queryset
        recent = list(qs[:ACTIVITIES_OFFERED])
        seen = {a.pk for a in recent}
        linked = [pk for pk in self.field.linked if pk not in seen]
        return recent + (list(qs.filter(pk__in=linked)) if linked else [])

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self._shown():
            yield self.choice(obj)

    def __len__(self):
        return len(self._shown()) + (self.field.empty_label is not None)


def _label(obj: Activity) -> str:
    return f"{obj.start_date:%Y-%m-%d} {obj.title}（{obj.organisation.display_name}）"


class ActivityChoiceField(forms.ModelChoiceField):
    iterator = _RecentActivities
    linked: tuple = ()

    def label_from_instance(self, obj: Activity) -> str:
        return _label(obj)


class ActivityMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _RecentActivities
    linked: tuple = ()

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
            self.fields["activity"].linked = (self.instance.activity_id,) if self.instance.activity_id else ()
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
            widget=forms.SelectMultiple(attrs={"size": 8}),
            help_text="按住 Ctrl 可多选；列出最近的活动和已关联的活动。",
        )
        if self.instance.pk:
            self.fields["activities"].linked = tuple(self.instance.activities.values_list("pk", flat=True))
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
