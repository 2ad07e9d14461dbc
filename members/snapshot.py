"""What a committee is at a date: its organisations by kind, league members, young pioneers,
cadres and counsellors, as they stood then. One selector for the report's opening, the
dashboard, the organisation page and the 组织概况 list.

As they stood: organisations established by then and not yet deactivated (the deactivation
date read from their history); members by the business dates the roster keeps (joined the
league by then, left after it) and at the organisation they belonged to then (accepted
transfers after the date are walked back). Cadres and counsellors by their appointment dates.

Recorded counts (members.RecordedCount) stand in for the roster where a committee keeps its
register elsewhere: the latest count as of the date, for an organisation of the subtree, is used
for that organisation's part when it is no older than the last change to the roster there; each
figure says which source it came from.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import cached_property

from django.db.models import Count, Max, Q
from django.utils import timezone

from branches.models import Kind, Organisation
from resources.selectors import base_stock

from .choices import Category, Status, TransferStatus
from .models import CounsellorAppointment, Member, RecordedCount, Transfer
from .selectors import cadre_counts

# The groups a summary counts organisations in, in the order it names them.
ORGANISATION_GROUPS: tuple[tuple[str, str, frozenset], ...] = (
    ("committees", "团委", frozenset({Kind.CITY, Kind.DISTRICT, Kind.TOWNSHIP, Kind.COMMITTEE, Kind.SCHOOL})),
    ("working_committees", "团工委", frozenset({Kind.SUBDISTRICT, Kind.PARK})),
    ("general_branches", "团总支", frozenset({Kind.GENERAL_BRANCH})),
    ("branches", "团支部", frozenset({Kind.BRANCH})),
    ("pioneer_committees", "少工委", frozenset({Kind.PIONEER_COMMITTEE})),
    ("brigades", "少先队大队", frozenset({Kind.BRIGADE})),
    ("squadrons", "少先队中队", frozenset({Kind.SQUADRON})),
)
LEAGUE_GROUPS = ("committees", "working_committees", "general_branches", "branches")
REGISTER, RECORDED = "register", "recorded"


@dataclass
class SnapshotFigure:
    """One figure of the snapshot and where it came from."""

    value: int
    register: int  # what the portal's own roster says
    source: str = REGISTER  # or RECORDED: at least one part is an official count
    recorded: list[RecordedCount] = field(default_factory=list)  # the counts used

    @property
    def source_label(self) -> str:
        if self.source == REGISTER:
            return "本系统名册"
        sources = "、".join(dict.fromkeys(c.get_source_display() for c in self.recorded))
        dates = "、".join(dict.fromkeys(f"{c.as_of:%Y年%-m月%-d日}" for c in self.recorded))
        return f"{sources}（{dates}）"


@dataclass
class Snapshot:
    organisation: Organisation
    on: date
    organisations: dict[str, int]  # group → organisations below the committee
    league_members: SnapshotFigure
    young_pioneers: SnapshotFigure
    branches: SnapshotFigure
    cadres: dict[str, int]  # cadre kind → people
    counsellors: int
    # Bases and positions (阵地) standing then, by level and kind (resources.selectors.BaseCount).
    bases: list = field(default_factory=list)

    @cached_property
    def league_organisations(self) -> int:
        """League organisations below the committee, branches as the snapshot counts them."""
        return sum(n for group, _, n in self.organisation_parts() if group in LEAGUE_GROUPS)

    def organisation_parts(self) -> list[tuple[str, str, int]]:
        """(group, label, count) for the groups present, branches as the snapshot counts them."""
        parts = []
        for group, label, _ in ORGANISATION_GROUPS:
            n = self.branches.value if group == "branches" else self.organisations.get(group, 0)
            if n:
                parts.append((group, label, n))
        return parts


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max))


def _organisations_on(organisation: Organisation, on: date) -> list[Organisation]:
    """The organisations below ``organisation`` that existed on ``on``."""
    below = Organisation.objects.filter(path__startswith=organisation.path, depth__gt=organisation.depth).filter(
        Q(established_on__isnull=True) | Q(established_on__lte=on)
    )
    inactive = {org.pk for org in below if not org.active}
    if inactive:
        # Deactivated after the date: still there on it (the history says when it happened).
        history = (
            Organisation.history.filter(id__in=inactive, active=False).values("id").annotate(at=Max("history_date"))
        )
        since = {row["id"]: row["at"] for row in history}
        end = _end_of(on)
        keep = {pk for pk, at in since.items() if at > end}
        return [org for org in below if org.active or org.pk in keep]
    return list(below)


def _members_on(organisation: Organisation, on: date) -> dict[int, Counter]:
    """Organisation id → league members and young pioneers there on ``on``."""
    counted = Q(status=Status.ACTIVE) | Q(status_changed_on__gt=on)
    league = Q(category=Category.LEAGUE_MEMBER) & (Q(joined_league_on__isnull=True) | Q(joined_league_on__lte=on))
    pioneers = Q(category=Category.YOUNG_PIONEER)
    per_org: dict[int, Counter] = defaultdict(Counter)
    rows = (
        Member.objects.filter(organisation__path__startswith=organisation.path)
        .filter(counted & (league | pioneers))
        .order_by()
        .values("organisation_id", "category")
        .annotate(n=Count("id"))
    )
    for row in rows:
        per_org[row["organisation_id"]][row["category"]] += row["n"]

    # Accepted transfers after the date: the member was at the first one's sending organisation.
    later = (
        Transfer.objects.filter(status=TransferStatus.ACCEPTED, decided_at__gt=_end_of(on))
        .filter(
            Q(from_organisation__path__startswith=organisation.path)
            | Q(to_organisation__path__startswith=organisation.path)
        )
        .select_related("member", "from_organisation", "member__organisation")
        .order_by("member_id", "decided_at", "pk")
    )
    first: dict[int, Transfer] = {}
    for transfer in later:
        first.setdefault(transfer.member_id, transfer)
    for transfer in first.values():
        member = transfer.member
        if not (member.status == Status.ACTIVE or (member.status_changed_on and member.status_changed_on > on)):
            continue
        if member.category == Category.LEAGUE_MEMBER and member.joined_league_on and member.joined_league_on > on:
            continue
        if member.category not in (Category.LEAGUE_MEMBER, Category.YOUNG_PIONEER):
            continue
        now_at = member.organisation
        if now_at.path.startswith(organisation.path):
            per_org[now_at.pk][member.category] -= 1
        then_at = transfer.from_organisation
        if then_at.path.startswith(organisation.path):
            per_org[then_at.pk][member.category] += 1
    return per_org


def _recorded(organisation: Organisation, on: date) -> dict[str, list[RecordedCount]]:
    """Per figure, the latest count as of ``on`` of each organisation in the subtree that has one."""
    counts = (
        RecordedCount.objects.filter(organisation__path__startswith=organisation.path, as_of__lte=on)
        .select_related("organisation")
        .order_by("organisation_id", "-as_of", "-pk")
    )
    latest: dict[str, dict[int, RecordedCount]] = defaultdict(dict)
    for count in counts:
        for figure in ("league_members", "young_pioneers", "branches"):
            if getattr(count, figure) is not None:
                latest[figure].setdefault(count.organisation_id, count)
    return {figure: list(by_org.values()) for figure, by_org in latest.items()}


def _roster_changed(organisation: Organisation) -> dict[str, date]:
    """Path → the last day the roster changed in that organisation's own records."""
    rows = (
        Member.objects.filter(organisation__path__startswith=organisation.path)
        .order_by()
        .values("organisation__path")
        .annotate(at=Max("updated_at"))
    )
    return {row["organisation__path"]: timezone.localdate(row["at"]) for row in rows}


def _combine(
    figure: str, register_by_path: dict[str, int], recorded: list[RecordedCount], changed: dict[str, date]
) -> SnapshotFigure:
    """The register, with each covering organisation's part replaced by its recorded count when
    that count is no older than the register's last change in its subtree. A count under an
    organisation whose own count is used is not added again."""
    register = sum(register_by_path.values())
    chosen: list[RecordedCount] = []
    for count in sorted(recorded, key=lambda c: c.organisation.path):
        path = count.organisation.path
        if any(path.startswith(c.organisation.path) for c in chosen):
            continue
        last_change = max((d for p, d in changed.items() if p.startswith(path)), default=None)
        if last_change is None or count.as_of >= last_change:
            chosen.append(count)
    if not chosen:
        return SnapshotFigure(register, register)
    covered = [c.organisation.path for c in chosen]
    outside = sum(n for path, n in register_by_path.items() if not any(path.startswith(p) for p in covered))
    return SnapshotFigure(outside + sum(getattr(c, figure) for c in chosen), register, RECORDED, chosen)


def committee_snapshot(*, organisation: Organisation, on: date) -> Snapshot:
    """The snapshot of ``organisation``'s subtree on ``on`` (see the module's docstring)."""
    below = _organisations_on(organisation, on)
    by_kind = Counter(org.kind for org in below)
    groups = {group: sum(by_kind[k] for k in kinds) for group, _, kinds in ORGANISATION_GROUPS}

    members = _members_on(organisation, on)
    paths = {org.pk: org.path for org in below}
    paths[organisation.pk] = organisation.path
    missing = set(members) - set(paths)
    if missing:
        paths.update(Organisation.objects.filter(pk__in=missing).values_list("pk", "path"))
    league = {paths[pk]: c[Category.LEAGUE_MEMBER] for pk, c in members.items()}
    pioneers = {paths[pk]: c[Category.YOUNG_PIONEER] for pk, c in members.items()}
    branch_paths = Counter(org.path for org in below if org.kind == Kind.BRANCH)

    recorded = _recorded(organisation, on)
    changed = _roster_changed(organisation)
    figures = {}
    for figure, register in (("league_members", league), ("young_pioneers", pioneers), ("branches", branch_paths)):
        # The tree, not the roster, is the register of branches: a newer count always stands.
        figures[figure] = _combine(figure, register, recorded.get(figure, []), changed if figure != "branches" else {})

    cadres = cadre_counts(organisation=organisation, on=on)
    counsellors = (
        CounsellorAppointment.objects.filter(organisation__path__startswith=organisation.path)
        .current(on)
        .values("member")
        .distinct()
        .count()
    )
    return Snapshot(
        organisation=organisation,
        on=on,
        organisations=groups,
        league_members=figures["league_members"],
        young_pioneers=figures["young_pioneers"],
        branches=figures["branches"],
        cadres=cadres,
        counsellors=counsellors,
        bases=base_stock(organisation=organisation, on=on),
    )
