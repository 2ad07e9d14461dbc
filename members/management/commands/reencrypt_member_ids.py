from django.core.management.base import BaseCommand
from django.db import transaction

from members import crypto
from members.models import Member


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored ID number with the first key of MEMBER_ID_KEY. Run after putting a new "
        "key first in MEMBER_ID_KEY (old keys after it); then the old keys can be removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        done, last = 0, 0
        while True:
            with transaction.atomic():
                batch = list(
                    Member.objects.select_for_update()
                    .filter(pk__gt=last)
                    .order_by("pk")
                    .only("pk", "id_number_encrypted")[:batch_size]
                )
                if not batch:
                    break
                for member in batch:
                    member.id_number_encrypted = crypto.rotate(member.id_number_encrypted)
                # A plain bulk_update: the ciphertext is not part of the change history.
                Member.objects.bulk_update(batch, ["id_number_encrypted"])
            done += len(batch)
            last = batch[-1].pk
        self.stdout.write(f"re-encrypted={done}")
