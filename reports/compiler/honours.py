"""Report items from honours, written as a committee writes them (docs/report-writing.md).

* Received: level by level from national down. National and provincial honours, and prizes at
  any level, are named with their conferring body's short form, edition (第三届) and title
  ("…“优秀少先队员”称号") or grade ("…大赛一等奖"); one body conferring several kinds at a
  level is written once, before them. At city and district level the other titles are counted
  per recipient kind ("并有135名少先队员、…获得团市委、市少工委表扬").
* The reporting body's own titles are stated once, as its own ("我区少工委继续荣获…"), never
  among its subtree's collectives.
* Conferred: each title the committee conferred with its count ("评选表彰第三届“青春榜样”8名、
  优秀共青团员20名"), never merged into one "表彰N名团员".
* The track record, when the committee sets ``report_track_record_years``: its own titles of
  the years before the half, in the opening ("近年来，我区团委先后荣获…").

Every figure comes from ``honours.selectors`` (``honour_summary``, ``own_honours``). Honours
belong under 服务大局 (选树先进青年典型) unless ``REPORT_HONOURS_DIMENSION`` says otherwise.
"""

from collections import defaultdict
from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from activities.models import Dimension
from branches.models import Kind, Organisation
from core.review.models import Status
from honours import selectors
from honours.models import LEVEL_ORDER, NAMED_LEVELS, UNITS, Direction, Level, RecipientKind
from honours.selectors import NamedHonour

from ..content import Figure, Item, ordinal
from ..numbers import Measure
from .context import BuildResult, CompileContext

KIND_LABELS = dict(RecipientKind.choices)
LEVEL_LABELS = dict(Level.choices)
# Below the named levels (national, provincial) titles are counted; township and school
# honours are their own committees' to report.
COUNTED_LEVELS = (Level.CITY, Level.DISTRICT)
# Within a level: collectives, then people, then projects (as the source document lists them).
KIND_ORDER = {
    kind: i
    for i, kind in enumerate(
        (
            RecipientKind.LEAGUE_COLLECTIVE,
            RecipientKind.PIONEER_COLLECTIVE,
            RecipientKind.UNIT,
            RecipientKind.CADRE,
            RecipientKind.COUNSELLOR,
            RecipientKind.LEAGUE_MEMBER,
            RecipientKind.YOUNG_PIONEER,
            RecipientKind.YOUTH,
            RecipientKind.PROJECT,
        )
    )
}
# Collectives by their own level: 团委 before 团支部, 大队 before 中队. A linked organisation's
# kind says it; a collective entered by name is read from its title.
ORGANISATION_RANK = {kind: i for i, kind in enumerate(Kind.values)}
TITLE_RANK = (("团委", Kind.SCHOOL), ("团工委", Kind.SUBDISTRICT), ("团总支", Kind.GENERAL_BRANCH),
              ("团支部", Kind.BRANCH), ("少工委", Kind.PIONEER_COMMITTEE), ("大队", Kind.BRIGADE),
              ("中队", Kind.SQUADRON))  # fmt: skip
# The word after the subject for the committee's own titles: 我区 + 团委, 我镇 + 团委, 我区 + 少工委.
OWN_KIND_WORDS = {
    Kind.CITY: "团委",
    Kind.DISTRICT: "团委",
    Kind.SUBDISTRICT: "团工委",
    Kind.TOWNSHIP: "团委",
    Kind.PARK: "团工委",
    Kind.COMMITTEE: "团委",
    Kind.SCHOOL: "团委",
    Kind.GENERAL_BRANCH: "团总支",
    Kind.BRANCH: "团支部",
    Kind.PIONEER_COMMITTEE: "少工委",
    Kind.BRIGADE: "少先队大队",
    Kind.SQUADRON: "中队",
}
# The level a committee confers its own honours at (a 少工委 that of the committee above it).
# Honours "conferred" at another level are, for this committee, titles its people received:
# the district's 五四 list, in a street's summary, is praise from 团区委, not the street's own.
CONFERRING_LEVELS = {
    Kind.CITY: Level.CITY,
    Kind.DISTRICT: Level.DISTRICT,
    Kind.SUBDISTRICT: Level.TOWNSHIP,
    Kind.TOWNSHIP: Level.TOWNSHIP,
    Kind.PARK: Level.TOWNSHIP,
    Kind.SCHOOL: Level.SCHOOL,
}
# Subjects that already name the unit (本支部, 我大队): nothing is added to them.
SELF_NAMING = ("支部", "总支", "大队", "中队")
NAMED_PROJECTS = 3  # more projects than this at a level are counted, not named


def _dimension() -> str:
    return getattr(settings, "REPORT_HONOURS_DIMENSION", Dimension.SERVE_OVERALL)


def _link(ctx: CompileContext, **params) -> str:
    query = {
        "organisation": ctx.organisation.pk,
        "status": Status.APPROVED,
        "start": ctx.period.start.isoformat(),
        "end": ctx.period.end.isoformat(),
        **params,
    }
    return f"{reverse('honours:list')}?{urlencode(query)}"


def _joined(words: list[str]) -> str:
    return "和".join(words) if len(words) <= 2 else "、".join(words)


def _edition(edition: int | None) -> str:
    return f"第{ordinal(edition)}届" if edition else ""


def _rank(honour: NamedHonour) -> int:
    if honour.recipient_organisation_kind:
        return ORGANISATION_RANK.get(honour.recipient_organisation_kind, len(ORGANISATION_RANK))
    for word, kind in TITLE_RANK:
        if word in honour.title:
            return ORGANISATION_RANK[kind]
    return len(ORGANISATION_RANK)


def _awards(honours: list[NamedHonour], *, with_body: bool) -> str:
    """“优秀少先队大队”和“优秀少先队中队”称号, 团市委第三届青年志愿服务项目大赛金奖 …: what
    ``honours`` won, titles of one body together, each prize with its grade, each written once."""
    titles: dict[str, list[str]] = defaultdict(list)
    prizes: list[str] = []
    for honour in sorted(honours, key=lambda h: (_rank(h), h.counted_on, h.title)):
        body = honour.body_written if with_body else ""
        if honour.is_prize:
            prize = f"{body}{_edition(honour.edition)}{honour.title}{honour.grade}"
            if prize not in prizes:
                prizes.append(prize)
        else:
            title = f"{_edition(honour.edition)}“{honour.title}”"
            if title not in titles[body]:
                titles[body].append(title)
    phrases = [f"{body}{_joined(names)}称号" for body, names in titles.items()] + prizes
    return "、".join(phrases)


def _conferring_level(ctx: CompileContext) -> str | None:
    org = ctx.organisation
    if org.kind == Kind.PIONEER_COMMITTEE:
        parent = Organisation.objects.get_parent(org)
        return CONFERRING_LEVELS.get(parent.kind) if parent is not None else None
    return CONFERRING_LEVELS.get(org.kind)


def _project_name(name: str) -> str:
    return name if name.endswith("项目") else f"{name}项目"


class _Writer:
    """The received item's sentences and figures, level by level."""

    def __init__(self, ctx: CompileContext, summary: selectors.HonourSummary, conferring_level: str | None):
        self.ctx, self.summary, self.conferring_level = ctx, summary, conferring_level
        self.sentences: list[str] = []
        self.figures: dict[str, Figure] = {}

    def figure(self, name: str, value: int, *, level: str, kind: str) -> str:
        self.figures[name] = self.ctx.figure(
            value,
            "",
            Measure.PERSONS,
            label=f"{LEVEL_LABELS[level]}{KIND_LABELS[kind]}",
            link=_link(self.ctx, level=level, recipient_kind=kind, direction=Direction.RECEIVED),
        )
        return f"{{{name}}}"

    def named(self, level: str, honours: list[NamedHonour], *, suffix: str = "") -> None:
        """One sentence for the honours named at ``level``: a part per recipient kind."""
        bodies = list(dict.fromkeys(h.body_written for h in honours))
        by_kind: dict[str, list[NamedHonour]] = defaultdict(list)
        for honour in sorted(honours, key=lambda h: KIND_ORDER[h.recipient_kind]):
            by_kind[honour.recipient_kind].append(honour)
        parts: list[tuple[str, list[NamedHonour]]] = []
        for kind, group in by_kind.items():
            projects = [h for h in group if h.recipient_name]
            if kind == RecipientKind.PROJECT and projects and len(group) <= NAMED_PROJECTS:
                parts.extend((_project_name(h.recipient_name), [h]) for h in group)
                continue
            count = sum(h.recipient_count for h in group)
            figure = self.figure(f"{level}_{kind}{suffix}", count, level=level, kind=kind)
            several = "分别" if count > 1 and len({(h.title, h.grade, h.edition) for h in group}) > 1 else ""
            parts.append((f"{figure}{UNITS[kind]}{KIND_LABELS[kind]}{several}", group))
        # One body conferring several kinds at the level is written once, before them.
        common = bodies[0] if len(bodies) == 1 and len(parts) > 1 else ""
        text = "，".join(f"{who}荣获{_awards(group, with_body=not common)}" for who, group in parts)
        lead = f"在{common}组织的评选表彰中，" if common else ""
        subject = self.ctx.subject if lead or not self.sentences else ""
        self.sentences.append(f"{lead}{subject}{text}")

    def counted(self, levels: tuple[str, ...]) -> None:
        """并有135名少先队员、…获得团市委、市少工委表扬，3名团员获得团区委表扬: the titles below
        the named levels, counted per recipient kind, one clause per level."""
        clauses = []
        for level in levels:
            # What the committee conferred at its own level is its own item; at another level it was received.
            direction = Direction.RECEIVED if level == self.conferring_level else None
            parts = []
            for kind in RecipientKind.values:
                n = self.summary.count(level=level, kind=kind, direction=direction, graded=False)
                if n:
                    figure = self.figure(f"{level}_{kind}", n, level=level, kind=kind)
                    parts.append(f"{figure}{UNITS[kind]}{KIND_LABELS[kind]}")
            if not parts:
                continue
            weights: dict[str, int] = defaultdict(int)
            for row in self.summary.titles_of(direction=direction, level=level):
                if not row.grade:
                    weights[row.body_written] += row.recipients
            bodies = sorted(weights, key=lambda body: -weights[body])
            body = "、".join(bodies) if len(bodies) <= 3 else LEVEL_LABELS[level]
            clauses.append(f"{'、'.join(parts)}获得{body}表扬")
        if clauses:
            lead = "并有" if self.sentences else self.ctx.subject
            self.sentences.append(lead + "，".join(clauses))


def _own_word(ctx: CompileContext, honour: NamedHonour) -> str:
    """我区团委 / 我区少工委 / 我校团委 / 本支部: the committee (or its 少工委) naming itself."""
    itself = honour.recipient_organisation_id in (None, ctx.organisation.pk)
    kind = ctx.organisation.kind if itself else honour.recipient_organisation_kind
    subject = ctx.subject
    if not subject:
        return ctx.org_name if itself else honour.recipient_organisation_name
    if itself and subject.endswith(SELF_NAMING):
        return subject
    return subject + OWN_KIND_WORDS.get(kind, "")


def _own_sentences(ctx: CompileContext, own: list[NamedHonour], before: list[NamedHonour]) -> list[str]:
    """我区少工委继续荣获团市委、市少工委“优秀少工委”称号 — once per recipient, "继续" for a
    title it also won in the same half of the year before."""
    earlier = {(_own_word(ctx, h), h.title, h.body_written) for h in before}
    by_who: dict[str, list[NamedHonour]] = defaultdict(list)
    for honour in own:
        if honour.direction == Direction.RECEIVED:
            by_who[_own_word(ctx, honour)].append(honour)
    sentences = []
    for who, honours in by_who.items():
        again = "继续" if all((who, h.title, h.body_written) in earlier for h in honours) else ""
        sentences.append(f"{who}{again}荣获{_awards(honours, with_body=True)}")
    return sentences


def _track_record(ctx: CompileContext, now: list[NamedHonour]) -> str:
    """近年来，我区团委先后荣获团中央“…”称号、…: the committee's own titles of the years before
    the half (national first), when it asks for them. A title it won again this half is left to
    the honours item ("继续荣获"), so the document says it once."""
    years = ctx.organisation.report_track_record_years
    if not years:
        return ""
    honours = selectors.own_honours(
        organisation=ctx.organisation,
        start=date(ctx.year - years, 1, 1),
        end=ctx.period.start - timedelta(days=1),
    )
    again = {(_own_word(ctx, h), h.title, h.body_written) for h in now if h.direction == Direction.RECEIVED}
    by_who: dict[str, list[NamedHonour]] = defaultdict(list)
    for honour in honours:
        who = _own_word(ctx, honour)
        if (who, honour.title, honour.body_written) not in again:
            by_who[who].append(honour)
    clauses = []
    for who, won in by_who.items():
        # Level by level, each award once: _awards keeps its order within one body.
        phrases = []
        for level in sorted({h.level for h in won}, key=LEVEL_ORDER.__getitem__):
            for body in dict.fromkeys(h.body_written for h in won if h.level == level):
                phrase = _awards([h for h in won if h.level == level and h.body_written == body], with_body=True)
                phrases.append(phrase)
        several = "先后" if len({(h.body_written, h.edition, h.title, h.grade) for h in won}) > 1 else ""
        clauses.append(f"{who}{several}荣获{'、'.join(phrases)}")
    return f"近年来，{'；'.join(clauses)}。" if clauses else ""


def _conferred(ctx: CompileContext, summary: selectors.HonourSummary, level: str | None) -> Item | None:
    """发挥典型示范作用，上半年评选表彰第三届“青春榜样”8名、优秀共青团员20名 …: each title the
    committee conferred at its own ``level``, with its own count, in the order they were conferred."""
    if level is None:
        return None
    groups: dict[tuple, int] = defaultdict(int)
    kinds: dict[tuple, str] = {}
    for row in summary.titles_of(direction=Direction.CONFERRED, level=level):
        key = (row.edition, row.title, row.grade, row.unit)
        groups[key] += row.recipients
        kinds.setdefault(key, row.recipient_kind)
    if not groups:
        return None
    parts, figures = [], {}
    for i, ((edition, title, grade, unit), n) in enumerate(groups.items(), start=1):
        # A title conferred by edition is a named award: quoted, as committees write “青春榜样”.
        name = f"{_edition(edition)}“{title}”" if edition else title
        figures[f"conferred_{i}"] = ctx.figure(
            n,
            "",
            Measure.PERSONS,
            label=f"表彰{_edition(edition)}{title}{grade}",
            link=_link(ctx, recipient_kind=kinds[(edition, title, grade, unit)], direction=Direction.CONFERRED),
        )
        parts.append(f"{name}{grade}{{conferred_{i}}}{unit}")
    text = f"发挥典型示范作用，{ctx.half_word}评选表彰" + "、".join(parts)
    return Item("honours:conferred", text, figures)


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    summary = selectors.honour_summary(organisation=ctx.organisation, start=ctx.period.start, end=ctx.period.end)
    conferring_level = _conferring_level(ctx)
    writer = _Writer(ctx, summary, conferring_level)
    own = {h.pk for h in summary.own}
    # National and provincial honours by name, then the titles counted below them, then the
    # prizes won at those levels (named: a grade is not a count).
    for level in NAMED_LEVELS:
        if named := [h for h in summary.named_at(level, direction=Direction.RECEIVED) if h.pk not in own]:
            writer.named(level, named)
    writer.counted(COUNTED_LEVELS)
    for level in COUNTED_LEVELS:
        received = Direction.RECEIVED if level == conferring_level else None
        if prizes := [h for h in summary.prizes if h.level == level and received in (None, h.direction)]:
            writer.named(level, prizes, suffix="_prize")

    before = selectors.own_honours(organisation=ctx.organisation, start=ctx.previous.start, end=ctx.previous.end)
    sentences = writer.sentences + _own_sentences(ctx, summary.own, before)
    if sentences:
        text = ("选树少先队先进典型。" if ctx.pioneer_line else "选树先进青年典型。") + "。".join(sentences)
        result.achievements.append((_dimension(), Item("honours:received", text, writer.figures)))

    conferred = _conferred(ctx, summary, conferring_level)
    if conferred is not None:
        result.achievements.append((_dimension(), conferred))
    if track_record := _track_record(ctx, summary.own):
        result.opening.append((track_record, {}))
    return result
