from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from urllib.parse import urlencode

from django.urls import reverse

from activities.models import Audience, Dimension
from activities.periods import Period
from branches.models import Kind, Organisation

from ..content import Figure, Item
from ..numbers import Measure, propose_style

# The theme each dimension's section opens with; staff reword it per report.
DIMENSION_THEMES = {
    Dimension.UNITE_YOUTH: "紧扣时代主题，深化青少年思想政治引领和价值引领工作",
    Dimension.SERVE_OVERALL: "推动青年创新创优，积极投身经济社会发展",
    Dimension.BRIDGE: "向广大青年传达党的意志，倾听青年需求，回应青年声音",
    Dimension.GOVERN_STRICTLY: "全面加强团的自身建设，稳步推进共青团改革",
}

HALF_WORDS = {1: "上半年", 2: "下半年"}

# How a committee calls itself in its own summary, unless staff set the word on the
# organisation (我县, 我乡 ...). A 少工委 speaks for the area of the committee above it.
SUBJECT_BY_KIND = {
    Kind.CITY: "我市",
    Kind.DISTRICT: "我区",
    Kind.SUBDISTRICT: "我街道",
    Kind.TOWNSHIP: "我镇",
    Kind.PARK: "我园区",
    Kind.COMMITTEE: "我单位",
    Kind.SCHOOL: "我校",
    Kind.GENERAL_BRANCH: "本总支",
    Kind.BRANCH: "本支部",
    Kind.BRIGADE: "我大队",
    Kind.SQUADRON: "本中队",
}

# Who held the activities, by the holders' kind, as a committee names them in the plural.
ORGANISER_WORDS = {
    Kind.SUBDISTRICT: "街道团工委",
    Kind.TOWNSHIP: "乡镇团委",
    Kind.PARK: "园区团工委",
    Kind.COMMITTEE: "机关企事业单位团组织",
    Kind.SCHOOL: "学校团委",
    Kind.GENERAL_BRANCH: "团总支",
    Kind.BRANCH: "基层团支部",
    Kind.PIONEER_COMMITTEE: "少工委",
    Kind.BRIGADE: "少先队大队",
    Kind.SQUADRON: "少先队中队",
}


def audience_word(audiences) -> str:
    """Who took part, named truly: 团员青年 only when no pioneers or public were counted,
    青少年 when pioneers were, nothing when the public was (人次 alone is then the truth)."""
    audiences = set(audiences)
    if Audience.PUBLIC in audiences:
        return ""
    if Audience.PIONEERS in audiences:
        return "青少年" if audiences - {Audience.PIONEERS} else "少先队员"
    return "团员青年"


@dataclass
class BuildResult:
    achievements: list[tuple[str, Item]] = field(default_factory=list)
    problems: list[Item] = field(default_factory=list)
    plan: list[Item] = field(default_factory=list)
    # Sentences of the opening paragraph after its fixed lead: (template, its figures).
    opening: list[tuple[str, dict[str, Figure]]] = field(default_factory=list)


@dataclass
class CompileContext:
    organisation: Organisation
    year: int
    half: int
    period: Period
    previous: Period  # the same half of the previous year
    next_year: int
    next_half: int
    dimensions: list[tuple[str, str]]

    @classmethod
    def create(cls, *, organisation: Organisation, year: int, half: int) -> "CompileContext":
        next_year, next_half = (year, 2) if half == 1 else (year + 1, 1)
        return cls(
            organisation=organisation,
            year=year,
            half=half,
            period=Period.half_year(year, half),
            previous=Period.half_year(year - 1, half),
            next_year=next_year,
            next_half=next_half,
            dimensions=list(Dimension.choices),
        )

    @cached_property
    def subject(self) -> str:
        """我区 / 我镇 / 我校 / 本支部 …: the committee's own word for itself."""
        org = self.organisation
        if org.report_subject:
            return org.report_subject
        if org.kind == Kind.PIONEER_COMMITTEE:
            parent = Organisation.objects.get_parent(org)
            return SUBJECT_BY_KIND.get(parent.kind, "") if parent is not None else ""
        return SUBJECT_BY_KIND.get(org.kind, "")

    @cached_property
    def has_children(self) -> bool:
        """Whether there are organisations under this one ("各级团组织" makes sense)."""
        return Organisation.objects.filter(
            path__startswith=self.organisation.path, depth__gt=self.organisation.depth, active=True
        ).exists()

    @property
    def pioneer_line(self) -> bool:
        return self.organisation.kind in (Kind.PIONEER_COMMITTEE, Kind.BRIGADE, Kind.SQUADRON)

    @property
    def grassroots(self) -> str:
        """The organisations below, as the text names them all together."""
        if self.pioneer_line:
            return "各级少先队组织"
        return "各级团组织" if self.has_children else self.subject

    @property
    def plan_title(self) -> str:
        if self.half == 1:
            return "下半年工作计划"
        if self.organisation.report_plan_span == "year":
            return f"{self.next_year}年工作计划"
        return f"{self.next_year}年上半年工作计划"

    def organiser(self, kinds_by_count: dict[str, int]) -> str:
        """组织学校团委、少先队大队开展 … — who held a campaign's activities, read from the
        holders' kinds; the committee's own activities need no organiser."""
        total = sum(kinds_by_count.values())
        words = []
        for kind, n in sorted(kinds_by_count.items(), key=lambda kv: -kv[1]):
            word = ORGANISER_WORDS.get(kind)
            if word and n * 5 >= total and word not in words and kind != self.organisation.kind:
                words.append(word)
        return f"组织{'、'.join(words[:3])}" if words else ""

    @property
    def half_word(self) -> str:
        return HALF_WORDS[self.half]

    @property
    def org_name(self) -> str:
        return self.organisation.short_name or self.organisation.name

    @property
    def title(self) -> str:
        return f"{self.org_name}{self.year}年{self.half_word}工作总结及{self.plan_title}"

    def figure(self, value, unit: str, measure: Measure, *, label: str, link: str = "", previous=None) -> Figure:
        return Figure(
            value=value,
            unit=unit,
            measure=measure,
            style=propose_style(value, measure),
            label=label,
            link=link,
            previous=previous,
            compiled_value=value,
        )

    def activities_link(self, period: Period | None = None, **params) -> str:
        period = period or self.period
        query = {
            "organisation": self.organisation.pk,
            "status": "approved",
            "date_from": period.start.isoformat(),
            "date_to": period.end.isoformat(),
            **params,
        }
        return f"{reverse('activities:list')}?{urlencode(query)}"

    def opening_item(self, sentences: list[tuple[str, dict[str, Figure]]]) -> Item:
        if self.pioneer_line:
            lead = (
                f"{self.year}年{self.half_word}，{self.org_name}在上级党组织和少工委的正确领导下，"
                "紧扣少先队政治启蒙和价值观塑造的根本任务，围绕少年儿童健康成长需求，扎实推进各项工作。"
            )
        else:
            lead = (
                f"{self.year}年{self.half_word}，{self.org_name}在上级党委和上级团组织的正确领导下，"
                "按照“凝聚青年、服务大局、当好桥梁、从严治团”的四维工作格局，紧密围绕新形势下党对群团工作的新要求"
                "以及青少年健康成长发展需求，扎实推进各项工作。"
            )
        figures: dict[str, Figure] = {}
        text = lead
        for sentence, sentence_figures in sentences:
            text += sentence
            figures.update(sentence_figures)
        text += f"现将{self.half_word}工作情况总结如下："
        return Item(key="opening", template=text, figures=figures)


def today() -> date:
    from django.utils import timezone

    return timezone.localdate()
