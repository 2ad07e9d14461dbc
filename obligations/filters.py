"""The compliance page's filters, shared by the page and its export so both show the same cells."""

from django.http import QueryDict
from django.utils import timezone

from core.freshness import cached_figures, query_digest, scoped_key

from . import selectors
from .forms import ComplianceFilterForm


def compliance_for_query(*, user, query: QueryDict) -> tuple[ComplianceFilterForm, selectors.Compliance | None]:
    """The filter form bound to ``query`` and the compliance it selects (None when the input is invalid).

    Invalid input (an organisation outside the user's scope, a malformed date) gives the
    form's errors and no figures, never a silently wider table.
    """
    form = ComplianceFilterForm(query or None, user=user)
    if form.is_bound and not form.is_valid():
        return form, None
    data = form.cleaned_data if form.is_bound else {}
    today = timezone.localdate()
    period = data.get("period") or "current"
    on = data.get("on") if period == "date" else today
    offset = -1 if period == "previous" else 0
    obligation = data.get("obligation")
    kind = data.get("kind")

    def build() -> selectors.Compliance:
        result = selectors.compliance(
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

    # Every organisation × obligation cell is evaluated in Python (a city's 5,000 × 11): kept per
    # user, scope, day and filter until the data changes (core.freshness).
    key = scoped_key("compliance", user, today.isoformat(), query_digest(query))
    return form, cached_figures(key, build)
