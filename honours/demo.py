"""Demo honours of XX区, mirroring the source document's first half of 2024, plus other periods.

H1 2024, received and approved: one national 最美中学生; at regional level two pioneer
collectives (优秀少先队大队, 优秀少先队中队), one counsellor and one pioneer; at city level
exactly 135 pioneers, 47 counsellors and 45 pioneer collectives (named where the roster has
them, the rest as bare counts), a volunteer project's prize (第三届 …大赛金奖), and the district
少工委's own 优秀少工委 (won the year before too). What the committee conferred on 五四 (the
第三届“青春榜样” and the 2023—2024年度 list, title by title), the committee's own titles of
earlier years (its report states them: ``report_track_record_years``), other half years, and
records still in the workflow come with it. Every body has the short form the report writes.
"""

import random
from datetime import date

from simple_history.utils import bulk_create_with_history

from accounts.models import Role, User
from branches.demo import DemoTree
from branches.models import Kind, Organisation
from core.review.models import Status
from members.choices import Category
from members.models import CadreAppointment, CounsellorAppointment, Member

from .models import CommendationBatch, ConferringBody, Direction, Honour, Level, RecipientKind, counted_on_for

SURNAMES = "韦覃黄莫蓝陆梁李张王刘陈杨罗周吴廖唐潘蒙谢农卢邓"
GIVEN = ["思远", "雨桐", "梓涵", "子轩", "欣怡", "浩然", "诗琪", "宇航", "佳怡", "俊杰", "晓燕", "文博", "嘉怡", "明轩",
         "若曦", "志强", "丽娟", "海燕", "春梅", "建华", "一诺", "芷晴", "睿泽", "梦瑶"]  # fmt: skip

# (full name, short form the report writes, level)
BODIES = {
    "central": ("共青团中央", "团中央", Level.NATIONAL),
    "national": ("中央文明办、教育部、共青团中央、全国妇联", "中央文明办、教育部、团中央、全国妇联", Level.NATIONAL),
    "region": ("共青团广西壮族自治区委员会、广西壮族自治区少工委", "共青团广西区委、广西区少工委", Level.PROVINCIAL),
    "region_league": ("共青团广西壮族自治区委员会", "共青团广西区委", Level.PROVINCIAL),
    "city": ("共青团柳州市委员会、柳州市少工委", "团市委、市少工委", Level.CITY),
    "city_league": ("共青团柳州市委员会", "团市委", Level.CITY),
    "district": ("共青团XX区委员会", "团区委", Level.DISTRICT),
    "district_pioneers": ("中国少年先锋队XX区工作委员会", "区少工委", Level.DISTRICT),
    "street": ("共青团XX区东环街道工作委员会", "东环街道团工委", Level.TOWNSHIP),
}
# How many years back the district's summary states its own titles (近年来，我区团委先后荣获…).
TRACK_RECORD_YEARS = 3

# The source document's city-level figures for the first half of 2024.
CITY_PIONEERS, CITY_COUNSELLORS, CITY_COLLECTIVES = 135, 47, 45


class _Builder:
    def __init__(self, rng: random.Random, tree: DemoTree):
        self.rng = rng
        self.tree = tree
        self.by_kind: dict[str, list[Organisation]] = {}
        for org in tree.all:
            self.by_kind.setdefault(org.kind, []).append(org)
        self.staff = User.objects.filter(role=Role.STAFF).order_by("pk").first()
        self.honours: list[Honour] = []
        self.used_names: set[str] = set()
        self.bodies: dict[str, ConferringBody] = {}
        for key, (name, short_name, level) in BODIES.items():
            body = ConferringBody(name=name, short_name=short_name, level=level)
            body._history_user = self.staff
            body.save()
            self.bodies[key] = body

    def name(self) -> str:
        for _ in range(200):
            candidate = self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)
            if candidate not in self.used_names:
                self.used_names.add(candidate)
                return candidate
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN) + str(len(self.used_names))

    def members(self, category: str, within: Organisation, n: int) -> list[Member]:
        """Up to ``n`` members of the demo roster (if the members demo ran), chosen deterministically."""
        pool = list(
            Member.objects.filter(category=category, organisation__path__startswith=within.path)
            .select_related("organisation")
            .order_by("pk")[:400]
        )
        return self.rng.sample(pool, min(n, len(pool)))

    def batch(self, *, name: str, body: str, on: date | None, organisation: Organisation,
              direction: str = Direction.RECEIVED, status: str = Status.APPROVED, default_title: str = "",
              year_from: int | None = None, year_to: int | None = None,
              edition: int | None = None) -> CommendationBatch:  # fmt: skip
        batch = CommendationBatch(
            name=name,
            default_title=default_title,
            level=self.bodies[body].level,
            conferring_body=self.bodies[body],
            edition=edition,
            awarded_on=on,
            year_from=year_from,
            year_to=year_to,
            counted_on=counted_on_for(awarded_on=on, year_to=year_to, year_from=year_from),
            direction=direction,
            organisation=organisation,
            status=status,
            created_by=self.staff,
            reviewed_by=self.staff if status == Status.APPROVED else None,
        )
        batch._history_user = self.staff
        batch.save()
        return batch

    def add(self, *, title: str, kind: str, batch: CommendationBatch | None = None, member: Member | None = None,
            org: Organisation | None = None, name: str = "", owner: Organisation | None = None, count: int = 1,
            **award) -> None:  # fmt: skip
        if batch is not None:
            award = {
                "level": batch.level,
                "conferring_body": batch.conferring_body,
                "edition": batch.edition,
                "awarded_on": batch.awarded_on,
                "year_from": batch.year_from,
                "year_to": batch.year_to,
                "direction": batch.direction,
                "status": batch.status,
            }
        if isinstance(award.get("body"), str):
            body = self.bodies[award.pop("body")]
            award.update(conferring_body=body, level=body.level)
        award.setdefault("direction", Direction.RECEIVED)
        award.setdefault("status", Status.APPROVED)
        if member is not None:
            name, owner = member.name, member.organisation
        elif org is not None:
            name, owner = org.name, org
        self.honours.append(
            Honour(
                batch=batch,
                title=title,
                recipient_kind=kind,
                member=member,
                recipient_organisation=org,
                recipient_name=name,
                recipient_count=count,
                organisation=owner,
                counted_on=counted_on_for(
                    awarded_on=award.get("awarded_on"), year_to=award.get("year_to"), year_from=award.get("year_from")
                ),
                created_by=self.staff,
                reviewed_by=self.staff if award["status"] == Status.APPROVED else None,
                **award,
            )
        )

    def named_then_counted(self, *, batch, title, kind, want: int, named: list[tuple], count_title: str = ""):
        """Add the named recipients, then one bare count for the rest, so the list totals ``want``."""
        for recipient in named:
            self.add(batch=batch, title=title, kind=kind, **recipient)
        rest = want - len(named)
        if rest > 0:
            self.add(batch=batch, title=count_title or title, kind=kind, owner=batch.organisation, count=rest)

    def role_holders(self, model, within: Organisation, n: int, owners: list[Organisation]) -> list[dict]:
        """``n`` recipients holding a role (cadre or counsellor appointment) under ``within``, or plain names."""
        ids = set(
            model.objects.filter(organisation__path__startswith=within.path)
            .order_by("pk")
            .values_list("member_id", flat=True)[:400]
        )
        pool = list(Member.objects.filter(pk__in=ids).select_related("organisation").order_by("pk"))
        people: list[dict] = [{"member": m} for m in self.rng.sample(pool, min(n, len(pool)))]
        for i in range(n - len(people)):
            people.append({"name": self.name(), "owner": owners[i % len(owners)]})
        return people

    def persons(self, category: str, within: Organisation, n: int, owners: list[Organisation]) -> list[dict]:
        """``n`` recipients: roster members where there are any, plain names for the rest."""
        found = self.members(category, within, n)
        people: list[dict] = [{"member": m} for m in found]
        for i in range(n - len(found)):
            people.append({"name": self.name(), "owner": owners[i % len(owners)]})
        return people


def load(rng: random.Random, tree: DemoTree) -> int:
    """Create the demo honours; returns how many honour rows were written."""
    b = _Builder(rng, tree)
    district = tree.district
    pioneer_committee = tree.pioneer_committee
    brigades = b.by_kind.get(Kind.BRIGADE, [])
    squadrons = b.by_kind.get(Kind.SQUADRON, [])
    schools = b.by_kind.get(Kind.SCHOOL, [])
    branches = [o for o in b.by_kind.get(Kind.BRANCH, []) if o.depth > 2]
    school_branches = [o for o in branches if any(o.path.startswith(s.path) for s in schools)] or branches

    # --- First half of 2024, received --------------------------------------------------------
    student = b.members(Category.LEAGUE_MEMBER, schools[0], 1) if schools else []
    b.add(
        title="最美中学生",
        kind=RecipientKind.LEAGUE_MEMBER,
        member=student[0] if student else None,
        name="" if student else "覃思远",
        owner=None if student else school_branches[0],
        body="national",
        awarded_on=date(2024, 5, 20),
    )

    regional = b.batch(
        name="2024年广西壮族自治区“两红两优”表彰名单",
        body="region",
        on=date(2024, 5, 31),
        organisation=district,
    )
    b.add(batch=regional, title="优秀少先队大队", kind=RecipientKind.PIONEER_COLLECTIVE, org=brigades[0])
    regional_squadron = next(s for s in squadrons if s.path.startswith(brigades[3].path))
    b.add(batch=regional, title="优秀少先队中队", kind=RecipientKind.PIONEER_COLLECTIVE, org=regional_squadron)
    counsellor = b.role_holders(CounsellorAppointment, brigades[0], 1, [brigades[0]])[0]
    b.add(batch=regional, title="优秀少先队大队辅导员", kind=RecipientKind.COUNSELLOR, **counsellor)
    pioneer = b.persons(Category.YOUNG_PIONEER, brigades[1], 1, [squadrons[2]])[0]
    b.add(batch=regional, title="优秀少先队员", kind=RecipientKind.YOUNG_PIONEER, **pioneer)

    city = b.batch(
        name="2024年柳州市“两红两优”表彰名单",
        body="city",
        on=date(2024, 5, 30),
        organisation=district,
        default_title="优秀少先队员",
    )
    b.named_then_counted(
        batch=city,
        title="优秀少先队员",
        kind=RecipientKind.YOUNG_PIONEER,
        want=CITY_PIONEERS,
        named=b.persons(Category.YOUNG_PIONEER, pioneer_committee, 20, squadrons),
    )
    b.named_then_counted(
        batch=city,
        title="优秀少先队辅导员",
        kind=RecipientKind.COUNSELLOR,
        want=CITY_COUNSELLORS,
        named=b.role_holders(CounsellorAppointment, pioneer_committee, 6, brigades),
    )
    picked_squadrons = rng.sample([s for s in squadrons if s != regional_squadron], 10)
    for squadron in picked_squadrons:
        b.add(batch=city, title="优秀少先队中队", kind=RecipientKind.PIONEER_COLLECTIVE, org=squadron)
    for brigade in brigades[4:6]:
        b.add(batch=city, title="优秀少先队大队", kind=RecipientKind.PIONEER_COLLECTIVE, org=brigade)
    b.add(
        batch=city,
        title="优秀少先队集体",
        kind=RecipientKind.PIONEER_COLLECTIVE,
        owner=district,
        count=CITY_COLLECTIVES - len(picked_squadrons) - 2,
    )
    # The 少工委's own title, as the year before: the report states it apart from the 45 collectives.
    for on in (date(2023, 5, 30), date(2024, 5, 30)):
        b.add(
            title="优秀少工委",
            kind=RecipientKind.PIONEER_COLLECTIVE,
            org=pioneer_committee,
            body="city",
            awarded_on=on,
        )
    # A prize: the report names it with its edition and grade, apart from the counted titles.
    b.add(
        title="柳州市青年志愿服务项目大赛",
        edition=3,
        grade="金奖",
        kind=RecipientKind.PROJECT,
        name="“青春护河”志愿服务",
        owner=tree.subdistricts[0],
        body="city_league",
        awarded_on=date(2024, 6, 12),
    )

    # --- First half of 2024, conferred by the committee: title by title -----------------------------
    models = b.batch(
        name="第三届XX区“青春榜样”评选结果",
        body="district",
        edition=3,
        on=date(2024, 4, 28),
        organisation=district,
        direction=Direction.CONFERRED,
        default_title="青春榜样",
    )
    for person in b.persons(Category.LEAGUE_MEMBER, district, 4, branches):
        b.add(batch=models, title="青春榜样", kind=RecipientKind.LEAGUE_MEMBER, **person)
    for person in b.persons(Category.YOUTH, district, 4, branches):
        b.add(batch=models, title="青春榜样", kind=RecipientKind.YOUTH, **person)
    # A 2023—2024年度 list announced on 30 April 2024 counts in the first half of 2024.
    may_fourth = b.batch(
        name="2023—2024年度XX区“五四”表彰名单",
        body="district",
        on=date(2024, 4, 30),
        year_from=2023,
        year_to=2024,
        organisation=district,
        direction=Direction.CONFERRED,
        default_title="优秀共青团员",
    )
    for person in b.persons(Category.LEAGUE_MEMBER, district, 20, branches):
        b.add(batch=may_fourth, title="优秀共青团员", kind=RecipientKind.LEAGUE_MEMBER, **person)
    for cadre in b.role_holders(CadreAppointment, district, 8, branches[::3]):
        b.add(batch=may_fourth, title="优秀团干部", kind=RecipientKind.CADRE, **cadre)
    for branch in rng.sample(branches, 6):
        b.add(batch=may_fourth, title="五四红旗团支部", kind=RecipientKind.LEAGUE_COLLECTIVE, org=branch)

    # --- Other periods -----------------------------------------------------------------------------
    city_2023 = b.batch(
        name="2023年柳州市优秀共青团员、优秀团干部表彰名单",
        body="city_league",
        on=date(2023, 12, 20),
        organisation=district,
    )
    b.named_then_counted(
        batch=city_2023,
        title="优秀共青团员",
        kind=RecipientKind.LEAGUE_MEMBER,
        want=15,
        named=b.persons(Category.LEAGUE_MEMBER, district, 3, branches),
    )
    b.add(batch=city_2023, title="优秀团干部", kind=RecipientKind.CADRE, name=b.name(), owner=tree.subdistricts[2])
    b.add(
        title="五四红旗团委",
        kind=RecipientKind.LEAGUE_COLLECTIVE,
        org=schools[1],
        body="region_league",
        awarded_on=date(2023, 5, 4),
    )
    # Known only by its award year: counted on the year's last day.
    b.add(
        title="优秀少先队辅导员",
        kind=RecipientKind.COUNSELLOR,
        name=b.name(),
        owner=brigades[2],
        body="district_pioneers",
        year_from=2023,
        direction=Direction.CONFERRED,
    )
    b.add(
        title="广西青年志愿服务项目大赛",
        edition=7,
        grade="银奖",
        kind=RecipientKind.PROJECT,
        name="“保护母亲河·争当河小青”护河行动",
        owner=district,
        body="region_league",
        awarded_on=date(2024, 9, 12),
    )
    # The committee's own titles of earlier years: its summary states them (近年来，我区团委先后荣获…).
    for title, body, on in (
        ("全国五四红旗团委", "central", date(2021, 5, 4)),
        ("五四红旗团委", "region_league", date(2023, 5, 4)),
        ("五四红旗团委", "city_league", date(2022, 5, 4)),
    ):
        b.add(title=title, kind=RecipientKind.LEAGUE_COLLECTIVE, org=district, body=body, awarded_on=on)
    district.report_track_record_years = TRACK_RECORD_YEARS
    Organisation.objects.filter(pk=district.pk).update(report_track_record_years=TRACK_RECORD_YEARS)

    # --- Still in the workflow (not counted) ----------------------------------------------------------
    street_a, street_b = tree.subdistricts[0], tree.subdistricts[1]
    a_branch = next(o for o in branches if o.path.startswith(street_a.path))
    b.add(
        title="优秀共青团员",
        kind=RecipientKind.LEAGUE_MEMBER,
        name=b.name(),
        owner=a_branch,
        body="city_league",
        awarded_on=date(2024, 6, 18),
        status=Status.SUBMITTED,
    )
    b.add(
        title="青年文明号",
        kind=RecipientKind.LEAGUE_COLLECTIVE,
        org=next(o for o in branches if o.path.startswith(street_b.path)),
        body="city_league",
        awarded_on=date(2024, 6, 5),
        status=Status.RETURNED,
        review_comment="请上传证书扫描件后重新提交。",
    )
    draft = b.batch(
        name="2024年东环街道“最美志愿者”表彰名单",
        body="street",
        on=date(2024, 6, 20),
        organisation=street_a,
        status=Status.DRAFT,
        default_title="最美志愿者",
    )
    for _ in range(3):
        b.add(batch=draft, title="最美志愿者", kind=RecipientKind.LEAGUE_MEMBER, name=b.name(), owner=a_branch)

    bulk_create_with_history(b.honours, Honour, batch_size=500, default_user=b.staff, default_change_reason="演示数据")
    return len(b.honours)


def reset() -> None:
    Honour.objects.all().delete()
    CommendationBatch.objects.all().delete()
    Honour.history.all().delete()
    CommendationBatch.history.all().delete()
    ConferringBody.objects.all().delete()
    ConferringBody.history.all().delete()
