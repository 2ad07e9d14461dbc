"""The reconcile for a city-sized tree: a constant number of queries, not one per organisation."""

import time
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from activities.models import Activity, ActivityKind, Indicator, IndicatorValue
from branches.models import Kind, Organisation
from core.review.models import Status
from obligations.models import Frequency, Message, Reminder
from obligations.services import reminders_reconcile

from ..factories import UserFactory
from .conftest import at
from .factories import ObligationFactory

pytestmark = pytest.mark.usefixtures("no_default_obligations")

NOW = at("2026-11-25 08:30")
BRANCHES_PER_COMMITTEE = 100


def _grow(root: Organisation, committees: int, start: int) -> list[Organisation]:
    """Add ``committees`` sub-districts with 100 branches each under ``root`` (bulk, paths by hand)."""
    made = []
    for c in range(start, start + committees):
        path = f"{root.path}{c:04d}"
        made.append(
            Organisation(
                name=f"第{c}街道团工委", kind=Kind.SUBDISTRICT, path=path, depth=2, numchild=BRANCHES_PER_COMMITTEE
            )
        )
        made += [
            Organisation(name=f"第{c}街道第{b}团支部", kind=Kind.BRANCH, path=f"{path}{b:04d}", depth=3, numchild=0)
            for b in range(1, BRANCHES_PER_COMMITTEE + 1)
        ]
    Organisation.objects.bulk_create(made, batch_size=500)
    Organisation.objects.filter(pk=root.pk).update(numchild=start + committees - 1)
    return list(Organisation.objects.filter(path__in=[o.path for o in made], kind=Kind.BRANCH))


def _ten_obligations() -> None:
    kinds = [
        (ActivityKind.COMMITTEE_MEETING, Frequency.MONTH),
        (ActivityKind.GROUP_MEETING, Frequency.MONTH),
        (ActivityKind.GENERAL_MEETING, Frequency.QUARTER),
        (ActivityKind.LEAGUE_LECTURE, Frequency.QUARTER),
        (ActivityKind.THEME_DAY, Frequency.MONTH),
        (ActivityKind.VOLUNTEER, Frequency.HALF_YEAR),
        (ActivityKind.GRASSROOTS_VISIT, Frequency.WEEK),
    ]
    for kind, frequency in kinds:
        ObligationFactory(
            activity_kinds=[kind],
            frequency=frequency,
            lead_days=6 if frequency == Frequency.WEEK else 10,
            active_from=date(2026, 1, 1),
        )
    ObligationFactory(
        activity_kinds=[ActivityKind.THEMATIC_STUDY, ActivityKind.TRAINING],
        min_count=None,
        min_hours=Decimal("8"),
        active_from=date(2026, 1, 1),
    )
    for code in ("appraisal_members", "registration_done"):
        ObligationFactory(
            activity_kinds=[],
            min_count=None,
            indicator=Indicator.objects.get(code=code),
            indicator_min=1,
            frequency=Frequency.YEAR,
            lead_days=40,
            active_from=date(2026, 1, 1),
        )


def _meet_everything(branches: list[Organisation]) -> None:
    """Every branch holds its meetings, except the ones the test watches."""
    day = date(2026, 11, 23)
    indicators = list(Indicator.objects.filter(code__in=["appraisal_members", "registration_done"]))
    activities, values = [], []
    for org in branches:
        for kind in (
            ActivityKind.COMMITTEE_MEETING,
            ActivityKind.GROUP_MEETING,
            ActivityKind.GENERAL_MEETING,
            ActivityKind.LEAGUE_LECTURE,
            ActivityKind.THEME_DAY,
            ActivityKind.VOLUNTEER,
            ActivityKind.GRASSROOTS_VISIT,
        ):
            activities.append(
                Activity(
                    title="会议",
                    organisation=org,
                    kind=kind,
                    dimension="govern_strictly",
                    start_date=day,
                    status=Status.APPROVED,
                )
            )
        activities.append(
            Activity(
                title="学习",
                organisation=org,
                kind=ActivityKind.THEMATIC_STUDY,
                dimension="unite_youth",
                start_date=day,
                hours=Decimal("8"),
                status=Status.APPROVED,
            )
        )
        values += [
            IndicatorValue(indicator=indicator, organisation=org, month=date(2026, 6, 1), value=5)
            for indicator in indicators
        ]
    Activity.objects.bulk_create(activities, batch_size=1000)
    IndicatorValue.objects.bulk_create(values, batch_size=1000)


def _measure() -> tuple[int, object]:
    Reminder.objects.all().delete()
    Message.objects.all().delete()
    mail.outbox.clear()
    cache.clear()  # both runs start cold: freshness caches the paths it bumps (one query, once)
    with CaptureQueriesContext(connection) as ctx:
        result = reminders_reconcile(now=NOW)
    return len(ctx), result


@pytest.mark.django_db
def test_reconcile_queries_do_not_grow_with_5000_organisations(district, staff):
    staff.email = "staff@league.example.cn"
    staff.save()
    _ten_obligations()
    root = district.root
    small = _grow(root, 5, start=10)  # 505 organisations
    # Three watched branches with a secretary each, who meet nothing: the same reminders at any size.
    watched = small[:3]
    for i, org in enumerate(watched):
        UserFactory(username=f"watched{i}", role=Role.SECRETARY, organisation=org, email=f"w{i}@league.example.cn")
    _meet_everything([org for org in small if org not in watched])
    before = Organisation.objects.count()
    started = time.perf_counter()
    queries_small, result_small = _measure()
    small_seconds = time.perf_counter() - started

    large = _grow(root, 45, start=20)  # 4,545 more: over 5,000 organisations
    _meet_everything(large)
    assert Organisation.objects.count() - before == 45 * (BRANCHES_PER_COMMITTEE + 1)
    assert Organisation.objects.count() >= 5000
    started = time.perf_counter()
    queries_large, result_large = _measure()
    large_seconds = time.perf_counter() - started

    assert result_small.summary == result_large.summary
    assert result_large.sent >= 3 * 10  # every watched branch misses all ten (some staff notices besides)
    assert queries_large == queries_small
    # compute (obligations, organisations, activities, indicators, contacts, terms) twice, claim
    # (a handful), then per e-mail: a lease UPDATE and SELECT per chunk of ten, and two UPDATEs per
    # e-mail (the row claimed right before its send, then marked sent).
    per_email = 2 + 2 / 10
    assert queries_large <= 30 + per_email * result_large.sent + 2
    print(
        f"\nreconcile: {before} organisations {queries_small} queries {small_seconds:.2f}s; "
        f"{Organisation.objects.count()} organisations × 10 obligations {queries_large} queries {large_seconds:.2f}s"
    )
