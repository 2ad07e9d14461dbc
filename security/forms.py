from django import forms

from core.params import BoundedDateField


class LockoutReleaseForm(forms.Form):
    username = forms.CharField(max_length=255, required=False)
    ip_address = forms.GenericIPAddressField(required=False)


class HistoryFilterForm(forms.Form):
    model = forms.ChoiceField(label="对象类型", widget=forms.Select(attrs={"class": "form-select"}))
    user = forms.CharField(label="操作人", required=False, widget=forms.TextInput(attrs={"class": "form-control"}))
    object_id = forms.CharField(
        label="对象编号", required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    since = BoundedDateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    until = BoundedDateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )

    def __init__(self, *args, model_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = model_choices
