"""The demo's organisational life: a realistic mix of met, due and overdue, and reminders already sent.

The mix comes from real records: for each organisation and obligation in the current and
the previous period this step decides (with the seeded rng) whether it was held, is
awaiting review or was missed, and adds the activity records or indicator entries that
make it so, unless the records already there (from the activities demo) settle it.
The inboxes are then filled by the real reminder run at fixed times: the first day of
this month (last month's overdue notices, most of them read since) and this morning.
"""

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.mail import get_connection
from django.utils import timezone

from accounts.models import Role, User
from activities.models import DEFAULT_DIMENSION, Activity, Audience, Indicator, IndicatorValue
from activities.periods import month_start
from branches.demo import DemoTree
from core.review.models import Status

from . import defaults, selectors
from .models import Message, Obligation, Reminder
from .services import reminders_reconcile

SHANGHAI = ZoneInfo("Asia/Shanghai")
RUN_AT = time(8, 30)

# Of the pairs the activities demo left unmet: (now met, awaiting review); the rest stay missed.
PREVIOUS_MIX = (0.35, 0.0)
CURRENT_MIX = (0.25, 0.2)
# Records awaiting review stay a handful across the whole demo, as staff review promptly.
PENDING_RECORDS = 15

TITLES = {
    "thematic_study": [
        "专题学习：习近平总书记关于青年工作的重要思想",
        "专题学习：团章和团的基本知识",
        "专题学习：党的创新理论",
    ],
    "committee_meeting": ["支委会：研究本月团员教育管理工作", "支委会：部署主题团日活动"],
    "group_meeting": ["团小组会：学习交流", "团小组会：志愿服务安排"],
    "general_meeting": ["支部团员大会", "支部团员大会：通报工作、发展团员"],
    "league_lecture": ["团课：青春向党 奋斗强国", "团课：团的光荣历史"],
    "regular_meeting": ["团队工作例会", "季度工作例会"],
    "grassroots_visit": ["到基层团组织走访调研"],
}


def _last_run(now: datetime) -> datetime:
    """The most recent 08:30 in Beijing: when beat would last have fired."""
    local = now.astimezone(SHANGHAI)
    at = datetime.combine(local.date(), RUN_AT, tzinfo=SHANGHAI)
    return at if at <= local else at - timedelta(days=1)


def _activity(rng, cell: selectors.Cell, status: str, today, reviewer) -> list[Activity]:
    ob, period = cell.obligation, cell.period
    kind = ob.activity_kinds[0]
    # What is still missing; a cadre obligation's minimum is per cadre (cell.required_*).
    needed = max((cell.required_count or 1) - cell.approved_count, 1)
    hours_each = None
    if cell.required_hours:
        # Enough sessions of 2 to 4 hours to reach the monthly minimum.
        needed = max(needed, 3)
        missing = cell.required_hours - cell.approved_hours
        hours_each = (missing / needed + Decimal("0.5")).quantize(Decimal("0.5"))
    last_day = min(period.end, today)
    span = (last_day - period.start).days
    made = []
    for _ in range(needed):
        day = period.start + timedelta(days=rng.randint(0, span))
        logged = datetime.combine(day, time(18, 0), tzinfo=SHANGHAI)
        made.append(
            Activity(
                title=rng.choice(TITLES.get(kind, ["组织生活"])),
                organisation=cell.organisation,
                kind=kind,
                dimension=DEFAULT_DIMENSION[kind],
                start_date=day,
                location=f"{cell.organisation.display_name}活动室",
                summary=f"{cell.organisation.name}按照“{ob.name}”的要求开展。",
                audience=Audience.CADRES if ob.min_hours or ob.for_cadres else Audience.MEMBERS_YOUTH,
                participants=rng.randint(1, 3) if ob.for_cadres else rng.randint(6, 35),
                hours=hours_each if hours_each else (Decimal("1.5") if kind == "thematic_study" else None),
                status=status,
                submitted_at=logged,
                reviewed_at=logged + timedelta(days=1) if status == Status.APPROVED else None,
                reviewed_by=reviewer if status == Status.APPROVED else None,
            )
        )
    return made


def _settle(rng, result: selectors.Compliance, mix, today, reviewer, activities: list, values: list) -> None:
    met_share, pending_share = mix
    for cell in result.cells.values():
        if cell.met:
            continue
        draw = rng.random()
        if draw >= met_share + pending_share:
            continue  # missed: nothing logged
        status = Status.APPROVED if draw < met_share else Status.SUBMITTED
        if status == Status.SUBMITTED and (
            cell.obligation.uses_indicator or sum(a.status == Status.SUBMITTED for a in activities) >= PENDING_RECORDS
        ):
            continue
        if cell.obligation.uses_indicator:
            month = month_start(min(cell.period.end, today))
            values.append(
                IndicatorValue(
                    indicator=cell.obligation.indicator,
                    organisation=cell.organisation,
                    month=month,
                    value=Decimal(rng.randint(8, 40)),
                    entered_by=reviewer,
                )
            )
            continue
        activities += _activity(rng, cell, status, today, reviewer)


@dataclass
class DemoObligations:
    activities: int  # records this step added
    indicator_values: int
    reminders: int  # ledger rows after both runs
    messages: int


def load(rng: random.Random, tree: DemoTree) -> DemoObligations:
    """Add the records behind the compliance mix and run the reminder service twice."""
    defaults.install(Obligation, Indicator)
    now = _last_run(timezone.now())
    today = now.date()
    reviewer = User.objects.filter(role=Role.STAFF).order_by("id").first()
    obligations = list(Obligation.objects.enabled().select_related("indicator"))
    activities: list[Activity] = []
    values: list[IndicatorValue] = []
    for offset, mix in ((-1, PREVIOUS_MIX), (0, CURRENT_MIX)):
        result = selectors.compliance(obligations=obligations, today=today, offset=offset)
        _settle(rng, result, mix, today, reviewer, activities, values)
    Activity.objects.bulk_create(activities, batch_size=500)
    IndicatorValue.objects.bulk_create(values, batch_size=500, ignore_conflicts=True)

    # The reminder run as beat would have made it: on the first of the month (most of
    # those notices read since), then this morning.
    connection = get_connection("django.core.mail.backends.locmem.EmailBackend")
    first = datetime.combine(today.replace(day=1), RUN_AT, tzinfo=SHANGHAI)
    if first < now:
        reminders_reconcile(now=first, connection=connection)
        earlier = list(Message.objects.filter(created_at__lte=first).order_by("id").values_list("id", flat=True))
        read = [pk for pk in earlier if rng.random() < 0.7]
        Message.objects.filter(pk__in=read).update(read_at=first + timedelta(hours=3))
    reminders_reconcile(now=now, connection=connection)
    return DemoObligations(len(activities), len(values), Reminder.objects.count(), Message.objects.count())


def reset() -> None:
    """Remove the ledger and the inbox, and restore the default obligations as the migration made them.

    The activity records this step added go with the activities demo's reset.
    """
    Message.objects.all().delete()
    Reminder.objects.all().delete()
    Obligation.objects.filter(code__isnull=True).delete()
    defaults.install(Obligation, Indicator, overwrite=True)
    Obligation.history.all().delete()
