"""Report items from honours: named national and provincial titles, counts at city level and
below per recipient kind, the reporting body's own titles, and what the committee conferred.

Honours belong under 服务大局 (选树先进青年典型) unless ``REPORT_HONOURS_DIMENSION`` says otherwise.
"""

from collections import defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from activities.models import Dimension
from honours import selectors
from honours.models import UNITS, Direction, Level, RecipientKind, Status

from ..content import Item
from ..numbers import Measure
from .context import BuildResult, CompileContext

KIND_LABELS = dict(RecipientKind.choices)
COUNTED_LEVELS = (Level.CITY, Level.DISTRICT)


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


def _quoted(titles: list[str]) -> str:
    return "和".join(f"“{t}”" for t in titles) if len(titles) <= 2 else "、".join(f"“{t}”" for t in titles)


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    summary = selectors.honour_summary(organisation=ctx.organisation, start=ctx.period.start, end=ctx.period.end)
    previous = selectors.honour_summary(organisation=ctx.organisation, start=ctx.previous.start, end=ctx.previous.end)
    figures, sentences = {}, []

    # National and provincial honours are named: grouped by level, then recipient kind. The
    # reporting body's own titles are stated once, apart (below), never among its subtree's.
    own = {h.pk for h in summary.own}
    for level in (Level.NATIONAL, Level.PROVINCIAL):
        named = [h for h in summary.named_at(level, direction=Direction.RECEIVED) if h.pk not in own]
        by_kind: dict[str, list] = defaultdict(list)
        for honour in named:
            by_kind[honour.recipient_kind].append(honour)
        bodies = list(dict.fromkeys(h.conferring_body for h in named if h.conferring_body))
        # One conferring body for the whole level is written once, before the list.
        common = bodies[0] if len(bodies) == 1 and level == Level.PROVINCIAL and len(by_kind) > 1 else ""
        parts = []
        for kind, honours in by_kind.items():
            name = f"{level}_{kind}"
            count = sum(h.recipient_count for h in honours)
            figures[name] = ctx.figure(
                count,
                "",
                Measure.PERSONS,
                label=f"{dict(Level.choices)[level]}{KIND_LABELS[kind]}",
                link=_link(ctx, level=level, recipient_kind=kind, direction=Direction.RECEIVED),
            )
            titles = list(dict.fromkeys(h.title for h in honours))
            kind_bodies = list(dict.fromkeys(h.conferring_body for h in honours if h.conferring_body))
            if level == Level.NATIONAL:
                level_word = "全国级"
            elif common:
                level_word = ""
            else:
                level_word = kind_bodies[0] if len(kind_bodies) == 1 else "自治区（省）级"
            several = "分别" if len(titles) > 1 else ""
            parts.append(f"{{{name}}}{UNITS[kind]}{KIND_LABELS[kind]}{several}荣获{level_word}{_quoted(titles)}称号")
        if parts:
            lead = f"在{common}组织的评选表彰中，" if common else ""
            subject = ctx.subject if level == Level.PROVINCIAL else ""
            sentences.append(f"{lead}{subject}" + "，".join(parts))

    # City level and below: counts per recipient kind.
    for level in COUNTED_LEVELS:
        parts = []
        for kind in RecipientKind.values:
            n = summary.count(level=level, kind=kind, direction=Direction.RECEIVED)
            if not n:
                continue
            name = f"{level}_{kind}"
            figures[name] = ctx.figure(
                n,
                "",
                Measure.PERSONS,
                label=f"{dict(Level.choices)[level]}{KIND_LABELS[kind]}",
                link=_link(ctx, level=level, recipient_kind=kind, direction=Direction.RECEIVED),
            )
            parts.append(f"{{{name}}}{UNITS[kind]}{KIND_LABELS[kind]}")
        if parts:
            bodies = summary.bodies.get((Direction.RECEIVED, level), [])
            body = bodies[0] if len(bodies) == 1 else dict(Level.choices)[level]
            sentences.append(f"{'并有' if sentences else ''}{'、'.join(parts)}获得{body}表扬")

    # The reporting body's own titles (区少工委 “优秀少工委”), stated apart.
    before = {(h.title, h.recipient_organisation_id) for h in previous.own}
    for honour in summary.own:
        if honour.direction != Direction.RECEIVED:
            continue
        again = "继续" if (honour.title, honour.recipient_organisation_id) in before else ""
        who = (
            ctx.org_name
            if honour.recipient_organisation_id == ctx.organisation.pk
            else honour.recipient_organisation_name
        )
        sentences.append(f"{who}{again}荣获{honour.conferring_body}“{honour.title}”称号")

    if sentences:
        text = ("选树少先队先进典型。" if ctx.pioneer_line else "选树先进青年典型。") + "。".join(sentences)
        result.achievements.append((_dimension(), Item("honours:received", text, figures)))

    # What the committee conferred itself (五四 表彰).
    parts, conferred = [], {}
    for kind in RecipientKind.values:
        n = summary.count(kind=kind, direction=Direction.CONFERRED)
        if n:
            name = f"conferred_{kind}"
            conferred[name] = ctx.figure(
                n,
                "",
                Measure.PERSONS,
                label=f"表彰{KIND_LABELS[kind]}",
                link=_link(ctx, recipient_kind=kind, direction=Direction.CONFERRED),
            )
            parts.append(f"{{{name}}}{UNITS[kind]}{KIND_LABELS[kind]}")
    if parts:
        text = f"发挥典型示范作用，{ctx.half_word}共表彰" + "、".join(parts)
        result.achievements.append((_dimension(), Item("honours:conferred", text, conferred)))
    return result
