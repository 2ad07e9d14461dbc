"""When the figures last changed, so that cached aggregates (the dashboards) are never stale.

Every save or delete of a model the figures read from bumps one version number in the
cache; cached figures are keyed by it, so the next request after a write computes afresh.
Bulk writes that skip Django's signals (``bulk_create``, ``QuerySet.update``) call
:func:`mark_changed` themselves. The bump happens at once and again when the transaction
commits: at once so that nothing computed inside the writing transaction outlives it, on
commit so that a request which read the old rows while the write was in flight cannot
keep them cached under the new version. Cached figures also expire after
``FIGURES_CACHE_SECONDS`` as a backstop for a write nobody announced.
"""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "figures:version"
# The apps whose rows the figures are computed from.
WATCHED_APPS = frozenset({"activities", "branches", "honours", "members", "obligations", "reports"})

T = TypeVar("T")


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # the key is missing (evicted, or a cold cache)
        cache.add(VERSION_KEY, 1, timeout=None)


def mark_changed() -> None:
    """Announce that rows the figures read from have changed."""
    _bump()
    connection = transaction.get_connection()
    # One bump at commit is enough however many rows the transaction writes.
    if not (connection.in_atomic_block and any(func is _bump for _, func, _ in connection.run_on_commit)):
        transaction.on_commit(_bump)


def scoped_key(name: str, user, *parts) -> str:
    """A cache key for figures computed for ``user``: the user and their scope (a secretary
    moved to another organisation gets new keys at once), then ``parts``."""
    from branches.scoping import Scope

    return ":".join([name, str(user.pk), Scope.of(user).key, *(str(part) for part in parts)])


def fragment_key(name: str, user, *parts) -> str:
    """A key for a cached piece of a page (``{% cache %}``) shown to ``user``: it changes when
    the data changes, as :func:`cached_figures`' keys do."""
    return f"{data_version()}:{scoped_key(name, user, *parts)}"


def query_digest(query) -> str:
    """A short, stable name for a request's filter (a QueryDict), ``page`` left out."""
    items = sorted((key, value) for key, values in query.lists() if key != "page" for value in values)
    return hashlib.sha256(repr(items).encode()).hexdigest()[:32]


def cached_figures(key: str, build: Callable[[], T], *, version: int | None = None) -> T:
    """``build()`` cached under ``key`` until the data changes (or the backstop expiry passes).
    ``version``: the data version already read for this request, so that other keys built
    from it (a rendered fragment of the same figures) name the very same data."""
    full_key = f"figures:{data_version() if version is None else version}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, timeout=settings.FIGURES_CACHE_SECONDS)
    return value


def cached_parts(key: str, build: Callable[[], dict[str, T]]) -> Callable[[str], T | None]:
    """A reader of figures that are computed together but read apart (a table's summary and
    each of its pages). ``build()`` returns every part by name; on the first part missing from
    the cache all are built and cached at once under ``key``. Every read through one reader is
    of the same data version, so parts read one after another always belong together (a write
    in between cannot pair an old summary with a new page). A part the build does not have
    reads as None. Cached as :func:`cached_figures` is."""
    prefix = f"figures:{data_version()}:{key}:"
    built: dict[str, T] = {}

    def read(part: str) -> T | None:
        value = cache.get(prefix + part)
        if value is None:
            if not built:
                built.update(build())
                cache.set_many(
                    {prefix + name: value for name, value in built.items()}, timeout=settings.FIGURES_CACHE_SECONDS
                )
            value = built.get(part)
        return value

    return read


def _on_write(sender, **kwargs) -> None:
    if sender._meta.app_label in WATCHED_APPS:
        mark_changed()


def connect() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(_on_write, dispatch_uid=f"figures-freshness-{signal!r}")
