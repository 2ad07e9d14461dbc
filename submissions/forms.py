from django import forms

from branches.forms import OrganisationChoiceField
from branches.models import COMMITTEE_KINDS, Kind
from reports.models import Half

ASKABLE_KINDS = [(value, label) for value, label in Kind.choices if value in COMMITTEE_KINDS and value != Kind.CITY]


class RequestForm(forms.Form):
    organisation = OrganisationChoiceField(label="征集单位", queryset=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label="半年", choices=Half.choices, coerce=int)
    deadline = forms.DateField(label="报送截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kinds = forms.MultipleChoiceField(
        label="征集对象",
        choices=ASKABLE_KINDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="不选则向直属下级团组织征集；选择类型则向本单位下属全部该类型的组织征集（如全部街道团工委和学校团委）。",
    )
    lead_days = forms.IntegerField(
        label="提前提醒天数",
        min_value=0,
        max_value=60,
        initial=3,
        help_text="截止日期前多少天（含当天）提醒尚未报送的单位。",
    )
    note = forms.CharField(label="说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.limit_to(user, "committees")
        if not user.is_committee_staff:
            # A secretary asks on behalf of the committee they run, not of one below it.
            field.queryset = field.queryset.filter(pk=user.organisation_id)
        for name, f in self.fields.items():
            if name != "kinds":
                f.widget.attrs["class"] = "form-select" if isinstance(f.widget, forms.Select) else "form-control"


class ReturnForm(forms.Form):
    comment = forms.CharField(label="退回意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class InsertForm(forms.Form):
    report = forms.IntegerField(widget=forms.HiddenInput)
    key = forms.CharField(max_length=200, widget=forms.HiddenInput)
