"""Keyset pagination: pages by a stable key instead of OFFSET, and a capped count.

At 500,000 rows ``OFFSET 400000`` reads and throws away 400,000 rows and
``COUNT(*)`` reads them all; a keyset page reads one index range, and the count stops
at ``COUNT_CAP`` unless someone asks for the exact figure.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

COUNT_CAP = 10_000


@dataclass
class KeysetPage:
    rows: list
    next_after: int | None  # the ?after= of the next page, None on the last page
    prev_before: int | None  # the ?before= of the previous page, None on the first page


def keyset_page(
    qs: QuerySet, *, order_field: str, size: int, after: int | None = None, before: int | None = None
) -> KeysetPage:
    """One page of ``qs`` ordered by (``order_field``, pk).

    The cursor is only the pk of the row at the page boundary (so no personal data goes
    into the URL); its sort value is read back from ``qs`` itself, so a cursor outside
    the caller's queryset simply starts from the first page.
    """
    cursor = after if after is not None else before
    anchor = None
    if cursor is not None:
        found = qs.filter(pk=cursor).values_list(order_field, flat=True)[:1]
        anchor = found[0] if found else None
    if anchor is None:
        rows = list(qs.order_by(order_field, "pk")[: size + 1])
        return KeysetPage(rows[:size], rows[size - 1].pk if len(rows) > size else None, None)
    if after is not None:
        # "name >= x AND (name > x OR pk > c)": the first half is what lets the database
        # start an index range at the cursor; the OR alone makes it filter from the start.
        after_cursor = Q(**{f"{order_field}__gte": anchor}) & (Q(**{f"{order_field}__gt": anchor}) | Q(pk__gt=cursor))
        rows = list(qs.filter(after_cursor).order_by(order_field, "pk")[: size + 1])
        page = rows[:size]
        return KeysetPage(page, page[-1].pk if len(rows) > size else None, page[0].pk if page else None)
    before_cursor = Q(**{f"{order_field}__lte": anchor}) & (Q(**{f"{order_field}__lt": anchor}) | Q(pk__lt=cursor))
    rows = list(qs.filter(before_cursor).order_by(f"-{order_field}", "-pk")[: size + 1])
    page = list(reversed(rows[:size]))
    return KeysetPage(page, page[-1].pk if page else None, page[0].pk if len(rows) > size else None)


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, exact): counts at most ``cap`` + 1 rows; ``exact`` is False beyond the cap."""
    n = qs.order_by()[: cap + 1].count()
    return (cap, False) if n > cap else (n, True)
