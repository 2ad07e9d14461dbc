"""Demo activities and indicator figures for the XX区 district, January 2024 to today.

The first half of 2024 mirrors the source document (区团委2024年上半年工作总结): 30余场
五四 theme league days covering exactly 4560 members and youth, 20余场 六一 activities
covering exactly 11560 young pioneers, 26 activities at 雷锋超市 stations around the
traditional festivals, the June river-protection activity, the bridge activities it
names, organisational life across the branches, and 166 posts with just under 40000
reads on the 青春XX account. Everything is bulk-created from one seeded random source.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from branches.demo import DemoTree
from branches.models import Kind, Organisation

from .models import (
    Activity,
    ActivityFile,
    ActivityKind,
    Audience,
    Campaign,
    Dimension,
    Indicator,
    IndicatorValue,
    Status,
)
from .periods import add_months, month_end

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


def _split(total: int, parts: int, rng: random.Random, low: int, high: int) -> list[int]:
    """``parts`` integers that add up to exactly ``total``, each roughly in [low, high]."""
    weights = [rng.randint(low, high) for _ in range(parts)]
    scale = sum(weights)
    shares = [total * w // scale for w in weights]
    for i in range(total - sum(shares)):
        shares[i % parts] += 1
    return shares


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class _Builder:
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
    ) -> Activity | None:
        if day > self.today:
            return None
        from .models import DEFAULT_DIMENSION

        author = self.secretary_for(org) or self.staff
        submitted = _moment(min(day + timedelta(days=self.rng.randint(0, 3)), self.today), 18)
        reviewed = _moment(min(day + timedelta(days=self.rng.randint(2, 7)), self.today), 10)
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
            status=Status.APPROVED,
            created_by=author,
            submitted_by=author,
            submitted_at=submitted,
            reviewed_by=self.staff,
            reviewed_at=max(reviewed, submitted),
            created_at=_moment(day, 17),
        )
        activity._history_date = activity.created_at
        activity._history_user = author
        self.rows.append(activity)
        return activity


def _campaigns(today: date) -> dict[str, Campaign]:
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
    made = {}
    objs = []
    for name, dimension, start, end, description in specs:
        campaign = Campaign(
            name=name,
            dimension=dimension,
            start_date=start,
            end_date=end,
            description=description,
            active=end >= today - timedelta(days=365),
        )
        objs.append(campaign)
    for campaign in Campaign.objects.bulk_create(objs):
        made[campaign.name] = campaign
    return made


def load(rng: random.Random, tree: DemoTree, *, today: date | None = None) -> DemoActivities:
    today = today or timezone.localdate()
    campaigns = _campaigns(today)
    b = _Builder(rng, tree, today)
    district = tree.district
    pioneers = tree.pioneer_committee

    def c(year: int, key: str) -> Campaign:
        return next(camp for name, camp in campaigns.items() if name.startswith(f"{year}年") and key in name)

    # --- 2024 H1: what the source document reports ---------------------------------
    may4_count = rng.randint(32, 37)
    units = rng.sample([o for o in b.youth_units if o.kind != Kind.SUBDISTRICT], may4_count)
    for org, persons in zip(units, _split(MAY_FOURTH_PERSONS, may4_count, rng, 70, 220), strict=True):
        day = date(2024, 4, 25) + timedelta(days=rng.randint(0, 15))
        b.add(
            org=org,
            title=f"“青春心向党·奋进新时代”{org.display_name}青年文化节主题团日",
            kind=ActivityKind.THEME_DAY,
            day=day,
            campaign=c(2024, "五四"),
            participants=persons,
            person_times=persons + rng.choice([0, 0, 0, rng.randint(5, 30)]),
            location=f"{org.display_name}活动室",
        )
    june1_count = rng.randint(21, 27)
    hosts = rng.sample(b.brigades + b.squadrons, june1_count)
    for org, pioneers_n in zip(hosts, _split(CHILDREN_DAY_PIONEERS, june1_count, rng, 200, 800), strict=True):
        day = date(2024, 5, 24) + timedelta(days=rng.randint(0, 12))
        b.add(
            org=org,
            title=f"“争做新时代好队员”{org.display_name}主题宣传教育活动",
            kind=ActivityKind.PUBLICITY,
            dimension=Dimension.UNITE_YOUTH,
            day=day,
            campaign=c(2024, "六一"),
            audience=Audience.PIONEERS,
            participants=pioneers_n,
            location=f"{org.display_name}",
        )
    stations = b.community_branches or b.branches
    for festival, day, count in FESTIVALS_2024:
        for org in rng.sample(stations, count):
            persons = rng.randint(18, 60)
            b.add(
                org=org,
                title=f"“我们的节日·{festival}”雷锋超市主题教育活动",
                kind=ActivityKind.VOLUNTEER,
                dimension=Dimension.UNITE_YOUTH,
                day=day - timedelta(days=rng.randint(0, 3)),
                campaign=c(2024, "雷锋超市"),
                participants=persons,
                person_times=persons,
                location=f"{org.display_name.replace('团支部', '')}“雷锋超市”志愿服务站",
            )
    b.add(
        org=district,
        title="“保护母亲河·争当河小青”柳江河畔清洁行动",
        kind=ActivityKind.VOLUNTEER,
        day=date(2024, 6, 15),
        campaign=c(2024, "母亲河"),
        participants=126,
        person_times=126,
        location="柳江河畔",
        summary="组织青年志愿者清理柳江河畔垃圾，宣传河道保护知识，以实际行动保护生态家园。",
        notable=True,
    )
    bridge = [
        (
            pioneers,
            "寒假自护教育活动",
            ActivityKind.LECTURE_TOUR,
            date(2024, 1, 22),
            None,
            "寒假",
            Audience.PIONEERS,
            860,
        ),
        (
            district,
            "“情满旅途”——外出（来）务工青年返乡快车道行动",
            ActivityKind.VOLUNTEER,
            date(2024, 1, 26),
            date(2024, 2, 8),
            "情满旅途",
            Audience.PUBLIC,
            240,
        ),
        (
            district,
            "2024年“学雷锋志愿服务月”活动",
            ActivityKind.VOLUNTEER,
            date(2024, 3, 1),
            date(2024, 3, 31),
            "学雷锋",
            Audience.MEMBERS_YOUTH,
            520,
        ),
        (
            district,
            "“研读十九大报告·XX青年话使命”演讲比赛",
            ActivityKind.CONTEST,
            date(2024, 4, 18),
            None,
            None,
            Audience.MEMBERS_YOUTH,
            150,
        ),
        (
            pioneers,
            "“拥抱新时代·争做好队员”征文比赛",
            ActivityKind.CONTEST,
            date(2024, 5, 8),
            date(2024, 5, 30),
            None,
            Audience.PIONEERS,
            430,
        ),
        (district, "青少年事务社工培训", ActivityKind.TRAINING, date(2024, 6, 6), None, None, Audience.CADRES, 45),
        (
            pioneers,
            "“民族大团结·奋进新时代”XX区青少年手抄报比赛",
            ActivityKind.CONTEST,
            date(2024, 4, 8),
            date(2024, 4, 26),
            None,
            Audience.PIONEERS,
            380,
        ),
        (
            district,
            "“青春携手·共创未来”青年联谊活动",
            ActivityKind.OTHER,
            date(2024, 5, 18),
            None,
            None,
            Audience.MEMBERS_YOUTH,
            96,
        ),
    ]
    for org, title, kind, day, end, key, audience, persons in bridge:
        b.add(
            org=org,
            title=title,
            kind=kind,
            dimension=Dimension.BRIDGE,
            day=day,
            end=end,
            campaign=c(2024, key) if key else None,
            audience=audience,
            participants=persons,
            hours=Decimal("8") if kind == ActivityKind.TRAINING else None,
            notable=True,
        )
    # Branch activities during the 学雷锋 month.
    for org in rng.sample(b.branches, 14):
        persons = rng.randint(10, 40)
        b.add(
            org=org,
            title=f"{org.display_name}学雷锋志愿服务",
            kind=ActivityKind.VOLUNTEER,
            day=date(2024, 3, rng.randint(2, 28)),
            campaign=c(2024, "学雷锋"),
            participants=persons,
            person_times=persons * rng.choice([1, 1, 2]),
        )

    # --- organisational life and study, every month up to today ---------------------
    _organisational_life(b, rng, today)
    # --- campaigns of later years and everyday activity --------------------------
    _later_years(b, rng, today, c)

    _leave_a_handful_unapproved(b, rng, today)
    bulk_create_with_history(b.rows, Activity, batch_size=1000)
    values = _indicator_values(rng, tree, today)
    return DemoActivities(activities=len(b.rows), values=values, campaigns=campaigns)


def _months(today: date):
    month = FIRST_MONTH
    while month <= today:
        yield month
        month = add_months(month, 1)


def _day_in(month: date, rng: random.Random, today: date) -> date:
    last = min(month_end(month), today)
    return month + timedelta(days=rng.randint(0, (last - month).days))


def _organisational_life(b: _Builder, rng: random.Random, today: date) -> None:
    """三会两制一课 in the branches, study sessions, regular meetings; realistic gaps."""
    topics = [
        "学习习近平总书记在庆祝中国共产主义青年团成立100周年大会上的重要讲话",
        "学习党的二十大精神",
        "学习《中国共产主义青年团章程》",
        "学习习近平总书记给青年的回信精神",
        "“青年大学习”网上主题团课交流",
        "学习全国两会精神",
    ]
    for month in _months(today):
        quarter_month = month.month in (3, 6, 9, 12)
        for org in b.branches:
            members = 8 + (org.pk * 7) % 30
            if rng.random() < 0.82:
                n = max(3, members // 4)
                b.add(
                    org=org,
                    title=f"{month.month}月支委会",
                    kind=ActivityKind.COMMITTEE_MEETING,
                    day=_day_in(month, rng, today),
                    participants=n,
                    person_times=n,
                    audience=Audience.CADRES,
                )
            if rng.random() < 0.6:
                n = max(3, members // 3)
                b.add(
                    org=org,
                    title=f"{month.month}月团小组会",
                    kind=ActivityKind.GROUP_MEETING,
                    day=_day_in(month, rng, today),
                    participants=n,
                    person_times=n,
                )
            if rng.random() < 0.78:
                n = max(4, members - rng.randint(0, 5))
                topic = topics[(month.month + org.pk) % len(topics)]
                b.add(
                    org=org,
                    title=f"专题学习：{topic}",
                    kind=ActivityKind.THEMATIC_STUDY,
                    day=_day_in(month, rng, today),
                    participants=n,
                    person_times=n,
                    hours=Decimal(rng.choice(["1.5", "2", "2", "2.5", "3"])),
                )
            if quarter_month and rng.random() < 0.85:
                b.add(
                    org=org,
                    title=f"{month.year}年第{(month.month - 1) // 3 + 1}季度支部大会",
                    kind=ActivityKind.GENERAL_MEETING,
                    day=_day_in(month, rng, today),
                    participants=members,
                    person_times=members,
                )
            if quarter_month and rng.random() < 0.8:
                b.add(
                    org=org,
                    title=f"{month.year}年第{(month.month - 1) // 3 + 1}季度团课",
                    kind=ActivityKind.LEAGUE_LECTURE,
                    day=_day_in(month, rng, today),
                    participants=members,
                    person_times=members,
                    hours=Decimal("1.5"),
                )
        if quarter_month:
            for org in b.regular_meeting_orgs:
                if rng.random() < 0.9:
                    title = "学校团队工作例会" if org.kind == Kind.SCHOOL else "直管团组织季度例会"
                    n = rng.randint(6, 20)
                    b.add(
                        org=org,
                        title=f"{month.year}年第{(month.month - 1) // 3 + 1}季度{title}",
                        kind=ActivityKind.REGULAR_MEETING,
                        day=_day_in(month, rng, today),
                        participants=n,
                        person_times=n,
                        audience=Audience.CADRES,
                    )
        # The committee's own cadres: a study session a month (at least 8 hours) and "4+1" visits.
        study_days = sorted(_day_in(month, rng, today) for _ in range(2))
        for i, day in enumerate(study_days):
            b.add(
                org=b.tree.district,
                title=f"区团委机关{month.month}月专题学习（{i + 1}）",
                kind=ActivityKind.THEMATIC_STUDY,
                day=day,
                participants=9,
                person_times=9,
                hours=Decimal(rng.choice(["4", "4.5", "5"])),
                audience=Audience.CADRES,
            )
        for org in rng.sample(b.committees, 4):
            b.add(
                org=b.tree.district,
                title=f"“4+1”下沉{org.display_name}开展工作",
                kind=ActivityKind.GRASSROOTS_VISIT,
                day=_day_in(month, rng, today),
                participants=2,
                person_times=2,
                audience=Audience.CADRES,
                location=org.display_name,
            )


def _later_years(b: _Builder, rng: random.Random, today: date, c) -> None:
    everyday = [
        (ActivityKind.VOLUNTEER, "文明交通劝导志愿服务", Audience.MEMBERS_YOUTH),
        (ActivityKind.VOLUNTEER, "社区环境整治志愿服务", Audience.MEMBERS_YOUTH),
        (ActivityKind.LECTURE_TOUR, "“青年大学习”宣讲", Audience.MEMBERS_YOUTH),
        (ActivityKind.PUBLICITY, "网络文明宣传", Audience.PUBLIC),
        (ActivityKind.CONTEST, "青年知识竞赛", Audience.MEMBERS_YOUTH),
        (ActivityKind.CEREMONY, "离队入团仪式", Audience.PIONEERS),
        (ActivityKind.TRAINING, "团干部业务培训", Audience.CADRES),
    ]
    for month in _months(today):
        if month < date(2024, 7, 1):
            continue
        for _ in range(rng.randint(8, 14)):
            kind, title, audience = rng.choice(everyday)
            org = rng.choice(b.youth_units)
            persons = rng.randint(12, 90)
            b.add(
                org=org,
                title=f"{org.display_name}{title}",
                kind=kind,
                day=_day_in(month, rng, today),
                audience=audience,
                participants=persons,
                person_times=persons + rng.randint(0, 20),
                hours=Decimal("3") if kind == ActivityKind.TRAINING else None,
            )
    # Plan for 2024 H2: seven entrepreneurship trainings in July and August.
    for i, org in enumerate(rng.sample(b.tree.subdistricts, min(6, len(b.tree.subdistricts))) + [b.tree.district]):
        persons = rng.randint(25, 60)
        b.add(
            org=org,
            title=f"创业创新沙龙进社区培训（第{i + 1}场）",
            kind=ActivityKind.TRAINING,
            dimension=Dimension.SERVE_OVERALL,
            day=date(2024, 7, 8) + timedelta(days=7 * i),
            campaign=c(2024, "创业创新"),
            participants=persons,
            person_times=persons,
            hours=Decimal("3"),
        )
    for year in (2025, 2026):
        for key, kind, audience, count, span, dim in (
            (
                "五四",
                ActivityKind.THEME_DAY,
                Audience.MEMBERS_YOUTH,
                rng.randint(24, 34),
                (date(year, 4, 25), 15),
                None,
            ),
            (
                "六一",
                ActivityKind.PUBLICITY,
                Audience.PIONEERS,
                rng.randint(18, 26),
                (date(year, 5, 24), 12),
                Dimension.UNITE_YOUTH,
            ),
            (
                "学雷锋",
                ActivityKind.VOLUNTEER,
                Audience.MEMBERS_YOUTH,
                rng.randint(10, 18),
                (date(year, 3, 2), 26),
                None,
            ),
            ("母亲河", ActivityKind.VOLUNTEER, Audience.MEMBERS_YOUTH, rng.randint(2, 5), (date(year, 6, 5), 20), None),
        ):
            pool = b.brigades + b.squadrons if audience == Audience.PIONEERS else b.youth_units
            for org in rng.sample(pool, count):
                persons = rng.randint(60, 500) if audience == Audience.PIONEERS else rng.randint(20, 180)
                b.add(
                    org=org,
                    title=f"{org.display_name}{year}年{key}主题活动",
                    kind=kind,
                    dimension=dim,
                    day=span[0] + timedelta(days=rng.randint(0, span[1])),
                    campaign=c(year, key),
                    audience=audience,
                    participants=persons,
                )
        for festival, (m, d) in (("春节", (2, 1)), ("清明节", (4, 3)), ("端午节", (6, 1)), ("中秋节", (9, 15))):
            for org in rng.sample(b.community_branches or b.branches, 5):
                persons = rng.randint(15, 50)
                b.add(
                    org=org,
                    title=f"“我们的节日·{festival}”雷锋超市主题教育活动",
                    kind=ActivityKind.VOLUNTEER,
                    dimension=Dimension.UNITE_YOUTH,
                    day=date(year, m, d) + timedelta(days=rng.randint(0, 8)),
                    campaign=c(year, "雷锋超市"),
                    participants=persons,
                    person_times=persons,
                )
    for year in (2024, 2025):
        for org in rng.sample(b.youth_units, 8):
            persons = rng.randint(20, 80)
            b.add(
                org=org,
                title=f"{org.display_name}“12·5”国际志愿者日志愿服务",
                kind=ActivityKind.VOLUNTEER,
                day=date(year, 12, rng.randint(1, 8)),
                campaign=c(year, "12·5"),
                participants=persons,
                person_times=persons,
            )


def _leave_a_handful_unapproved(b: _Builder, rng: random.Random, today: date) -> None:
    """The last weeks are still in the works: some submitted, a few returned, a few drafts."""
    recent = [a for a in b.rows if (today - a.start_date).days <= 20]
    # Secretary A's subtree gets its share, so their pages show every state.
    own = [a for a in recent if b.secretary_for(a.organisation) is not None]
    others = [a for a in recent if a not in own]
    # The newest records are the ones still in the works; pop() takes from the end.
    own.sort(key=lambda a: (a.start_date, rng.random()))
    others.sort(key=lambda a: (a.start_date, rng.random()))
    comments = [
        "参与人数与签到表不一致，请核实后重新提交。",
        "请补充活动现场照片。",
        "活动简介过于简单，请写明活动内容和成效。",
        "活动类型应为“团课”，请修改。",
    ]
    plan = [(Status.SUBMITTED, 6), (Status.RETURNED, 2), (Status.DRAFT, 3)]
    for pool, scale in ((own, 1), (others, 2)):
        for status, n in plan:
            for _ in range(n * scale):
                if not pool:
                    break
                activity = pool.pop()
                activity.status = status
                activity.reviewed_by = b.staff if status == Status.RETURNED else None
                activity.reviewed_at = activity.reviewed_at if status == Status.RETURNED else None
                if status == Status.DRAFT:
                    activity.submitted_by = activity.submitted_at = None
                if status == Status.RETURNED:
                    activity.review_comment = rng.choice(comments)


def _indicator_values(rng: random.Random, tree: DemoTree, today: date) -> int:
    ind = {i.code: i for i in Indicator.objects.all()}
    staff = User.objects.filter(username="staff").first()
    rows: list[IndicatorValue] = []
    last_month = today.replace(day=1) if today.day >= 20 else add_months(today, -1)

    def put(code, org, month, value, qualifier="", issue="", note=""):
        if code in ind and month <= last_month:
            rows.append(
                IndicatorValue(
                    indicator=ind[code],
                    organisation=org,
                    month=month,
                    issue=issue,
                    value=Decimal(value),
                    qualifier=qualifier,
                    note=note,
                    entered_by=staff,
                )
            )

    district = tree.district
    months = list(_months(last_month))
    h1_2024 = [m for m in months if m.year == 2024 and m.month <= 6]
    posts = _split(H1_2024_POSTS, 6, rng, 22, 32)
    reads = _split(39600 + rng.randint(20, 95), 6, rng, 5500, 7500)
    for month, p, r in zip(h1_2024, posts, reads, strict=True):
        put("wechat_posts", district, month, p, note="青春XX微信公众号")
        put("wechat_reads", district, month, r, note="青春XX微信公众号")
    for month in months:
        if month not in h1_2024:
            put("wechat_posts", district, month, rng.randint(24, 36), note="青春XX微信公众号")
            put("wechat_reads", district, month, rng.randint(6000, 9500), note="青春XX微信公众号")
        put("wechat_pickups", district, month, rng.randint(0, 4))
        put("weibo_posts", district, month, rng.randint(8, 20))
        put("weibo_reads", district, month, rng.randint(1500, 4000))
        if month >= date(2025, 3, 1):
            put("video_posts", district, month, rng.randint(3, 9))
            put("video_views", district, month, rng.randint(4000, 20000))
        put("cadre_contacts", district, month, 900 + 10 * months.index(month) + rng.randint(0, 9))

    committees = [
        o
        for o in tree.all
        if o.depth == district.depth + 1 and o.kind in (Kind.SUBDISTRICT, Kind.PARK, Kind.COMMITTEE, Kind.SCHOOL)
    ]
    bases = {o.pk: rng.randint(80, 600) for o in committees}
    for month in months:
        issue_no = (month.month - 1) * 3
        for k in range(3):
            issue = f"{month.year}年第{issue_no + k + 1}期"
            for org in committees:
                base = bases[org.pk]
                put("study_base", org, month, base, issue=issue)
                put("study_person_times", org, month, int(base * rng.uniform(0.72, 1.12)), issue=issue)
        for org in committees:
            bases[org.pk] += rng.randint(-3, 5)
            if month.month in (3, 6, 9, 12):
                put(
                    "dues_collected",
                    org,
                    month,
                    Decimal(bases[org.pk] * 3 * 0.2 + rng.randint(0, 120)).quantize(Decimal("0.01")),
                )
            if month.month == 1:
                put("appraisal_members", org, month, bases[org.pk])
                put("appraisal_excellent", org, month, int(bases[org.pk] * rng.uniform(0.08, 0.15)))
            if month.month == 3:
                put("registration_members", org, month, bases[org.pk] - rng.randint(0, 6))
                put("registration_done", org, month, 1)
    for org in tree.subdistricts:
        volunteers = rng.randint(150, 320)
        for month in months:
            volunteers += rng.randint(0, 6)
            person_times = rng.randint(60, 220)
            put("volunteers", org, month, volunteers)
            put("volunteer_person_times", org, month, person_times)
            put("volunteer_hours", org, month, Decimal(person_times * rng.choice([2, 2.5, 3])).quantize(Decimal("0.1")))
            beneficiaries = rng.randint(100, 600)
            # Some stations report rounded figures; the qualifier says so.
            approx = rng.random() < 0.1
            put(
                "volunteer_beneficiaries",
                org,
                month,
                round(beneficiaries, -2) if approx else beneficiaries,
                qualifier="近" if approx else "",
            )
    for month in months:
        if month.month in (4, 10):
            put("new_organisations", district, month, rng.randint(1, 4))
        if month.month in (5, 11):
            put("terms_renewed", district, month, rng.randint(2, 8))
            put("delegates_elected", district, month, rng.randint(10, 40))
    IndicatorValue.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


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
