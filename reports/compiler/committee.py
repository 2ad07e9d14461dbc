"""Report items on what a committee is: its own staffing (编制) and its organisations' terms (换届).

Staffing: the latest record on or before the half's end, written where the committee chose
(从严治团 or the opening); posts left vacant are a problem. Terms: the renewals held in the half
from the renewal records (they state "按期换届团组织N个", so the indicators builder leaves its
own codes for that fact out: :func:`superseded_indicators`), and the organisations past their
term at the half's end, with their share, as a problem.
"""

from django.urls import reverse

from activities.models import Dimension
from branches import selectors
from branches.models import ReportPlace, StaffingRecord

from ..content import Figure, Item
from ..numbers import Measure
from .context import BuildResult, CompileContext
from .obligations import _percent as percent  # the one way the report rounds a share

# The indicators the renewal records replace when there are records for the half.
RENEWAL_INDICATORS = ("terms_renewed", "delegates_elected")
# Organisations renewed or overdue named rather than counted, up to this many.
NAMED_UP_TO = 2


def build(ctx: CompileContext) -> BuildResult:
    result = BuildResult()
    _staffing(ctx, result)
    _renewals(ctx, result)
    _overdue(ctx, result)
    return result


def superseded_indicators(ctx: CompileContext) -> set[str]:
    """The indicator codes the renewal records state for this half (none without records)."""
    return set(RENEWAL_INDICATORS) if _renewals_in(ctx).count else set()


def _organisation_word(ctx: CompileContext) -> str:
    return "少先队组织" if ctx.pioneer_line else "团组织"


# --- Staffing ------------------------------------------------------------------------------


def staffing_text(ctx: CompileContext, record: StaffingRecord, *, prefix: str = "") -> tuple[str, dict[str, Figure]]:
    """ "核定编制6名，其中书记1名、副书记2名、干事3名，在岗5名，挂职副书记1名，兼职副书记2名，聘用人员2名"
    from a record; parts with nothing in them are left out. Figure names start with ``prefix``."""
    link = reverse("branches:detail", args=[record.organisation_id]) + "#staffing"
    figures: dict[str, Figure] = {}

    def fig(name: str, value: int, label: str) -> str:
        figures[prefix + name] = ctx.figure(value, "", Measure.PERSONS, label=label, link=link)
        return "{" + prefix + name + "}"

    parts = []
    approved = [post for post in record.rows if post.approved]
    if len(approved) == 1:
        post = approved[0]
        word = post.get_position_display()
        parts.append(f"核定{word}编制{fig('approved', post.approved, f'核定{word}编制')}名")
    elif approved:
        each = "、".join(
            f"{post.get_position_display()}"
            f"{fig(f'approved_{post.position}', post.approved, f'核定{post.get_position_display()}编制')}名"
            for post in approved
        )
        parts.append(f"核定编制{fig('approved', record.approved, '核定编制')}名，其中{each}")
    if record.in_post:
        parts.append(f"在岗{fig('in_post', record.in_post, '在编在岗')}名")
    for count, word in (("seconded", "挂职"), ("part_time", "兼职")):
        holders = [post for post in record.rows if getattr(post, count)]
        if len(holders) == 1:
            post = holders[0]
            title = post.get_position_display()
            parts.append(f"{word}{title}{fig(count, getattr(post, count), f'{word}{title}')}名")
        elif holders:
            each = "、".join(
                f"{post.get_position_display()}"
                f"{fig(f'{count}_{post.position}', getattr(post, count), f'{word}{post.get_position_display()}')}名"
                for post in holders
            )
            parts.append(f"{word}干部{fig(count, record.total(count), f'{word}干部')}名（{each}）")
    if record.contracted:
        parts.append(f"聘用人员{fig('contracted', record.contracted, '聘用人员（编外）')}名")
    return "，".join(parts), figures


def _staffing(ctx: CompileContext, result: BuildResult) -> None:
    record = selectors.staffing_on(organisation=ctx.organisation, day=ctx.period.end)
    if record is None:
        return
    if record.report_place != ReportPlace.NONE:
        if record.report_place == ReportPlace.OPENING:
            text, figures = staffing_text(ctx, record, prefix="staffing_")
            if text:
                result.opening.append((f"{ctx.org_name}{text}。", figures))
        else:
            text, figures = staffing_text(ctx, record)
            if text:
                result.achievements.append(
                    (Dimension.GOVERN_STRICTLY, Item("committee:staffing", f"加强机关队伍建设，{text}", figures))
                )
    vacant = [post for post in record.rows if post.vacant]
    if not vacant:
        return
    link = reverse("branches:detail", args=[record.organisation_id]) + "#staffing"
    figures = {"vacant": ctx.figure(record.vacant, "", Measure.PERSONS, label="编制内空缺", link=link)}
    if len(vacant) == 1:
        text = f"编制内空缺{vacant[0].get_position_display()}{{vacant}}名，尚未配齐"
    else:
        each = []
        for post in vacant:
            name = f"vacant_{post.position}"
            figures[name] = ctx.figure(
                post.vacant, "", Measure.PERSONS, label=f"{post.get_position_display()}空缺", link=link
            )
            each.append(f"{post.get_position_display()}{{{name}}}名")
        text = f"编制内空缺{{vacant}}名（{'、'.join(each)}），尚未配齐"
    result.problems.append(Item("problem:staffing_vacancies", text, figures))


# --- Terms -----------------------------------------------------------------------------------


def _renewals_in(ctx: CompileContext) -> selectors.Renewals:
    return selectors.renewals_between(
        organisation=ctx.organisation,
        start=ctx.period.start,
        end=ctx.period.end,
        kinds=selectors.term_kinds(ctx.organisation),
    )


def _renewals(ctx: CompileContext, result: BuildResult) -> None:
    renewals = _renewals_in(ctx)
    if not renewals.count:
        return
    link = reverse("branches:detail", args=[ctx.organisation.pk]) + "#renewals"
    word = _organisation_word(ctx)
    all_on_time = renewals.on_time == renewals.count
    figures = {"renewed": ctx.figure(renewals.count, "", Measure.ORGANISATIONS, label=f"完成换届的{word}", link=link)}
    if renewals.count <= NAMED_UP_TO:
        names = "、".join(
            ctx.org_name if org.pk == ctx.organisation.pk else org.display_name for org in renewals.organisations
        )
        text = f"{names}{'按期' if all_on_time else ''}完成换届"
        figures = {}
    elif all_on_time:
        text = f"规范开展换届工作，按期完成换届的{word}{{renewed}}个"
    elif renewals.on_time:
        figures["on_time"] = ctx.figure(
            renewals.on_time, "", Measure.ORGANISATIONS, label=f"按期完成换届的{word}", link=link
        )
        text = f"规范开展换届工作，完成换届的{word}{{renewed}}个，其中按期换届{{on_time}}个"
    else:
        text = f"规范开展换届工作，完成换届的{word}{{renewed}}个"
    elected = []
    if renewals.delegates:
        figures["delegates"] = ctx.figure(renewals.delegates, "", Measure.PERSONS, label="选举产生团代表", link=link)
        elected.append("团代表{delegates}名")
    if renewals.members:
        figures["members"] = ctx.figure(renewals.members, "", Measure.PERSONS, label="选举产生委员", link=link)
        elected.append("委员{members}名")
    if elected:
        text += "，选举产生" + "、".join(elected)
    result.achievements.append((Dimension.GOVERN_STRICTLY, Item("committee:renewals", text, figures)))


def _overdue(ctx: CompileContext, result: BuildResult) -> None:
    standing = selectors.term_standing(
        organisation=ctx.organisation, day=ctx.period.end, kinds=selectors.term_kinds(ctx.organisation)
    )
    if not standing.overdue:
        return
    link = reverse("branches:detail", args=[ctx.organisation.pk]) + "#renewals"
    if not ctx.has_children:
        ends = standing.overdue[0][1]
        text = f"{ctx.org_name}本届任期已于{ends.year}年{ends.month}月届满，尚未换届"
        result.problems.append(Item("problem:terms_overdue", text, {}))
        return
    word = _organisation_word(ctx)
    n = len(standing.overdue)
    figures = {"overdue": ctx.figure(n, "", Measure.ORGANISATIONS, label=f"超过任期未换届的{word}", link=link)}
    if n == standing.evaluated and n > 1:
        text = f"换届工作不够及时，{{overdue}}个{word}均已超过任期未换届"
    else:
        figures["share"] = ctx.figure(
            percent(n, standing.evaluated), "%", Measure.RATE, label=f"超过任期未换届的{word}占比", link=link
        )
        text = f"换届工作不够及时，{{overdue}}个{word}（占{{share}}）已超过任期未换届"
    result.problems.append(Item("problem:terms_overdue", text, figures))
