"""The status table of a request as .xlsx: the page's table, and the cover of the .zip."""

from django.utils import timezone

from core.exporters import Sheet, SheetExporter
from core.xlsx_stream import SheetLayout

from .models import SummaryRequest
from .selectors import status_rows

HEADER = ["报送单位", "状态", "截止日期", "距截止", "报送时间", "报送版本", "报送人", "退回意见"]


class SubmissionStatusExporter(SheetExporter):
    """Not in the export registry: one request's table, small, served at once by its page."""

    identifier = "summary_submissions"
    verbose_name = "工作总结报送情况"

    def sheets(self, *, user, params: dict):
        request: SummaryRequest = params["request"]
        rows = status_rows(request=request, user=user, today=params.get("today"))

        def data():
            for row in rows:
                s = row.submission
                yield (
                    s.organisation.name,
                    row.status_label,
                    request.deadline.isoformat(),
                    row.timing,
                    timezone.localtime(s.submitted_at).strftime("%Y-%m-%d %H:%M") if s.submitted_at else "",
                    f"第{s.version}版" if s.version else "",
                    (s.submitted_by.get_full_name() or s.submitted_by.username) if s.submitted_by else "",
                    s.comment if row.status == "returned" else "",
                )

        caption = (f"{request.organisation.name}{request.period_label}工作总结报送情况",)
        yield Sheet(
            "报送情况",
            HEADER,
            data(),
            widths=[30, 8, 12, 12, 18, 10, 10, 40],
            layout=SheetLayout(caption=caption, autofilter=True, orientation="landscape"),
        )

    def filename(self, *, params: dict) -> str:
        request = params["request"]
        return f"{request.organisation.display_name}{request.period_label}工作总结报送情况"


def status_workbook(*, request: SummaryRequest, user, today=None) -> tuple[str, bytes]:
    exported = SubmissionStatusExporter().render(user=user, params={"request": request, "today": today})
    return exported.filename, exported.content
