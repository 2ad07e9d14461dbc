"""Demo activities and indicator figures for the XX区 district, January 2024 to today.

The first half of 2024 mirrors the source document (区团委2024年上半年工作总结): 30余场
五四 theme league days covering exactly 4560 members and youth, 20余场 六一 activities
covering exactly 11560 young pioneers, 26 activities at 雷锋超市 stations around the
traditional festivals, the June river-protection activity, the bridge activities it
names, organisational life across the branches, and 166 posts with just under 40000
reads on the 青春XX account. Everything is bulk-created from one seeded random source.
"""

import random
from datetime import date

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from branches.demo import DemoTree
from core.review.models import Status

from ..models import Activity, ActivityFile, Campaign, IndicatorValue
from ..services import activity_return_notices
from .base import Builder, DemoActivities, make_campaigns
from .figures import indicator_values
from .routine import later_years, leave_a_handful_unapproved, organisational_life
from .series import series_and_source_figures
from .source_document import first_half_2024

HISTORY_DAYS = 120


def load(rng: random.Random, tree: DemoTree, *, today: date | None = None) -> DemoActivities:
    today = today or timezone.localdate()
    campaigns = make_campaigns(today)
    b = Builder(rng, tree, today)

    def c(year: int, key: str) -> Campaign:
        return next(camp for name, camp in campaigns.items() if name.startswith(f"{year}年") and key in name)

    first_half_2024(b, rng, c)
    organisational_life(b, rng, today)
    later_years(b, rng, today, c)
    series_and_source_figures(b)
    leave_a_handful_unapproved(b, rng, today)
    # History rows only for the recent records people open; older ones are plain rows,
    # which halves the writes of a demo load.
    recent = [a for a in b.rows if (today - a.start_date).days <= HISTORY_DAYS]
    Activity.objects.bulk_create([a for a in b.rows if (today - a.start_date).days > HISTORY_DAYS], batch_size=1000)
    bulk_create_with_history(recent, Activity, batch_size=1000)
    # What every return writes for the secretary (activity_return_notices): the returned records'
    # messages, so that the inbox and the home's banner show them from the start.
    for activity in (a for a in recent if a.status == Status.RETURNED and a.reviewed_by_id):
        activity_return_notices(activities=[activity], reviewer=activity.reviewed_by, comment=activity.review_comment)
    values = indicator_values(rng, tree, today)
    return DemoActivities(activities=len(b.rows), values=values, campaigns=campaigns)


def reset() -> None:
    """Remove the demo's activities, files, campaigns and figures (with their history).

    Raw deletes: the ordinary delete would write a history row per deleted record.
    """
    for stored in ActivityFile.objects.all():
        stored.file.delete(save=False)
    ActivityFile.objects.all().delete()
    for model in (IndicatorValue, Activity):
        model.history.all()._raw_delete(model.history.db)
        model.objects.all()._raw_delete(model.objects.db)
    Campaign.objects.all().delete()
