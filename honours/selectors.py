"""Reads of honours that more than one caller needs. ``honour_summary`` is the one place the
pages, the half-year report and the dashboards get honour figures from."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from branches.models import Kind, Organisation
from branches.scoping import Scope

from .models import (
    COLLECTIVE_KINDS,
    LEVEL_ORDER,
    NAMED_LEVELS,
    PERSON_KINDS,
    UNITS,
    CommendationBatch,
    ConferringBody,
    Direction,
    Honour,
    Level,
    RecipientKind,
)

# --- The summary ------------------------------------------------------------------------


@dataclass(frozen=True)
class NamedHonour:
    """One honour as the report names it: 1名团员荣获团中央“最美中学生”称号."""

    pk: int
    title: str
    grade: str
    edition: int | None
    level: str
    level_label: str
    direction: str
    conferring_body: str  # the body's full name
    body_id: int
    body_written: str  # the body as the report writes it: its short form, or its name
    recipient_kind: str
    recipient_kind_label: str
    recipient_name: str  # "" for a bare count
    recipient_count: int
    unit: str  # 名 / 个
    member_id: int | None
    recipient_organisation_id: int | None
    recipient_organisation_name: str
    recipient_organisation_kind: str
    organisation_id: int
    organisation_name: str
    awarded_on: date | None
    counted_on: date
    batch_id: int | None

    @property
    def recipient_display(self) -> str:
        if self.recipient_name:
            return self.recipient_name
        return f"{self.recipient_count}{self.unit}{self.recipient_kind_label}"

    @property
    def is_prize(self) -> bool:
        """A prize has a grade (一等奖, 金奖, 优秀奖): written 荣获…一等奖, not …称号."""
        return bool(self.grade)


@dataclass(frozen=True)
class TitleCount:
    """The recipients of one title (edition and grade included) from one body, at one level, of one kind."""

    direction: str
    level: str
    recipient_kind: str
    title: str
    edition: int | None
    grade: str
    conferring_body: str
    body_written: str
    recipients: int
    first_on: date  # the earliest day one of them counts on: the order a committee lists them in

    @property
    def unit(self) -> str:
        return UNITS.get(self.recipient_kind, "个")


@dataclass
class HonourSummary:
    """Approved honours of a subtree in a period, counted in recipients (a bare count adds its number).

    ``counts`` maps (direction, level, recipient kind) to recipients; ``titles`` holds the same
    recipients per title, edition, grade and body; ``bodies`` maps (direction, level) to the
    conferring bodies' full names, most recipients first, and ``written`` each name to the body's
    short form. ``named`` lists every national and provincial honour; ``prizes`` every honour
    with a grade below those levels (the report names prizes wherever they were won).

    ``own`` lists the titles of the reporting body itself: the subtree's root and the pioneer
    work committee directly under it (区团委 and 区少工委), linked or entered by the root's own
    name. The report states those apart ("我区少工委继续荣获团市委“优秀少工委”称号") and
    does not count them among the subtree's collectives ("45个少先队集体"), so ``counts``,
    ``titles`` and ``prizes`` leave them out.
    """

    organisation: Organisation
    start: date
    end: date
    direction: str | None
    counts: dict[tuple[str, str, str], int] = field(default_factory=dict)
    titles: list[TitleCount] = field(default_factory=list)
    bodies: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    written: dict[str, str] = field(default_factory=dict)
    named: list[NamedHonour] = field(default_factory=list)
    prizes: list[NamedHonour] = field(default_factory=list)
    own: list[NamedHonour] = field(default_factory=list)

    def count(
        self,
        *,
        level: str | None = None,
        kind: str | None = None,
        kinds: frozenset[str] | set[str] | None = None,
        direction: str | None = None,
        graded: bool | None = None,
    ) -> int:
        """Recipients matching every argument given; ``graded=False`` leaves prizes out (the
        report counts the titles and names the prizes)."""
        if graded is None:
            rows = ((d, lv, k, n) for (d, lv, k), n in self.counts.items())
        else:
            rows = (
                (t.direction, t.level, t.recipient_kind, t.recipients) for t in self.titles if bool(t.grade) == graded
            )
        return sum(
            n
            for d, lv, k, n in rows
            if (direction is None or d == direction)
            and (level is None or lv == level)
            and (kind is None or k == kind)
            and (kinds is None or k in kinds)
        )

    @property
    def total(self) -> int:
        return self.count()

    @property
    def all_recipients(self) -> int:
        """Every recipient honoured, the reporting body's own titles included: what the honours
        list shows for the same period and subtree."""
        return self.total + sum(h.recipient_count for h in self.own)

    def recipients_at(self, level: str) -> int:
        """Every recipient honoured at ``level``, the reporting body's own titles included."""
        return self.count(level=level) + sum(h.recipient_count for h in self.own if h.level == level)

    def persons(self, **kwargs) -> int:
        return self.count(kinds=PERSON_KINDS, **kwargs)

    def collectives(self, **kwargs) -> int:
        return self.count(kinds=COLLECTIVE_KINDS, **kwargs)

    def named_at(self, level: str, *, direction: str | None = None) -> list[NamedHonour]:
        return [h for h in self.named if h.level == level and (direction is None or h.direction == direction)]

    def titles_of(self, *, direction: str | None, level: str | None = None) -> list[TitleCount]:
        """The titles of a direction (both if None; at a level), in the order they were first awarded."""
        rows = [
            t
            for t in self.titles
            if (direction is None or t.direction == direction) and (level is None or t.level == level)
        ]
        return sorted(rows, key=lambda t: (t.first_on, LEVEL_ORDER[t.level], -t.recipients, t.title, t.grade))

    def table(self, *, direction: str | None = None) -> list[dict]:
        """Rows per level, columns per recipient kind, with totals: for pages and the annex."""
        rows = []
        for level, label in Level.choices:
            cells = [self.count(level=level, kind=kind, direction=direction) for kind in RecipientKind.values]
            rows.append({"level": level, "label": label, "cells": cells, "total": sum(cells)})
        totals = [self.count(kind=kind, direction=direction) for kind in RecipientKind.values]
        rows.append({"level": "", "label": "合计", "cells": totals, "total": sum(totals)})
        return rows

    def phrase(self, *, level: str, direction: str = Direction.RECEIVED, graded: bool | None = None) -> str:
        """135名少先队员、47名少先队辅导员、45个少先队集体 — the kinds at a level, in the kinds' order."""
        parts = []
        for kind, label in RecipientKind.choices:
            n = self.count(level=level, kind=kind, direction=direction, graded=graded)
            if n:
                parts.append(f"{n}{UNITS[kind]}{label}")
        return "、".join(parts)


def _named(honour: Honour) -> NamedHonour:
    org = honour.recipient_organisation
    body = honour.conferring_body
    return NamedHonour(
        pk=honour.pk,
        title=honour.title,
        grade=honour.grade,
        edition=honour.edition,
        level=honour.level,
        level_label=honour.get_level_display(),
        direction=honour.direction,
        conferring_body=body.name,
        body_id=body.pk,
        body_written=body.written,
        recipient_kind=honour.recipient_kind,
        recipient_kind_label=honour.get_recipient_kind_display(),
        recipient_name=honour.recipient_name,
        recipient_count=honour.recipient_count,
        unit=honour.unit,
        member_id=honour.member_id,
        recipient_organisation_id=honour.recipient_organisation_id,
        recipient_organisation_name=org.name if org else "",
        recipient_organisation_kind=org.kind if org else "",
        organisation_id=honour.organisation_id,
        organisation_name=honour.organisation.name,
        awarded_on=honour.awarded_on,
        counted_on=honour.counted_on,
        batch_id=honour.batch_id,
    )


def _own_names(organisation: Organisation) -> list[str]:
    return [name for name in (organisation.name, organisation.short_name) if name]


def own_honours_q(organisation: Organisation) -> Q:
    """Honours whose recipient is ``organisation`` itself or the pioneer work committee right under
    it, linked, or entered by the organisation's own name as a collective of its own."""
    return (
        Q(recipient_organisation__path=organisation.path)
        | Q(
            recipient_organisation__path__startswith=organisation.path,
            recipient_organisation__depth=organisation.depth + 1,
            recipient_organisation__kind=Kind.PIONEER_COMMITTEE,
        )
        | Q(
            recipient_organisation__isnull=True,
            organisation=organisation,
            recipient_kind__in=COLLECTIVE_KINDS,
            recipient_name__in=_own_names(organisation),
        )
    )


def is_own(honour: Honour, organisation: Organisation) -> bool:
    """``own_honours_q`` for one loaded honour (its recipient organisation selected)."""
    recipient = honour.recipient_organisation
    if recipient is None:
        return (
            honour.organisation_id == organisation.pk
            and honour.recipient_kind in COLLECTIVE_KINDS
            and honour.recipient_name in _own_names(organisation)
        )
    if recipient.path == organisation.path:
        return True
    return (
        recipient.path.startswith(organisation.path)
        and recipient.depth == organisation.depth + 1
        and recipient.kind == Kind.PIONEER_COMMITTEE
    )


def _approved_in(organisation: Organisation, start: date, end: date) -> QuerySet:
    return Honour.objects.approved().subtree_of(organisation).counted_between(start, end)


def _in_level_order(honours: list[NamedHonour]) -> list[NamedHonour]:
    return sorted(honours, key=lambda h: (LEVEL_ORDER[h.level], h.counted_on, h.title, h.pk))


def honour_summary(
    *, organisation: Organisation, start: date, end: date, direction: str | None = None
) -> HonourSummary:
    """Approved honours of ``organisation``'s subtree counted between ``start`` and ``end`` (inclusive).

    Two queries whatever the data: one GROUP BY for the counts, titles and bodies, one for the
    honours the report names.
    """
    qs = _approved_in(organisation, start, end)
    if direction:
        qs = qs.filter(direction=direction)
    summary = HonourSummary(organisation=organisation, start=start, end=end, direction=direction or None)
    own_q = own_honours_q(organisation)

    grouped = (
        qs.exclude(own_q)
        .order_by()
        .values(
            "direction",
            "level",
            "recipient_kind",
            "title",
            "edition",
            "grade",
            "conferring_body__name",
            "conferring_body__short_name",
        )
        .annotate(recipients=Sum("recipient_count"), first_on=Min("counted_on"))
    )
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    by_body: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in grouped:
        name = row["conferring_body__name"]
        written = row["conferring_body__short_name"] or name
        counts[(row["direction"], row["level"], row["recipient_kind"])] += row["recipients"]
        by_body[(row["direction"], row["level"])][name] += row["recipients"]
        summary.written[name] = written
        summary.titles.append(
            TitleCount(
                direction=row["direction"],
                level=row["level"],
                recipient_kind=row["recipient_kind"],
                title=row["title"],
                edition=row["edition"],
                grade=row["grade"],
                conferring_body=name,
                body_written=written,
                recipients=row["recipients"],
                first_on=row["first_on"],
            )
        )
    summary.counts = dict(counts)
    summary.bodies = {
        key: [body for body, _n in sorted(bodies.items(), key=lambda item: (-item[1], item[0]))]
        for key, bodies in by_body.items()
    }

    listed = (
        qs.filter(Q(level__in=NAMED_LEVELS) | ~Q(grade="") | own_q)
        .select_related("organisation", "recipient_organisation", "conferring_body")
        .order_by("counted_on", "level", "title", "recipient_kind", "pk")
    )
    for honour in listed:
        named = _named(honour)
        own = is_own(honour, organisation)
        if honour.level in NAMED_LEVELS:
            summary.named.append(named)
        elif honour.grade and not own:
            summary.prizes.append(named)
        if own:
            summary.own.append(named)
    summary.named = _in_level_order(summary.named)
    summary.prizes = _in_level_order(summary.prizes)
    summary.own = _in_level_order(summary.own)
    return summary


def own_honours(*, organisation: Organisation, start: date, end: date) -> list[NamedHonour]:
    """The approved titles ``organisation`` itself (or its own 少工委) received in a span, national
    first: the report's track record ("近年来，我区团委先后荣获……") and its "继续荣获"."""
    honours = (
        _approved_in(organisation, start, end)
        .filter(own_honours_q(organisation), direction=Direction.RECEIVED)
        .select_related("organisation", "recipient_organisation", "conferring_body")
    )
    return _in_level_order([_named(h) for h in honours])


# --- Lists ------------------------------------------------------------------------------


@dataclass
class HonourFilters:
    q: str = ""
    level: str = ""
    direction: str = ""
    recipient_kind: str = ""
    status: str = ""
    organisation: Organisation | None = None  # a subtree
    start: date | None = None
    end: date | None = None
    batch: CommendationBatch | None = None
    member_id: int | None = None
    with_certificate: bool = False


def honour_list(*, user, filters: HonourFilters) -> QuerySet:
    """The honours ``user`` reaches, filtered, newest first."""
    qs = Honour.objects.visible_to(user)
    if filters.organisation is not None:
        qs = qs.subtree_of(filters.organisation)
    if filters.q:
        text = filters.q.strip()
        qs = qs.filter(
            Q(title__icontains=text)
            | Q(recipient_name__icontains=text)
            | Q(conferring_body__name__icontains=text)
            | Q(conferring_body__short_name__icontains=text)
            | Q(batch__name__icontains=text)
        )
    for name in ("level", "direction", "recipient_kind", "status"):
        if value := getattr(filters, name):
            qs = qs.filter(**{name: value})
    if filters.start:
        qs = qs.filter(counted_on__gte=filters.start)
    if filters.end:
        qs = qs.filter(counted_on__lte=filters.end)
    if filters.batch is not None:
        qs = qs.filter(batch=filters.batch)
    if filters.member_id:
        qs = qs.filter(member_id=filters.member_id)
    if filters.with_certificate:
        qs = qs.exclude(certificate="")
    return qs.select_related("organisation", "batch", "recipient_organisation", "conferring_body").order_by(
        "-counted_on", "-pk"
    )


def list_totals(qs: QuerySet) -> tuple[int, int]:
    """Records and recipients in a filtered honour list (named rows count one recipient, bare
    counts their number), in one query."""
    row = qs.order_by().aggregate(records=Count("id"), recipients=Sum("recipient_count"))
    return row["records"], row["recipients"] or 0


def batch_list(*, user, q: str = "", status: str = "", level: str = "") -> QuerySet:
    """Lists ``user`` sees, each with the recipients they may see (named rows and counts summed)."""
    scope = Scope.of(user)
    in_scope = Q() if scope.everything else Q(honours__organisation__path__startswith=scope.path or "\x00")
    qs = CommendationBatch.objects.visible_to(user)
    if q:
        text = q.strip()
        qs = qs.filter(
            Q(name__icontains=text)
            | Q(conferring_body__name__icontains=text)
            | Q(conferring_body__short_name__icontains=text)
        )
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(level=level)
    return (
        qs.select_related("organisation", "conferring_body")
        .annotate(
            visible_recipients=Sum("honours__recipient_count", filter=in_scope),
        )
        .order_by("-counted_on", "-pk")
    )


@dataclass
class BatchRecipients:
    honours: list[Honour]
    counts: list[dict]  # per kind: named, counted, total (what the user may see)
    complete: bool  # False when the list holds recipients outside the user's scope


def batch_recipients(*, user, batch: CommendationBatch) -> BatchRecipients:
    """The recipients of ``batch`` that ``user`` reaches, and per-kind totals of those (three queries)."""
    visible = batch.honours.visible_to(user)
    honours = list(
        visible.select_related("organisation", "member", "recipient_organisation").order_by(
            "recipient_kind", "title", "recipient_name", "pk"
        )
    )
    complete = not batch.honours.exclude(pk__in=visible.values("pk")).exists()
    named: dict[str, int] = defaultdict(int)
    counted: dict[str, int] = defaultdict(int)
    for honour in honours:
        (counted if honour.is_count_only else named)[honour.recipient_kind] += honour.recipient_count
    counts = [
        {
            "kind": kind,
            "label": label,
            "unit": UNITS[kind],
            "named": named[kind],
            "counted": counted[kind],
            "total": named[kind] + counted[kind],
        }
        for kind, label in RecipientKind.choices
        if named[kind] or counted[kind]
    ]
    return BatchRecipients(honours=honours, counts=counts, complete=complete)


# --- Panels on other apps' pages ---------------------------------------------------------


def member_honours(*, user, member) -> list[Honour]:
    """The honours of one member that ``user`` reaches, newest first (one query)."""
    return list(
        Honour.objects.visible_to(user)
        .filter(member=member)
        .select_related("batch", "conferring_body")
        .order_by("-counted_on", "-pk")
    )


@dataclass
class OrganisationHonours:
    received: list[Honour]  # titles the organisation itself won, newest first
    by_level: list[dict]  # approved recipients in the subtree, per level (all years)
    total: int


def organisation_honours(*, user, organisation: Organisation, limit: int = 10) -> OrganisationHonours:
    """The organisation page's panel (two queries): its own titles, and its subtree's by level."""
    received = list(
        Honour.objects.visible_to(user)
        .filter(recipient_organisation=organisation)
        .order_by("-counted_on", "-pk")[:limit]
    )
    rows = (
        Honour.objects.visible_to(user)
        .approved()
        .subtree_of(organisation)
        .order_by()
        .values("level")
        .annotate(recipients=Sum("recipient_count"))
    )
    counts = {row["level"]: row["recipients"] for row in rows}
    by_level = [{"level": lv, "label": label, "count": counts[lv]} for lv, label in Level.choices if counts.get(lv)]
    return OrganisationHonours(received=received, by_level=by_level, total=sum(counts.values()))


def body_list() -> list[ConferringBody]:
    """Every conferring body, national first, with how many honours and lists name it (two queries)."""
    used = Honour.objects.filter(conferring_body=OuterRef("pk")).order_by().values("conferring_body")
    batches = CommendationBatch.objects.filter(conferring_body=OuterRef("pk")).order_by().values("conferring_body")
    bodies = ConferringBody.objects.annotate(
        honours=Coalesce(Subquery(used.annotate(n=Count("*")).values("n")), 0),
        batches=Coalesce(Subquery(batches.annotate(n=Count("*")).values("n")), 0),
    )
    return sorted(bodies, key=lambda b: (not b.active, LEVEL_ORDER[b.level], b.name))
