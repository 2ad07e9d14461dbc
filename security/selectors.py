"""Reads behind the staff's security pages: current lockouts and the change history."""

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Max, OuterRef, Subquery, Sum
from django.utils import timezone
from simple_history.models import registered_models

from core.audit import mask_id_numbers

# --- Lockouts ------------------------------------------------------------------


@dataclass(frozen=True)
class Lockout:
    username: str
    ip_address: str | None
    failures: int
    last_attempt: datetime
    locked_until: datetime | None


def lockout_list() -> list[Lockout]:
    """The username/address pairs axes currently refuses, newest first.

    Mirrors axes' own rule: failures counted within the cool-off window, per
    (username, address) pair, at or over the limit.
    """
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.all()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    rows = (
        attempts.order_by()
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last_attempt=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last_attempt")
    )
    return [
        Lockout(
            username=row["username"] or "",
            ip_address=row["ip_address"],
            failures=row["failures"],
            last_attempt=row["last_attempt"],
            locked_until=row["last_attempt"] + cool_off if cool_off is not None else None,
        )
        for row in rows
    ]


# --- Change history (django-simple-history) ------------------------------------


@functools.cache
def history_models() -> dict[str, type]:
    """Every model with a change history, as {"app_label.model": historical model}.

    Kept for the process: models register their history when the apps load, and reading
    ``Model.history`` builds a new manager class each time (simple_history's descriptor).
    """
    found = {}
    for model in registered_models.values():
        attribute = getattr(model._meta, "simple_history_manager_attribute", None)
        if attribute is None or not hasattr(model, attribute):
            continue
        found[model._meta.label_lower] = getattr(model, attribute).model
    return dict(sorted(found.items(), key=lambda item: str(item[1].instance_type._meta.verbose_name)))


@dataclass
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass
class HistoryRow:
    record: object
    object_label: str
    changes: list[HistoryChange] = field(default_factory=list)


def history_queryset(history_model):
    """A model's change history, newest first, each row annotated with its previous version's id."""
    previous = (
        history_model.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return (
        history_model.objects.select_related("history_user")
        .annotate(previous_history_id=Subquery(previous))
        .order_by("-history_date", "-history_id")
    )


def history_page_rows(records) -> list[HistoryRow]:
    """Each historical record with what it changed; the previous versions in one query.

    Values pass through ``mask_id_numbers``: a full ID is revealed on the member's page,
    with an audit row, not in the history.
    """
    records = list(records)
    if not records:
        return []
    history_model = type(records[0])
    previous = history_model.objects.in_bulk(
        [r.previous_history_id for r in records if r.previous_history_id is not None]
    )
    labels = [_label(version) for version in _versions_with_relations(records)]
    return [
        HistoryRow(record, label, _changes(record, previous.get(record.previous_history_id)))
        for record, label in zip(records, labels, strict=True)
    ]


def _versions_with_relations(records) -> list:
    """Each record's version as an instance of its model, with what its foreign keys point at
    loaded in one query per related model rather than one per row (a report's label names
    its organisation). Built from the version itself: ``.instance`` would query excluded fields."""
    versions = [record.history_object for record in records]
    keys_by_model = defaultdict(list)
    for key in records[0].instance_type._meta.concrete_fields:
        if key.many_to_one:
            keys_by_model[key.related_model].append(key)
    for related_model, keys in keys_by_model.items():
        ids = {getattr(version, key.attname) for key in keys for version in versions} - {None}
        targets = related_model._base_manager.in_bulk(ids) if ids else {}
        for key in keys:
            for version in versions:
                if (target := targets.get(getattr(version, key.attname))) is not None:
                    key.set_cached_value(version, target)
    return versions


def _label(version) -> str:
    try:
        text = str(version)
    except ObjectDoesNotExist:  # it names something deleted since
        text = f"{version._meta.verbose_name} #{version.pk}"
    return mask_id_numbers(text)


def _changes(record, previous) -> list[HistoryChange]:
    """What a version set: every filled field when created, the differing ones when changed."""
    if record.history_type == "-":
        return []
    model = record.instance_type
    changes = []
    for f in record.tracked_fields:
        if not f.editable or f.name == model._meta.pk.name:
            continue
        new = getattr(record, f.attname, None)
        if previous is None:
            if new in (None, ""):
                continue
            changes.append(HistoryChange(str(f.verbose_name), "", _show(f, new)))
            continue
        old = getattr(previous, f.attname, None)
        if old != new:
            changes.append(HistoryChange(str(f.verbose_name), _show(f, old), _show(f, new)))
    return changes


def _show(model_field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        value = dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return mask_id_numbers(str(value))
