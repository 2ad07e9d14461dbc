"""The opening's picture of the committee: its organisations and members at the end of the half
(members.snapshot), in the committee's own words ("全区现有团组织…", "本支部现有团员N名")."""

from urllib.parse import urlencode

from django.urls import reverse

from branches.models import Kind, Organisation
from members.snapshot import LEAGUE_GROUPS, committee_snapshot

from ..numbers import Measure
from .context import BuildResult, CompileContext, today

# Committees that speak of their whole area (全区, 全镇, 全校); the rest of themselves (本支部现有).
AREA_KINDS = {Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT, Kind.TOWNSHIP, Kind.PARK, Kind.SCHOOL}


def _who(ctx: CompileContext) -> str:
    subject = ctx.subject
    kind = ctx.organisation.kind
    if kind == Kind.PIONEER_COMMITTEE:
        parent = Organisation.objects.get_parent(ctx.organisation)
        kind = parent.kind if parent is not None else kind
    if kind in AREA_KINDS and subject.startswith("我"):
        return f"全{subject[1:]}"
    return subject or ctx.org_name


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    on = min(ctx.period.end, today())
    snapshot = committee_snapshot(organisation=ctx.organisation, on=on)
    overview = f"{reverse('members:overview')}?{urlencode({'organisation': ctx.organisation.pk, 'on': on})}"
    figures, parts = {}, []

    league_parts = [(g, label, n) for g, label, n in snapshot.organisation_parts() if g in LEAGUE_GROUPS]
    league_total = snapshot.league_organisations
    if league_total and not ctx.pioneer_line:
        figures["organisations"] = ctx.figure(
            league_total, "个", Measure.ORGANISATIONS, label=f"团组织（{on:%Y年%-m月%-d日}）", link=overview
        )
        text = "团组织{organisations}"
        if len(league_parts) > 1:
            inner = []
            for group, label, n in league_parts:
                figures[f"org_{group}"] = ctx.figure(n, "个", Measure.ORGANISATIONS, label=label, link=overview)
                inner.append(f"{label}{{org_{group}}}")
            text += f"（其中{'、'.join(inner)}）"
        parts.append(text)
    pioneer_parts = [(g, label, n) for g, label, n in snapshot.organisation_parts() if g in ("brigades", "squadrons")]
    for group, label, n in pioneer_parts:
        figures[f"org_{group}"] = ctx.figure(n, "个", Measure.ORGANISATIONS, label=label, link=overview)
        parts.append(f"{label}{{org_{group}}}")
    for name, label, figure in (
        ("league_members", "团员", snapshot.league_members),
        ("young_pioneers", "少先队员", snapshot.young_pioneers),
    ):
        if figure.value:
            figures[name] = ctx.figure(
                figure.value, "名", Measure.PERSONS, label=f"{label}（{figure.source_label}）", link=overview
            )
            parts.append(f"{label}{{{name}}}")
    bases = _base_stock(ctx, snapshot, figures)
    if parts:
        stock = f"，建有{bases}" if bases else ""
        result.opening.append((f"{_who(ctx)}现有{'、'.join(parts)}{stock}。", figures))
    elif bases:
        result.opening.append((f"{_who(ctx)}现有{bases}。", figures))
    return result


def _base_stock(ctx: CompileContext, snapshot, figures: dict) -> str:
    """ "青年之家3个、少先队校外实践基地5个": the bases standing at the half's end, by kind."""
    from resources.selectors import by_kind

    link = f"{reverse('resources:base_list')}?{urlencode({'organisation': ctx.organisation.pk})}"
    parts = []
    for i, (label, n) in enumerate(by_kind(snapshot.bases)):
        figures[f"bases_{i}"] = ctx.figure(n, "个", Measure.ITEMS, label=f"现有{label}", link=link)
        parts.append(f"{label}{{bases_{i}}}")
    return "、".join(parts)
