"""Reads shared by the dashboards and the navigation."""

from typing import NamedTuple

from django.db.models import CharField, Count, QuerySet, Value

from activities import selectors as activity_selectors
from honours import selectors as honour_selectors


class RecordCounts(NamedTuple):
    activities: int
    honours: int

    @property
    def total(self) -> int:
        return self.activities + self.honours


def _counted(qs: QuerySet, label: str) -> QuerySet:
    # One row: (label, count). The label is a constant, so it adds nothing to a GROUP BY.
    return (
        qs.order_by()
        .values(record_type=Value(label, output_field=CharField()))
        .annotate(n=Count("pk"))
        .values_list("record_type", "n")
    )


def records_in_status(*, user, status: str) -> RecordCounts:
    """The activity and honour records in ``status`` that ``user`` reaches (submitted: to review;
    returned: to correct), in one query: the dashboard's cards and the menu's badge."""
    activities = activity_selectors.activities_for(user=user, statuses=[status])
    honours = honour_selectors.honour_list(user=user, filters=honour_selectors.HonourFilters(status=status))
    counts = dict(_counted(activities, "activities").union(_counted(honours, "honours"), all=True))
    return RecordCounts(counts.get("activities", 0), counts.get("honours", 0))
