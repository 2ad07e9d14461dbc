import django_filters
from django import forms

from .models import AuditAction, AuditEvent
from .params import BoundedDateFilter


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        label="操作",
        choices=AuditAction.choices,
        empty_label="全部操作",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    username = django_filters.CharFilter(
        label="用户名", lookup_expr="icontains", widget=forms.TextInput(attrs={"class": "form-control"})
    )
    since = BoundedDateFilter(
        label="起始日期",
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    until = BoundedDateFilter(
        label="截止日期",
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )

    class Meta:
        model = AuditEvent
        fields = ["action", "username", "since", "until"]
