"""A few of each record for the demo district: bases standing and built in 2024, coverage at
every outlet level, partner units with joint activities, and donations (one approximate)."""

import random
from datetime import date

from activities.models import Activity
from branches.demo import DemoTree
from branches.models import Kind
from core.review.models import Status

from . import services
from .models import Base, Coverage, Donation, Partner


def reset() -> None:
    for model in (Donation, Coverage, Partner, Base):
        model.objects.all().delete()
        model.history.all().delete()


def load(rng: random.Random, tree: DemoTree, staff) -> dict[str, int]:
    district = tree.district
    subs = tree.subdistricts
    brigades = [org for org in tree.all if org.kind == Kind.BRIGADE]

    def base(org, name, kind, level, day, **extra):
        services.base_create(
            user=staff, organisation=org, name=name, kind=kind, level=level, recognised_on=day, **extra
        )

    # Standing before 2024, then built in each half of 2024 (one withdrawn in the second half).
    base(district, "XX区青少年宫青年之家", "youth_home", "provincial", date(2022, 5, 4))
    base(subs[0], f"{subs[0].display_name}党群服务中心青年之家", "youth_home", "city", date(2023, 3, 5))
    base(subs[1], f"{subs[1].display_name}“雷锋超市”志愿服务站", "volunteer_station", "district", date(2023, 3, 5))
    base(
        subs[1],
        f"{subs[1].display_name}社区志愿服务站",
        "volunteer_station",
        "district",
        date(2021, 12, 5),
        withdrawn_on=date(2024, 9, 30),
    )
    for i, brigade in enumerate(brigades[:3]):
        base(brigade, f"{brigade.display_name}红色教育校外实践基地", "pioneer_practice", "city", date(2024, 5, 30 - i))
    base(subs[-1], f"{subs[-1].display_name}青年之家", "youth_home", "district", date(2024, 6, 18))
    base(district, "XX区青年发展型城市建设试点社区", "youth_city_point", "city", date(2024, 10, 12))

    pieces = [
        (district, "XX区团委“青春护河”志愿服务", "中国青年报", "central", date(2024, 6, 3), "article"),
        (district, "XX区“五四”青年文化节", "学习强国", "central", date(2024, 5, 6), "article"),
        (subs[0], "社区青年之家暑期托管", "广西日报", "provincial", date(2024, 4, 22), "article"),
        (subs[1], "“雷锋超市”里的青春身影", "广西新闻网", "provincial", date(2024, 3, 5), "video"),
        (district, "少先队员走进校外实践基地", "柳州日报", "city", date(2024, 6, 1), "article"),
        (subs[0], "青年志愿者文明交通劝导", "柳州日报", "city", date(2024, 9, 20), "article"),
    ]
    for org, title, outlet, level, day, form in pieces:
        services.coverage_create(
            user=staff, organisation=org, title=title, outlet=outlet, outlet_level=level, published_on=day, form=form
        )

    approved = Activity.objects.filter(status=Status.APPROVED, start_date__year=2024)
    partners = []
    for org, name, kind, since in (
        (district, "中国移动XX分公司", "enterprise", date(2023, 4, 1)),
        (subs[0], "XX银行东环支行", "enterprise", date(2024, 3, 1)),
        (subs[1], "XX区人民医院", "institution", date(2024, 2, 20)),
        (subs[1], "XX社区社会工作服务中心", "social", date(2022, 1, 1)),
    ):
        joint = list(
            approved.filter(organisation__path__startswith=org.path, start_date__gte=since).order_by(
                "start_date", "pk"
            )[:2]
        )
        partners.append(
            services.partner_create(user=staff, organisation=org, name=name, kind=kind, since=since, activities=joint)
        )

    services.donation_create(
        user=staff,
        organisation=district,
        received_on=date(2024, 6, 1),
        partner=partners[0],
        purpose="“六一”关爱留守儿童",
        goods_count=300,
        goods_unit="个",
        goods_kind="书包",
        goods_value=24000,
    )
    services.donation_create(
        user=staff,
        organisation=subs[0],
        received_on=date(2024, 4, 15),
        partner=partners[1],
        purpose="“微心愿”",
        money=12000,
    )
    services.donation_create(
        user=staff,
        organisation=subs[1],
        received_on=date(2024, 9, 10),
        donor="爱心企业家",
        purpose="助学",
        money=rng.choice([50000, 60000]),
        qualifier="余",
    )
    return {
        "bases": Base.objects.count(),
        "coverage": Coverage.objects.count(),
        "partners": Partner.objects.count(),
        "donations": Donation.objects.count(),
    }
