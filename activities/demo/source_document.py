"""2024 H1 as the source document reports it (区团委2024年上半年工作总结)."""

import random
from datetime import date, timedelta
from decimal import Decimal

from branches.models import Kind

from ..models import (
    ActivityKind,
    Audience,
    Dimension,
)
from .base import (
    CHILDREN_DAY_PIONEERS,
    FESTIVALS_2024,
    MAY_FOURTH_PERSONS,
    Builder,
    split_exactly,
)


def first_half_2024(b: Builder, rng: random.Random, c) -> None:
    """五四, 六一, the 雷锋超市 festivals, the river, the bridge activities, 学雷锋 month."""
    district = b.tree.district
    pioneers = b.tree.pioneer_committee
    may4_count = rng.randint(32, 37)
    units = rng.sample([o for o in b.youth_units if o.kind != Kind.SUBDISTRICT], may4_count)
    for org, persons in zip(units, split_exactly(MAY_FOURTH_PERSONS, may4_count, rng, 70, 220), strict=True):
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
    for org, pioneers_n in zip(hosts, split_exactly(CHILDREN_DAY_PIONEERS, june1_count, rng, 200, 800), strict=True):
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
