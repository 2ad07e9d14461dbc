"""Reads of the organisation tree that several callers share."""

from dataclasses import dataclass

from django.db.models import Count, Q

from .models import Kind, Organisation
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
