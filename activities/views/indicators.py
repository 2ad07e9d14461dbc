from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from accounts.access import Access, AccessMixin
from branches.selectors import scope_roots
from core.forms import add_errors

from .. import rules, selectors, services
from ..forms import EntryTargetForm, IndicatorEntryForm, IndicatorForm, SummaryForm
from ..models import Indicator, IndicatorCategory, PeriodKind


class IndicatorListView(AccessMixin, TemplateView):
    access = Access.READ
    template_name = "activities/indicator_list.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        labels = dict(IndicatorCategory.choices)
        groups: dict[str, list[Indicator]] = {}
        for ind in Indicator.objects.select_related("numerator", "denominator"):
            groups.setdefault(labels.get(ind.category, ind.category), []).append(ind)
        ctx["groups"] = groups
        ctx["without_pattern"] = [ind for inds in groups.values() for ind in inds if ind.needs_pattern]
        return ctx


class IndicatorCreateView(AccessMixin, FormView):
    access = Access.STAFF
    form_class = IndicatorForm
    template_name = "activities/indicator_form.html"

    def get_indicator(self) -> Indicator | None:
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.get_indicator() is not None:
            kwargs["instance"] = self.get_indicator()
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(indicator=self.get_indicator(), **kwargs)

    def form_valid(self, form):
        try:
            indicator = services.indicator_save(
                user=self.request.user, indicator=self.get_indicator(), **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已保存指标「{indicator.name}」。")
        return HttpResponseRedirect(reverse("activities:indicators"))


class IndicatorUpdateView(IndicatorCreateView):
    def get_indicator(self) -> Indicator:
        if not hasattr(self, "_indicator"):
            self._indicator = get_object_or_404(Indicator, pk=self.kwargs["pk"])
        return self._indicator


class IndicatorEntryView(AccessMixin, TemplateView):
    """Enter one organisation's figures for one month (or one issue of a 按期 indicator)."""

    access = Access.WRITE
    template_name = "activities/indicator_entry.html"

    def target_form(self, data, *, fallback: bool):
        user = self.request.user
        initial = {"month": date.today().replace(day=1)}
        roots = scope_roots(user)
        if roots:
            initial["organisation"] = roots[0]
        if data is None or "organisation" not in data or "month" not in data:
            # Open the usual case straight away: the user's own organisation, this month.
            if "organisation" not in initial or not fallback:
                return EntryTargetForm(None, user=user, initial=initial)
            data = {"organisation": initial["organisation"].pk, "month": f"{initial['month']:%Y-%m}", "issue": ""}
        return EntryTargetForm(data, user=user, initial=initial)

    def indicators(self, issue: str) -> list[Indicator]:
        kind = PeriodKind.ISSUE if issue else PeriodKind.MONTH
        return list(Indicator.objects.filter(active=True, numerator__isnull=True, period_kind=kind))

    def build(self, target_data, post=None):
        # A POST names its target explicitly; only a plain GET opens the default one.
        target = self.target_form(target_data, fallback=post is None)
        ctx = {"target": target}
        if target.is_bound and target.is_valid():
            org, month = target.cleaned_data["organisation"], target.cleaned_data["month"]
            issue = target.cleaned_data["issue"].strip()
            if not rules.reaches(self.request.user, org):  # the choices already say so; defence in depth
                raise PermissionDenied
            existing = selectors.indicator_entries(organisation=org, month=month, issue=issue)
            form = IndicatorEntryForm(post, indicators=self.indicators(issue), existing=existing, issue=issue)
            ctx.update(
                form=form,
                organisation=org,
                month=month,
                issue=issue,
                issues=selectors.indicator_issues(organisation=org, month=month),
                has_issue_indicators=Indicator.objects.filter(active=True, period_kind=PeriodKind.ISSUE).exists(),
            )
        return ctx

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        if "target" not in kwargs:
            ctx.update(self.build(self.request.GET))
        return ctx

    def post(self, request, *args, **kwargs):
        ctx = self.build(request.POST, post=request.POST)
        form = ctx.get("form")
        if form is None:
            messages.error(request, "请先选择组织和月份。")
            return self.render_to_response(self.get_context_data(**ctx))
        if form.is_valid():
            try:
                saved, removed = services.indicator_values_save(
                    user=request.user,
                    organisation=ctx["organisation"],
                    month=ctx["month"],
                    issue=ctx["issue"],
                    values=form.values(),
                    **form.issue_details(),
                )
            except ValidationError as exc:
                # The service names an indicator by its code; the form's field for it is v_<code>.
                add_errors(form, exc, aliases={name[2:]: name for name in form.fields if name.startswith("v_")})
            else:
                messages.success(request, f"已保存 {saved} 项，清除 {removed} 项。")
                return HttpResponseRedirect(request.get_full_path())
        return self.render_to_response(self.get_context_data(**ctx))


class IndicatorSummaryView(AccessMixin, TemplateView):
    """Indicator figures by month over a subtree, with the period total by each indicator's rules."""

    access = Access.READ
    template_name = "activities/indicator_summary.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        form = SummaryForm(self.request.GET or None, user=user, initial={"year": date.today().year, "part": "h1"})
        if form.is_bound and not form.is_valid():
            ctx["form"] = form
            return ctx
        if not form.is_bound:
            form = SummaryForm(
                {"year": date.today().year, "part": "h1" if date.today().month <= 6 else "h2"}, user=user
            )
            form.is_valid()
        organisation = form.cleaned_data.get("organisation")
        if organisation is None:
            roots = scope_roots(user)
            organisation = roots[0] if roots else None
        ctx["form"] = form
        if organisation is None:
            return ctx
        period = form.period()
        indicators, months, cells, totals = selectors.indicator_monthly(None, organisation=organisation, period=period)
        labels = dict(IndicatorCategory.choices)
        order = {code: i for i, code in enumerate(labels)}
        indicators = sorted(indicators, key=lambda ind: (order.get(ind.category, len(order)), ind.position, ind.code))
        rows = [
            {
                "indicator": ind,
                "category": labels.get(ind.category, ind.category),
                "cells": [cells[(ind.code, m)] for m in months],
                "total": totals[ind.code],
            }
            for ind in indicators
            if ind.active
        ]
        ctx.update(organisation=organisation, period=period, months=months, rows=rows)
        return ctx
