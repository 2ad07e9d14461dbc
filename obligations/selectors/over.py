"""Held vs due over a reporting span (a half year, a year): the half-year report, its annex and
the dashboards. The same rules and queries as :func:`.compliance.compliance`, one period at a time."""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from django.utils import timezone

from activities.periods import Period
from branches.models import Organisation

from ..models import Obligation
from .compliance import OVERDUE, Tally, _evaluate, _organisations, status_only


def periods_within(obligation: Obligation, span: Period) -> list[Period]:
    """The obligation's periods that end inside ``span`` and that it was in force for, in order.

    A week that began in the previous half year but ends in this one belongs to this one;
    a year belongs to the half year in which it ends.
    """
    found = []
    period = obligation.period_containing(span.end)
    while period.end >= span.start:
        if period.end <= span.end and obligation.in_force(period):
            found.append(period)
        period = obligation.period_containing(period.start - timedelta(days=1))
    return found[::-1]


@dataclass
class ComplianceOver:
    span: Period
    today: date
    obligations: list[Obligation]
    periods: dict[int, list[Period]]  # obligation id → its periods in the span
    organisations: list[Organisation]
    statuses: dict[tuple[int, int, Period], str]  # (organisation id, obligation id, period) → status

    def tally(self, obligation: Obligation) -> Tally:
        return self._tallies[obligation.pk]

    def tallies(self) -> list[tuple[Obligation, Tally]]:
        return [(ob, self._tallies[ob.pk]) for ob in self.obligations]

    @cached_property
    def _statuses(self) -> Counter:
        """(organisation id, obligation id, status) → periods: the one pass over the statuses that
        every tally below is summed from."""
        return Counter((org_id, ob_id, status) for (org_id, ob_id, _), status in self.statuses.items())

    @cached_property
    def _tallies(self) -> dict[int, Tally]:
        by_ob = {ob.pk: Tally() for ob in self.obligations}
        for (_, ob_id, status), n in self._statuses.items():
            by_ob[ob_id].count(status, n)
        return by_ob

    def behind(self, obligations: Iterable[Obligation] | None = None) -> set[int]:
        """The organisations with at least one period overdue (of ``obligations``, default all), by id."""
        ids = None if obligations is None else {ob.pk for ob in obligations}
        return {
            org_id for org_id, ob_id, status in self._statuses if status == OVERDUE and (ids is None or ob_id in ids)
        }

    def evaluated(self, obligations: Iterable[Obligation] | None = None) -> set[int]:
        """The organisations that owed at least one period (of ``obligations``, default all), by id."""
        ids = None if obligations is None else {ob.pk for ob in obligations}
        return {org_id for org_id, ob_id, _ in self._statuses if ids is None or ob_id in ids}

    def by_organisation(self) -> list[tuple[Organisation, list[Tally | None]]]:
        """Per organisation, a tally per obligation (None where it does not apply)."""
        table: dict[int, dict[int, Tally]] = defaultdict(dict)
        for (org_id, ob_id, status), n in self._statuses.items():
            table[org_id].setdefault(ob_id, Tally()).count(status, n)
        obligation_ids = [ob.pk for ob in self.obligations]
        return [(org, [table[org.pk].get(ob_id) for ob_id in obligation_ids]) for org in self.organisations]


def compliance_over(
    *,
    span: Period,
    user=None,
    organisation: Organisation | None = None,
    obligations: Iterable[Obligation] | None = None,
    organisation_kinds: Iterable[str] | None = None,
    today: date | None = None,
) -> ComplianceOver:
    """Held vs due over a reporting span (a half year, a year).

    Every period of every obligation that ends in ``span`` and has begun by ``today``, for
    every organisation under ``organisation``: the same rules and the same fixed number of
    GROUP BY queries as :func:`compliance`, one aggregate pair per period.
    """
    today = today or timezone.localdate()
    if obligations is None:
        obligations = Obligation.objects.enabled().select_related("indicator")
    schedule: list[tuple[Obligation, Period]] = []
    periods: dict[int, list[Period]] = {}
    chosen: list[Obligation] = []
    for ob in obligations:
        # A period that has not begun is not owed yet; one still running counts as due.
        found = [period for period in periods_within(ob, span) if period.start <= today]
        if found:
            chosen.append(ob)
            periods[ob.pk] = found
            schedule += [(ob, period) for period in found]
    orgs = _organisations(user=user, organisation=organisation, subtree=True, kinds=organisation_kinds)
    if not schedule or not orgs:
        return ComplianceOver(span, today, chosen, periods, [], {})
    # Only tallied here: each cell's status, not the cell (50,000 of them for a city's half year).
    statuses = _evaluate(
        orgs, schedule, today=today, user=user, organisation=organisation, subtree=True, make=status_only
    )
    with_cells = {org_id for org_id, _, _ in statuses}
    return ComplianceOver(span, today, chosen, periods, [org for org in orgs if org.pk in with_cells], statuses)
