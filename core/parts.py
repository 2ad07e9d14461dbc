"""Figures over a large subtree, cached in parts so that a write recomputes only its own part.

A committee's board adds up every organisation below it. Cached whole, it is computed again
after any write anywhere below: at city scale (5,000 organisations) well over a second of
queries for the next staff or leader board while people are logging. Here a subtree is cut
into parts: the root's own rows and each child's subtree, a child holding more than
``PART_SIZE`` organisations cut again the same way. Each part's figures are cached under that
part's own data version (:func:`core.freshness.path_versions`, "records" family: a write of
activities, monthly figures or members bumps the version of its organisation and of every
ancestor), so a write recomputes the one part it landed in,
and the parts missing from the cache are computed together by one call of the caller's
``compute``, which names each row's part in SQL with :meth:`Parts.expression`.

Only figures that add up over organisations belong here: counts and sums (activity totals,
compliance tallies), never distinct people counted across organisations.
"""

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, CharField, Q, When
from django.db.models.functions import Substr

from .freshness import global_epoch, path_versions

PART_SIZE = 50  # organisations a part may hold before it is cut into its children
EXPIRY_BATCHES = 8
# What the parts' figures are read from: activities, monthly figures and cadres (the "records"
# family of core.freshness), so that a reminder run or a report compile leaves every part standing.
PARTS_FAMILY = "records"
PARTS_KEY = "figures:parts:{}:{}"  # epoch, root path → the parts (the tree changes bump the epoch)

T = TypeVar("T")


@dataclass(frozen=True)
class Part:
    path: str
    own: bool  # only the organisation's own rows; else its whole subtree

    def q(self, lookup: str = "organisation__path") -> Q:
        """The rows of this part, ``lookup`` naming the path of the row's organisation."""
        return Q(**{lookup: self.path}) if self.own else Q(**{f"{lookup}__startswith": self.path})


def _cut(root: str, paths: list[str], step: int) -> list[Part]:
    sizes = Counter(path[:end] for path in paths for end in range(step, len(path) + 1, step))
    children: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        children[path[:-step]].append(path)

    def cut(path: str) -> list[Part]:
        parts = [Part(path, own=True)] if path else []
        for child in sorted(children[path]):
            parts += cut(child) if sizes[child] > PART_SIZE else [Part(child, own=False)]
        return parts

    if root and sizes[root] <= PART_SIZE:
        return [Part(root, own=False)]
    return cut(root)


class Parts:
    """The parts of the subtree at ``root`` (an organisation's path, "" the whole tree) and
    their versions, read once: every figure read through one ``Parts`` names the same data."""

    def __init__(self, root: str):
        from branches.models import Organisation

        self.root, self.step = root, Organisation.steplen
        key = PARTS_KEY.format(global_epoch(), root)
        parts = cache.get(key)
        if parts is None:
            paths = list(Organisation.objects.filter(path__startswith=root).values_list("path", flat=True))
            parts = _cut(root, paths, self.step)
            cache.set(key, parts, timeout=settings.FIGURES_CACHE_SECONDS)
        self.parts: list[Part] = parts
        self.versions = path_versions([part.path for part in parts], family=PARTS_FAMILY)
        # Organisations cut into their children, deepest first: a row's part is named by the
        # deepest one above it; below none (a root left whole, the whole tree's top level),
        # by the path at the root's level.
        self._cut_at = sorted({part.path for part in parts if part.own}, key=len, reverse=True)
        self._width = len(root) + (self.step if not root or root in self._cut_at else 0)

    def __len__(self) -> int:
        return len(self.parts)

    def expression(self, lookup: str = "organisation__path"):
        """SQL naming the part (its path) of each row, ``lookup`` naming its organisation's path."""
        whens = [
            When(**{f"{lookup}__startswith": cut}, then=Substr(lookup, 1, len(cut) + self.step)) for cut in self._cut_at
        ]
        default = Substr(lookup, 1, self._width)
        return Case(*whens, default=default, output_field=CharField()) if whens else default

    def part_of(self, path: str) -> str:
        """The part (its path) an organisation's rows belong to, as :meth:`expression` names it in SQL."""
        for cut in self._cut_at:
            if path.startswith(cut):
                return path[: len(cut) + self.step]
        return path[: self._width]

    def where(self, parts: list[Part] | None, lookup: str = "organisation__path") -> Q:
        """The rows of ``parts``; None: of the whole root."""
        if parts is None:
            return Q(**{f"{lookup}__startswith": self.root}) if self.root else Q()
        where = Q()
        for part in parts:
            where |= part.q(lookup)
        return where

    def rows(self, parts: list[Part] | None) -> Q:
        """The rows (of a model with an ``organisation``) of ``parts``, None: of the whole root.
        A few parts are named by their organisations' ids, which the database reads from an
        index on the organisation; a condition on the joined path would scan the table."""
        if parts is None:
            return self.where(None)
        from branches.models import Organisation

        ids = Organisation.objects.filter(self.where(parts, "path")).values_list("pk", flat=True)
        return Q(organisation_id__in=list(ids))

    def read(self, name: str, compute: Callable[[list[Part] | None], dict[str, T]], empty: T) -> list[T]:
        """Every part's figures called ``name``, in the parts' order: from the cache where the
        part's data has not changed, the rest from one ``compute(missing)`` returning figures by
        part path (a part without rows may be left out: it reads as ``empty``). ``missing`` is
        None when most parts are missing and computing them all is cheaper than picking."""
        keys = {
            part: f"figures:part:{self.versions[part.path]}:{name}:{part.path}:{'own' if part.own else 'all'}"
            for part in self.parts
        }
        found = cache.get_many(keys.values())
        missing = [part for part, key in keys.items() if key not in found]
        if missing:
            computed = compute(missing if 2 * len(missing) <= len(self.parts) else None)
            fresh = {keys[part]: computed.get(part.path, empty) for part in missing}
            # The backstop expiry is spread over a second period in a few batches, so that the
            # hundreds of parts built together on a cold cache do not all fall due at once.
            backstop, items = settings.FIGURES_CACHE_SECONDS, list(fresh.items())
            for batch in range(EXPIRY_BATCHES):
                chosen = dict(items[batch::EXPIRY_BATCHES])
                if chosen:
                    cache.set_many(chosen, timeout=backstop + random.randrange(backstop + 1))
            found.update(fresh)
        return [found[keys[part]] for part in self.parts]
