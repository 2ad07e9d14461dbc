from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from activities.models import Dimension
from activities.periods import Period
from branches.models import Organisation

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


@dataclass
class BuildResult:
    achievements: list[tuple[str, Item]] = field(default_factory=list)
    problems: list[Item] = field(default_factory=list)
    plan: list[Item] = field(default_factory=list)
    opening_figures: dict[str, Figure] = field(default_factory=dict)


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

    @property
    def half_word(self) -> str:
        return HALF_WORDS[self.half]

    @property
    def org_name(self) -> str:
        return self.organisation.short_name or self.organisation.name

    @property
    def title(self) -> str:
        if self.half == 1:
            return f"{self.org_name}{self.year}年上半年工作总结及下半年工作计划"
        return f"{self.org_name}{self.year}年下半年工作总结及{self.next_year}年上半年工作计划"

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

    def opening_item(self, figures: dict[str, Figure]) -> Item:
        text = (
            f"{self.year}年{self.half_word}，{self.org_name}在上级党委和上级团组织的正确领导下，"
            "按照“凝聚青年、服务大局、当好桥梁、从严治团”的四维工作格局，紧密围绕新形势下党对群团工作的新要求"
            "以及青少年健康成长发展需求，扎实推进各项工作。"
        )
        if "activities" in figures:
            text += f"{self.half_word}，各级团组织共开展各类活动{{activities}}，参与团员青年{{person_times}}人次"
            if "activities_yoy" in figures:
                text += "，活动场次较去年同期{activities_yoy}"
            text += "。"
        text += f"现将{self.half_word}工作情况总结如下："
        return Item(key="opening", template=text, figures=figures)


def today() -> date:
    from django.utils import timezone

    return timezone.localdate()
