"""Indicator figures: outreach, 青年大学习, volunteers, dues, appraisal, registration, building."""

import random
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import User
from branches.demo import DemoTree
from branches.models import Kind

from .. import catalogue
from ..models import (
    Indicator,
    IndicatorValue,
)
from ..periods import add_months
from .base import H1_2024_POSTS, months_until, split_exactly


def indicator_values(rng: random.Random, tree: DemoTree, today: date) -> int:
    # The catalogue comes from a data migration; a database flushed since (as a browser test's
    # teardown does) lacks it, and the demo puts it back.
    catalogue.install(Indicator)
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
                    # 青年大学习 runs in seasons; the platform's figures are taken at each month's end.
                    season=_season(month) if issue else "",
                    as_of=add_months(month, 1) - timedelta(days=1) if issue else None,
                    value=Decimal(value),
                    qualifier=qualifier,
                    note=note,
                    entered_by=staff,
                )
            )

    district = tree.district
    months = list(months_until(last_month))
    h1_2024 = [m for m in months if m.year == 2024 and m.month <= 6]
    posts = split_exactly(H1_2024_POSTS, 6, rng, 22, 32)
    reads = split_exactly(39600 + rng.randint(20, 95), 6, rng, 5500, 7500)
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
        if month.month in (5, 11) and month.year > 2024:  # 2024's renewals are records (branches.demo)
            put("terms_renewed", district, month, rng.randint(2, 8))
            put("delegates_elected", district, month, rng.randint(10, 40))
    _appraisal_and_registration(tree, months, put)
    _yearly_figures(tree, months, put)
    IndicatorValue.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _season(month: date) -> str:
    return f"{month.year}年第{'一二三四'[(month.month - 1) // 3]}季"


def _yearly_figures(tree: DemoTree, months: list, put) -> None:
    """The yearly figures a summary states: 微心愿, volunteer certificates, 两新 organisations,
    推优入党, 学社衔接 and 入队 ceremonies. Their own seeded source keeps the rest of the demo as it was."""
    rng = random.Random("demo-yearly")
    district = tree.district
    schools = [o for o in tree.all if o.kind == Kind.SCHOOL]
    committees = [o for o in tree.all if o.depth == district.depth + 1 and o.kind in (Kind.SUBDISTRICT, Kind.SCHOOL)]
    brigades = [o for o in tree.all if o.kind == Kind.BRIGADE]
    for month in months:
        for org in tree.subdistricts:
            if rng.random() < 0.5:
                put("volunteer_wishes", org, month, rng.randint(3, 18))
        if month.month in (3, 12):
            put("volunteer_certificates", district, month, rng.randint(40, 120))
        if month.month in (5, 11):
            put("two_new_organisations", district, month, rng.randint(1, 3))
        if month.month in (6, 12):
            for org in committees:
                put("party_recommendations", org, month, rng.randint(1, 6))
        if month.month == 6:
            for org in schools:
                due = rng.randint(30, 120)
                put("graduates_due", org, month, due)
                put("graduates_linked", org, month, due - rng.randint(0, 6))
        if month.month in (6, 10):
            for org in brigades:
                put("pioneer_ceremonies", org, month, 1)


# Branches that held no 团员教育评议 / 团籍注册 in a year (most do): the H2 summary counts them.
APPRAISAL_MISSED_SHARE = 0.05
REGISTRATION_MISSED_SHARE = 0.03


def _appraisal_and_registration(tree: DemoTree, months: list, put) -> None:
    """Each branch appraises its members in January (the four grades adding up to them) and
    registers them in March; a few skip a year. The grades have their own seeded source."""
    rng = random.Random("demo-appraisal")
    branches = [org for org in tree.all if org.kind == Kind.BRANCH]
    members = {org.pk: rng.randint(12, 45) for org in branches}
    for month in months:
        if month.month not in (1, 3):
            continue
        for org in branches:
            if month.month == 1:
                members[org.pk] += rng.randint(-3, 4)
                if rng.random() < APPRAISAL_MISSED_SHARE:
                    continue
                appraised = members[org.pk]
                excellent = round(appraised * rng.uniform(0.1, 0.2))
                unqualified = 1 if rng.random() < 0.08 else 0
                basic = rng.randint(0, 2)
                put("appraisal_members", org, month, appraised)
                put("appraisal_excellent", org, month, excellent)
                put("appraisal_qualified", org, month, appraised - excellent - basic - unqualified)
                put("appraisal_basic", org, month, basic)
                put("appraisal_unqualified", org, month, unqualified)
            elif rng.random() >= REGISTRATION_MISSED_SHARE:
                put("registration_members", org, month, members[org.pk] - rng.randint(0, 2))
                put("registration_done", org, month, 1)
