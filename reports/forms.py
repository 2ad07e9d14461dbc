from django import forms

from activities.models import Dimension
from branches.forms import OrganisationChoiceField

from .exporters.page import official_date
from .models import Half
from .numbers import STYLE_LABELS


class StartReportForm(forms.Form):
    organisation = OrganisationChoiceField(label="编制单位", queryset=None)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    half = forms.TypedChoiceField(label="半年", choices=Half.choices, coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user, "committees")
        if not user.is_committee_staff:
            # A secretary compiles the summary of the committee they run (Report.editable_by).
            field = self.fields["organisation"]
            field.queryset = field.queryset.filter(pk=user.organisation_id)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"


def _obligations_field() -> forms.ModelMultipleChoiceField:
    from obligations.models import Obligation

    return forms.ModelMultipleChoiceField(
        label="由以下考核事项督促落实",
        queryset=Obligation.objects.enabled().order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="计划中的硬性要求关联到考核事项后，提醒按考核事项发送；没有合适的可先新建考核事项。",
    )


class ItemForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput)
    # The item's version when the form was read (reports.editing); absent = not checked.
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    heading = forms.CharField(label="标题", required=False, max_length=100)
    template = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, with_heading: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_heading:
            self.fields["obligations"] = _obligations_field()
        else:
            del self.fields["heading"]
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


SECTION_CHOICES = [("problems", "二、存在问题"), ("plan", "三、工作计划"), *Dimension.choices]


class AddItemForm(forms.Form):
    section = forms.ChoiceField(label="加入", choices=SECTION_CHOICES)
    heading = forms.CharField(label="标题（计划事项必填）", required=False, max_length=100)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        self.fields["obligations"] = _obligations_field()


class StyleForm(forms.Form):
    key = forms.CharField()
    figure = forms.CharField()
    style = forms.ChoiceField(choices=list(STYLE_LABELS.items()))


class HeadingForm(forms.Form):
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label="标题", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))
    date = forms.DateField(
        label="成文日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
        help_text="落款下的日期，写作“2024年7月5日”。留空则定稿时填写定稿当天的日期。",
    )

    def __init__(self, *args, content, **kwargs):
        super().__init__(*args, **kwargs)
        self.dimension_fields = []
        for sub in content.achievements:
            name = f"theme_{sub.key}"
            self.fields[name] = forms.CharField(
                label=f"{sub.title}：主题",
                max_length=200,
                initial=sub.theme,
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.dimension_fields.append((sub.key, name))

    def themes(self) -> dict[str, str]:
        return {key: self.cleaned_data[name] for key, name in self.dimension_fields}

    def date_text(self) -> str:
        day = self.cleaned_data.get("date")
        return official_date(day) if day else ""
