"""去填报: a link to the logging form preset with the organisation, the kind of activity (and so
its dimension) and a date inside the period that is due, and the reading of it on the form.

The values are only a starting point: the form still limits the organisation to the user's
scope and the service decides."""

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from .models import DEFAULT_DIMENSION, ActivityKind


def create_url(*, organisation_id: int, kinds=(), on: date | None = None) -> str:
    params = {"organisation": organisation_id}
    kind = next((k for k in kinds if k in ActivityKind.values), None)
    if kind:
        params["kind"] = kind
    if on:
        params["start_date"] = on.isoformat()
    return f"{reverse('activities:create')}?{urlencode(params)}"


def due_date(period_start: date, period_end: date, today: date) -> date:
    """A date inside the period: today while it runs, else its last day (an overdue item)."""
    return min(max(today, period_start), period_end)


def initial_from(query) -> dict:
    """The form's initial values from a create_url query (unknown values are left out)."""
    initial = {}
    organisation = query.get("organisation", "")
    if organisation.isdigit():
        initial["organisation"] = int(organisation)
    kind = query.get("kind", "")
    if kind in ActivityKind.values:
        initial["kind"] = kind
        initial["dimension"] = DEFAULT_DIMENSION.get(kind, "")
    try:
        initial["start_date"] = date.fromisoformat(query.get("start_date", ""))
    except ValueError:
        pass
    return initial
