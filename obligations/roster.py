"""What the obligations need from the member roster: cadres per organisation, members due to age out.

Cadre obligations ("4+1") apply per current cadre appointment; the ageing-out notices
count the members the members app says are due (past 28, holding no post).
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count, Q

from members.models import CadreAppointment
from members.selectors import members_due_to_age_out


def cadre_counts(*, kinds: Iterable[str], days: Iterable[date]) -> dict[date, dict[int, int]]:
    """Cadres of ``kinds`` in post per organisation id on each of ``days`` ({day: {organisation
    id: cadres}}, organisations with none left out): one GROUP BY for all the days, a count
    per day, rather than a query per day (a half year of monthly and quarterly periods has
    dozens of period ends)."""
    days = sorted(set(days))
    if not days:
        return {}
    counts = {
        f"on_{i}": Count(
            "member_id",
            distinct=True,
            filter=Q(started_on__lte=day) & (Q(ended_on__isnull=True) | Q(ended_on__gte=day)),
        )
        for i, day in enumerate(days)
    }
    rows = (
        CadreAppointment.objects.filter(kind__in=list(kinds), started_on__lte=days[-1])
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=days[0]))
        .order_by()
        .values("organisation_id")
        .annotate(**counts)
    )
    found: dict[date, dict[int, int]] = {day: {} for day in days}
    for row in rows:
        for i, day in enumerate(days):
            if n := row[f"on_{i}"]:
                found[day][row["organisation_id"]] = n
    return found


def ageing_out_counts(*, on: date) -> dict[int, int]:
    """Members due to age out on ``on`` per organisation id (one GROUP BY)."""
    rows = members_due_to_age_out(on=on).order_by().values("organisation_id").annotate(n=Count("id"))
    return {row["organisation_id"]: row["n"] for row in rows if row["n"]}
