from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.forms.models import ModelChoiceIterator

from .models import Kind, Organisation


class _OrganisationChoices(ModelChoiceIterator):
    """(pk, indented name) straight from the database, without a model instance per option."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, name, depth in self.queryset.values_list("pk", "name", "depth"):
            yield (pk, _indented(name, depth))


def _indented(name: str, depth: int) -> str:
    return f"{'　' * (depth - 1)}{name}"


class OrganisationChoiceField(forms.ModelChoiceField):
    """Organisations as indented options, read as plain values (a city has 5,000 of them; the
    select itself is written in Python by core.renderers)."""

    iterator = _OrganisationChoices

    def label_from_instance(self, obj: Organisation) -> str:
        return _indented(obj.name, obj.depth)


def organisation_choices(user, *, active_only: bool = True):
    qs = Organisation.objects.visible_to(user)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("path")


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "short_name", "kind", "directly_managed", "established_on", "term_ends_on"]
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
                required=False,
                initial=parent,
                empty_label="（无，作为顶层组织）",
            )
            self.order_fields(["parent"])
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))

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
