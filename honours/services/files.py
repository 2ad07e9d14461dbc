"""Certificates and commendation documents: checked by core.uploads, stored through the
storage API under names that never reuse the uploaded one, and removed only after commit."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from core.uploads import IMAGE, PDF, validate_upload

CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024


def checked_certificate(upload, *, field: str = "certificate") -> tuple[File, str]:
    """The file to store and its original name; ValidationError keyed by ``field``."""
    return _checked(upload, field=field, max_bytes=CERTIFICATE_MAX_BYTES)


def checked_document(upload, *, field: str = "document") -> tuple[File, str]:
    return _checked(upload, field=field, max_bytes=DOCUMENT_MAX_BYTES)


def _checked(upload, *, field: str, max_bytes: int) -> tuple[File, str]:
    original = (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1][:255]
    try:
        return validate_upload(upload, allowed={IMAGE, PDF}, max_bytes=max_bytes), original
    except ValidationError as exc:
        raise ValidationError({field: [f"「{original}」：{message}" for message in exc.messages]}) from exc


@contextmanager
def stored(field_file, checked: File | None) -> Iterator[None]:
    """Store ``checked`` in ``field_file`` for the row saved inside the block.

    If the block raises, the stored file is deleted again: the row never pointed at it.
    """
    if checked is None:
        yield
        return
    field_file.save(checked.name, checked, save=False)
    try:
        yield
    except BaseException:
        field_file.storage.delete(field_file.name)
        raise


def delete_after_commit(name: str, storage) -> None:
    """Delete a stored file once the change that dropped it has committed."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))
