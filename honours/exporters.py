from django.http import QueryDict

from core.exporters import Sheet, SheetExporter

from . import selectors
from .forms import HonourFilterForm


def _query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        if not key.startswith("opt_"):
            query.setlist(key, list(values))
    return query


class HonourExporter(SheetExporter):
    """The honours list as filtered on the page; the filters go through the page's own form,
    so an organisation outside the user's scope is refused there, not silently widened."""

    identifier = "honours"
    verbose_name = "表彰记录"

    def queryset(self, *, user, params: dict):
        form = HonourFilterForm(_query(params), user=user)
        if not form.is_valid():
            return selectors.honour_list(user=user, filters=selectors.HonourFilters()).none()
        return selectors.honour_list(user=user, filters=form.filters())

    def estimate(self, *, user, params: dict) -> int:
        return self.queryset(user=user, params=params).count()

    def sheets(self, *, user, params: dict):
        qs = self.queryset(user=user, params=params)

        def rows():
            for h in qs.iterator(chunk_size=2000):
                yield (
                    h.title,
                    h.grade,
                    h.edition,
                    h.get_level_display(),
                    h.get_direction_display(),
                    h.conferring_body.name,
                    h.awarded_on,
                    h.award_year_display,
                    h.get_recipient_kind_display(),
                    h.recipient_name or "（仅知人数）",
                    h.recipient_count,
                    "成员" if h.member_id else "组织" if h.recipient_organisation_id else "名称",
                    h.organisation.name,
                    h.batch.name if h.batch_id else "",
                    h.certificate_number,
                    "有" if h.certificate else "",
                    h.get_status_display(),
                    h.note,
                )

        yield Sheet(
            title="表彰记录",
            header=[
                "荣誉称号",
                "等次",
                "届次",
                "表彰级别",
                "类别",
                "授予单位",
                "表彰日期",
                "表彰年度",
                "获奖对象类别",
                "获奖对象",
                "人数（个数）",
                "关联",
                "所属组织",
                "表彰名单",
                "证书编号",
                "证书",
                "状态",
                "备注",
            ],
            rows=rows(),
            widths=[20, 10, 6, 12, 10, 30, 12, 14, 12, 24, 10, 6, 30, 30, 14, 6, 8, 24],
        )
