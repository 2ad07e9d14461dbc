"""The compliance page's filters, shared by the page and its export so both show the same cells."""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from branches.models import Organisation
from branches.scoping import Scope
from core.freshness import query_digest
from core.parts import Parts

from . import selectors
from .forms import ComplianceFilterForm
from .models import Obligation

PAGE_SIZE = 50


def _builder(*, user, query: QueryDict, today: date):
    """The filter form bound to ``query``, and a function computing the compliance it selects
    on ``today`` (None when the input is invalid)."""
    form = ComplianceFilterForm(query or None, user=user)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    period = data.get("period") or "current"
    on = data.get("on") if period == "date" else today
    offset = -1 if period == "previous" else 0
    obligation = data.get("obligation")
    kind = data.get("kind")

    def build(within=None) -> selectors.Compliance:
        result = selectors.compliance(
            within=within,
            user=user,
            organisation=data.get("organisation"),
            subtree=not (data.get("own") and data.get("organisation")),
            on=on,
            offset=offset,
            obligations=[obligation] if obligation else None,
            organisation_kinds=[kind] if kind else None,
            today=today,
        )
        return result.filtered(status=data.get("status") or "", ends_by=data.get("ends_by"))

    return form, build


def compliance_for_query(*, user, query: QueryDict) -> tuple[ComplianceFilterForm, selectors.Compliance | None]:
    """The filter form bound to ``query`` and the whole compliance it selects (None when the
    input is invalid): the export's.

    Invalid input (an organisation outside the user's scope, a malformed date) gives the
    form's errors and no figures, never a silently wider table.
    """
    form, build = _builder(user=user, query=query, today=timezone.localdate())
    return form, build() if build else None


@dataclass
class ComplianceOverview:
    """What the compliance page shows whatever the page: the summaries, the total, and which
    organisations have a row (their ids, in tree order, for the paginator)."""

    today: date
    obligations: list[Obligation]
    summaries: list[selectors.ObligationSummary]
    total: selectors.Tally
    organisation_ids: list[int]


@dataclass
class CompliancePage:
    overview: ComplianceOverview
    page_obj: object  # django.core.paginator.Page over the organisation ids
    rows: list[dict]  # {"organisation", "parent", "cells"} for the page's organisations


def compliance_page(*, user, query: QueryDict, page: str | None) -> tuple[ComplianceFilterForm, CompliancePage | None]:
    """One page of the compliance table, with the summaries above it.

    A city's table is 5,000 organisations × 11 obligations. The overview (the summaries, the
    total, which organisations have a row) is added up from the scope's parts (core.parts),
    each cached under its own data version, so a write anywhere recomputes only its part; the
    page's own 50 rows are evaluated afresh, for those organisations alone.
    """
    today = timezone.localdate()  # one day for the key and the figures, even across midnight
    form, build = _builder(user=user, query=query, today=today)
    if build is None:
        return form, None
    shape = build(within=Q(pk__in=[]))  # the obligations and periods the filter selects, no rows
    roots = Scope.of(user).roots
    added = selectors.PartCompliance()
    if roots:
        (root,) = roots
        added = selectors.compliance_in_parts(
            parts=Parts(root),
            name=f"compliance-page:{today.isoformat()}:{query_digest(query)}",
            evaluate=build,
            limit=0,
        )
    summaries = []
    for ob in shape.obligations:
        tally = added.tally(ob.pk)
        summaries.append(selectors.ObligationSummary(ob, shape.periods[ob.pk], tally.met, tally.due, tally.overdue))
    ids = added.ids
    overview = ComplianceOverview(today, shape.obligations, summaries, added.total, ids)
    page_obj = Paginator(ids, PAGE_SIZE).get_page(page)
    rows = []
    if ids:
        result = build(within=Q(pk__in=list(page_obj.object_list)))
        parents = Organisation.objects.in_bulk(
            {org.parent_path for org in result.organisations if org.depth > 1}, field_name="path"
        )
        rows = [
            {"organisation": org, "parent": parents.get(org.parent_path) if org.depth > 1 else None, "cells": cells}
            for org, cells in result.rows()
        ]
    return form, CompliancePage(overview, page_obj, rows)
