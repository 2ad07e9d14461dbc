from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from branches.models import Organisation
from members.services.imports import member_import, member_import_template


class Command(BaseCommand):
    help = (
        "Import a member roster (.xlsx) into an organisation's subtree: all rows or none. "
        "Prints imported=N updated=M, or every problem as 'row R, column C: message' and exits 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="the .xlsx file to import")
        parser.add_argument("--org", type=int, help="id of the organisation the roster belongs to")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--template", metavar="PATH", help="write the empty import template to PATH and exit")

    def handle(self, *args, path, org, dry_run, template, **options):
        if template:
            Path(template).write_bytes(member_import_template())
            self.stdout.write(f"template written to {template}")
            return
        if not path or org is None:
            raise CommandError("usage: import_members PATH --org ORG_ID [--dry-run]  |  import_members --template PATH")
        try:
            organisation = Organisation.objects.get(pk=org)
        except Organisation.DoesNotExist as exc:
            raise CommandError(f"organisation {org} does not exist") from exc
        try:
            upload = open(path, "rb")  # noqa: SIM115 - closed below
        except OSError as exc:
            raise CommandError(f"cannot open {path}: {exc.strerror}") from exc
        try:
            report = member_import(upload=upload, organisation=organisation, dry_run=dry_run)
        except ValidationError as exc:
            raise CommandError("file refused: " + " ".join(exc.messages)) from exc
        finally:
            upload.close()
        for note in report.notes:
            self.stderr.write(f"note: {note}")
        if report.ignored_columns:
            self.stderr.write(f"note: 已忽略以下列：{'、'.join(report.ignored_columns)}")
        if report.problems:
            for problem in report.problems:
                self.stdout.write(str(problem))
            raise CommandError(f"{len(report.problems)} problem(s); nothing was imported.", returncode=1)
        # With --dry-run the figures are what would be written; nothing was.
        self.stdout.write(f"imported={report.created} updated={report.updated}")
        if dry_run:
            self.stderr.write("dry run: nothing was written")
