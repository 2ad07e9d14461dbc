"""The "what's due" panel: this period's unmet obligations, last period's overdue ones, and
organisations whose term ends soon."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from branches.models import Organisation

from ..models import Obligation
from .compliance import Cell, compliance


@dataclass
class TermExpiry:
    organisation: Organisation
    days_left: int


@dataclass
class DueList:
    today: date
    current: list[Cell]  # this period, not yet met, soonest deadline first
    overdue: list[Cell]  # last period, ended unmet
    terms: list[TermExpiry]

    @property
    def total(self) -> int:
        return len(self.current) + len(self.overdue) + len(self.terms)


TERM_NOTICE_DAYS = 90


def due_list(*, user, organisation: Organisation | None = None, today: date | None = None) -> DueList:
    """What a secretary (or staff, for a subtree) still has to do: a fixed number of queries."""
    today = today or timezone.localdate()
    obligations = list(Obligation.objects.enabled().select_related("indicator"))
    current = compliance(user=user, organisation=organisation, obligations=obligations, today=today)
    previous = compliance(user=user, organisation=organisation, obligations=obligations, today=today, offset=-1)
    horizon = today + timedelta(days=TERM_NOTICE_DAYS)
    terms_qs = Organisation.objects.filter(active=True, term_ends_on__gte=today, term_ends_on__lte=horizon)
    terms_qs = terms_qs.visible_to(user)
    if organisation is not None:
        terms_qs = terms_qs.subtree_of(organisation)
    terms = [TermExpiry(org, (org.term_ends_on - today).days) for org in terms_qs.order_by("term_ends_on", "path")]
    return DueList(
        today=today,
        current=sorted(current.unmet(), key=lambda c: (c.period.end, c.organisation.path, c.obligation.position)),
        overdue=sorted(previous.unmet(), key=lambda c: (c.organisation.path, c.obligation.position)),
        terms=terms,
    )
