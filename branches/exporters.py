from core.exporters import Sheet, SheetExporter

from .models import Organisation


def _first(params: dict, key: str) -> str:
    values = params.get(key) or [""]
    return values[0]


class OrganisationExporter(SheetExporter):
    """The organisations a user reaches, filtered as on the tree page."""

    identifier = "organisations"
    verbose_name = "组织架构"

    def queryset(self, *, user, params: dict):
        qs = Organisation.objects.visible_to(user)
        root = _first(params, "root")
        if root.isdigit():
            node = qs.filter(pk=int(root)).first()
            qs = qs.subtree_of(node) if node else qs.none()
        if kind := _first(params, "kind"):
            qs = qs.filter(kind=kind)
        if _first(params, "hide_inactive") in {"on", "1", "true"}:
            qs = qs.filter(active=True)
        if q := _first(params, "q"):
            qs = qs.filter(name__icontains=q)
        return qs.order_by("path")

    def estimate(self, *, user, params: dict) -> int:
        return self.queryset(user=user, params=params).count()

    def sheets(self, *, user, params: dict):
        qs = self.queryset(user=user, params=params)
        names = dict(Organisation.objects.visible_to(user).values_list("path", "name"))

        def rows():
            for org in qs.iterator(chunk_size=2000):
                yield (
                    org.name,
                    org.short_name,
                    org.get_kind_display(),
                    names.get(org.parent_path, ""),
                    org.depth,
                    "是" if org.directly_managed else "否",
                    org.established_on,
                    org.term_ends_on,
                    "在用" if org.active else "已停用",
                )

        yield Sheet(
            title="组织",
            header=["名称", "简称", "类型", "上级组织", "层级", "直管团组织", "成立日期", "任期届满", "状态"],
            rows=rows(),
            widths=[36, 16, 14, 36, 6, 10, 12, 12, 8],
        )
