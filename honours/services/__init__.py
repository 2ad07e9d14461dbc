"""Writes to honours and commendation lists. Keyword-only, typed, atomic, validated before saving."""

from .batches import (
    batch_add_recipients,
    batch_create,
    batch_delete,
    batch_remove_recipients,
    batch_set_count,
    batch_update,
)
from .bodies import body_create, body_update
from .honours import (
    honour_create,
    honour_delete,
    honour_set_certificate,
    honour_update,
)
from .import_jobs import (
    batch_import_confirm,
    batch_import_discard,
    batch_import_retry,
    batch_import_run,
    batch_import_upload,
)
from .imports import batch_import

__all__ = [
    "batch_add_recipients",
    "batch_create",
    "batch_delete",
    "batch_import",
    "batch_import_confirm",
    "batch_import_discard",
    "batch_import_retry",
    "batch_import_run",
    "batch_import_upload",
    "batch_remove_recipients",
    "batch_set_count",
    "batch_update",
    "body_create",
    "body_update",
    "honour_create",
    "honour_delete",
    "honour_set_certificate",
    "honour_update",
]
