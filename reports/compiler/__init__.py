"""Compile a half-year report's content from what was logged.

``compile_content`` asks each builder for its items; every figure comes from the selector
that owns it (activities, members, honours, obligations), never from a query written here.
"""

from branches.models import Organisation

from ..content import ReportContent, Subsection
from . import activities as activity_items
from . import committee as committee_items
from . import honours as honour_items
from . import indicators as indicator_items
from . import members as member_items
from . import obligations as obligation_items
from . import resources as resource_items
from . import snapshot as snapshot_items
from .context import DIMENSION_THEMES, CompileContext

# In the order a writer states things: what the committee is (its organisations, members and
# staffing open the summary), then what it did, then what it fell short of.
BUILDERS = (
    snapshot_items.build,
    committee_items.build,
    activity_items.build,
    indicator_items.build,
    resource_items.build,
    honour_items.build,
    member_items.build,
    obligation_items.build,
)


def compile_report_content(*, organisation: Organisation, year: int, half: int) -> ReportContent:
    """The full fresh compilation, work plan included (what a new draft starts from)."""
    from ..models import Report
    from ..services import plan_items_for

    content = compile_content(organisation=organisation, year=year, half=half)
    content.plan = plan_items_for(Report(organisation=organisation, year=year, half=half))
    return content


def compile_content(*, organisation: Organisation, year: int, half: int) -> ReportContent:
    ctx = CompileContext.create(organisation=organisation, year=year, half=half)
    subsections = {
        code: Subsection(key=code, title=label, theme=DIMENSION_THEMES[code]) for code, label in ctx.dimensions
    }
    problems, plan, opening = [], [], []
    for build in BUILDERS:
        result = build(ctx)
        for dimension, item in result.achievements:
            subsections[dimension].items.append(item)
        problems.extend(result.problems)
        plan.extend(result.plan)
        opening.extend(result.opening)
    return ReportContent(
        title=ctx.title,
        opening=ctx.opening_item(opening),
        plan_title=ctx.plan_title,
        achievements=list(subsections.values()),
        problems=problems,
        plan=plan,
        signature=organisation.name,
        date_text="",
    )
