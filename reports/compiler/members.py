"""Report items from the roster: recruitment, the league-to-youth ratio of graduating classes, cadres."""

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse

from activities.models import Dimension
from members import selectors
from members.choices import CadreKind, CohortLevel

from ..content import Item
from ..numbers import Measure
from .context import BuildResult, CompileContext


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    org = ctx.organisation
    recruitment_link = f"{reverse('members:recruitment')}?{urlencode({'org': org.pk})}"

    figures = selectors.recruitment_figures(start=ctx.period.start, end=ctx.period.end, organisation=org)
    if figures.admitted or figures.applied or figures.in_progress_total:
        previous = selectors.recruitment_figures(start=ctx.previous.start, end=ctx.previous.end, organisation=org)
        figs = {
            "admitted": ctx.figure(
                figures.admitted,
                "",
                Measure.PERSONS,
                label="发展团员",
                link=recruitment_link,
                previous=previous.admitted,
            ),
            "applied": ctx.figure(figures.applied, "", Measure.PERSONS, label="递交入团申请", link=recruitment_link),
            "activists": ctx.figure(
                figures.in_progress.get("activist", 0),
                "",
                Measure.PERSONS,
                label="入团积极分子（期末）",
                link=recruitment_link,
            ),
            "candidates": ctx.figure(
                figures.in_progress.get("candidate", 0),
                "",
                Measure.PERSONS,
                label="发展对象（期末）",
                link=recruitment_link,
            ),
        }
        clauses = [
            ("admitted", f"{ctx.half_word}发展团员{{admitted}}名"),
            ("applied", "收到入团申请{applied}份"),
            ("activists", "期末有入团积极分子{activists}名"),
            ("candidates", "发展对象{candidates}名"),
        ]
        # Zero figures are left out of the sentence (and of the item), not written as 0名.
        kept = [(name, words) for name, words in clauses if figs[name].value]
        figs = {name: figs[name] for name, _ in kept}
        text = "严格落实发展团员相关规定，" + "，".join(words for _, words in kept)
        result.achievements.append((Dimension.GOVERN_STRICTLY, Item("members:recruitment", text, figs)))

    graduation_year = ctx.year if ctx.half == 1 else ctx.year + 1
    cohorts = [
        row
        for row in selectors.cohort_ratios(organisation=org, graduation_year=graduation_year)
        if row.cohort.level == CohortLevel.JUNIOR and row.students
    ]
    if cohorts:
        students = sum(row.students for row in cohorts)
        league = sum(row.league_members for row in cohorts)
        percent = float((Decimal(league) * 100 / students).quantize(Decimal("0.1")))
        cohort_link = f"{reverse('members:cohorts')}?{urlencode({'year': graduation_year})}"
        over = [row for row in cohorts if row.over_ceiling]
        figs = {
            "ratio": ctx.figure(percent, "%", Measure.RATE, label="初中毕业班团青比例", link=cohort_link),
            "schools": ctx.figure(
                len({row.cohort.school_id for row in cohorts}),
                "",
                Measure.ORGANISATIONS,
                label="有毕业班的学校",
                link=cohort_link,
            ),
        }
        text = f"做好发展团员调控工作，{graduation_year}届{{schools}}所学校初中毕业班团青比例为{{ratio}}"
        result.achievements.append((Dimension.GOVERN_STRICTLY, Item("members:cohorts", text, figs)))
        if over:
            over_figs = {
                "over": ctx.figure(
                    len({row.cohort.school_id for row in over}),
                    "",
                    Measure.ORGANISATIONS,
                    label="团青比例超过控制目标的学校",
                    link=cohort_link,
                )
            }
            result.problems.append(
                Item(
                    "problem:cohort_ceiling",
                    "团员发展调控仍需加强，{over}所学校初中毕业班团青比例超过30%的控制目标",
                    over_figs,
                )
            )

    cadres = selectors.cadre_counts(organisation=org, on=ctx.period.end)
    if cadres:
        cadre_link = reverse("members:list")
        parts, figs = [], {}
        for kind, label in CadreKind.choices:
            if cadres.get(kind):
                figs[kind] = ctx.figure(cadres[kind], "", Measure.PERSONS, label=f"{label}团干部", link=cadre_link)
                parts.append(f"{label}团干部{{{kind}}}名")
        text = "加强团干部队伍建设，现有" + "、".join(parts)
        result.achievements.append((Dimension.GOVERN_STRICTLY, Item("members:cadres", text, figs)))
        full, part = cadres.get(CadreKind.FULL_TIME, 0), cadres.get(CadreKind.PART_TIME, 0)
        if part > 2 * max(full, 1):
            problem = {"part": ctx.figure(part, "", Measure.PERSONS, label="兼职团干部", link=cadre_link)}
            if full:
                problem["full"] = ctx.figure(full, "", Measure.PERSONS, label="专职团干部", link=cadre_link)
                text = "团干部以兼职为主（兼职{part}名、专职{full}名），队伍专业化水平有待提高"
            else:
                text = "现有{part}名团干部均为兼职，尚无专职团干部，队伍专业化水平有待提高"
            result.problems.append(Item("problem:part_time_cadres", text, problem))
    return result
