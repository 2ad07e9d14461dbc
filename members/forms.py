from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from branches.forms import OrganisationChoiceField, organisation_choices
from branches.models import Kind, Organisation
from core.params import BoundedDateField

from . import idcard
from .ages import today
from .choices import CadreKind, Category, CounsellorRole, Stage, Status, TransferReason
from .models import Member, RecordedCount, SchoolCohort
from .models.member import PIONEER_KINDS
from .selectors import AGE_BANDS, MemberFilters
from .services.roster import EDITABLE_STATUSES
from .validators import normalise_code, normalise_mobile, validate_mobile

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PER_PAGE = (20, 50, 100, 200)


def _select(attrs=None):
    return forms.Select(attrs={"class": "form-select", **(attrs or {})})


class MemberFilterForm(forms.Form):
    """The list's filters (GET). The ID number is never one of them: it would end up in the URL."""

    org = OrganisationChoiceField(
        label="组织（含下级）",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="全部",
        widget=_select(),
    )
    category = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部"), *Category.choices], widget=_select()
    )
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *Status.choices], widget=_select())
    age = forms.ChoiceField(
        label="年龄段",
        required=False,
        choices=[("", "全部"), *((key, label) for key, (label, _y, _o) in AGE_BANDS.items())],
        widget=_select(),
    )
    joined_from = BoundedDateField(
        label="入团日期自", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    joined_to = BoundedDateField(
        label="入团日期至", required=False, widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    q = forms.CharField(
        label="姓名",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "姓名或姓氏", "autocomplete": "off"}),
    )
    per_page = forms.TypedChoiceField(
        label="每页",
        required=False,
        coerce=int,
        empty_value=50,
        initial=50,
        choices=[(n, f"{n} 条") for n in PER_PAGE],
        widget=_select(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].limit_to(user, "all")

    def clean_q(self):
        q = self.cleaned_data["q"].strip()
        if idcard.looks_like_id_number(q):
            # Exact ID lookups go through the POST form; never search for (or echo) it here.
            raise forms.ValidationError("按身份证号码查找请使用右侧的“按身份证号查找”。")
        return q

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("joined_from"), cleaned.get("joined_to")
        if start and end and start > end:
            self.add_error("joined_to", "结束日期不能早于开始日期。")
        return cleaned

    def filters(self) -> MemberFilters:
        data = self.cleaned_data
        return MemberFilters(
            organisation=data.get("org"),
            category=data.get("category", ""),
            status=data.get("status", ""),
            age_band=data.get("age", ""),
            joined_from=data.get("joined_from"),
            joined_to=data.get("joined_to"),
            name=data.get("q", ""),
        )


class FindByIdForm(forms.Form):
    id_number = forms.CharField(
        label="身份证号码",
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "placeholder": "18位身份证号码"}),
    )

    def clean_id_number(self):
        try:
            return idcard.parse(self.cleaned_data["id_number"]).number
        except idcard.IdNumberError as exc:
            raise forms.ValidationError(exc.message) from exc


class MemberForm(forms.ModelForm):
    id_number = forms.CharField(
        label="身份证号码",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    organisation = OrganisationChoiceField(label="所属组织", queryset=Organisation.objects.none())
    # Longer than the stored 11 digits: "+86 139-0000-1111" is normalised in clean_phone.
    phone = forms.CharField(label="手机号码", max_length=20, required=False)

    class Meta:
        model = Member
        fields = [
            "name",
            "id_number",
            "gender",
            "birth_date",
            "ethnicity",
            "phone",
            "organisation",
            "category",
            "joined_league_on",
            "member_number",
            "development_number",
            "education",
            "occupation",
            "status",
        ]
        widgets = {"birth_date": DATE, "joined_league_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user)
        self.fields["phone"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        if self.instance.pk:
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = f"当前：{self.instance.id_number_masked}。留空则不修改。"
            status_choices = [c for c in Status.choices if c[0] in EDITABLE_STATUSES or c[0] == self.instance.status]
            self.fields["status"].choices = status_choices
        else:
            del self.fields["status"]
            self.fields["gender"].required = False
            self.fields["birth_date"].required = False
            self.fields["gender"].help_text = self.fields["birth_date"].help_text = "留空则按身份证号码填写。"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))

    def clean_id_number(self):
        text = self.cleaned_data.get("id_number", "")
        if not text:
            return ""
        try:
            return idcard.parse(text, today=today()).number
        except idcard.IdNumberError as exc:
            raise forms.ValidationError(exc.message) from exc

    def clean_phone(self):
        phone = normalise_mobile(self.cleaned_data.get("phone", ""))
        validate_mobile(phone)
        return phone

    def clean_development_number(self):
        return normalise_code(self.cleaned_data.get("development_number", ""))

    def _post_clean(self):
        # The model's rules (ID/birth-date agreement, uniqueness) run in the service,
        # which reports them back field by field; skip ModelForm's own instance checks.
        pass


class TransferForm(forms.Form):
    to_organisation = OrganisationChoiceField(
        label="转入组织（本区）", queryset=Organisation.objects.none(), required=False, empty_label="（转出本区）"
    )
    external_destination = forms.CharField(
        label="区外接收组织", max_length=120, required=False, help_text="转出本区时填写接收团组织的全称。"
    )
    reason = forms.ChoiceField(label="转接原因", choices=TransferReason.choices)
    note = forms.CharField(label="说明", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        # The receiving organisation may be anywhere in the district: a secretary sends
        # members out of their own subtree. Only names of organisations are offered.
        qs = Organisation.objects.filter(active=True).exclude(pk=member.organisation_id)
        source = "destinations"
        if member.category == Category.YOUNG_PIONEER:
            qs, source = qs.filter(kind__in=PIONEER_KINDS), "destinations_pioneer"
        elif member.category == Category.LEAGUE_MEMBER:
            qs, source = qs.exclude(kind__in=PIONEER_KINDS), "destinations_league"
        field = self.fields["to_organisation"]
        field.queryset = qs.order_by("path")
        # A district's organisations are typed for, not scrolled through on a phone.
        field.picker, field.pick_above = source, 0
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "提交转接申请"))

    def clean(self):
        cleaned = super().clean()
        to, external = cleaned.get("to_organisation"), (cleaned.get("external_destination") or "").strip()
        if to and external:
            self.add_error("external_destination", "已选择本区转入组织时，不填写区外组织。")
        if not to and not external:
            self.add_error("to_organisation", "请选择转入组织，或填写区外接收组织。")
        return cleaned


class DecisionForm(forms.Form):
    note = forms.CharField(label="办理意见", max_length=300, required=False)


class CadreForm(forms.Form):
    organisation = OrganisationChoiceField(label="任职组织", queryset=Organisation.objects.none())
    kind = forms.ChoiceField(label="任职方式", choices=CadreKind.choices)
    position = forms.CharField(label="职务", max_length=40, help_text="如：书记、副书记、组织委员、宣传委员。")
    started_on = BoundedDateField(label="任职日期", widget=DATE)
    ended_on = BoundedDateField(label="离任日期", required=False, widget=DATE, help_text="仍在任则留空。")
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user, "league")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))


class CounsellorForm(forms.Form):
    organisation = OrganisationChoiceField(label="任职组织", queryset=Organisation.objects.none())
    role = forms.ChoiceField(label="辅导员类别", choices=CounsellorRole.choices)
    full_time = forms.BooleanField(label="专职", required=False)
    started_on = BoundedDateField(label="任职日期", widget=DATE)
    ended_on = BoundedDateField(label="离任日期", required=False, widget=DATE, help_text="仍在任则留空。")
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user, "counsellor")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))


class EndAppointmentForm(forms.Form):
    ended_on = BoundedDateField(label="离任日期", widget=DATE)


class RecruitmentStartForm(forms.Form):
    organisation = OrganisationChoiceField(label="发展组织", queryset=Organisation.objects.none())
    applied_on = BoundedDateField(label="递交入团申请日期", widget=DATE)

    def __init__(self, *args, user, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user, "league")
        if member.organisation.kind not in PIONEER_KINDS:
            self.fields["organisation"].initial = member.organisation_id
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "登记入团申请"))


class RecruitmentAdvanceForm(forms.Form):
    on = BoundedDateField(label="日期", widget=DATE)
    member_number = forms.CharField(label="团员编号", max_length=30, required=False)


class RecruitmentStopForm(forms.Form):
    on = BoundedDateField(label="终止日期", widget=DATE)
    reason = forms.CharField(label="终止原因", max_length=200)


class RecruitmentFilterForm(forms.Form):
    stage = forms.ChoiceField(label="阶段", required=False, choices=[("", "进行中"), *Stage.choices], widget=_select())
    org = OrganisationChoiceField(
        label="组织（含下级）",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="全部",
        widget=_select(),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].limit_to(user, "all")


class CohortForm(forms.ModelForm):
    school = OrganisationChoiceField(label="学校", queryset=Organisation.objects.none())
    classes = forms.ModelMultipleChoiceField(
        label="毕业班团支部",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="按住 Ctrl（手机上直接点选）可多选；团员人数按这些团支部的在册团员统计。",
    )

    class Meta:
        model = SchoolCohort
        fields = ["school", "level", "graduation_year", "student_count", "classes"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        choices = organisation_choices(user)
        self.fields["school"].queryset = choices.filter(kind=Kind.SCHOOL)
        self.fields["classes"].queryset = choices.filter(kind__in=(Kind.BRANCH, Kind.GENERAL_BRANCH))
        self.fields["classes"].label_from_instance = lambda org: org.name
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))

    def _post_clean(self):
        pass  # the service validates and saves


class ImportUploadForm(forms.Form):
    organisation = OrganisationChoiceField(
        label="导入到组织",
        queryset=Organisation.objects.none(),
        help_text="“所属组织”一列留空的行编入此组织；填写的组织须为此组织或其下级组织。",
    )
    file = forms.FileField(label="花名册文件（.xlsx）", help_text="请使用下载的模板填写，单个文件不超过 10 MB。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "上传并预览"))


class RecordedCountForm(forms.ModelForm):
    organisation = OrganisationChoiceField(label="组织", queryset=Organisation.objects.none())

    class Meta:
        model = RecordedCount
        fields = ["organisation", "as_of", "source", "league_members", "young_pioneers", "branches", "note"]
        widgets = {"as_of": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"as_of": "统计数截至的日期，如智慧团建导出或年度统计报表的统计日期。"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))

    def _post_clean(self):
        pass  # the service validates and saves


class OverviewForm(forms.Form):
    """The 组织概况 page's choice: whose subtree, on which date."""

    organisation = OrganisationChoiceField(label="组织", queryset=Organisation.objects.none(), required=False)
    on = BoundedDateField(label="日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].limit_to(user, "all")
