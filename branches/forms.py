from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.forms.models import ModelChoiceIterator
from django.urls import reverse

from .models import (
    COMMITTEE_KINDS,
    COUNSELLOR_KINDS,
    PIONEER_UNIT_KINDS,
    Kind,
    Organisation,
    Position,
    ReportPlace,
    StaffingRecord,
    TermRenewal,
    default_term_years,
)
from .services import EDITABLE_FIELDS, REPORT_FIELDS


class _OrganisationChoices(ModelChoiceIterator):
    """(pk, indented name) straight from the database, without a model instance per option."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name, depth in self.queryset.values_list("pk", "name", "depth"):
            yield (pk, _indented(name, depth))


def _indented(name: str, depth: int) -> str:
    return f"{'　' * (depth - 1)}{name}"


def organisation_choices(user, *, active_only: bool = True):
    qs = Organisation.objects.visible_to(user)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("path")


# The named sets of organisations a field may offer, each within the user's own scope. A field
# set by ``OrganisationChoiceField.limit_to`` names its set, so that the type-ahead picker
# (branches.views.PickView) searches exactly what the field accepts.
PICKER_SOURCES = {
    "active": lambda user: organisation_choices(user),
    "all": lambda user: organisation_choices(user, active_only=False),
    "league": lambda user: organisation_choices(user).exclude(kind__in=PIONEER_UNIT_KINDS),
    "counsellor": lambda user: organisation_choices(user).filter(kind__in=COUNSELLOR_KINDS),
    "committees": lambda user: organisation_choices(user).filter(kind__in=COMMITTEE_KINDS),
    # A transfer's receiving organisation may be anywhere in the district (a secretary sends
    # members out of their own subtree): names only, as the transfer form has always offered.
    "destinations": lambda user: Organisation.objects.filter(active=True).order_by("path"),
    "destinations_league": lambda user: (
        Organisation.objects.filter(active=True).exclude(kind__in=PIONEER_UNIT_KINDS).order_by("path")
    ),
    "destinations_pioneer": lambda user: Organisation.objects.filter(active=True, kind__in=PIONEER_UNIT_KINDS).order_by(
        "path"
    ),
}


class OrganisationSelect(forms.Select):
    """A select of organisations that becomes a type-ahead picker when the choice is large.

    A city's staff reach 5,000 organisations: every option in every filter form is 300 KB of
    HTML a view, and nobody scrolls 5,000 options. Past ORGANISATION_PICKER_THRESHOLD choices,
    a field whose queryset names a picker source writes only the empty option and the chosen
    one, marked for static/js/org-picker.js, which searches the source as the user types. The
    field still validates against its whole queryset, so the server decides what may be chosen.
    """

    # Set by get_context; until then (optgroups called directly) the plain select's options.
    _picking, _rows = False, None

    def get_context(self, name, value, attrs):
        # One read tells both whether to pick and, below the threshold, every option: the scope's
        # first threshold + 1 organisations (a count first, then the options, was two queries).
        self._picking, self._rows = False, None
        if self._picker_source() is not None:
            field = getattr(self.choices, "field", None)
            threshold = getattr(field, "pick_above", None)
            if threshold is None:
                threshold = settings.ORGANISATION_PICKER_THRESHOLD
            rows = list(self.choices.queryset.values_list("pk", "name", "depth")[: threshold + 1])
            self._picking = len(rows) > threshold
            self._rows = None if self._picking else rows
        if self._picking:
            attrs = {
                **(attrs or {}),
                "data-org-picker": reverse("branches:pick", args=[self._picker_source()]),
            }
        return super().get_context(name, value, attrs)

    def _picker_source(self) -> str | None:
        field = getattr(self.choices, "field", None)
        return getattr(field, "picker", None)

    def optgroups(self, name, value, attrs=None):
        picking, rows = self._picking, self._rows
        if not picking and rows is None:
            return super().optgroups(name, value, attrs)
        field = self.choices.field
        choices = [("", field.empty_label)] if field.empty_label is not None else []
        if picking:
            # Only the chosen organisation is written; the picker searches for the others.
            chosen = [v for v in value if v.isdigit()]
            if chosen:
                choices += list(self.choices.queryset.filter(pk__in=chosen).values_list("pk", "name"))
        else:
            choices += [(pk, _indented(org_name, depth)) for pk, org_name, depth in rows]
        groups, selected_one = [], False
        for index, (pk, label) in enumerate(choices):
            selected = not selected_one and str(pk) in value  # a single select marks one option
            selected_one |= selected
            groups.append((None, [self.create_option(name, pk, label, selected, index, attrs=attrs)], index))
        return groups


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations as indented options, read as plain values (a city has 5,000 of them: past
    ORGANISATION_PICKER_THRESHOLD the select becomes a picker, above)."""

    iterator = _OrganisationChoices
    widget = OrganisationSelect

    def __init__(self, *args, picker: str | None = None, pick_above: int | None = None, **kwargs):
        widget = kwargs.get("widget")
        if widget is forms.Select or type(widget) is forms.Select:  # a plain select, given for its attrs
            kwargs["widget"] = OrganisationSelect(attrs=getattr(widget, "attrs", None))
        super().__init__(*args, **kwargs)
        self.picker = picker
        # Past how many choices the picker replaces the select (ORGANISATION_PICKER_THRESHOLD
        # unless told): 0 for a field that always searches, as a phone needs for a district.
        self.pick_above = pick_above

    def limit_to(self, user, source: str = "active") -> None:
        """Offer the named set of PICKER_SOURCES (the user's active organisations unless told)."""
        self.picker = source
        self.queryset = PICKER_SOURCES[source](user)

    def label_from_instance(self, obj: Organisation) -> str:
        return _indented(obj.name, obj.depth)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "term_ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, parent: Organisation | None = None, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["parent"] = OrganisationChoiceField(
                label="上级组织",
                queryset=organisation_choices(user),
                picker="active",
                required=False,
                initial=parent,
                empty_label="（无，作为顶层组织）",
            )
            self.order_fields(["parent"])
        if creating or not self.instance.is_committee:
            # How a committee's summary is written is set once it exists (defaults until then);
            # organisations that write no summary have nothing to set.
            for name in REPORT_FIELDS:
                del self.fields[name]
        else:
            # Left empty, the track record is simply not written.
            self.fields["report_track_record_years"].required = False
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))

    def clean_report_track_record_years(self):
        return self.cleaned_data.get("report_track_record_years") or 0

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and "parent" in self.fields:
            probe = Organisation(kind=kind)
            try:
                probe.clean_parent(cleaned.get("parent"))
            except forms.ValidationError as exc:
                self.add_error("kind", exc.message_dict["kind"])
        return cleaned


class MoveForm(forms.Form):
    new_parent = OrganisationChoiceField(label="新的上级组织", queryset=Organisation.objects.none())

    def __init__(self, *args, user, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # Neither the organisation itself nor anything under it can become its parent.
        self.fields["new_parent"].queryset = organisation_choices(user).exclude(path__startswith=organisation.path)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "移动"))


class TreeFilterForm(forms.Form):
    q = forms.CharField(label="名称", required=False, widget=forms.TextInput(attrs={"class": "form-control"}))
    kind = forms.ChoiceField(
        label="类型",
        required=False,
        choices=[("", "全部类型"), *Kind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    levels = forms.TypedChoiceField(
        label="显示层级",
        required=False,
        coerce=int,
        empty_value=3,
        initial=3,
        choices=[(n, f"{n} 级") for n in (2, 3, 4, 6, 12)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    hide_inactive = forms.BooleanField(
        label="隐藏已停用", required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )


# --- Staffing (编制) and term renewals (换届) ----------------------------------------------

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STAFFING_COLUMNS = [
    ("approved", "核定编制"),
    ("in_post", "在编在岗"),
    ("seconded", "挂职"),
    ("part_time", "兼职"),
    ("contracted", "聘用（编外）"),
]


class StaffingForm(forms.Form):
    """A staffing record: its date and where the report writes it (crispy), and a grid of counts,
    one row per position (the template lays the grid out as a table)."""

    recorded_on = forms.DateField(label="核定/统计日期", widget=DATE_INPUT)
    report_place = forms.ChoiceField(
        label="写入工作总结",
        choices=ReportPlace.choices,
        initial=ReportPlace.GOVERN_STRICTLY,
        help_text="半年工作总结采用期末前最新一条记录，写在此处；编制内空缺写入“存在问题”。",
    )
    note = forms.CharField(label="备注", max_length=200, required=False, help_text="如编制核定文件文号。")

    def __init__(self, *args, record: StaffingRecord | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        counts = {post.position: post for post in record.rows} if record is not None else {}
        self.grid = []
        for position, label in Position.choices:
            cells = []
            for column, column_label in STAFFING_COLUMNS:
                name = f"{position}_{column}"
                post = counts.get(position)
                self.fields[name] = forms.IntegerField(
                    label=f"{label}{column_label}",
                    min_value=0,
                    max_value=999,
                    required=False,
                    initial=getattr(post, column) if post is not None else None,
                    widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 0, "step": 1}),
                )
                cells.append(self[name])
            self.grid.append((label, cells))
        self.columns = [label for _, label in STAFFING_COLUMNS]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("recorded_on", "report_place", "note")

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(name) for name in self.fields if name not in ("recorded_on", "report_place", "note")):
            raise forms.ValidationError("请至少填写一个职务的编制或人员数。")
        for position, label in Position.choices:
            approved = cleaned.get(f"{position}_approved") or 0
            in_post = cleaned.get(f"{position}_in_post") or 0
            if in_post > approved:
                self.add_error(f"{position}_in_post", f"{label}在编在岗人数不能超过核定编制（{approved}名）。")
        return cleaned

    def posts(self) -> dict[str, dict[str, int]]:
        return {
            position: {column: self.cleaned_data.get(f"{position}_{column}") or 0 for column, _ in STAFFING_COLUMNS}
            for position in Position.values
        }


class TermRenewalForm(forms.ModelForm):
    class Meta:
        model = TermRenewal
        fields = ["held_on", "term_years", "delegates_elected", "members_elected", "notes"]
        widgets = {"held_on": DATE_INPUT, "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.term_years is None:
            self.initial["term_years"] = default_term_years(organisation.kind)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))
