from django.db import transaction
from django.utils import timezone

from ..models import Message


@transaction.atomic
def message_mark_read(*, message: Message, user) -> Message:
    """Mark one of ``user``'s messages read (a no-op when it already is)."""
    if message.recipient_id != user.pk:
        raise PermissionError("A message can only be marked read by its recipient.")
    Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
    message.refresh_from_db(fields=["read_at"])
    return message


@transaction.atomic
def message_mark_all_read(*, user) -> int:
    """Mark every unread message of ``user`` read; returns how many changed."""
    return Message.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
