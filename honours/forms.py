import copy
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db import models
from django.forms.models import fields_for_model

from branches.forms import OrganisationChoiceField
from branches.models import Organisation
from core.params import BoundedDateField
from core.review.models import Status
from core.validators import EARLIEST_YEAR, LATEST_YEAR
from members import idcard
from members.ages import today
from members.models import Member

from .models import LEVEL_ORDER, CommendationBatch, ConferringBody, Direction, Honour, Level, RecipientKind
from .services.files import CERTIFICATE_MAX_BYTES, DOCUMENT_MAX_BYTES

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FILE_ACCEPT = "image/jpeg,image/png,image/gif,image/webp,application/pdf"

# --- Periods -------------------------------------------------------------------------------


def period_choices(*, years: int = 6, on: date | None = None) -> list[tuple[str, str]]:
    current = (on or today()).year
    choices = [("", "自定义日期")]
    for year in range(current, current - years, -1):
        choices += [(f"{year}-H1", f"{year}年上半年"), (f"{year}-H2", f"{year}年下半年"), (f"{year}", f"{year}年全年")]
    return choices


def period_bounds(code: str) -> tuple[date, date] | None:
    """ "2024-H1" → 1 January to 30 June 2024; "2024" → the whole year; anything else → None."""
    year_text, _sep, half = code.partition("-")
    if not year_text.isdigit() or not EARLIEST_YEAR <= int(year_text) <= LATEST_YEAR:
        return None
    year = int(year_text)
    if half == "H1":
        return date(year, 1, 1), date(year, 6, 30)
    if half == "H2":
        return date(year, 7, 1), date(year, 12, 31)
    if half == "":
        return date(year, 1, 1), date(year, 12, 31)
    return None


def current_half_year(on: date | None = None) -> str:
    on = on or today()
    return f"{on.year}-H{1 if on.month <= 6 else 2}"


class PeriodMixin:
    """``period`` (a half year or a year) wins over ``start``/``end`` typed by hand."""

    def clean_period_fields(self, cleaned: dict) -> None:
        if code := cleaned.get("period"):
            bounds = period_bounds(code)
            if bounds:
                cleaned["start"], cleaned["end"] = bounds
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "结束日期不能早于开始日期。")


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ConferringBody) -> str:
        return obj.choice_label


def limit_bodies(field: forms.ModelChoiceField, current: ConferringBody | None = None) -> None:
    """The bodies in use, national first (and the record's own body, even if it was retired)."""
    keep = models.Q(active=True)
    if current is not None:
        keep |= models.Q(pk=current.pk)
    bodies = sorted(ConferringBody.objects.filter(keep), key=lambda b: (LEVEL_ORDER[b.level], b.name))
    field.queryset = ConferringBody.objects.filter(pk__in=[b.pk for b in bodies])
    field.choices = [("", "（请选择）"), *((b.pk, b.choice_label) for b in bodies)]


def _award_fields(model, names: list[str]) -> dict:
    fields = fields_for_model(
        model,
        fields=names,
        widgets={"awarded_on": DATE_WIDGET, "note": forms.Textarea(attrs={"rows": 2})},
        field_classes={"conferring_body": BodyChoiceField},
    )
    fields["conferring_body"].help_text = "按列表选择；没有所需的授予单位时，请区团委工作人员在“授予单位”中添加。"
    return fields


# --- Entering an honour --------------------------------------------------------------------

_MODEL_FIELDS = _award_fields(
    Honour,
    [
        "title",
        "grade",
        "edition",
        "level",
        "conferring_body",
        "awarded_on",
        "year_from",
        "year_to",
        "direction",
        "recipient_kind",
        "recipient_name",
        "certificate_number",
        "note",
    ],
)
_MODEL_FIELDS[
    "title"
].help_text = "称号如：优秀共青团员、五四红旗团委；奖项填比赛或评选的名称，如：青年志愿服务项目大赛。"
_MODEL_FIELDS["grade"].help_text = "奖项的等次，如：一等奖、金奖、优秀奖；荣誉称号留空。"


class HonourForm(forms.Form):
    """One honour. The recipient is a member (picked, or found by ID number), an organisation,
    or a plain name with the organisation it belongs to."""

    member = forms.ModelChoiceField(
        label="获奖成员", queryset=Member.objects.none(), required=False, widget=forms.HiddenInput
    )
    id_number = forms.CharField(
        label="按身份证号码关联成员",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text="可选。号码只用于在花名册中查找，不会保存。",
    )
    recipient_organisation = OrganisationChoiceField(
        label="获奖组织", queryset=Organisation.objects.none(), required=False, empty_label="（不是组织）"
    )
    organisation = OrganisationChoiceField(
        label="所属组织",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="（请选择）",
        help_text="获奖对象按名称填写时，它所属的组织；关联成员或组织时以其为准。",
    )
    certificate = forms.FileField(
        label="证书（图片或PDF）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
        help_text=f"可选，不超过 {CERTIFICATE_MAX_BYTES // (1024 * 1024)} MB。",
    )
    remove_certificate = forms.BooleanField(label="删除已上传的证书", required=False)

    field_order = [
        "title",
        "grade",
        "edition",
        "level",
        "conferring_body",
        "awarded_on",
        "year_from",
        "year_to",
        "direction",
        "recipient_kind",
        "member",
        "id_number",
        "recipient_organisation",
        "recipient_name",
        "organisation",
        "certificate",
        "remove_certificate",
        "certificate_number",
        "note",
    ]

    def __init__(self, *args, user, instance: Honour | None = None, **kwargs):
        self.user = user
        self.instance = instance
        super().__init__(*args, **kwargs)
        for name, model_field in _MODEL_FIELDS.items():
            self.fields[name] = copy.deepcopy(model_field)
        self.order_fields(self.field_order)
        limit_bodies(self.fields["conferring_body"], instance.conferring_body if instance else None)
        self.fields["recipient_name"].label = "获奖对象名称"
        self.fields["recipient_name"].help_text = "不在花名册或组织架构中时直接填写姓名或名称。"
        self.fields["member"].queryset = Member.objects.visible_to(user).select_related("organisation")
        self.fields["recipient_organisation"].limit_to(user)
        self.fields["organisation"].limit_to(user)
        if not user.is_committee_staff:
            # Secretaries enter what their organisations received; conferring is the committee's.
            del self.fields["direction"]
        if instance is None or not instance.certificate:
            del self.fields["remove_certificate"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        id_text = (cleaned.get("id_number") or "").strip()
        if id_text:
            found = Member.objects.visible_to(self.user).with_id_number(id_text).select_related("organisation").first()
            if found is None:
                self.add_error("id_number", "在您管理的范围内未找到该身份证号码对应的成员。")
            else:
                cleaned["member"] = found
        member = cleaned.get("member")
        org = cleaned.get("recipient_organisation")
        name = (cleaned.get("recipient_name") or "").strip()
        chosen = [x for x in (member, org, name) if x]
        if len(chosen) > 1:
            self.add_error("recipient_name", "获奖对象只能是一名成员、一个组织或一个名称，三者选其一。")
        elif not chosen and not self.has_error("id_number"):
            self.add_error("recipient_name", "请选择获奖成员或组织，或填写获奖对象名称。")
        if name and not member and not org and not cleaned.get("organisation"):
            self.add_error("organisation", "按名称填写获奖对象时，请选择其所属组织。")
        if "direction" not in self.fields:
            cleaned["direction"] = Direction.RECEIVED
        return cleaned

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("id_number", "certificate", "remove_certificate", "organisation"):
            data.pop(name, None)
        data["recipient_name"] = (data.get("recipient_name") or "").strip()
        return data

    @classmethod
    def initial_from(cls, honour: Honour) -> dict:
        initial = {name: getattr(honour, name) for name in _MODEL_FIELDS}
        initial.update(
            member=honour.member_id,
            recipient_organisation=honour.recipient_organisation_id,
            organisation=honour.organisation_id,
        )
        if honour.member_id or honour.recipient_organisation_id:
            initial["recipient_name"] = ""
        return initial


class CertificateForm(forms.Form):
    certificate = forms.FileField(
        label="证书（图片或PDF）", widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT})
    )


# --- Commendation lists ------------------------------------------------------------------------

_BATCH_FIELDS = _award_fields(
    CommendationBatch,
    [
        "name",
        "default_title",
        "level",
        "conferring_body",
        "edition",
        "awarded_on",
        "year_from",
        "year_to",
        "direction",
        "note",
    ],
)


class BatchForm(forms.Form):
    organisation = OrganisationChoiceField(
        label="所属组织", queryset=Organisation.objects.none(), help_text="名单中的获奖对象应属于该组织或其下级组织。"
    )
    document = forms.FileField(
        label="表彰文件（图片或PDF）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
        help_text=f"可选，如表彰决定的扫描件，不超过 {DOCUMENT_MAX_BYTES // (1024 * 1024)} MB。",
    )
    remove_document = forms.BooleanField(label="删除已上传的表彰文件", required=False)

    field_order = [
        "name",
        "default_title",
        "level",
        "conferring_body",
        "edition",
        "awarded_on",
        "year_from",
        "year_to",
        "direction",
        "organisation",
        "document",
        "remove_document",
        "note",
    ]

    def __init__(self, *args, user, instance: CommendationBatch | None = None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        for name, model_field in _BATCH_FIELDS.items():
            self.fields[name] = copy.deepcopy(model_field)
        self.order_fields(self.field_order)
        limit_bodies(self.fields["conferring_body"], instance.conferring_body if instance else None)
        self.fields["organisation"].limit_to(user)
        if not user.is_committee_staff:
            del self.fields["direction"]
        if instance is None or not instance.document:
            del self.fields["remove_document"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if "direction" not in self.fields:
            cleaned["direction"] = Direction.RECEIVED
        return cleaned

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("document", None)
        data.pop("remove_document", None)
        return data

    @classmethod
    def initial_from(cls, batch: CommendationBatch) -> dict:
        return {**{name: getattr(batch, name) for name in _BATCH_FIELDS}, "organisation": batch.organisation_id}


class PickForm(forms.Form):
    """Add recipients picked from the search results, and plain names typed one per line."""

    title = forms.CharField(label="荣誉称号", max_length=80)
    grade = forms.CharField(label="等次", max_length=40, required=False)
    recipient_kind = forms.ChoiceField(label="获奖对象类别", choices=RecipientKind.choices, widget=_select())
    members = forms.ModelMultipleChoiceField(label="成员", queryset=Member.objects.none(), required=False)
    organisations = forms.ModelMultipleChoiceField(label="组织", queryset=Organisation.objects.none(), required=False)
    names = forms.CharField(
        label="按名称添加（每行一个）",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="不在花名册或组织架构中的获奖对象，每行填写一个姓名或名称。",
    )
    names_organisation = OrganisationChoiceField(
        label="按名称添加的所属组织",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="（名单所属组织）",
        widget=_select(),
    )

    def __init__(self, *args, user, batch: CommendationBatch, **kwargs):
        super().__init__(*args, **kwargs)
        subtree = Organisation.objects.subtree_of(batch.organisation).visible_to(user)
        self.fields["members"].queryset = (
            Member.objects.visible_to(user)
            .filter(organisation__path__startswith=batch.organisation.path)
            .select_related("organisation")
        )
        self.fields["organisations"].queryset = subtree
        self.fields["names_organisation"].queryset = subtree.filter(active=True)

    def name_list(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("names") or "").splitlines() if line.strip()]


class RecipientSearchForm(forms.Form):
    q = forms.CharField(label="查找成员或组织", max_length=50, required=False)

    def clean_q(self):
        q = self.cleaned_data["q"].strip()
        if idcard.looks_like_id_number(q):
            # A GET puts it in the address bar and the logs: ID numbers go in the POSTed form only.
            raise forms.ValidationError("请勿在此输入身份证号码；按身份证号码关联成员请填写在表单中。")
        return q


class CountForm(forms.Form):
    title = forms.CharField(label="荣誉称号", max_length=80)
    recipient_kind = forms.ChoiceField(label="获奖对象类别", choices=RecipientKind.choices, widget=_select())
    count = forms.IntegerField(
        label="人数（个数）",
        min_value=0,
        max_value=100_000,
        help_text="名单中未逐一列名的获奖对象数量；已逐一添加的不要重复计入。填 0 删除该项。",
    )
    organisation = OrganisationChoiceField(
        label="所属组织", queryset=Organisation.objects.none(), required=False, empty_label="（名单所属组织）"
    )

    def __init__(self, *args, user, batch: CommendationBatch, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            Organisation.objects.subtree_of(batch.organisation).visible_to(user).filter(active=True)
        )


class UploadForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）", widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


# --- Lists and the summary ----------------------------------------------------------------------


class HonourFilterForm(PeriodMixin, forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=50)
    period = forms.ChoiceField(label="期间", required=False, choices=(), widget=_select())
    start = BoundedDateField(label="起始日期", required=False, widget=DATE_WIDGET)
    end = BoundedDateField(label="截止日期", required=False, widget=DATE_WIDGET)
    level = forms.ChoiceField(
        label="级别", required=False, choices=[("", "全部级别"), *Level.choices], widget=_select()
    )
    direction = forms.ChoiceField(
        label="类别", required=False, choices=[("", "获得与授予"), *Direction.choices], widget=_select()
    )
    recipient_kind = forms.ChoiceField(
        label="获奖对象", required=False, choices=[("", "全部对象"), *RecipientKind.choices], widget=_select()
    )
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *Status.choices], widget=_select()
    )
    organisation = OrganisationChoiceField(
        label="组织（含下级）", queryset=Organisation.objects.none(), required=False, empty_label="全部组织"
    )
    batch = forms.IntegerField(required=False, widget=forms.HiddenInput)
    member = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["period"].choices = period_choices()
        self.fields["organisation"].limit_to(user, "all")
        for name in ("q", "start", "end"):
            self.fields[name].widget.attrs.setdefault("class", "form-control")
        self.fields["organisation"].widget.attrs["class"] = "form-select"

    def clean(self):
        cleaned = super().clean()
        self.clean_period_fields(cleaned)
        return cleaned

    def filters(self):
        from .selectors import HonourFilters

        data = self.cleaned_data
        batch = None
        if data.get("batch"):
            batch = CommendationBatch.objects.visible_to(self.user).filter(pk=data["batch"]).first()
        return HonourFilters(
            q=data.get("q") or "",
            level=data.get("level") or "",
            direction=data.get("direction") or "",
            recipient_kind=data.get("recipient_kind") or "",
            status=data.get("status") or "",
            organisation=data.get("organisation"),
            start=data.get("start"),
            end=data.get("end"),
            batch=batch,
            member_id=data.get("member"),
        )


class SummaryForm(PeriodMixin, forms.Form):
    organisation = OrganisationChoiceField(
        label="组织（含下级）", queryset=Organisation.objects.none(), required=False, empty_label="（我管理的全部）"
    )
    period = forms.ChoiceField(label="期间", required=False, choices=(), widget=_select())
    start = BoundedDateField(label="起始日期", required=False, widget=DATE_WIDGET)
    end = BoundedDateField(label="截止日期", required=False, widget=DATE_WIDGET)
    direction = forms.ChoiceField(
        label="类别", required=False, choices=[("", "获得与授予"), *Direction.choices], widget=_select()
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices()
        self.fields["organisation"].limit_to(user, "all")
        self.fields["organisation"].widget.attrs["class"] = "form-select"
        for name in ("start", "end"):
            self.fields[name].widget.attrs["class"] = "form-control"

    def clean(self):
        cleaned = super().clean()
        self.clean_period_fields(cleaned)
        # Without dates the summary is of the current half year.
        default_start, default_end = period_bounds(current_half_year())
        cleaned["start"] = cleaned.get("start") or default_start
        cleaned["end"] = cleaned.get("end") or default_end
        return cleaned


# --- Conferring bodies (staff) -------------------------------------------------------------------


class BodyForm(forms.ModelForm):
    class Meta:
        model = ConferringBody
        fields = ["name", "short_name", "level", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存", css_class="btn-league"))
