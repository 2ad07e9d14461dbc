"""The demo district of XX区: a realistic organisation tree of about 200 organisations."""

import random
from dataclasses import dataclass, field
from datetime import date

from .models import Kind, Organisation

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
    Organisation.objects.all().delete()
    Organisation.history.all().delete()
