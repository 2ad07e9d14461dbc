"""Reads of the organisation tree that several callers share."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q

from .models import PIONEER_LINE_KINDS, Kind, Organisation, StaffingPost, StaffingRecord, TermRenewal
from .scoping import Scope


def scope_roots(user) -> list[Organisation]:
    """The top organisations a user reaches: the whole tree's roots, or the secretary's own."""
    scope = Scope.of(user)
    if scope.everything:
        return list(Organisation.objects.get_root_nodes())
    if scope.path is None:
        return []
    return [user.organisation]


@dataclass
class TreeRow:
    organisation: Organisation
    level: int  # depth below the shown root, 0 for the root itself
    has_hidden_children: bool


# Without a depth asked for, the tree page shows three levels, or fewer when three would list
# more than this many rows: a city's three levels are thousands of rows that cost seconds to
# render and nobody reads; deeper rows stay one 展开 click away.
TREE_DEFAULT_MAX_ROWS = 600


def organisation_tree(
    *, user, root: Organisation | None = None, levels: int | None = None, kind: str = "", include_inactive: bool = True
) -> list[TreeRow]:
    """The visible tree under ``root`` (or the user's scope), ``levels`` deep, in tree order.

    The materialised path gives both the subtree and the order. ``levels=None``: three levels, or
    fewer if three would pass TREE_DEFAULT_MAX_ROWS rows (a first query of paths decides).
    """
    roots = [root] if root is not None else scope_roots(user)
    if not roots:
        return []
    root_depth = {node.path: node.depth for node in roots}

    def top(path: str) -> int:
        return next(d for root_path, d in root_depth.items() if path.startswith(root_path))

    def selected(depth: int):
        condition = Q()
        for node in roots:
            condition |= Q(path__startswith=node.path, depth__lt=node.depth + depth)
        qs = Organisation.objects.visible_to(user).filter(condition)
        if kind:
            qs = qs.filter(kind=kind)
        if not include_inactive:
            qs = qs.filter(active=True)
        return qs.order_by("path")

    depth = levels or 3
    if levels is None:
        # Decide how deep from (path, depth) pairs alone, then load only the rows shown.
        shape = list(selected(depth).values_list("path", "depth"))
        while depth > 1 and sum(1 for path, d in shape if d < top(path) + depth) > TREE_DEFAULT_MAX_ROWS:
            depth -= 1
    orgs = list(selected(depth))
    base_depth = min(node.depth for node in roots)
    rows = []
    for org in orgs:
        shown_to = top(org.path) + depth - 1
        rows.append(TreeRow(org, org.depth - base_depth, org.numchild > 0 and org.depth >= shown_to))
    return rows


def organisation_search(*, user, q: str, limit: int = 200, within=None) -> list[Organisation]:
    """Organisations in scope (or in ``within``, a queryset of them) whose name or short name
    contains ``q``, each with ``parent_name``; an empty ``q`` matches all, in tree order."""
    qs = Organisation.objects.visible_to(user) if within is None else within
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q))
    matches = list(qs.order_by("path")[:limit])
    parents = Organisation.objects.in_bulk([org.parent_path for org in matches if org.depth > 1], field_name="path")
    for org in matches:
        parent = parents.get(org.parent_path)
        org.parent_name = parent.name if parent else ""
    return matches


def organisation_ancestors(*, user, organisation: Organisation) -> list[Organisation]:
    """The chain from the user's scope root down to ``organisation``'s parent (one query)."""
    steplen = organisation.steplen
    paths = [organisation.path[:i] for i in range(steplen, len(organisation.path), steplen)]
    return list(Organisation.objects.visible_to(user).filter(path__in=paths).order_by("depth"))


def organisation_counts_by_kind(*, user, organisation: Organisation | None = None) -> list[dict]:
    """How many active organisations of each kind the user reaches (under ``organisation``)."""
    qs = Organisation.objects.visible_to(user).filter(active=True)
    if organisation is not None:
        qs = qs.subtree_of(organisation)
    rows = qs.order_by().values("kind").annotate(count=Count("id"))
    labels = dict(Kind.choices)
    order = {kind: i for i, kind in enumerate(labels)}
    return sorted(
        (
            {"kind": row["kind"], "kind_label": labels.get(row["kind"], row["kind"]), "count": row["count"]}
            for row in rows
        ),
        key=lambda row: order.get(row["kind"], len(order)),
    )


# --- Staffing (编制) and terms (换届) -----------------------------------------------------


def staffing_records(*, organisation: Organisation, on: date | None = None) -> list[StaffingRecord]:
    """The organisation's staffing records, newest first, each with its positions (two queries);
    with ``on``, only those recorded on or before that day."""
    qs = StaffingRecord.objects.filter(organisation=organisation).prefetch_related(
        Prefetch("posts", queryset=StaffingPost.objects.order_by("pk"))
    )
    if on is not None:
        qs = qs.filter(recorded_on__lte=on)
    return list(qs.order_by("-recorded_on"))


def staffing_on(*, organisation: Organisation, day: date) -> StaffingRecord | None:
    """The establishment as it stood on ``day``: the latest record on or before it."""
    records = staffing_records(organisation=organisation, on=day)
    return records[0] if records else None


def term_kinds(organisation: Organisation) -> frozenset[str]:
    """The kinds whose terms a committee's report counts: the league's organisations, or the
    pioneers' for a committee of the pioneers' line."""
    if organisation.kind in PIONEER_LINE_KINDS:
        return PIONEER_LINE_KINDS
    return frozenset(Kind.values) - PIONEER_LINE_KINDS


@dataclass
class Renewals:
    """The renewals held in a span under an organisation (distinct organisations counted)."""

    renewals: list[TermRenewal] = field(default_factory=list)

    @property
    def organisations(self) -> list[Organisation]:
        return list({r.organisation_id: r.organisation for r in self.renewals}.values())

    @property
    def count(self) -> int:
        return len({r.organisation_id for r in self.renewals})

    @property
    def on_time(self) -> int:
        return len({r.organisation_id for r in self.renewals if r.on_time})

    @property
    def delegates(self) -> int:
        return sum(r.delegates_elected for r in self.renewals)

    @property
    def members(self) -> int:
        return sum(r.members_elected for r in self.renewals)


def renewals_between(
    *, organisation: Organisation, start: date, end: date, kinds: Iterable[str] | None = None
) -> Renewals:
    """The renewals held from ``start`` to ``end`` by ``organisation`` and the organisations under it."""
    qs = TermRenewal.objects.filter(
        organisation__path__startswith=organisation.path, held_on__gte=start, held_on__lte=end
    ).select_related("organisation")
    if kinds is not None:
        qs = qs.filter(organisation__kind__in=list(kinds))
    return Renewals(list(qs.order_by("held_on", "organisation__path")))


def organisation_renewals(*, organisation: Organisation, limit: int | None = None) -> list[TermRenewal]:
    """One organisation's renewals, latest first."""
    qs = TermRenewal.objects.filter(organisation=organisation).order_by("-held_on", "-pk")
    return list(qs[:limit] if limit else qs)


@dataclass
class TermStanding:
    """Where the organisations under a committee stood on a day: those whose term had ended
    without a renewal, out of those whose term end was known."""

    day: date
    overdue: list[tuple[Organisation, date]]  # each with the term end it passed
    evaluated: int


def term_standing(*, organisation: Organisation, day: date, kinds: Iterable[str] | None = None) -> TermStanding:
    """Which active organisations under ``organisation`` (itself included) were past their term on ``day``.

    An organisation's term end on a past day is the one its first renewal after that day
    replaced (``previous_term_ends_on``), or its present one when it has not renewed since.
    Two queries, whatever the size of the subtree.
    """
    orgs = Organisation.objects.subtree_of(organisation).filter(active=True)
    orgs = orgs.filter(Q(established_on__isnull=True) | Q(established_on__lte=day))
    if kinds is not None:
        orgs = orgs.filter(kind__in=list(kinds))
    orgs = list(orgs.order_by("path"))
    later: dict[int, date | None] = {}
    for org_id, previous in (
        TermRenewal.objects.filter(organisation__path__startswith=organisation.path, held_on__gt=day)
        .order_by("organisation_id", "held_on", "pk")
        .values_list("organisation_id", "previous_term_ends_on")
    ):
        later.setdefault(org_id, previous)
    overdue, evaluated = [], 0
    for org in orgs:
        ends = later[org.pk] if org.pk in later else org.term_ends_on
        if ends is None:
            continue
        evaluated += 1
        if ends < day:
            overdue.append((org, ends))
    return TermStanding(day, overdue, evaluated)
