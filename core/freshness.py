"""When the figures last changed, so that cached aggregates (the dashboards) are never stale.

Versions are kept per subtree, so that a write in one branch leaves every other branch's
cached figures alone:

* Each organisation path has a version (``figures:scope:<path>``; the empty path stands for
  the whole tree). A write to a row that belongs to an organisation bumps the version of
  that organisation and of every ancestor: the ancestors' paths are prefixes of its path,
  so no tree query is needed, only the organisation's path (cached per epoch).
* A global epoch (``figures:epoch``) is bumped by every write that is not tied to one
  organisation: the indicator catalogue, obligations, work plans, and any change to the
  tree itself (an organisation created, renamed, moved, deactivated, deleted), which may
  change whose subtree a row belongs to.

:func:`data_version` names the data behind figures of a :class:`~branches.scoping.Scope`:
the epoch and the version of each root the scope reaches (a committee staff member's root
is the whole tree, bumped by every write). Cached figures are keyed by it.

Saves and deletes of the watched apps' models are announced by signals: a model listed in
``ATTRIBUTED`` bumps the organisations its row names (before and after an update, so a
member transferred from A to B bumps both), any other model the global epoch. Bulk writes
that skip Django's signals (``bulk_create``, ``QuerySet.update``) call :func:`mark_changed`
themselves with the organisations they touched. Every bump happens at once and again when
the transaction commits: at once so that nothing computed inside the writing transaction
outlives it, on commit so that a request which read the old rows while the write was in
flight cannot keep them cached under the new version. Cached figures also expire after
``FIGURES_CACHE_SECONDS`` as a backstop for a write nobody announced.
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from simple_history.models import HistoricalChanges

EPOCH_KEY = "figures:epoch"
SCOPE_KEY = "figures:scope:{}"
FAMILY_KEY = "figures:{}:{}"  # family, path: the same per path, bumped only by the writes that concern it
PATH_KEY = "figures:path:{}:{}"  # epoch, organisation id → path
# The apps whose rows the figures are computed from.
WATCHED_APPS = frozenset({"activities", "branches", "honours", "members", "obligations", "reports", "resources"})
# Families of versions for figures that only some writes can change, each with the apps whose
# rows cannot change them: a family's versions are bumped by every other write (and by global
# changes, through the epoch), so figures cached by them stand while those apps write.
FAMILIES: dict[str, frozenset[str]] = {
    # What an organisation is (members, cadres, sub-organisations, recorded counts, bases): the
    # committee snapshot on the boards, left standing while people log, review and are reminded.
    "roster": frozenset({"activities", "honours", "obligations", "reports"}),
    # What organisations did (activities, monthly figures) and the cadres an obligation counts:
    # the boards' activity counts and compliance (core.parts), left standing through a reminder
    # run (hundreds of organisations at once), honours and report compiles.
    "records": frozenset({"honours", "obligations", "reports"}),
}
# Models whose rows belong to organisations, with the foreign keys naming them: to an
# organisation, or to another model listed here (one query then finds its organisations).
# Everything else in the watched apps is configuration read across the tree (the catalogue,
# obligations, work plans, channel settings, the tree itself) and bumps the global epoch.
ATTRIBUTED: dict[str, tuple[str, ...]] = {
    "activities.Activity": ("organisation",),
    "activities.ActivityFile": ("activity",),
    "activities.IndicatorValue": ("organisation",),
    "branches.StaffingRecord": ("organisation",),
    "branches.StaffingPost": ("record",),
    "branches.TermRenewal": ("organisation",),
    "honours.CommendationBatch": ("organisation",),
    "honours.Honour": ("organisation", "recipient_organisation"),
    "honours.BatchImport": ("batch",),
    "members.Member": ("organisation",),
    "members.RecordedCount": ("organisation",),
    "members.RecruitmentCase": ("organisation", "member"),
    "members.Transfer": ("from_organisation", "to_organisation", "member"),
    "members.SchoolCohort": ("school",),
    "members.MemberImport": ("organisation",),
    "members.CadreAppointment": ("organisation", "member"),
    "members.CounsellorAppointment": ("organisation", "member"),
    "obligations.Reminder": ("organisation",),
    "obligations.Message": ("organisation",),
    "obligations.Delivery": ("reminder",),
    "reports.Report": ("organisation",),
    "resources.Base": ("organisation",),
    "resources.Coverage": ("organisation",),
    "resources.Partner": ("organisation",),
    "resources.Donation": ("organisation",),
}

T = TypeVar("T")
_GLOBAL = "global"


# --- Reading ------------------------------------------------------------------------------


def _fresh_start() -> int:
    # A version key that is missing (evicted, a cold cache) restarts from the clock, never
    # from a number it may have had before, so old cached figures cannot come back.
    return time.time_ns() // 1000


def _versions(keys: list[str]) -> list[int]:
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, _fresh_start(), timeout=None)
        found.update(cache.get_many(missing))
    return [int(found.get(key, 0)) for key in keys]


def _key(family: str | None) -> str:
    return SCOPE_KEY if family is None else FAMILY_KEY.format(family, "{}")


def data_version(scope=None, *, family: str | None = None) -> str:
    """The version of the data behind figures of ``scope`` (a :class:`branches.scoping.Scope`;
    None: the whole tree): the global epoch and the version of each of the scope's roots.
    It changes on every write inside those subtrees and on every global change; for a
    ``family`` (see ``FAMILIES``), only on the writes that concern that family."""
    roots = ("",) if scope is None else scope.roots
    key = _key(family)
    return ".".join(str(v) for v in _versions([EPOCH_KEY, *(key.format(path) for path in roots)]))


def global_epoch() -> int:
    """The global epoch alone: it changes with the tree, among other global changes."""
    return _versions([EPOCH_KEY])[0]


def path_versions(paths: list[str], *, family: str | None = None) -> dict[str, str]:
    """Each organisation path's data version, as :func:`data_version` names it for a scope
    rooted there (the epoch and the path's version), read in one round trip."""
    key = _key(family)
    epoch, *versions = _versions([EPOCH_KEY, *(key.format(path) for path in paths)])
    return {path: f"{epoch}.{version}" for path, version in zip(paths, versions, strict=True)}


def _scope_of(user):
    from branches.scoping import Scope

    return Scope.of(user)


def scoped_key(name: str, user, *parts) -> str:
    """A cache key for figures computed for ``user``: the user and their scope (a secretary
    moved to another organisation gets new keys at once), then ``parts``."""
    return ":".join([name, str(user.pk), _scope_of(user).key, *(str(part) for part in parts)])


def fragment_key(name: str, user, *parts) -> str:
    """A key for a cached piece of a page (``{% cache %}``) shown to ``user``: it changes when
    the data of the user's subtree changes, as :func:`cached_figures`' keys do."""
    return f"{data_version(_scope_of(user))}:{scoped_key(name, user, *parts)}"


def query_digest(query) -> str:
    """A short, stable name for a request's filter (a QueryDict), ``page`` left out."""
    items = sorted((key, value) for key, values in query.lists() if key != "page" for value in values)
    return hashlib.sha256(repr(items).encode()).hexdigest()[:32]


def cached_figures(key: str, build: Callable[[], T], *, scope=None, version: str | None = None) -> T:
    """``build()`` cached under ``key`` until the data of ``scope`` changes (or the backstop
    expiry passes). ``scope``: the subtrees the figures cover (None: the whole tree).
    ``version``: the :func:`data_version` already read for this request, so that other keys
    built from it (a rendered fragment of the same figures) name the very same data."""
    full_key = f"figures:{data_version(scope) if version is None else version}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, timeout=settings.FIGURES_CACHE_SECONDS)
    return value


# --- Writing ------------------------------------------------------------------------------


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # the key is missing (evicted, or a cold cache)
        cache.add(key, _fresh_start(), timeout=None)


def _paths(org_ids: set[int], epoch: int) -> dict[int, str]:
    """The organisations' paths, cached per epoch: every change to the tree bumps the epoch."""
    from branches.models import Organisation

    keys = {org_id: PATH_KEY.format(epoch, org_id) for org_id in org_ids}
    found = cache.get_many(keys.values())
    paths = {org_id: found[key] for org_id, key in keys.items() if key in found}
    missing = org_ids - paths.keys()
    if missing:
        loaded = dict(Organisation.objects.filter(pk__in=missing).values_list("pk", "path"))
        cache.set_many({keys[org_id]: path for org_id, path in loaded.items()}, timeout=settings.FIGURES_CACHE_SECONDS)
        paths.update(loaded)
    return paths


def _bump(targets: set, families: dict[str, set]) -> None:
    """Bump the global epoch (``_GLOBAL`` among ``targets``), else the version of each target
    organisation (by id) and of all its ancestors, and in each family the versions of the
    organisations ``families`` names for it (subsets of ``targets``)."""
    from branches.models import Organisation

    if _GLOBAL in targets:
        _incr(EPOCH_KEY)
        return
    (epoch,) = _versions([EPOCH_KEY])
    paths = _paths(set(targets), epoch)
    if len(paths) < len(targets):  # an organisation deleted meanwhile: its ancestors are unknown
        _incr(EPOCH_KEY)
        return
    step = Organisation.steplen

    def lineage(ids) -> list[str]:
        return sorted({paths[i][:end] for i in ids if i in paths for end in range(0, len(paths[i]) + 1, step)})

    for path in lineage(targets):
        _incr(SCOPE_KEY.format(path))
    for family, ids in families.items():
        for path in lineage(ids):
            _incr(FAMILY_KEY.format(family, path))


class _BumpOnCommit:
    """The transaction's bump at commit: one per transaction, each organisation once."""

    def __init__(self) -> None:
        self.targets: set = set()
        self.families: dict[str, set] = {family: set() for family in FAMILIES}

    def __call__(self) -> None:
        _bump(self.targets, self.families)


def _targets(organisations: Iterable | None) -> set:
    if organisations is None:
        return {_GLOBAL}
    targets = set()
    for org in organisations:
        org_id = getattr(org, "pk", org)
        targets.add(_GLOBAL if org_id is None else org_id)
    return {_GLOBAL} if _GLOBAL in targets else targets


def mark_changed(organisations: Iterable | None = None, *, app: str | None = None) -> None:
    """Announce that rows the figures read from have changed.

    ``organisations``: the organisations (instances or ids) the changed rows belong to; their
    subtrees' figures and their ancestors' are refreshed. None: the change is not tied to
    organisations (configuration, the tree itself), and every cached figure is refreshed.
    An empty collection announces nothing. ``app``: the app whose rows changed, which leaves
    the families of versions it cannot concern alone (``FAMILIES``); None: every family."""
    targets = _targets(organisations)
    if not targets:
        return
    families = {family: targets for family, free in FAMILIES.items() if app is None or app not in free}
    _bump(targets, families)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        transaction.on_commit(lambda: _bump(targets, families))  # runs at once, as a commit would
        return
    pending = next((func for _, func, _ in connection.run_on_commit if isinstance(func, _BumpOnCommit)), None)
    if pending is None:
        pending = _BumpOnCommit()
        transaction.on_commit(pending)
    pending.targets |= targets
    for family, ids in families.items():
        pending.families[family] |= ids


# --- Signals ------------------------------------------------------------------------------

_attributed: dict[type, tuple[tuple[str, type | None], ...]] = {}  # model → (attname, related model or None)


def _org_ids(model, values: Iterable) -> set:
    """The organisations named by ``values`` (one per field of ``_attributed[model]``)."""
    ids: set = set()
    for (_, related), value in zip(_attributed[model], values, strict=True):
        if value is None:
            continue
        if related is None:
            ids.add(value)
        else:
            row = related._base_manager.filter(pk=value).values_list(*(a for a, _ in _attributed[related])).first()
            if row is None:
                return {_GLOBAL}
            ids |= {v for v in row if v is not None}
    return ids


def _loaded(instance) -> tuple | None:
    """The instance's values of its organisation fields, None when one is not loaded."""
    names = [attname for attname, _ in _attributed[type(instance)]]
    if any(name not in instance.__dict__ for name in names):
        return None
    return tuple(instance.__dict__[name] for name in names)


def organisations_of(records: Iterable) -> set | None:
    """The organisations rows of ``ATTRIBUTED`` models belong to, for a bulk write's
    :func:`mark_changed`; None (every figure) when one of them cannot be attributed."""
    ids: set = set()
    for record in records:
        model = type(record)
        values = _loaded(record) if model in _attributed else None
        if values is None:
            return None
        ids |= _org_ids(model, values)
    return ids


def _before_save(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if sender not in _attributed or instance._state.adding or instance.pk is None:
        return
    names = [attname for attname, _ in _attributed[sender]]
    if update_fields is not None and not {n.removesuffix("_id") for n in names} & {
        f.removesuffix("_id") for f in update_fields
    }:
        return
    # What the row named before: an update that moves it (a transfer) changes both sides.
    instance._figures_before = sender._base_manager.filter(pk=instance.pk).values_list(*names).first()


def _on_write(sender, instance=None, **kwargs) -> None:
    if sender._meta.app_label not in WATCHED_APPS or isinstance(instance, HistoricalChanges):
        return
    if sender not in _attributed or instance is None:
        mark_changed()
        return
    values = _loaded(instance)
    if values is None:
        mark_changed()
        return
    targets = _org_ids(sender, values)
    before = instance.__dict__.pop("_figures_before", None)
    if before is not None and before != values:
        targets |= _org_ids(sender, before)
    mark_changed(targets or None, app=sender._meta.app_label)


def _on_m2m(sender, instance, action, model, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    from branches.models import Organisation

    if sender._meta.app_label not in WATCHED_APPS:
        return
    owner = type(instance)
    values = _loaded(instance) if owner in _attributed else None
    if values is None or (model is Organisation and pk_set is None):
        mark_changed()  # a relation between configuration rows, or a clear of organisations
        return
    # A relation of an attributed row (an activity's attendees) belongs to that row's
    # organisations, and to the organisations it names when it names some.
    targets = _org_ids(owner, values)
    if model is Organisation:
        targets |= set(pk_set)
    mark_changed(targets or None, app=sender._meta.app_label)


def connect() -> None:
    from branches.models import Organisation

    for label, fields in ATTRIBUTED.items():
        model = apps.get_model(label)
        entries = []
        for name in fields:
            field = model._meta.get_field(name)
            related = field.related_model
            entries.append((field.attname, None if related is Organisation else related))
        _attributed[model] = tuple(entries)
    for model, entries in _attributed.items():
        for _, related in entries:
            if related is not None and (related not in _attributed or any(r for _, r in _attributed[related])):
                raise LookupError(f"{model.__name__} names {related}: list it with organisation fields only")
    pre_save.connect(_before_save, dispatch_uid="figures-freshness-pre-save")
    post_save.connect(_on_write, dispatch_uid="figures-freshness-post_save")
    post_delete.connect(_on_write, dispatch_uid="figures-freshness-post_delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="figures-freshness-m2m")
