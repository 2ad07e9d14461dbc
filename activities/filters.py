"""The filters shared by the list, the calendar, the review queue and the export."""

import django_filters
from django import forms
from django.db.models import Q

from branches.forms import OrganisationChoiceField
from core.params import BoundedDateFilter
from core.review.models import Status

from .forms import CampaignChoiceField
from .models import Activity, ActivityKind, Audience, Campaign, Dimension


class CampaignFilter(django_filters.ModelChoiceFilter):
    field_class = CampaignChoiceField


class SubtreeFilter(django_filters.ModelChoiceFilter):
    field_class = OrganisationChoiceField

    def filter(self, qs, value):
        if value:
            return qs.filter(organisation__path__startswith=value.path)
        return qs


class ActivityFilter(django_filters.FilterSet):
    organisation = SubtreeFilter(label="组织（含下级）", queryset=None, empty_label="（全部）")
    kind = django_filters.ChoiceFilter(label="活动类型", choices=ActivityKind.choices, empty_label="全部类型")
    dimension = django_filters.ChoiceFilter(label="工作维度", choices=Dimension.choices, empty_label="全部维度")
    campaign = CampaignFilter(label="主题活动", queryset=None, empty_label="（全部）")
    status = django_filters.ChoiceFilter(label="状态", choices=Status.choices, empty_label="全部状态")
    audience = django_filters.ChoiceFilter(label="参与对象", choices=Audience.choices, empty_label="全部对象")
    date_from = BoundedDateFilter(
        label="起始日期",
        method="filter_from",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = BoundedDateFilter(
        label="截止日期",
        method="filter_to",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    q = django_filters.CharFilter(label="关键词", method="filter_q")
    own = django_filters.BooleanFilter(
        label="仅所选组织本级（不含下级）", method="filter_own", widget=forms.CheckboxInput
    )

    class Meta:
        model = Activity
        fields = []

    def __init__(self, data=None, queryset=None, *, user, **kwargs):
        super().__init__(data, queryset if queryset is not None else Activity.objects.visible_to(user), **kwargs)
        self.user = user
        self.filters["campaign"].queryset = Campaign.objects.order_by("-start_date", "name")
        self.form.fields["organisation"].limit_to(user, "all")
        for name, field in self.form.fields.items():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.update({"class": "form-check-input", "id": f"filter_{name}"})
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)
            field.widget.attrs.setdefault("id", f"filter_{name}")

    # An activity is in a date range when it starts in it: the same rule the figures use.
    def filter_from(self, qs, name, value):
        return qs.filter(start_date__gte=value)

    def filter_to(self, qs, name, value):
        return qs.filter(start_date__lte=value)

    def filter_own(self, qs, name, value):
        organisation = self.form.cleaned_data.get("organisation")
        if value and organisation is not None:
            return qs.filter(organisation=organisation)
        return qs

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(title__icontains=value) | Q(location__icontains=value) | Q(summary__icontains=value))
