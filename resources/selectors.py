"""Every figure of bases, coverage, partners and donations: the lists, the snapshot's stock and
the report's sentences call these, so a figure is computed in one place."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q

from core.review.models import Status

from .models import (
    LEVEL_WORDS,
    OUTLET_WORDS,
    AmountQualifier,
    Base,
    BaseKind,
    Coverage,
    Donation,
    Level,
    OutletLevel,
    Partner,
    PieceForm,
)

LEVEL_ORDER = {value: i for i, value in enumerate(Level.values)}
KIND_ORDER = {value: i for i, value in enumerate(BaseKind.values)}
KIND_LABELS = dict(BaseKind.choices)


# --- Lists (pages and the export) ------------------------------------------------------------


@dataclass(frozen=True)
class ListFilters:
    organisation: object = None  # the subtree of this organisation
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""


# The date each list is filtered on, and the text fields its search looks in.
DATE_FIELD = {Base: "recognised_on", Coverage: "published_on", Partner: "since", Donation: "received_on"}
SEARCH_FIELDS = {
    Base: ("name", "address"),
    Coverage: ("title", "outlet"),
    Partner: ("name",),
    Donation: ("donor", "purpose", "goods_kind"),
}


def record_list(*, model, user, filters: ListFilters = ListFilters()):
    """``model``'s records the user may see, filtered as the list page shows them."""
    qs = model.objects.visible_to(user).select_related("organisation")
    if filters.organisation is not None:
        qs = qs.filter(organisation__path__startswith=filters.organisation.path)
    day = DATE_FIELD[model]
    if filters.date_from:
        qs = qs.filter(**{f"{day}__gte": filters.date_from})
    if filters.date_to:
        qs = qs.filter(**{f"{day}__lte": filters.date_to})
    if filters.q:
        match = Q()
        for name in SEARCH_FIELDS[model]:
            match |= Q(**{f"{name}__icontains": filters.q})
        qs = qs.filter(match)
    if model is Donation:
        qs = qs.select_related("partner", "activity")
    elif model is Coverage:
        qs = qs.select_related("activity")
    return qs


# --- Bases (阵地) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseCount:
    kind: str
    level: str
    count: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def level_word(self) -> str:
        return LEVEL_WORDS[self.level]


def _counted(qs) -> list[BaseCount]:
    counts = Counter(qs.values_list("kind", "level"))
    rows = [BaseCount(kind, level, n) for (kind, level), n in counts.items()]
    return sorted(rows, key=lambda r: (LEVEL_ORDER[r.level], KIND_ORDER[r.kind]))


def _bases_under(organisation):
    return Base.objects.filter(organisation__path__startswith=organisation.path)


def base_stock(*, organisation, on: date) -> list[BaseCount]:
    """Bases of the subtree standing on ``on``: recognised by then and not yet withdrawn; by level
    (national first) and kind."""
    qs = (
        _bases_under(organisation)
        .filter(recognised_on__lte=on)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
    )
    return _counted(qs)


def bases_recognised(*, organisation, start: date, end: date) -> list[BaseCount]:
    """Bases of the subtree recognised within [start, end], by level and kind."""
    return _counted(_bases_under(organisation).filter(recognised_on__gte=start, recognised_on__lte=end))


def by_kind(counts: list[BaseCount]) -> list[tuple[str, int]]:
    """(kind label, count) over every level, in the kinds' order."""
    totals: Counter = Counter()
    for row in counts:
        totals[row.kind] += row.count
    return [(KIND_LABELS[kind], totals[kind]) for kind in BaseKind.values if totals[kind]]


# --- Coverage (宣传报道采用) ------------------------------------------------------------------


@dataclass
class LevelCoverage:
    level: str
    articles: int = 0
    videos: int = 0
    outlets: list[tuple[str, int]] = field(default_factory=list)  # most pieces first, then earliest

    @property
    def pieces(self) -> int:
        return self.articles + self.videos

    @property
    def word(self) -> str:
        return OUTLET_WORDS[self.level]


def coverage_by_level(*, organisation, start: date, end: date) -> list[LevelCoverage]:
    """Pieces of the subtree picked up within [start, end], per outlet level (central first),
    with the outlets that used them."""
    rows = (
        Coverage.objects.filter(organisation__path__startswith=organisation.path)
        .filter(published_on__gte=start, published_on__lte=end)
        .order_by("published_on", "pk")
        .values_list("outlet_level", "form", "outlet")
    )
    levels: dict[str, LevelCoverage] = {}
    outlets: dict[str, Counter] = defaultdict(Counter)
    for level, form, outlet in rows:
        entry = levels.setdefault(level, LevelCoverage(level))
        if form == PieceForm.VIDEO:
            entry.videos += 1
        else:
            entry.articles += 1
        outlets[level][outlet.strip()] += 1
    for level, entry in levels.items():
        # Most pieces first; among equals, the outlet that used the work first (Counter keeps that order).
        entry.outlets = sorted(outlets[level].items(), key=lambda kv: -kv[1])
    return [levels[level] for level in OutletLevel.values if level in levels]


# --- Partners (共建单位) ----------------------------------------------------------------------


@dataclass
class PartnerFigures:
    partners: list[Partner]  # most joint activities in the period first
    activities: int  # approved activities in the period held with any of them

    @property
    def count(self) -> int:
        return len(self.partners)


def partners_in(*, organisation, start: date, end: date) -> PartnerFigures:
    """Partner units of the subtree whose co-building ran within [start, end] (begun by its end,
    not ended before its start), and the approved activities held with them in the period."""
    partners = list(
        Partner.objects.filter(organisation__path__startswith=organisation.path, since__lte=end)
        .filter(Q(until__isnull=True) | Q(until__gte=start))
        .order_by("since", "pk")
    )
    joint: dict[int, set[int]] = defaultdict(set)
    links = Partner.activities.through.objects.filter(
        partner__in=partners,
        activity__status=Status.APPROVED,
        activity__start_date__gte=start,
        activity__start_date__lte=end,
    ).values_list("partner_id", "activity_id")
    for partner_id, activity_id in links:
        joint[partner_id].add(activity_id)
    partners.sort(key=lambda p: -len(joint[p.pk]))  # stable: earliest partners first among equals
    activities = set().union(*joint.values()) if joint else set()
    return PartnerFigures(partners, len(activities))


# --- Donations (募集款物) ---------------------------------------------------------------------


@dataclass
class Amount:
    """A sum of amounts in 元, and how approximate its parts were."""

    value: Decimal = Decimal(0)
    entries: int = 0
    qualifiers: set = field(default_factory=set)

    def add(self, value: Decimal, qualifier: str) -> None:
        self.value += value
        self.entries += 1
        if qualifier:
            self.qualifiers.add(qualifier)

    @property
    def approximate(self) -> bool:
        return bool(self.qualifiers)

    @property
    def at_least(self) -> bool:
        """Every approximate part was a lower bound (余): the sum is one too."""
        return self.qualifiers == {AmountQualifier.MORE_THAN}


@dataclass
class DonationTotals:
    entries: int = 0
    money: Amount = field(default_factory=Amount)  # 善款
    value: Amount | None = None  # 款物价值: money and goods, when every goods entry has a value
    goods: list[tuple[str, int]] = field(default_factory=list)  # (unit, count), most first
    goods_kinds: list[str] = field(default_factory=list)  # as entered, most goods first


def donation_totals(*, organisation, start: date, end: date) -> DonationTotals:
    """Money and goods the subtree raised within [start, end]."""
    totals = DonationTotals()
    value = Amount()
    valued = True
    units: Counter = Counter()
    kinds: Counter = Counter()
    rows = Donation.objects.filter(organisation__path__startswith=organisation.path).filter(
        received_on__gte=start, received_on__lte=end
    )
    for d in rows:
        totals.entries += 1
        if d.money is not None:
            totals.money.add(d.money, d.qualifier)
        if d.goods_count:
            units[d.goods_unit] += d.goods_count
            for kind in _kinds(d.goods_kind):
                kinds[kind] += d.goods_count
            if d.goods_value is None:
                valued = False
        if d.value is not None:
            value.add(d.value, d.qualifier)
    if units and valued:
        totals.value = value
    totals.goods = sorted(units.items(), key=lambda kv: -kv[1])
    totals.goods_kinds = [kind for kind, _ in sorted(kinds.items(), key=lambda kv: -kv[1])]
    return totals


def _kinds(text: str) -> list[str]:
    for sep in "，,；;/ ":
        text = text.replace(sep, "、")
    return [part for part in (p.strip() for p in text.split("、")) if part]
