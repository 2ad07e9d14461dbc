"""The demo roster: about 6,000 generated people across the demo district.

Names are drawn from surname and given-name lists; ID numbers use the area codes
4599xx, which no prefecture of Guangxi has, so no generated number can be a real
person's; birth dates are random. Dates are relative to today, so the lists of who
is due to leave at 28 and what is in progress look current whenever the demo loads.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Role, User
from branches.demo import DemoTree
from branches.models import Kind, Organisation

from . import idcard
from .ages import birthday, today, years_before
from .choices import (
    CadreKind,
    Category,
    CohortLevel,
    CounsellorRole,
    Education,
    Ethnicity,
    Occupation,
    Stage,
    Status,
    TransferReason,
    TransferStatus,
)
from .models import (
    CadreAppointment,
    CounsellorAppointment,
    Member,
    MemberImport,
    RecruitmentCase,
    SchoolCohort,
    Transfer,
)
from .names import make_name
from .selectors import current_graduation_year

# Guangxi's ethnic mix, roughly: Han and Zhuang, then Yao, Miao, Dong, Mulao, Maonan.
ETHNIC_WEIGHTS = [
    (Ethnicity.HAN, 58),
    (Ethnicity.ZHUANG, 32),
    (Ethnicity.YAO, 3),
    (Ethnicity.MIAO, 2),
    (Ethnicity.DONG, 2),
    (Ethnicity.MULAO, 2),
    (Ethnicity.MAONAN, 1),
]
PHONE_PREFIXES = ("130", "133", "135", "138", "139", "150", "158", "177", "180", "186", "188", "199")


@dataclass
class _Builder:
    rng: random.Random
    on: date
    members: list[Member] = field(default_factory=list)
    used_ids: set[str] = field(default_factory=set)
    number_seq: int = 0

    def birth(self, youngest: int, oldest: int) -> date:
        """A birth date of someone aged ``youngest``..``oldest`` (completed years) today."""
        latest = years_before(self.on, youngest)
        earliest = years_before(self.on, oldest + 1) + timedelta(days=1)
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def id_number(self, birth: date, gender: str, area: str) -> str:
        while True:
            sequence = self.rng.randrange(0, 999, 2) + (1 if gender == "M" else 0)
            number = idcard.make(area, birth, sequence)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        return self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def joined(self, birth: date, *, latest: date | None = None) -> date:
        start = birthday(birth, 14)
        end = min(latest or self.on, birthday(birth, 18), self.on)
        if end <= start:
            end = min(self.on, start + timedelta(days=200))
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def add(
        self,
        org: Organisation,
        category: str,
        *,
        youngest: int,
        oldest: int,
        education: str = "",
        occupation: str = "",
        phone: bool = True,
        area: str = "459901",
    ) -> Member:
        gender = self.rng.choice("MF")
        birth = self.birth(youngest, oldest)
        member = Member(
            name=make_name(self.rng, gender),
            gender=gender,
            ethnicity=self.rng.choices([e for e, _w in ETHNIC_WEIGHTS], [w for _e, w in ETHNIC_WEIGHTS])[0],
            birth_date=birth,
            organisation=org,
            category=category,
            phone=self.phone() if phone else "",
            education=education,
            occupation=occupation,
            status=Status.ACTIVE,
        )
        member.set_id_number(self.id_number(birth, gender, area))
        if category == Category.LEAGUE_MEMBER:
            member.joined_league_on = self.joined(birth)
            self.number_seq += 1
            member.member_number = f"4599{member.joined_league_on.year}{self.number_seq:06d}"
        self.members.append(member)
        return member


def _adult_education(rng) -> str:
    return rng.choice(
        [Education.BACHELOR, Education.BACHELOR, Education.COLLEGE, Education.HIGH_SCHOOL, Education.MASTER]
    )


def load(rng: random.Random, tree: DemoTree) -> dict[str, int]:
    """Build the roster for ``tree``; returns what was made, by kind."""
    on = today()
    b = _Builder(rng, on)
    by_parent: dict[str, list[Organisation]] = {}
    for org in tree.all:
        by_parent.setdefault(org.parent_path, []).append(org)
    school_classes: dict[int, dict[str, list[Organisation]]] = {}
    roles: list[tuple[Member, Organisation, str, str]] = []  # cadre posts to record
    counsellors: list[tuple[Member, Organisation, str, bool]] = []

    # District committee: full-time cadres, a seconded one and a part-time one.
    district = tree.district
    for position, kind in [
        ("书记", CadreKind.FULL_TIME),
        ("副书记", CadreKind.FULL_TIME),
        ("副书记", CadreKind.FULL_TIME),
        ("挂职副书记", CadreKind.SECONDED),
        ("兼职副书记", CadreKind.PART_TIME),
    ]:
        cadre = b.add(
            district,
            Category.LEAGUE_MEMBER,
            youngest=27,
            oldest=34,
            education=Education.MASTER if rng.random() < 0.4 else Education.BACHELOR,
            occupation=Occupation.PUBLIC_SECTOR,
        )
        roles.append((cadre, district, position, kind))

    for org in tree.all:
        if org.kind in (Kind.SUBDISTRICT, Kind.PARK, Kind.COMMITTEE, Kind.SCHOOL):
            # Every committee has a part-time secretary (and the larger ones a deputy).
            for position in ("书记", "副书记") if org.kind != Kind.SCHOOL else ("团委书记",):
                cadre = b.add(
                    org,
                    Category.LEAGUE_MEMBER,
                    youngest=24,
                    oldest=33,
                    education=_adult_education(rng),
                    occupation=Occupation.TEACHER if org.kind == Kind.SCHOOL else Occupation.PUBLIC_SECTOR,
                )
                roles.append((cadre, org, position, CadreKind.PART_TIME))
        elif org.kind == Kind.BRANCH:
            _branch_members(b, org, roles, school_classes)
        elif org.kind == Kind.PIONEER_COMMITTEE:
            chief = b.add(
                org, Category.YOUTH, youngest=30, oldest=45, education=Education.BACHELOR, occupation=Occupation.TEACHER
            )
            counsellors.append((chief, org, CounsellorRole.CHIEF, True))
        elif org.kind == Kind.BRIGADE:
            teacher = b.add(
                org, Category.YOUTH, youngest=26, oldest=45, education=Education.BACHELOR, occupation=Occupation.TEACHER
            )
            counsellors.append((teacher, org, CounsellorRole.BRIGADE, rng.random() < 0.3))
        elif org.kind == Kind.SQUADRON:
            grade = "三四五六".index(org.name.split("年级")[0][-1])
            for _ in range(rng.randint(26, 34)):
                b.add(
                    org,
                    Category.YOUNG_PIONEER,
                    youngest=8 + grade,
                    oldest=8 + grade,
                    education=Education.PRIMARY,
                    occupation=Occupation.STUDENT,
                    phone=False,
                )
            brigade = next(o for o in tree.all if o.path == org.parent_path)
            teacher = b.add(
                brigade,
                Category.YOUTH,
                youngest=24,
                oldest=50,
                education=_adult_education(rng),
                occupation=Occupation.TEACHER,
            )
            counsellors.append((teacher, org, CounsellorRole.SQUADRON, False))

    add_students(b, school_classes)
    _age_some(b, cadres={id(member) for member, *_rest in roles})
    created = bulk_create_with_history(b.members, Member, batch_size=1000, default_change_reason="演示数据")
    by_key = {m.id_number_hash: m for m in created}
    members = [by_key[m.id_number_hash] for m in b.members]
    for original, saved in zip(b.members, members, strict=True):
        original.pk = saved.pk

    cadres = _appointments(b, roles, counsellors)
    cases = _recruitment(b, members, school_classes)
    transfers = _transfers(b, tree, members)
    cohorts = _cohorts(b, tree, school_classes, members)
    return {
        "members": len(members),
        "cadres": cadres,
        "counsellors": len(counsellors),
        "recruitment": cases,
        "transfers": transfers,
        "cohorts": cohorts,
    }


def _branch_members(b: _Builder, org: Organisation, roles: list, school_classes: dict) -> None:
    rng = b.rng
    name = org.name
    if "班团支部" in name or "年级" in name and "中队" not in name:
        school_path = org.parent_path
        grade = "初三" if "初三" in name else "初二" if "初二" in name else "一年级" if "一年级" in name else "二年级"
        school_classes.setdefault(school_path, {}).setdefault(grade, []).append(org)
        return  # students are added with their school's cohort in mind, below
    if "教工" in name:
        size, youngest, oldest, occupation = rng.randint(12, 18), 22, 29, Occupation.TEACHER
    elif "社区" in name:
        size, youngest, oldest, occupation = rng.randint(36, 50), 18, 28, None
    elif "医院" in name or "科" in name:
        size, youngest, oldest, occupation = rng.randint(25, 35), 22, 28, Occupation.MEDICAL
    elif "局" in name:
        size, youngest, oldest, occupation = rng.randint(20, 30), 22, 28, Occupation.PUBLIC_SECTOR
    else:
        size, youngest, oldest, occupation = rng.randint(32, 46), 18, 28, Occupation.ENTERPRISE
    branch_members = []
    for _ in range(size):
        category = Category.LEAGUE_MEMBER if rng.random() < 0.8 else Category.YOUTH
        job = occupation or rng.choice(
            [
                Occupation.ENTERPRISE,
                Occupation.SELF_EMPLOYED,
                Occupation.MIGRANT_WORKER,
                Occupation.SOCIAL_ORGANISATION,
                Occupation.UNEMPLOYED,
                Occupation.STUDENT,
            ]
        )
        # Nobody is generated past 27 here: who has turned 28 is decided in _age_some.
        branch_members.append(
            b.add(
                org,
                category,
                youngest=youngest,
                oldest=min(oldest, 27),
                education=_adult_education(rng),
                occupation=job,
            )
        )
    leaders = [m for m in branch_members if m.category == Category.LEAGUE_MEMBER]
    if leaders:
        roles.append((rng.choice(leaders), org, "团支部书记", CadreKind.PART_TIME))


def _age_some(b: _Builder, *, cadres: set[int]) -> None:
    """Make some adult league members 28 or a little over: due to leave the League."""
    rng = b.rng
    adults = [
        m
        for m in b.members
        if m.category == Category.LEAGUE_MEMBER
        and m.organisation.kind == Kind.BRANCH
        and "社区" in m.organisation.name + m.organisation.short_name
    ]
    by_committee: dict[str, list[Member]] = {}
    for member in adults:
        by_committee.setdefault(member.organisation.parent_path, []).append(member)
    for group in by_committee.values():
        turned = rng.sample(group, min(len(group), 12))
        for member in turned:
            _rebirth(b, member, b.birth(28, 29))
        # A few have already been recorded as aged out (cadres keep their membership).
        for member in [m for m in turned if id(m) not in cadres][:2]:
            member.status = Status.AGED_OUT
            member.status_changed_on = b.on - timedelta(days=rng.randint(20, 300))


def _rebirth(b: _Builder, member: Member, birth: date) -> None:
    b.used_ids.discard(member.decrypt_id_number())
    member.birth_date = birth
    member.set_id_number(b.id_number(birth, member.gender, "459901"))
    if member.joined_league_on:
        member.joined_league_on = b.joined(birth)


def _appointments(b: _Builder, roles: list, counsellors: list) -> int:
    rng = b.rng
    cadre_rows = []
    for member, org, position, kind in roles:
        started = max(
            member.joined_league_on or birthday(member.birth_date, 18),
            b.on - timedelta(days=rng.randint(60, 5 * 365)),
        )
        cadre_rows.append(
            CadreAppointment(member=member, organisation=org, kind=kind, position=position, started_on=started)
        )
    # Some branch secretaries served before the present ones.
    for appointment in rng.sample(cadre_rows, len(cadre_rows) // 6):
        if appointment.started_on > b.on - timedelta(days=400) or appointment.member.category != Category.LEAGUE_MEMBER:
            continue
        cadre_rows.append(
            CadreAppointment(
                member=appointment.member,
                organisation=appointment.organisation,
                kind=CadreKind.PART_TIME,
                position="组织委员",
                started_on=appointment.started_on - timedelta(days=rng.randint(400, 900)),
                ended_on=appointment.started_on - timedelta(days=1),
            )
        )
    bulk_create_with_history(cadre_rows, CadreAppointment, batch_size=1000, default_change_reason="演示数据")
    counsellor_rows = [
        CounsellorAppointment(
            member=member,
            organisation=org,
            role=role,
            full_time=full_time,
            started_on=b.on - timedelta(days=rng.randint(90, 6 * 365)),
        )
        for member, org, role, full_time in counsellors
    ]
    bulk_create_with_history(counsellor_rows, CounsellorAppointment, batch_size=1000, default_change_reason="演示数据")
    return len(cadre_rows)


def _recruitment(b: _Builder, members: list[Member], school_classes: dict) -> int:
    """Cases in progress among students and young people, and this year's admissions."""
    rng = b.rng
    cases = []

    def dates_after(start: date, n: int) -> list[date]:
        """``n`` distinct dates from ``start`` to today, in order (fewer if there is no room)."""
        span = (b.on - start).days
        if span < 0:
            return []
        points = sorted(rng.sample(range(span + 1), min(n, span + 1)))
        return [start + timedelta(days=p) for p in points]

    for member in members:
        if member.status != Status.ACTIVE or member.category == Category.YOUNG_PIONEER:
            continue
        age = member.age_on(b.on)
        org = member.organisation
        if member.category == Category.YOUTH and org.kind == Kind.BRANCH and 14 <= age < 28:
            student = "班" in org.name
            if rng.random() > (0.45 if student else 0.12):
                continue
            start = max(birthday(member.birth_date, 14), b.on - timedelta(days=400))
            stage = rng.choices([Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.STOPPED], [5, 4, 2, 1])[0]
            steps = {Stage.APPLICANT: 1, Stage.ACTIVIST: 2, Stage.CANDIDATE: 3, Stage.STOPPED: 2}[stage]
            dates = dates_after(start, steps)
            if len(dates) < steps:
                continue
            case = RecruitmentCase(member=member, organisation=org, stage=stage, applied_on=dates[0])
            if stage in (Stage.ACTIVIST, Stage.CANDIDATE):
                case.activist_on = dates[1]
            if stage == Stage.CANDIDATE:
                case.candidate_on = dates[2]
            if stage == Stage.STOPPED:
                case.stopped_on, case.stop_reason = (
                    dates[1],
                    rng.choice(["本人撤回申请", "已升学转出", "考察期未达到要求"]),
                )
            cases.append(case)
        elif (
            member.category == Category.LEAGUE_MEMBER
            and member.joined_league_on
            and member.joined_league_on >= b.on - timedelta(days=540)
            and birthday(member.birth_date, 14) <= member.joined_league_on - timedelta(days=120)
        ):
            # Recently admitted members went through the whole pipeline.
            admitted = member.joined_league_on
            start = max(birthday(member.birth_date, 14), admitted - timedelta(days=400))
            span = (admitted - start).days
            applied = start + timedelta(days=rng.randint(0, span // 3))
            activist = applied + timedelta(days=rng.randint(30, max(31, span // 2)))
            candidate = min(admitted, activist + timedelta(days=rng.randint(30, 120)))
            cases.append(
                RecruitmentCase(
                    member=member,
                    organisation=org,
                    stage=Stage.ADMITTED,
                    applied_on=applied,
                    activist_on=min(activist, candidate),
                    candidate_on=candidate,
                    admitted_on=admitted,
                )
            )
    bulk_create_with_history(cases, RecruitmentCase, batch_size=1000, default_change_reason="演示数据")
    return len(cases)


def _transfers(b: _Builder, tree: DemoTree, members: list[Member]) -> int:
    """Settled transfers between branches of different sub-districts, and some pending."""
    rng = b.rng
    staff = User.objects.filter(role=Role.STAFF).order_by("pk").first() or User.objects.order_by("pk").first()
    if staff is None:
        return 0
    secretaries = {u.organisation_id: u for u in User.objects.filter(role=Role.SECRETARY).exclude(organisation=None)}
    sub_of = {}
    community = {}
    for sub in tree.subdistricts:
        branches = [o for o in tree.all if o.parent_path == sub.path and o.kind == Kind.BRANCH]
        community[sub.pk] = branches
        for branch in branches:
            sub_of[branch.pk] = sub
    movable = [
        m
        for m in members
        if m.status == Status.ACTIVE
        and m.category == Category.LEAGUE_MEMBER
        and m.organisation_id in sub_of
        and not m.has_reached_age_limit(b.on)
    ]
    rng.shuffle(movable)
    now = timezone.now()
    transfers, moved = [], []

    def actor(org):
        sub = sub_of.get(org.pk)
        return secretaries.get(sub.pk) if sub is not None and sub.pk in secretaries else staff

    def other_branch(member, *, into=None):
        subs = [s for s in tree.subdistricts if s.pk != sub_of[member.organisation_id].pk]
        target_sub = into or rng.choice(subs)
        return rng.choice(community[target_sub.pk])

    first, second = tree.subdistricts[0], tree.subdistricts[1]
    plan = (
        [("accepted", None)] * 22
        + [("requested", first)] * 3  # incoming for the first sub-district's secretary
        + [("requested_out", second)] * 3  # sent by the first sub-district, awaiting the second
        + [("rejected", None), ("cancelled", None), ("external", None), ("external", None)]
    )
    used: set[int] = set()
    for kind, into in plan:
        if kind == "requested_out":
            candidates = [m for m in movable if m.pk not in used and sub_of[m.organisation_id].pk == first.pk]
        elif into is not None:
            candidates = [m for m in movable if m.pk not in used and sub_of[m.organisation_id].pk != into.pk]
        else:
            candidates = [m for m in movable if m.pk not in used]
        if not candidates:
            continue
        member = candidates[0]
        used.add(member.pk)
        origin = member.organisation
        days_ago = rng.randint(3, 20) if kind.startswith("requested") else rng.randint(30, 330)
        requested_at = now - timedelta(days=days_ago)
        transfer = Transfer(
            member=member,
            from_organisation=origin,
            reason=rng.choice([r for r, _l in TransferReason.choices]),
            requested_by=actor(origin),
            status=TransferStatus.REQUESTED,
        )
        if kind == "external":
            transfer.external_destination = rng.choice(
                ["共青团柳州市鱼峰区委员会", "共青团南宁市青秀区委员会", "共青团广西大学委员会"]
            )
        else:
            transfer.to_organisation = other_branch(member, into=into)
        if kind in ("accepted", "external", "rejected", "cancelled"):
            transfer.status = {
                "accepted": TransferStatus.ACCEPTED,
                "external": TransferStatus.ACCEPTED,
                "rejected": TransferStatus.REJECTED,
                "cancelled": TransferStatus.CANCELLED,
            }[kind]
            if kind == "cancelled":
                transfer.decided_by = transfer.requested_by
            elif kind == "external":
                transfer.decided_by = staff
            else:
                transfer.decided_by = actor(transfer.to_organisation)
            transfer.decided_at = requested_at + timedelta(days=rng.randint(1, 10))
            if kind == "rejected":
                transfer.decision_note = "接收组织信息有误，请核实后重新申请"
        transfer._requested_at = requested_at
        transfers.append(transfer)
        moved.append(member)
        if transfer.status == TransferStatus.ACCEPTED:
            if transfer.to_organisation is not None:
                member.organisation = transfer.to_organisation
            else:
                member.status = Status.TRANSFERRED_OUT
                member.status_changed_on = transfer.decided_at.date()
    created = bulk_create_with_history(transfers, Transfer, batch_size=500, default_change_reason="演示数据")
    for transfer, original in zip(created, transfers, strict=True):
        transfer.requested_at = original._requested_at
    Transfer.objects.bulk_update(created, ["requested_at"], batch_size=500)
    changed = [m for m, t in zip(moved, transfers, strict=True) if t.status == TransferStatus.ACCEPTED]
    bulk_update_with_history(
        changed,
        Member,
        ["organisation", "status", "status_changed_on"],
        batch_size=500,
        default_change_reason="组织关系转接",
    )
    return len(created)


def _cohorts(b: _Builder, tree: DemoTree, school_classes: dict, members: list[Member]) -> int:
    """Graduating classes of the middle schools with the league-to-youth ratio they have."""
    year = current_graduation_year(b.on)
    made = 0
    schools = {o.path: o for o in tree.all if o.kind == Kind.SCHOOL}
    for path, grades in sorted(school_classes.items()):
        school = schools[path]
        if "初三" not in grades:
            continue
        classes = grades["初三"]
        students = sum(1 for m in members if m.organisation_id in {c.pk for c in classes})
        cohort = SchoolCohort(school=school, level=CohortLevel.JUNIOR, graduation_year=year, student_count=students)
        cohort.save()
        cohort.classes.set(classes)
        made += 1
    return made


def add_students(b: _Builder, school_classes: dict) -> None:
    """Students of the middle schools' classes, with one school over the 30% ceiling."""
    rng = b.rng
    schools = sorted(path for path in school_classes)
    over = schools[2] if len(schools) > 2 else None
    for path in schools:
        for grade, classes in school_classes[path].items():
            for org in classes:
                for _ in range(rng.randint(42, 50)):
                    if grade in ("初二", "初三"):
                        age = 13 if grade == "初二" else 14
                        youngest, oldest = age, age + (1 if grade == "初三" else 0)
                        share = {"初二": 0.06, "初三": 0.36 if path == over else 0.22}[grade]
                    else:
                        youngest, oldest = (15, 16) if grade == "一年级" else (16, 17)
                        share = 0.4
                    member = b.add(
                        org,
                        Category.YOUTH,
                        youngest=youngest,
                        oldest=oldest,
                        education=Education.JUNIOR_HIGH if grade.startswith("初") else Education.VOCATIONAL,
                        occupation=Occupation.STUDENT,
                        phone=False,
                    )
                    fourteen = birthday(member.birth_date, 14)
                    if fourteen < b.on - timedelta(days=20) and rng.random() < share:
                        member.category = Category.LEAGUE_MEMBER
                        member.joined_league_on = fourteen + timedelta(
                            days=rng.randint(10, max(10, (b.on - fourteen).days - 1))
                        )
                        b.number_seq += 1
                        member.member_number = f"4599{member.joined_league_on.year}{b.number_seq:06d}"


def reset() -> None:
    """Remove the roster and everything hanging off it (before users and organisations go).

    Plain DELETEs, children first: a queryset delete would write a "deleted" history row
    for each of thousands of demo records, one INSERT at a time.
    """
    models = [Transfer, RecruitmentCase, CadreAppointment, CounsellorAppointment, MemberImport]
    querysets = [model.objects.all() for model in models]
    querysets += [SchoolCohort.classes.through.objects.all(), SchoolCohort.objects.all(), Member.objects.all()]
    for model in [*models, SchoolCohort, Member]:
        history = getattr(model, "history", None)
        if history is not None:
            if model is SchoolCohort:
                querysets.append(apps.get_model("members", "HistoricalSchoolCohort_classes").objects.all())
            querysets.append(history.all())
    for qs in querysets:
        qs._raw_delete(qs.db)
