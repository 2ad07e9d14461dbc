"""The lists as Excel (every kind on its own sheet, filtered as the page is) and the report
annex's sheets of the same records for a subtree and a half year."""

from django.http import QueryDict

from core.exporters import Sheet, SheetExporter

from . import selectors
from .forms import ListFilterForm
from .models import Base, Coverage, Donation, Partner


def _query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        if not key.startswith("opt_"):
            query.setlist(key, list(values))
    return query


def _number(value):
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


def _base_row(b: Base) -> tuple:
    return (
        b.name,
        b.get_kind_display(),
        b.get_level_display(),
        b.recognised_on,
        b.withdrawn_on,
        b.organisation.name,
        b.address,
        b.note,
    )


def _coverage_row(c: Coverage) -> tuple:
    return (
        c.title,
        c.get_form_display(),
        c.outlet,
        c.get_outlet_level_display(),
        c.published_on,
        c.organisation.name,
        c.activity.title if c.activity_id else "",
        c.url,
        c.note,
    )


def _partner_row(p: Partner) -> tuple:
    return (p.name, p.get_kind_display(), p.since, p.until, p.organisation.name, p.note)


def _donation_row(d: Donation) -> tuple:
    return (
        d.received_on,
        d.partner.name if d.partner_id else d.donor,
        _number(d.money),
        d.goods_kind,
        d.goods_count,
        d.goods_unit if d.goods_count else "",
        _number(d.goods_value),
        d.qualifier,
        d.purpose,
        d.activity.title if d.activity_id else "",
        d.organisation.name,
        d.note,
    )


BASE_HEADER = ["阵地名称", "类型", "认定级别", "认定日期", "撤销日期", "所属组织", "地址", "备注"]
COVERAGE_HEADER = ["标题", "形式", "采用媒体", "媒体级别", "采用日期", "所属组织", "相关活动", "链接", "备注"]
PARTNER_HEADER = ["单位名称", "单位类型", "共建开始", "共建结束", "所属组织", "备注"]
DONATION_HEADER = [
    "日期",
    "捐赠方",
    "善款（元）",
    "物资种类",
    "物资数量",
    "物资单位",
    "物资折价（元）",
    "金额约数",
    "用途",
    "相关活动",
    "所属组织",
    "备注",
]
SHEETS = (
    ("阵地", Base, BASE_HEADER, _base_row),
    ("宣传报道采用", Coverage, COVERAGE_HEADER, _coverage_row),
    ("共建单位", Partner, PARTNER_HEADER, _partner_row),
    ("募集款物", Donation, DONATION_HEADER, _donation_row),
)


class ResourceExporter(SheetExporter):
    """Bases, coverage, partners and donations the user may see, filtered as on the page; an
    organisation outside the user's scope is refused by the page's own form."""

    identifier = "resources"
    verbose_name = "阵地与资源"

    def filters(self, *, user, params: dict):
        form = ListFilterForm(_query(params), user=user)
        return form.filters() if form.is_valid() else None

    def estimate(self, *, user, params: dict) -> int:
        filters = self.filters(user=user, params=params)
        if filters is None:
            return 0
        return sum(selectors.record_list(model=m, user=user, filters=filters).count() for _, m, _, _ in SHEETS)

    def sheets(self, *, user, params: dict):
        filters = self.filters(user=user, params=params)
        for title, model, header, row in SHEETS:
            qs = (
                selectors.record_list(model=model, user=user, filters=filters)
                if filters is not None
                else model.objects.none()
            )
            yield Sheet(title=title, header=header, rows=map(row, qs.iterator(chunk_size=2000)))


def annex_sheets(*, organisation, period, layout):
    """The annex's sheets: bases standing at the half's end, and the coverage, partners and
    donations of the half, of ``organisation``'s subtree. ``layout(title)`` is the annex's."""
    on = period.end
    under = {"organisation__path__startswith": organisation.path}
    bases = (
        Base.objects.filter(**under, recognised_on__lte=on)
        .exclude(withdrawn_on__lte=on)
        .select_related("organisation")
        .order_by("level", "kind", "recognised_on")
    )
    coverage = Coverage.objects.filter(**under, published_on__gte=period.start, published_on__lte=on).select_related(
        "organisation", "activity"
    )
    partners = (
        Partner.objects.filter(**under, since__lte=on).exclude(until__lt=period.start).select_related("organisation")
    )
    donations = Donation.objects.filter(**under, received_on__gte=period.start, received_on__lte=on).select_related(
        "organisation", "partner", "activity"
    )
    for title, qs, header, row in (
        ("阵地", bases, BASE_HEADER, _base_row),
        ("宣传报道采用", coverage, COVERAGE_HEADER, _coverage_row),
        ("共建单位", partners, PARTNER_HEADER, _partner_row),
        ("募集款物", donations, DONATION_HEADER, _donation_row),
    ):
        yield Sheet(title, header, map(row, qs), layout=layout(title))
