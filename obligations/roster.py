"""What the obligations need from the member roster: cadres per organisation, members due to age out.

Cadre obligations ("4+1") apply per current cadre appointment; the ageing-out notices
count the members the members app says are due (past 28, holding no post).
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Count

from members.models import CadreAppointment
from members.selectors import members_due_to_age_out


def cadre_counts(*, kinds: Iterable[str], on: date) -> dict[int, int]:
    """Current cadres of ``kinds`` per organisation id on ``on`` (one GROUP BY)."""
    rows = (
        CadreAppointment.objects.filter(kind__in=list(kinds))
        .current(on)
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("member_id", distinct=True))
    )
    return {row["organisation_id"]: row["n"] for row in rows}


def ageing_out_counts(*, on: date) -> dict[int, int]:
    """Members due to age out on ``on`` per organisation id (one GROUP BY)."""
    rows = members_due_to_age_out(on=on).order_by().values("organisation_id").annotate(n=Count("id"))
    return {row["organisation_id"]: row["n"] for row in rows if row["n"]}
