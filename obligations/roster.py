"""What the obligations need from the member roster, isolated in one module.

Cadre obligations ("4+1") apply per current cadre appointment, and the ageing-out
notices count members past 28. Both live in the members app (``members.CadreAppointment``,
``members.selectors.members_due_to_age_out``), which is built on another branch. Until
it is installed these return "no data" (``None``), and the callers say so on the page
instead of treating it as zero cadres or nobody due.
"""

from collections.abc import Iterable
from datetime import date

from django.apps import apps
from django.db.models import Count, Q


def roster_available() -> bool:
    try:
        apps.get_model("members", "CadreAppointment")
    except LookupError:
        return False
    return True


def cadre_counts(*, kinds: Iterable[str], on: date) -> dict[int, int] | None:
    """Current cadres of ``kinds`` per organisation id on ``on`` (one GROUP BY), or None without a roster."""
    try:
        appointment = apps.get_model("members", "CadreAppointment")
    except LookupError:
        return None
    rows = (
        appointment.objects.filter(kind__in=list(kinds), started_on__lte=on)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=on))
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("member_id", distinct=True))
    )
    return {row["organisation_id"]: row["n"] for row in rows}


def ageing_out_counts(*, on: date) -> dict[int, int] | None:
    """Members due to age out on ``on`` per organisation id (one GROUP BY), or None without a roster."""
    try:
        from members.selectors import members_due_to_age_out
    except ImportError:
        return None
    rows = members_due_to_age_out(on=on).order_by().values("organisation_id").annotate(n=Count("id"))
    return {row["organisation_id"]: row["n"] for row in rows if row["n"]}
