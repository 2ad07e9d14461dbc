"""Subtree scoping: what part of the organisation tree a user reaches.

Organisations live in a materialised-path tree, so "the subtree under X" is
``path LIKE 'X.path%'``: one indexed range scan. Every scoped queryset in the
project goes through :class:`ScopedQuerySetMixin`.
"""

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    path: str | None = None  # the root of the reachable subtree, or None for nothing

    @classmethod
    def of(cls, user) -> "Scope":
        if user is None or not user.is_authenticated or not user.is_active:
            return cls()
        if user.is_committee_staff or user.is_leader:
            return cls(everything=True)
        if user.is_secretary and user.organisation_id:
            # Django caches the related row on the user: one query per request at most.
            org = user.organisation
            return cls(path=org.path)
        return cls()

    @property
    def roots(self) -> tuple[str, ...]:
        """The paths of the subtrees the scope reaches, "" standing for the whole tree
        (core.freshness keys cached figures by the data version of each)."""
        if self.everything:
            return ("",)
        return () if self.path is None else (self.path,)

    @property
    def key(self) -> str:
        """The scope's name in a cache key: equal keys reach the same rows."""
        return "all" if self.everything else (self.path or "none")

    def reaches(self, organisation) -> bool:
        return self.reaches_path(organisation.path)

    def reaches_path(self, path: str) -> bool:
        """Whether the organisation at ``path`` lies in the scope (for rows read as values)."""
        if self.everything:
            return True
        return self.path is not None and path.startswith(self.path)


class ScopedQuerySetMixin:
    """Adds ``visible_to(user)``. Subclasses name the path of the organisation."""

    scope_path_lookup = "organisation__path"

    def visible_to(self, user):
        scope = Scope.of(user)
        if scope.everything:
            return self
        if scope.path is None:
            return self.none()
        return self.filter(**{f"{self.scope_path_lookup}__startswith": scope.path})


class ScopedQuerySet(ScopedQuerySetMixin, models.QuerySet):
    pass
