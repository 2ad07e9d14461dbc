import json
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.urls import reverse

from branches.forms import OrganisationChoiceField
from core.params import BoundedDateField
from core.validators import MAX_INDICATOR_VALUE
from members.models import Member

from . import selectors
from .models import (
    DEFAULT_DIMENSION,
    INDICATOR_FIELDS,
    Activity,
    Campaign,
    Dimension,
    Indicator,
    IndicatorCategory,
    Qualifier,
    SessionUnit,
)
from .periods import Period

MAX_FILES_PER_UPLOAD = 12


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); validation of each file is the service's."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_FILES_PER_UPLOAD:
            raise forms.ValidationError(f"一次最多上传 {MAX_FILES_PER_UPLOAD} 个文件。")
        return files


class RosterWidget(forms.CheckboxSelectMultiple):
    """The roster as a list of checkboxes, with a filter box, select-all and the count picked
    (static/js/activity-form.js makes them work; without it the list still posts)."""

    template_name = "activities/widgets/roster.html"

    def __init__(self, *args, roster: "selectors.Roster | None" = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.roster = roster

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["roster"] = self.roster
        widget["picked"] = sum(1 for _, options, _ in widget["optgroups"] for option in options if option["selected"])
        widget["roster_url"] = reverse("activities:roster")
        return context


def roster_widget(roster: "selectors.Roster", **kwargs) -> RosterWidget:
    widget = RosterWidget(roster=roster, **kwargs)
    widget.choices = roster.choices
    return widget


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _campaign_label(name: str, start: date, end: date) -> str:
    return f"{name}（{start:%Y-%m-%d} 至 {end:%Y-%m-%d}）"


class _CampaignChoices(ModelChoiceIterator):
    """(pk, label) from one plain query. Django's own iterator builds a model instance per
    option and reads through a server-side cursor (on PostgreSQL DECLARE, FETCH and CLOSE:
    three round trips) at every render: a third of a millisecond on every activity list."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name, start, end in self.queryset.values_list("pk", "name", "start_date", "end_date"):
            yield (pk, _campaign_label(name, start, end))


class CampaignChoiceField(forms.ModelChoiceField):
    """A campaign, shown with its dates (campaigns recur under the same name year after year)."""

    iterator = _CampaignChoices

    def label_from_instance(self, obj: Campaign) -> str:
        return _campaign_label(obj.name, obj.start_date, obj.end_date)


class ActivityForm(forms.ModelForm):
    """The logging form: one column, large controls, photos straight from the phone's camera."""

    organisation = OrganisationChoiceField(label="举办组织", queryset=None)
    campaign = CampaignChoiceField(
        label="所属主题活动", queryset=None, required=False, empty_label="（不属于主题活动）"
    )
    dimension = forms.ChoiceField(
        label="工作维度",
        required=False,
        choices=[("", "按活动类型默认"), *Dimension.choices],
        help_text="默认随活动类型确定，可以修改。",
    )
    photos = MultipleFileField(
        label="活动照片",
        required=False,
        help_text="可直接拍照上传，支持 JPG、PNG 等图片。",
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    attachments = MultipleFileField(
        label="其他附件",
        required=False,
        help_text="图片或 PDF 文件。",
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf,.pdf"}),
    )
    attendees = forms.ModelMultipleChoiceField(
        label="出席人员",
        queryset=Member.objects.none(),
        required=False,
        help_text="从举办组织的名册中勾选实际出席（参加）的人员；参与人数随勾选人数自动填写。",
        error_messages={
            "invalid_choice": "所选人员中有不在名册中的人员，请重新勾选。",
            "invalid_pk_value": "所选人员无法识别，请重新勾选。",
        },
    )
    sign_in = MultipleFileField(
        label="签到表",
        required=False,
        help_text="签到表的照片或扫描件（图片或 PDF）。",
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf,.pdf"}),
    )
    # The signed list of files picked on an earlier try of this form (services.activity_files_keep).
    kept = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Activity
        fields = [
            "title",
            "organisation",
            "kind",
            "dimension",
            "campaign",
            "start_date",
            "end_date",
            "location",
            "audience",
            "sessions",
            "session_unit",
            "reach",
            "participants_qualifier",
            "participants",
            "person_times_qualifier",
            "person_times",
            "hours",
            "summary",
            "notable",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "participants": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "person_times": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
            "sessions": forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}),
            "hours": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5", "min": 0}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organisation"].limit_to(user)
        if user.is_secretary and not self.instance.pk and user.organisation_id:
            self.fields["organisation"].initial = user.organisation_id
        current = self.instance.campaign_id if self.instance.pk else None
        self.fields["campaign"].queryset = Campaign.objects.filter(Q(active=True) | Q(pk=current)).order_by(
            "-start_date", "name"
        )
        if not user.is_committee_staff:
            del self.fields["notable"]
        self.fields["kind"].widget.attrs["data-default-dimensions"] = json.dumps(
            {str(k): str(v) for k, v in DEFAULT_DIMENSION.items()}
        )
        if not self.instance.pk:
            self.fields["start_date"].initial = date.today()
        self._setup_attendees(user)
        # Left empty, a record is one session: nothing to type for the usual case.
        self.fields["sessions"].required = False
        self.fields["session_unit"].required = False
        self.fields["participants_qualifier"].help_text = "来源写“约”“余”“多”“近”时选择，照来源填写数字。"
        self.fields["hours"].help_text = "不清楚可以不填。"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        fields = [
            Field("title", css_class="form-control-lg"),
            "organisation",
            "kind",
            "dimension",
            "campaign",
            Div(Div("start_date", css_class="col-6"), Div("end_date", css_class="col-6"), css_class="row g-2"),
            "location",
            "audience",
            Fieldset(
                "场次与覆盖范围",
                Div(Div("sessions", css_class="col-7"), Div("session_unit", css_class="col-5"), css_class="row g-2"),
                "reach",
            ),
            Fieldset("出席人员与签到表", Field("attendees", template="activities/_roster_field.html"), "sign_in"),
            Fieldset(
                "参与人数与人次",
                Div(
                    Div("participants_qualifier", css_class="col-5"),
                    Div("participants", css_class="col-7"),
                    css_class="row g-2",
                ),
                Div(
                    Div("person_times_qualifier", css_class="col-5"),
                    Div("person_times", css_class="col-7"),
                    css_class="row g-2",
                ),
            ),
            "hours",
            "summary",
            Fieldset("照片与附件", "photos", "attachments", "kept"),
        ]
        if "notable" in self.fields:
            fields.append("notable")
        self.helper.layout = Layout(*fields)

    def _roster_organisation(self):
        """The organisation whose roster the picker lists: the one posted (if the user may pick
        it), else the record's, else the preset one."""
        field = self.fields["organisation"]
        if self.is_bound:
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix("organisation"))
        elif self.instance.pk:
            return self.instance.organisation
        else:
            value = self.get_initial_for_field(field, "organisation")
        try:
            return field.clean(value)
        except forms.ValidationError:
            return None

    def _setup_attendees(self, user) -> None:
        kept = list(self.instance.attendees.values_list("pk", flat=True)) if self.instance.pk else []
        field = self.fields["attendees"]
        # Any member the user reaches passes the field; the service decides whether they belong
        # to this record's organisation (and says who does not). Attendees recorded before stay
        # pickable even if they have left since.
        visible = Member.objects.visible_to(user)
        field.queryset = visible | Member.objects.filter(pk__in=kept) if kept else visible
        if not self.is_bound:
            field.initial = kept
        organisation = self._roster_organisation()
        roster = (
            selectors.attendance_roster(organisation=organisation, keep_ids=kept)
            if organisation is not None
            else selectors.Roster(choices=[], total=0, truncated=False)
        )
        field.widget = roster_widget(roster)

    def clean_dimension(self):
        return self.cleaned_data.get("dimension") or ""

    def clean_sessions(self):
        sessions = self.cleaned_data.get("sessions")
        return 1 if sessions is None else sessions

    def clean_session_unit(self):
        return self.cleaned_data.get("session_unit") or SessionUnit.SESSION

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("dimension") and cleaned.get("kind"):
            cleaned["dimension"] = DEFAULT_DIMENSION[cleaned["kind"]]
        return cleaned

    def service_fields(self) -> dict:
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name in self.fields and name not in ("photos", "attachments", "kept")
        }
        data["attendees"] = list(self.cleaned_data.get("attendees") or [])
        return data


class BulkReviewForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=[])
    action = forms.ChoiceField(choices=[("approve", "通过"), ("return", "退回")])
    comment = forms.CharField(max_length=1000, required=False)

    def __init__(self, *args, allowed_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = [(pk, pk) for pk in allowed_ids]
        self.fields["ids"].error_messages["invalid_choice"] = "所选记录中有的已不在待审核列表中，请刷新后重试。"
        self.fields["ids"].error_messages["required"] = "请至少选择一条记录。"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "return" and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", "批量退回时请填写审核意见。")
        return cleaned


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "dimension", "start_date", "end_date", "phrase", "description", "active"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存", css_class="btn-league"))


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = INDICATOR_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        entered = Indicator.objects.filter(numerator__isnull=True)
        if self.instance.pk:
            entered = entered.exclude(pk=self.instance.pk)
        self.fields["numerator"].queryset = entered
        self.fields["denominator"].queryset = entered
        self.fields["numerator"].help_text = "派生指标（比率）才填写；派生指标不直接填报。"
        self.fields["report_order"].required = False
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存", css_class="btn-league"))

    def clean_report_order(self):
        order = self.cleaned_data.get("report_order")
        return Indicator._meta.get_field("report_order").default if order is None else order


class MonthField(BoundedDateField):
    """A month as YYYY-MM (the browser's month input), stored as the first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class EntryTargetForm(forms.Form):
    """Which organisation, month and issue the entry form is for (from the query string)."""

    organisation = OrganisationChoiceField(label="组织", queryset=None)
    month = MonthField(label="月份")
    issue = forms.CharField(label="期次", max_length=40, required=False, help_text="按期指标（如青年大学习）填写。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


class IndicatorEntryForm(forms.Form):
    """One value, qualifier and note per indicator, grouped by category."""

    def __init__(self, *args, indicators: list[Indicator], existing: dict, issue: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        self.groups: dict[str, list] = {}
        if issue:
            # One issue's figures belong to one season and were taken on one date.
            first = next(iter(existing.values()), None)
            self.fields["season"] = forms.CharField(
                label="学习季",
                required=False,
                max_length=40,
                initial=first.season if first else "",
                help_text="如“第十二季”；同季各期在半年总结中合并写出。不分季可留空。",
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            self.fields["as_of"] = BoundedDateField(
                label="数据截至",
                required=False,
                initial=first.as_of if first else None,
                help_text="平台统计数据的截至日期，总结中写作“截至X月X日”。",
                widget=DateInput(attrs={"class": "form-control"}),
            )
        labels = dict(IndicatorCategory.choices)
        for ind in indicators:
            current = existing.get(ind.pk)
            step = "1" if ind.decimals == 0 else str(10**-ind.decimals)
            self.fields[f"v_{ind.code}"] = forms.DecimalField(
                label=f"{ind.name}（{ind.unit}）",
                required=False,
                min_value=0,
                max_value=MAX_INDICATOR_VALUE,
                max_digits=14,
                decimal_places=ind.decimals,
                initial=current.value if current else None,
                help_text=ind.description,
                widget=forms.NumberInput(
                    attrs={"class": "form-control", "inputmode": "decimal", "step": step, "min": 0}
                ),
            )
            self.fields[f"q_{ind.code}"] = forms.ChoiceField(
                label="约数",
                required=False,
                choices=Qualifier.choices,
                initial=current.qualifier if current else "",
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.fields[f"n_{ind.code}"] = forms.CharField(
                label="备注",
                required=False,
                max_length=200,
                initial=current.note if current else "",
                widget=forms.TextInput(attrs={"class": "form-control"}),
            )
            group = labels.get(ind.category, ind.category)
            if ind.platform:
                group = f"{group} · {ind.platform}"
            self.groups.setdefault(group, []).append(
                (self[f"v_{ind.code}"], self[f"q_{ind.code}"], self[f"n_{ind.code}"])
            )

    def clean(self):
        cleaned = super().clean()
        for ind in self.indicators:
            if cleaned.get(f"v_{ind.code}") is None and cleaned.get(f"q_{ind.code}"):
                self.add_error(f"q_{ind.code}", "没有数值时不能选择约数。")
        return cleaned

    def issue_details(self) -> dict:
        """The season and as-of date of an issue's figures (empty for monthly figures)."""
        return {"season": self.cleaned_data.get("season") or "", "as_of": self.cleaned_data.get("as_of")}

    def values(self) -> dict:
        return {
            ind: (
                self.cleaned_data.get(f"v_{ind.code}"),
                self.cleaned_data.get(f"q_{ind.code}") or "",
                self.cleaned_data.get(f"n_{ind.code}") or "",
            )
            for ind in self.indicators
        }


class SummaryForm(forms.Form):
    """Subtree and period of the indicator summary page."""

    organisation = OrganisationChoiceField(label="组织", queryset=None, required=False, empty_label="（我的范围）")
    year = forms.TypedChoiceField(label="年度", coerce=int)
    part = forms.ChoiceField(
        label="期间", choices=[("h1", "上半年"), ("h2", "下半年"), ("year", "全年")], initial="h1", required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = date.today().year
        self.fields["organisation"].limit_to(user, "all")
        self.fields["year"].choices = [(y, f"{y}年") for y in range(this_year, this_year - 6, -1)]
        self.fields["year"].initial = this_year
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select")

    def period(self) -> Period:
        year = self.cleaned_data["year"]
        part = self.cleaned_data.get("part") or "h1"
        if part == "year":
            return Period.year(year)
        return Period.half_year(year, 1 if part == "h1" else 2)
