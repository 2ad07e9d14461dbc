from django.http import QueryDict
from django.utils import timezone

from accounts.access import Access, check_access
from core.exporters import Sheet, SheetExporter

from . import selectors
from .filters import compliance_for_query
from .forms import ReminderFilterForm


def _query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, [str(v) for v in values])
    return query


class ComplianceExporter(SheetExporter):
    """The compliance page as filtered, one row per organisation and obligation, in the user's scope."""

    identifier = "compliance"
    verbose_name = "履职情况统计"

    def check(self, *, user, params: dict) -> None:
        check_access(user, Access.READ)

    def _result(self, *, user, params: dict):
        _, result = compliance_for_query(user=user, query=_query(params))
        return result

    def estimate(self, *, user, params: dict) -> int:
        result = self._result(user=user, params=params)
        return len(result.cells) if result is not None else 0

    def sheets(self, *, user, params: dict):
        result = self._result(user=user, params=params)
        if result is None:
            yield Sheet(title="履职情况", header=["筛选条件有误，没有导出数据。"], rows=[])
            return
        names = {org.path: org.name for org in result.organisations}
        order = {ob.pk: i for i, ob in enumerate(result.obligations)}
        cells = sorted(result.cells.values(), key=lambda c: (c.organisation.path, order[c.obligation.pk]))

        def rows():
            for c in cells:
                ob = c.obligation
                yield (
                    c.organisation.name,
                    names.get(c.organisation.parent_path, ""),
                    c.organisation.get_kind_display(),
                    ob.name,
                    c.period.label,
                    c.period.start,
                    c.period.end,
                    c.required_count,
                    float(c.required_hours) if c.required_hours is not None else None,
                    c.approved_count if not ob.uses_indicator else None,
                    float(c.approved_hours) if not ob.uses_indicator and c.required_hours is not None else None,
                    c.pending_count if not ob.uses_indicator else None,
                    float(c.indicator_value) if c.indicator_value is not None else None,
                    c.cadres,
                    c.status_label,
                    "是" if c.pending_would_meet else "",
                )

        yield Sheet(
            title="履职情况",
            header=[
                "组织",
                "上级组织",
                "组织类型",
                "履职要求",
                "周期",
                "周期开始",
                "周期结束",
                "要求次数",
                "要求时长（小时）",
                "已通过次数",
                "已通过时长（小时）",
                "待审核次数",
                "指标填报值",
                "团干部人数",
                "状态",
                "待审核通过后即完成",
            ],
            rows=rows(),
            widths=[36, 30, 14, 24, 22, 12, 12, 10, 12, 10, 12, 10, 10, 10, 10, 12],
        )
        yield Sheet(
            title="汇总",
            header=["履职要求", "周期", "应完成", "已完成", "待完成", "逾期未完成", "完成率（%）"],
            rows=[
                (s.obligation.name, s.period.label, s.total, s.met, s.due, s.overdue, s.percent)
                for s in result.summaries()
            ],
            widths=[30, 24, 10, 10, 10, 12, 12],
        )


class ReminderExporter(SheetExporter):
    """The reminder ledger as filtered on its page, in the user's scope."""

    identifier = "reminders"
    verbose_name = "提醒记录"

    def queryset(self, *, user, params: dict):
        form = ReminderFilterForm(_query(params), user=user)
        if not form.is_valid():
            return selectors.reminders_for(user=user).none()
        return selectors.reminders_for(user=user, filters=form.filters())

    def estimate(self, *, user, params: dict) -> int:
        return self.queryset(user=user, params=params).count()

    def sheets(self, *, user, params: dict):
        qs = (
            self.queryset(user=user, params=params)
            .select_related("obligation", "organisation", "recipient")
            .order_by("-created_at", "-id")
        )

        def rows():
            for r in qs.iterator(chunk_size=2000):
                yield (
                    timezone.localtime(r.created_at).replace(tzinfo=None),
                    r.get_kind_display(),
                    r.obligation.name if r.obligation_id else "",
                    r.organisation.name,
                    r.period_start,
                    r.period_end,
                    r.recipient.get_full_name() or r.recipient.username,
                    r.get_email_status_display(),
                    r.attempts,
                    r.last_error,
                )

        yield Sheet(
            title="提醒记录",
            header=[
                "生成时间",
                "提醒类型",
                "履职要求",
                "组织",
                "周期开始",
                "周期结束",
                "接收人",
                "邮件状态",
                "发送次数",
                "最近错误",
            ],
            rows=rows(),
            widths=[18, 12, 24, 36, 12, 12, 14, 10, 8, 30],
        )
