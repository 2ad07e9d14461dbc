"""The demo district of XX区: a realistic organisation tree of about 200 organisations."""

import random
from dataclasses import dataclass, field
from datetime import date

from .models import Kind, Organisation, Position, ReportPlace, StaffingPost, StaffingRecord, TermRenewal

SUBDISTRICTS = ["东环街道", "西环街道", "南站街道", "北城街道", "江滨街道", "新华街道"]
COMMUNITIES = ["幸福", "和平", "光明", "民主", "胜利", "文昌", "新村", "桂花", "凤凰", "龙城", "锦绣", "友谊"]
ENTERPRISES = [
    "鑫达物流有限公司",
    "华宇电子科技有限公司",
    "龙腾汽车配件有限公司",
    "嘉和食品有限公司",
    "恒通建设工程有限公司",
]
PARKS = {
    "高新技术产业园区": [
        "智造装备有限公司",
        "新能源电池有限公司",
        "精密模具有限公司",
        "软件信息服务有限公司",
        "生物医药有限公司",
    ],
    "现代物流园区": [
        "冷链物流有限公司",
        "快运配送有限公司",
        "仓储服务有限公司",
        "跨境贸易有限公司",
        "供应链管理有限公司",
    ],
}
MIDDLE_SCHOOLS = ["第一中学", "第二中学", "第三中学", "第五中学", "实验中学", "外国语学校", "民族中学", "职业技术学校"]
PRIMARY_SCHOOLS = [
    "实验小学",
    "东环路小学",
    "西环路小学",
    "南站小学",
    "北城小学",
    "江滨小学",
    "新华小学",
    "育才小学",
    "红星小学",
    "阳光小学",
]
DIRECT_UNITS = {
    "区直机关团工委": ["区发展和改革局团支部", "区教育局团支部", "区卫生健康局团支部"],
    "区人民医院团委": ["内科团支部", "外科团支部", "医技团支部"],
    "区城市建设投资集团团委": ["工程公司团支部", "物业公司团支部", "水务公司团支部"],
}


@dataclass
class DemoTree:
    district: Organisation
    subdistricts: list[Organisation] = field(default_factory=list)
    pioneer_committee: Organisation | None = None
    all: list[Organisation] = field(default_factory=list)


def load(rng: random.Random) -> DemoTree:
    """Build the tree with treebeard's add_child so paths and child counts stay right."""

    def established() -> date:
        return date(rng.randint(1985, 2019), rng.randint(1, 12), rng.randint(1, 28))

    def term_end() -> date:
        # Committees serve five-year terms (branches three): spread the expiries so
        # that some fall due soon, as a real district's would.
        return date(rng.choice([2026, 2027, 2027, 2028, 2029]), rng.randint(1, 12), rng.randint(1, 28))

    made: list[Organisation] = []

    def add(parent: Organisation | None, name: str, kind: str, short: str = "", **extra) -> Organisation:
        org = Organisation(
            name=name, short_name=short, kind=kind, established_on=established(), term_ends_on=term_end(), **extra
        )
        org = (
            Organisation.objects.add_root(instance=org)
            if parent is None
            else Organisation.objects.add_child(parent, instance=org)
        )
        made.append(org)
        return org

    district = add(None, "共青团XX区委员会", Kind.DISTRICT, "XX区团委")
    tree = DemoTree(district=district)

    for sub in SUBDISTRICTS:
        committee = add(district, f"共青团XX区{sub}工作委员会", Kind.SUBDISTRICT, f"{sub}团工委")
        tree.subdistricts.append(committee)
        for community in rng.sample(COMMUNITIES, 6):
            add(committee, f"{sub}{community}社区团支部", Kind.BRANCH, f"{community}社区团支部")
        for enterprise in rng.sample(ENTERPRISES, 2):
            add(committee, f"{sub}{enterprise}团支部", Kind.BRANCH)

    for park, firms in PARKS.items():
        committee = add(district, f"共青团XX区{park}工作委员会", Kind.PARK, f"{park}团工委", directly_managed=True)
        for firm in firms:
            add(committee, f"{park}{firm}团支部", Kind.BRANCH)

    for unit, branches in DIRECT_UNITS.items():
        committee = add(
            district, f"共青团{unit}" if unit.startswith("区直") else unit, Kind.COMMITTEE, unit, directly_managed=True
        )
        for branch in branches:
            add(committee, branch, Kind.BRANCH)

    for school in MIDDLE_SCHOOLS:
        committee = add(district, f"共青团XX区{school}委员会", Kind.SCHOOL, f"{school}团委")
        add(committee, f"{school}教工团支部", Kind.BRANCH)
        for grade in ("初二", "初三") if "职业" not in school else ("一年级", "二年级"):
            for klass in (1, 2):
                add(committee, f"{school}{grade}（{klass}）班团支部", Kind.BRANCH)

    pioneers = add(district, "中国少年先锋队XX区工作委员会", Kind.PIONEER_COMMITTEE, "XX区少工委")
    tree.pioneer_committee = pioneers
    for school in PRIMARY_SCHOOLS:
        brigade = add(pioneers, f"XX区{school}少先队大队", Kind.BRIGADE, f"{school}大队")
        for grade in ("三", "四", "五", "六"):
            for klass in (1, 2) if grade in ("五", "六") else (1,):
                add(brigade, f"{school}{grade}年级（{klass}）中队", Kind.SQUADRON)

    # Objects fetched before later add_child calls carry stale child counts.
    tree.all = list(Organisation.objects.filter(pk__in=[org.pk for org in made]).order_by("path"))
    by_pk = {org.pk: org for org in tree.all}
    tree.district = by_pk[district.pk]
    tree.subdistricts = [by_pk[org.pk] for org in tree.subdistricts]
    tree.pioneer_committee = by_pk[pioneers.pk]
    return tree


def reset() -> None:
    Organisation.objects.all().delete()  # with their staffing and renewal records
    for model in (Organisation, StaffingRecord, StaffingPost, TermRenewal):
        model.history.all().delete()


# The district committee's establishment, as the source document's plan speaks of it (配齐区团委
# 挂职、兼职干部): a deputy's post vacant in the first half of 2024, filled in September, when an
# officer left. Counts per position: (approved, in post, seconded, part-time, contracted).
DISTRICT_STAFFING = [
    (
        date(2023, 2, 20),
        "区编委核定",
        {
            Position.SECRETARY: (1, 1, 0, 0, 0),
            Position.DEPUTY: (2, 1, 1, 2, 0),
            Position.OFFICER: (3, 3, 0, 0, 2),
        },
    ),
    (
        date(2024, 9, 10),
        "副书记到岗，干事1名调出",
        {
            Position.SECRETARY: (1, 1, 0, 0, 0),
            Position.DEPUTY: (2, 2, 1, 2, 0),
            Position.OFFICER: (3, 2, 0, 0, 2),
        },
    ),
]
COUNT_NAMES = ("approved", "in_post", "seconded", "part_time", "contracted")


def load_records(rng: random.Random, tree: DemoTree, staff) -> dict[str, int]:
    """Staffing records of a few committees and the renewals of 2024, through the services (so the
    terms chain as they do when staff enter them). Some organisations' terms ran out in 2023 or
    early 2024 unrenewed: the 2024 summaries say how many, and what share."""
    from . import services

    def staffing(org, day, note, counts, place=ReportPlace.GOVERN_STRICTLY):
        posts = {position: dict(zip(COUNT_NAMES, values, strict=True)) for position, values in counts.items()}
        services.staffing_record_create(
            user=staff, organisation=org, recorded_on=day, posts=posts, report_place=place, note=note
        )

    for day, note, counts in DISTRICT_STAFFING:
        staffing(tree.district, day, note, counts)
    first, second = tree.subdistricts[:2]
    # 东环街道 writes its establishment in its summary's opening; an officer's post is unfilled.
    staffing(
        first,
        date(2024, 1, 8),
        "街道党工委核定",
        {Position.SECRETARY: (1, 1, 0, 0, 0), Position.DEPUTY: (1, 1, 0, 0, 0), Position.OFFICER: (1, 0, 0, 0, 0)},
        place=ReportPlace.OPENING,
    )
    staffing(
        second,
        date(2023, 6, 1),
        "街道党工委核定",
        {Position.SECRETARY: (1, 1, 0, 0, 0), Position.DEPUTY: (1, 1, 0, 1, 0)},
    )

    league = [org for org in tree.all if org.kind not in (Kind.PIONEER_COMMITTEE, Kind.BRIGADE, Kind.SQUADRON)]
    branches = [org for org in league if org.kind == Kind.BRANCH]
    schools = [org for org in league if org.kind == Kind.SCHOOL]
    picked = rng.sample(branches, 22)
    renewals = 0

    def renew(org, term_ended: date, held_on: date, *, delegates: int = 0) -> None:
        nonlocal renewals
        Organisation.objects.filter(pk=org.pk).update(term_ends_on=term_ended)
        org.term_ends_on = term_ended
        members = rng.randint(7, 9) if org.kind != Kind.BRANCH else rng.randint(3, 5)
        services.term_renewal_record(
            user=staff,
            organisation=org,
            held_on=held_on,
            delegates_elected=delegates,
            members_elected=members,
            notes="召开团员代表大会，选举产生新一届委员会。"
            if delegates
            else "召开支部团员大会，选举产生新一届支部委员会。",
        )
        renewals += 1

    def day_in(year: int, months: tuple[int, int]) -> date:
        return date(year, rng.randint(*months), rng.randint(1, 28))

    # First half of 2024: two sub-district committees and ten branches, all on time.
    for org in tree.subdistricts[2:4]:
        ended = day_in(2024, (5, 6))
        renew(org, ended, ended.replace(day=max(ended.day - rng.randint(5, 20), 1)), delegates=rng.randint(80, 120))
    for org in picked[:10]:
        ended = day_in(2024, (3, 6))
        renew(org, ended, ended.replace(day=max(ended.day - rng.randint(3, 25), 1)))
    # Second half: a school committee and six branches on time, two branches that had run over.
    ended = day_in(2024, (9, 11))
    renew(schools[0], ended, ended.replace(day=max(ended.day - 10, 1)), delegates=rng.randint(60, 90))
    for org in picked[10:16]:
        ended = day_in(2024, (8, 12))
        renew(org, ended, ended.replace(day=max(ended.day - rng.randint(3, 25), 1)))
    for org in picked[16:18]:
        renew(org, day_in(2024, (2, 5)), day_in(2024, (9, 10)))
    # Past their term, not renewed.
    overdue = picked[18:22] + schools[-1:]
    for org in overdue:
        Organisation.objects.filter(pk=org.pk).update(term_ends_on=day_in(rng.choice((2023, 2024)), (1, 5)))
    return {"staffing records": len(DISTRICT_STAFFING) + 2, "renewals": renewals}
