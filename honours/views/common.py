import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404

from core.audit import audit_record
from core.models import AuditAction
from core.review.services import APPROVE, SUBMIT
from core.review.views import ReviewActionView

from ..models import Direction


def stored_file_response(request, field_file, *, original_name: str, target: str) -> FileResponse:
    """Serve a stored certificate or document to someone already found in scope; record it."""
    if not field_file:
        raise Http404("没有文件")
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在") from exc
    content_type = mimetypes.guess_type(field_file.name)[0] or "application/octet-stream"
    # The stored name carries the sniffed extension; the download keeps the person's own name.
    suffix = "." + field_file.name.rsplit(".", 1)[-1] if "." in field_file.name else ""
    stem = (original_name.rsplit(".", 1)[0] if "." in original_name else original_name) or "文件"
    filename = f"{stem}{suffix}"
    response = FileResponse(
        handle,
        as_attachment=content_type == "application/pdf" or "download" in request.GET,
        filename=filename,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    audit_record(user=request.user, action=AuditAction.DOWNLOAD, target=target, request=request)
    return response


class AwardReviewView(ReviewActionView):
    """A review step on a single honour or a commendation list, and what the page then says."""

    counted = ""  # what approval adds to 已审核通过 / 已定稿
    done = {"withdraw": (messages.INFO, "已撤回为草稿。"), "return": (messages.INFO, "已退回。")}

    def done_message(self, record) -> tuple[int, str]:
        if self.action == SUBMIT:
            staff = self.request.user.is_committee_staff
            return messages.SUCCESS, "已提交审核。" if staff else "已提交，等待区团委审核。"
        if self.action == APPROVE:
            done = "已定稿" if record.direction == Direction.CONFERRED else "已审核通过"
            return messages.SUCCESS, f"{done}{self.counted}。"
        return super().done_message(record)
