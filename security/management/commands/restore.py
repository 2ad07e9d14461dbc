from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from security.backup import backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into a migrated database, with its media files. "
        "Refuses a database that already holds data unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file (.tar.gz).")
        parser.add_argument(
            "--force", action="store_true", help="Replace the data already in the database and differing media files."
        )

    def handle(self, *args, path: str, force: bool, **options):
        log = self.stdout.write if options["verbosity"] > 1 else None
        try:
            summary = backup_restore(path=path, force=force, log=log)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {summary.total_rows} rows in {len(summary.rows)} tables and {summary.media} media files."
            )
        )
