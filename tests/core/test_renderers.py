"""The Python-written widgets are, byte for byte, what Django's own templates write."""

from datetime import date

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from core.renderers import PortalFormRenderer

CHOICES = [
    ("", "---------"),
    ("a", "甲 & <乙>"),
    (3, 2024),
    ("q", 'say "hi"'),
    ("safe", mark_safe("<b>粗</b>")),
    ("分组", [("x", "子项一"), ("y", "子项二")]),
]

CASES = [
    (forms.Select(choices=CHOICES), "a"),
    (forms.Select(choices=CHOICES, attrs={"class": "form-select", "disabled": True, "data-x": False}), 3),
    (forms.Select(choices=CHOICES), None),
    (forms.Select(choices=[]), ""),
    (forms.SelectMultiple(choices=CHOICES), ["a", "y"]),
    (forms.NullBooleanSelect(), True),
    (forms.TextInput(attrs={"placeholder": '名称 "全称"', "class": "form-control"}), "O'Brien & <Co>"),
    (forms.TextInput(), None),
    (forms.TextInput(), mark_safe("<i>safe</i>")),
    (forms.NumberInput(attrs={"min": 0, "step": "0.5"}), 3),
    (forms.EmailInput(), "a@b.cn"),
    (forms.PasswordInput(render_value=True), 's3cr"et'),
    (forms.URLInput(), "https://x.cn/?a=1&b=2"),
    (forms.DateInput(attrs={"type": "date"}), date(2026, 5, 4)),
    (forms.DateInput(format="%Y-%m-%d"), date(2026, 5, 4)),
    (forms.DateTimeInput(), None),
    (forms.TimeInput(), "09:30"),
    (forms.HiddenInput(), 42),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(attrs={"class": "form-check-input"}), False),
    (forms.SearchInput(), "团日"),
    (forms.TelInput(), "13800138000"),
]


@pytest.mark.parametrize(
    ("widget", "value"), CASES, ids=lambda c: type(c).__name__ if isinstance(c, forms.Widget) else ""
)
def test_widget_html_is_what_the_templates_write(widget, value):
    expected = widget.render("field", value, attrs={"id": "id_field"}, renderer=DjangoTemplates())
    assert widget.render("field", value, attrs={"id": "id_field"}, renderer=PortalFormRenderer()) == expected


def test_other_widgets_still_go_through_the_templates():
    widget = forms.RadioSelect(choices=[("a", "甲"), ("b", "乙")])
    html = widget.render("r", "a", renderer=PortalFormRenderer())
    assert html == widget.render("r", "a", renderer=DjangoTemplates()) and 'type="radio"' in html


def test_the_project_renders_forms_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), PortalFormRenderer)


def test_the_organisation_select_is_what_the_templates_write(district, staff):
    from branches.forms import OrganisationChoiceField, organisation_choices

    field = OrganisationChoiceField(queryset=organisation_choices(staff), required=False)
    fast = field.widget.render("org", district.branch_a.pk, renderer=PortalFormRenderer())
    assert fast == field.widget.render("org", district.branch_a.pk, renderer=DjangoTemplates())
    assert f'<option value="{district.branch_a.pk}" selected>' in fast
