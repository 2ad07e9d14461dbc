"""Everyday work from January 2024 to today: organisational life, later campaigns, pending records."""

import random
import zlib
from datetime import date, timedelta
from decimal import Decimal

from branches.models import Kind
from core.review.models import Status

from ..models import ActivityKind, Audience, Dimension
from .base import Builder, day_in, months_until


def organisational_life(b: Builder, rng: random.Random, today: date) -> None:
    """三会两制一课 in the branches, study sessions, regular meetings; realistic gaps."""
    topics = [
        "学习习近平总书记在庆祝中国共产主义青年团成立100周年大会上的重要讲话",
        "学习党的二十大精神",
        "学习《中国共产主义青年团章程》",
        "学习习近平总书记给青年的回信精神",
        "“青年大学习”网上主题团课交流",
        "学习全国两会精神",
    ]
    for month in months_until(today):
        quarter_month = month.month in (3, 6, 9, 12)
        for org in b.branches:
            members = 8 + zlib.crc32(org.path.encode()) % 30
            if rng.random() < 0.82:
                n = max(3, members // 4)
                b.add(
                    org=org,
                    title=f"{month.month}月支委会",
                    kind=ActivityKind.COMMITTEE_MEETING,
                    day=day_in(month, rng, today),
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
                    day=day_in(month, rng, today),
                    participants=n,
                    person_times=n,
                )
            if rng.random() < 0.78:
                n = max(4, members - rng.randint(0, 5))
                topic = topics[(month.month + org.depth + len(org.name)) % len(topics)]
                b.add(
                    org=org,
                    title=f"专题学习：{topic}",
                    kind=ActivityKind.THEMATIC_STUDY,
                    day=day_in(month, rng, today),
                    participants=n,
                    person_times=n,
                    hours=Decimal(rng.choice(["1.5", "2", "2", "2.5", "3"])),
                )
            if quarter_month and rng.random() < 0.85:
                b.add(
                    org=org,
                    title=f"{month.year}年第{(month.month - 1) // 3 + 1}季度支部大会",
                    kind=ActivityKind.GENERAL_MEETING,
                    day=day_in(month, rng, today),
                    participants=members,
                    person_times=members,
                )
            if quarter_month and rng.random() < 0.8:
                b.add(
                    org=org,
                    title=f"{month.year}年第{(month.month - 1) // 3 + 1}季度团课",
                    kind=ActivityKind.LEAGUE_LECTURE,
                    day=day_in(month, rng, today),
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
                        day=day_in(month, rng, today),
                        participants=n,
                        person_times=n,
                        audience=Audience.CADRES,
                    )
        # The committee's own cadres: a study session a month (at least 8 hours) and "4+1" visits.
        study_days = sorted(day_in(month, rng, today) for _ in range(2))
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
                day=day_in(month, rng, today),
                participants=2,
                person_times=2,
                audience=Audience.CADRES,
                location=org.display_name,
            )


def later_years(b: Builder, rng: random.Random, today: date, c) -> None:
    everyday = [
        (ActivityKind.VOLUNTEER, "文明交通劝导志愿服务", Audience.MEMBERS_YOUTH),
        (ActivityKind.VOLUNTEER, "社区环境整治志愿服务", Audience.MEMBERS_YOUTH),
        (ActivityKind.LECTURE_TOUR, "“青年大学习”宣讲", Audience.MEMBERS_YOUTH),
        (ActivityKind.PUBLICITY, "网络文明宣传", Audience.PUBLIC),
        (ActivityKind.CONTEST, "青年知识竞赛", Audience.MEMBERS_YOUTH),
        (ActivityKind.CEREMONY, "离队入团仪式", Audience.PIONEERS),
        (ActivityKind.TRAINING, "团干部业务培训", Audience.CADRES),
    ]
    for month in months_until(today):
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
                day=day_in(month, rng, today),
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


def leave_a_handful_unapproved(b: Builder, rng: random.Random, today: date) -> None:
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
