from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from security.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database and the media files into one .tar.gz (PATH may be a directory)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to write, or a directory to write it into.")

    def handle(self, *args, path: str, **options):
        log = self.stdout.write if options["verbosity"] > 1 else None
        try:
            summary = backup_create(path=path, log=log)
        except (OSError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {summary.path}: {summary.total_rows} rows in "
                f"{len(summary.rows)} tables, {summary.media} media files."
            )
        )
