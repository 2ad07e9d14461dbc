from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.http import QueryDict

from accounts.access import Access, check_access
from core.exporters import Sheet, SheetExporter

from .filters import ActivityFilter
from .models import Activity


def _query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, [str(v) for v in values])
    return query


class ActivityExporter(SheetExporter):
    """The activity list as filtered on its page, within the user's scope."""

    identifier = "activities"
    verbose_name = "活动记录"

    def check(self, *, user, params: dict) -> None:
        check_access(user, Access.READ)

    def queryset(self, *, user, params: dict):
        # The same filter the page uses, over the same scoped queryset: what the page
        # shows is what the file holds, and nothing outside the user's subtree.
        query = _query(params)
        filterset = ActivityFilter(query or None, user=user)
        if filterset.is_bound and not filterset.is_valid():
            return Activity.objects.none()
        return filterset.qs.order_by("start_date", "id")

    def estimate(self, *, user, params: dict) -> int:
        return self.queryset(user=user, params=params).count()

    def sheets(self, *, user, params: dict):
        # Attendees counted per row by the through table's index: no join widening every row.
        attendance = (
            Activity.attendees.through.objects.filter(activity=OuterRef("pk"))
            .order_by()
            .values("activity")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = (
            self.queryset(user=user, params=params)
            .select_related("organisation", "campaign", "created_by", "reviewed_by")
            .annotate(attendance=Subquery(attendance, output_field=IntegerField()))
        )

        def rows():
            for a in qs.iterator(chunk_size=2000):
                yield (
                    a.start_date,
                    a.end_date,
                    a.title,
                    a.organisation.name,
                    a.get_kind_display(),
                    a.get_dimension_display(),
                    a.campaign.name if a.campaign else "",
                    a.location,
                    a.get_audience_display(),
                    a.participants,
                    a.person_times,
                    a.attendance,  # None: nobody recorded from the roster, which is not zero
                    float(a.hours) if a.hours is not None else None,
                    a.participants_qualifier,
                    a.person_times_qualifier,
                    a.sessions,
                    a.session_unit,
                    a.reach,
                    a.get_status_display(),
                    "是" if a.notable else "",
                    a.summary,
                    (a.created_by.get_full_name() or a.created_by.username) if a.created_by else "",
                    a.reviewed_at,
                    a.review_comment,
                )

        yield Sheet(
            title="活动记录",
            header=[
                "日期",
                "结束日期",
                "活动名称",
                "举办组织",
                "活动类型",
                "工作维度",
                "主题活动",
                "地点",
                "参与对象",
                "参与人数（人）",
                "参与人次",
                "名册登记出席人数",
                "学习时长（小时）",
                "人数约数",
                "人次约数",
                "场次/期数",
                "计量单位",
                "覆盖范围",
                "状态",
                "重点活动",
                "活动简介",
                "填报人",
                "审核时间",
                "审核意见",
            ],
            rows=rows(),
            widths=[12, 12, 36, 30, 10, 10, 24, 20, 10, 10, 10, 10, 10, 6, 6, 8, 6, 30, 8, 8, 50, 10, 18, 30],
        )
