"""Shared pieces of the demo: campaigns, the record builder, helpers."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from branches.demo import DemoTree
from branches.models import Kind, Organisation
from core.review.models import Status

from ..models import DEFAULT_DIMENSION, Activity, Audience, Campaign, Dimension
from ..periods import add_months, month_end

FIRST_MONTH = date(2024, 1, 1)

MAY_FOURTH_PERSONS = 4560
CHILDREN_DAY_PIONEERS = 11560
LEIFENG_STATION_ACTIVITIES = 26
H1_2024_POSTS = 166

FESTIVALS_2024 = [  # (festival, date, how many 雷锋超市 activities): 8 + 6 + 6 + 6 = 26
    ("春节", date(2024, 2, 10), 8),
    ("元宵节", date(2024, 2, 24), 6),
    ("清明节", date(2024, 4, 4), 6),
    ("端午节", date(2024, 6, 10), 6),
]


@dataclass
class DemoActivities:
    activities: int = 0
    values: int = 0
    campaigns: dict[str, Campaign] = field(default_factory=dict)


def split_exactly(total: int, parts: int, rng: random.Random, low: int, high: int) -> list[int]:
    """``parts`` integers that add up to exactly ``total``, each roughly in [low, high]."""
    weights = [rng.randint(low, high) for _ in range(parts)]
    scale = sum(weights)
    shares = [total * w // scale for w in weights]
    for i in range(total - sum(shares)):
        shares[i % parts] += 1
    return shares


def moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class Builder:
    def __init__(self, rng: random.Random, tree: DemoTree, today: date):
        self.rng = rng
        self.tree = tree
        self.today = today
        self.rows: list[Activity] = []
        users = {u.username: u for u in User.objects.filter(username__in=["staff", "secretary_a", "secretary_b"])}
        self.staff = users.get("staff")
        by_pk = {o.pk: o for o in tree.all}
        self.owners = [(by_pk[u.organisation_id].path, u) for u in users.values() if u.organisation_id in by_pk]
        orgs = tree.all
        self.branches = [o for o in orgs if o.kind == Kind.BRANCH]
        self.committees = [
            o
            for o in orgs
            if o.kind in (Kind.SUBDISTRICT, Kind.PARK, Kind.COMMITTEE, Kind.SCHOOL)
            and o.depth == tree.district.depth + 1
        ]
        self.regular_meeting_orgs = [o for o in orgs if o.directly_managed or o.kind == Kind.SCHOOL]
        self.brigades = [o for o in orgs if o.kind == Kind.BRIGADE]
        self.squadrons = [o for o in orgs if o.kind == Kind.SQUADRON]
        self.community_branches = [o for o in self.branches if "社区" in o.name]
        self.youth_units = [o for o in orgs if o.kind in (Kind.BRANCH, Kind.SCHOOL, Kind.SUBDISTRICT, Kind.PARK)]

    def secretary_for(self, org: Organisation):
        return next((user for path, user in self.owners if org.path.startswith(path)), None)

    def add(
        self,
        *,
        org: Organisation,
        title: str,
        kind: str,
        day: date,
        dimension: str | None = None,
        campaign: Campaign | None = None,
        audience: str = Audience.MEMBERS_YOUTH,
        participants: int | None = None,
        person_times: int | None = None,
        hours: Decimal | None = None,
        location: str = "",
        summary: str = "",
        end: date | None = None,
        notable: bool = False,
        sessions: int = 1,
        session_unit: str = "场",
        reach: str = "",
        participants_qualifier: str = "",
        person_times_qualifier: str = "",
    ) -> Activity | None:
        if day > self.today:
            return None
        author = self.secretary_for(org) or self.staff
        submitted = moment(min(day + timedelta(days=self.rng.randint(0, 3)), self.today), 18)
        reviewed = moment(min(day + timedelta(days=self.rng.randint(2, 7)), self.today), 10)
        activity = Activity(
            title=title,
            organisation=org,
            kind=kind,
            dimension=dimension or DEFAULT_DIMENSION[kind],
            campaign=campaign,
            start_date=day,
            end_date=end,
            location=location or org.display_name,
            summary=summary or f"{org.display_name}组织开展{title}。",
            audience=audience,
            participants=participants,
            person_times=person_times,
            hours=hours,
            notable=notable,
            sessions=sessions,
            session_unit=session_unit,
            reach=reach,
            participants_qualifier=participants_qualifier,
            person_times_qualifier=person_times_qualifier,
            status=Status.APPROVED,
            created_by=author,
            submitted_by=author,
            submitted_at=submitted,
            reviewed_by=self.staff,
            reviewed_at=max(reviewed, submitted),
            created_at=moment(day, 17),
        )
        activity._history_date = activity.created_at
        activity._history_user = author
        self.rows.append(activity)
        return activity


def make_campaigns(today: date) -> dict[str, Campaign]:
    specs = []
    for year in (2024, 2025, 2026):
        specs += [
            (
                f"{year}年寒假自护教育",
                Dimension.BRIDGE,
                date(year, 1, 10),
                date(year, 2, 28),
                "寒假期间开展青少年自护教育。",
            ),
            (
                f"{year}年“情满旅途”返乡快车道行动",
                Dimension.BRIDGE,
                date(year, 1, 20),
                date(year, 3, 5),
                "春运期间为外出（来）务工青年返乡提供志愿服务。",
            ),
            (
                f"{year}年“学雷锋志愿服务月”",
                Dimension.BRIDGE,
                date(year, 3, 1),
                date(year, 3, 31),
                "三月学雷锋志愿服务月。",
            ),
            (
                f"{year}年“五四”青年文化节",
                Dimension.UNITE_YOUTH,
                date(year, 4, 20),
                date(year, 5, 31),
                "组织基层团组织开展青年文化节主题团日活动。",
            ),
            (
                f"{year}年“六一”争做新时代好队员",
                Dimension.UNITE_YOUTH,
                date(year, 5, 20),
                date(year, 6, 10),
                "组织学校开展“争做新时代好队员”主题宣传教育系列活动。",
            ),
            (
                f"{year}年“保护母亲河·争当河小青”",
                Dimension.SERVE_OVERALL,
                date(year, 6, 1),
                date(year, 6, 30),
                "维护柳江河畔清洁卫生，保护生态家园。",
            ),
            (
                f"{year}年“我们的节日”雷锋超市主题教育",
                Dimension.UNITE_YOUTH,
                date(year, 1, 1),
                date(year, 12, 31),
                "以传统节日为契机，在“雷锋超市”志愿服务站开展主题教育。",
            ),
            (
                f"{year}年“青年大学习”行动",
                Dimension.UNITE_YOUTH,
                date(year, 1, 1),
                date(year, 12, 31),
                "常态化开展“青年大学习”。",
            ),
            (
                f"{year}年“12·5”国际志愿者日",
                Dimension.SERVE_OVERALL,
                date(year, 12, 1),
                date(year, 12, 10),
                "国际志愿者日系列活动。",
            ),
            (
                f"{year}年创业创新沙龙进社区",
                Dimension.SERVE_OVERALL,
                date(year, 7, 1),
                date(year, 8, 31),
                "组织街道团工委开展创业创新培训。",
            ),
        ]
    # How the summary writes a campaign whose name is a theme, not a time (see Campaign.phrase).
    phrases = {"“六一”争做新时代好队员": "“六一”期间，围绕“争做新时代好队员”主题"}
    made = {}
    objs = []
    for name, dimension, start, end, description in specs:
        campaign = Campaign(
            name=name,
            dimension=dimension,
            start_date=start,
            end_date=end,
            description=description,
            phrase=phrases.get(name[5:], ""),
            active=end >= today - timedelta(days=365),
        )
        objs.append(campaign)
    for campaign in Campaign.objects.bulk_create(objs):
        made[campaign.name] = campaign
    return made


def months_until(today: date):
    month = FIRST_MONTH
    while month <= today:
        yield month
        month = add_months(month, 1)


def day_in(month: date, rng: random.Random, today: date) -> date:
    last = min(month_end(month), today)
    return month + timedelta(days=rng.randint(0, (last - month).days))
