"""A draft work plan (section 三) for a committee that has not kept one.

Built from what the next half year will demand of the committee's subtree: the obligations in
force for its organisations and cadres (so the plan states the same hours, meetings and counts
the reminders will enforce, and each item is linked to them), and the campaigns already set for
that half. Staff edit it like any plan they wrote; once saved it is theirs.
"""

import re
from dataclasses import dataclass, field

from activities.models import Campaign
from activities.periods import Period
from branches.models import COMMITTEE_KINDS, Kind, Organisation
from obligations.models import Frequency, Obligation, Target

from .compiler.activities import quoted_name

FREQUENCY_WORDS = {
    Frequency.WEEK: "每周",
    Frequency.MONTH: "每月",
    Frequency.QUARTER: "每季度",
    Frequency.HALF_YEAR: "每半年",
    Frequency.YEAR: "每年",
}
KIND_LABELS = dict(Kind.choices)


@dataclass
class DraftItem:
    heading: str
    body: str
    obligations: list[Obligation] = field(default_factory=list)


def _who(obligation: Obligation, below: set[str], own_kind: str) -> str:
    """The organisations an obligation binds, in words: those below of the kinds it names (各团支部,
    各级团委（团工委）), with 本级 when it binds the committee too; "" when it binds only the
    committee itself (the plan's subject)."""
    if obligation.all_organisations:
        return "各级团组织"
    kinds = [k for k in obligation.organisation_kinds if k in below]
    binds_self = own_kind in obligation.organisation_kinds
    committees = below & COMMITTEE_KINDS - {Kind.BRIGADE, Kind.PIONEER_COMMITTEE, Kind.GENERAL_BRANCH}
    if committees and committees <= set(kinds) and binds_self:
        words = ["各级团委（团工委）"]
    else:
        words = [f"本级及各{KIND_LABELS[kinds[0]]}"] if binds_self and kinds else [f"各{KIND_LABELS[k]}" for k in kinds]
    if obligation.directly_managed and "managed" in below:
        words.append("各直管团组织")
    return "、".join(words)


def _action(obligation: Obligation) -> tuple[str, str]:
    """(verb, what): 召开 支委会, 开展 专题学习, 完成 团籍注册 — the name without who or how often."""
    name = re.sub(r"^(直管团组织|学校)", "", obligation.name)
    name = re.sub(r"^(每周|每月|每季度|每半年|每年)|季度|月度|年度", "", name)
    verb = "完成" if obligation.uses_indicator else ("召开" if name.endswith("会") else "开展")
    return verb, name


def _clauses(obligations: list[Obligation], below: set[str], own_kind: str) -> list[str]:
    """One clause per group of organisations: 各团支部每月召开支委会、团小组会，每季度召开支部大会."""
    grouped: dict[str, dict[str, dict[str, list[str]]]] = {}
    clauses = []
    for ob in obligations:
        rest = re.sub(r"^(每周|每月|每季度|每半年|每年)", "", ob.name)
        if ob.for_cadres or "每" in rest:
            # A rule with its own wording (机关团干部每月学习不少于8小时, “4+1”工作制度) is kept as named.
            clauses.append(f"落实{ob.name}" if ob.for_cadres else ob.name)
            continue
        verb, what = _action(ob)
        frequency = FREQUENCY_WORDS.get(ob.frequency, "")
        grouped.setdefault(_who(ob, below, own_kind), {}).setdefault(frequency, {}).setdefault(verb, []).append(what)
    for who, by_frequency in grouped.items():
        parts = [
            frequency + "、".join(f"{verb}{'、'.join(dict.fromkeys(names))}" for verb, names in verbs.items())
            for frequency, verbs in by_frequency.items()
        ]
        clauses.append(who + "，".join(parts))
    return list(dict.fromkeys(clauses))


def _applies_in(obligation: Obligation, present: set[str], managed: bool) -> bool:
    if obligation.all_organisations:
        return True
    if obligation.directly_managed and managed:
        return True
    return bool(set(obligation.organisation_kinds) & present) or (
        obligation.for_cadres and not obligation.organisation_kinds
    )


def draft_plan(*, organisation: Organisation, year: int, half: int) -> list[DraftItem]:
    """The draft plan items for ``organisation``'s half year ``year``/``half``."""
    period = Period.half_year(year, half)
    subtree = Organisation.objects.filter(path__startswith=organisation.path, active=True)
    below_qs = subtree.filter(depth__gt=organisation.depth)
    below = set(below_qs.values_list("kind", flat=True).distinct())
    managed = subtree.filter(directly_managed=True).exists()
    if below_qs.filter(directly_managed=True).exists():
        below.add("managed")
    present = below | {organisation.kind}
    obligations = [
        ob
        for ob in Obligation.objects.enabled().select_related("indicator").order_by("position", "pk")
        if ob.active_from <= period.end
        and (ob.active_until is None or ob.active_until >= period.start)
        and _applies_in(ob, present, managed)
    ]
    items = []
    building = [ob for ob in obligations if ob.target != Target.CADRES and "学习" not in ob.name]
    if building:
        clauses = "；".join(_clauses(building, below, organisation.kind))
        items.append(
            DraftItem("加强基层组织建设", f"严格落实组织生活制度，{clauses}，做到按期开展、如实登记。", building)
        )
    cadres = [ob for ob in obligations if ob not in building]
    if cadres:
        clauses = "；".join(_clauses(cadres, below, organisation.kind))
        items.append(DraftItem("加强团干部队伍建设", f"{clauses}，不断提升团干部履职能力。", cadres))
    campaigns = list(
        Campaign.objects.filter(start_date__lte=period.end, end_date__gte=period.start, start_date__gte=period.start)
        .order_by("start_date", "name")
        .values_list("name", flat=True)
    )
    if campaigns:
        names = "、".join(quoted_name(name) for name in campaigns)
        items.append(DraftItem("组织开展重点活动", f"精心组织{names}等活动，扩大覆盖面，增强吸引力。"))
    return items
