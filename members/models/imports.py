from django.db import models

from branches.models import Organisation
from branches.scoping import ScopedQuerySet
from core.models import UploadImport


class MemberImport(UploadImport):
    """An uploaded roster: previewed first, applied on confirmation (members.services.import_jobs).

    A file too large to read within a request (``background``) is checked and written by a
    Celery task, under a job lease.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name="导入到组织", on_delete=models.PROTECT, related_name="member_imports"
    )
    file = models.FileField("文件", upload_to="imports/members/%Y/%m/", blank=True)
    updated_count = models.PositiveIntegerField("更新", default=0)
    background = models.BooleanField("后台处理", default=False)

    objects = ScopedQuerySet.as_manager()
    result_fields = [*UploadImport.result_fields, "updated_count"]

    class Meta(UploadImport.Meta):
        verbose_name = "花名册导入"
        verbose_name_plural = "花名册导入"
