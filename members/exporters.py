from django.core.exceptions import PermissionDenied
from django.http import QueryDict

from core.audit import audit_record
from core.exporters import Sheet, SheetExporter
from core.models import AuditAction

from . import crypto
from .ages import age_on, today
from .forms import MemberFilterForm
from .models import Member
from .selectors import member_list

FULL_IDS = "opt_full_ids"
DISPLAYED = ("gender", "ethnicity", "category", "status", "education", "occupation")


def _wants_full_ids(params: dict) -> bool:
    return (params.get(FULL_IDS) or [""])[0] in {"1", "on", "true"}


class MemberExporter(SheetExporter):
    """The roster as filtered on the list page. ID numbers are masked unless staff ask for
    them in full; such a request is recorded as a reveal in the audit log."""

    identifier = "members"
    verbose_name = "成员花名册"

    def check(self, *, user, params: dict) -> None:
        super().check(user=user, params=params)
        if _wants_full_ids(params) and not user.is_committee_staff:
            raise PermissionDenied

    def queryset(self, *, user, params: dict):
        query = QueryDict(mutable=True)
        for key, values in params.items():
            if not key.startswith("opt_"):
                query.setlist(key, values)
        form = MemberFilterForm(query, user=user)
        if not form.is_valid():
            # A filter the user may not use (another subtree's organisation) exports nothing.
            return Member.objects.none()
        return member_list(user=user, filters=form.filters())

    def estimate(self, *, user, params: dict) -> int:
        return self.queryset(user=user, params=params).count()

    def filename(self, *, params: dict) -> str:
        name = super().filename(params=params)
        return f"{name}-完整身份证号" if _wants_full_ids(params) else name

    def sheets(self, *, user, params: dict):
        full = _wants_full_ids(params)
        qs = self.queryset(user=user, params=params).order_by("name", "pk")
        on = today()
        # Plain tuples and display tables looked up once: a model instance and six
        # get_…_display calls per row cost more than openpyxl's own writing of the row.
        shown = {name: dict(Member._meta.get_field(name).flatchoices) for name in DISPLAYED}
        gender, ethnicity, category, status, education, occupation = (shown[name] for name in DISPLAYED)
        id_column = "id_number_encrypted" if full else "id_number_masked"
        columns = ["name", *DISPLAYED, "birth_date", id_column, "phone", "organisation__name"]
        columns += ["joined_league_on", "member_number"]

        def rows():
            for name, g, e, c, st, ed, oc, birth, id_value, phone, org, joined, number in qs.values_list(
                *columns
            ).iterator(chunk_size=2000):
                yield (
                    name,
                    gender.get(g, g),
                    ethnicity.get(e, e),
                    birth,
                    age_on(birth, on),
                    crypto.decrypt(id_value) if full else id_value,
                    phone,
                    org,
                    category.get(c, c),
                    joined,
                    number,
                    status.get(st, st),
                    education.get(ed, ed) if ed else "",
                    occupation.get(oc, oc) if oc else "",
                )

        yield Sheet(
            title="成员",
            header=[
                "姓名",
                "性别",
                "民族",
                "出生日期",
                "年龄",
                "身份证号码",
                "手机号码",
                "所属组织",
                "人员类别",
                "入团日期",
                "团员编号",
                "状态",
                "学历",
                "职业类别",
            ],
            rows=rows(),
            widths=[10, 6, 8, 12, 6, 22, 14, 36, 10, 12, 18, 10, 14, 16],
        )

    def render(self, *, user, params: dict, progress=None):
        result = super().render(user=user, params=params, progress=progress)
        if _wants_full_ids(params):
            audit_record(
                user=user,
                action=AuditAction.REVEAL_ID,
                target=self.verbose_name,
                description="导出含完整身份证号码的花名册",
                row_count=result.row_count,
            )
        return result
