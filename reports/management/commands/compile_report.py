from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string

from branches.models import Organisation
from reports import compiler
from reports.exporters.annex import render_annex
from reports.exporters.docx import render_docx
from reports.models import Report
from reports.presentation import paragraphs


class Command(BaseCommand):
    help = "Compile a half-year report from the data and render it (docx, xlsx annex or html)."

    def add_arguments(self, parser):
        parser.add_argument("--org", type=int, help="Organisation id (default: the root committee).")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--half", type=int, choices=[1, 2], required=True)
        parser.add_argument("--format", choices=["docx", "xlsx", "html"], required=True)
        parser.add_argument("--output", required=True, help="Where to write the file.")

    def handle(self, *args, org, year, half, format, output, **options):
        if org is None:
            organisation = Organisation.objects.get_root_nodes().first()
            if organisation is None:
                raise CommandError("There is no organisation yet.")
        else:
            try:
                organisation = Organisation.objects.get(pk=org)
            except Organisation.DoesNotExist as exc:
                raise CommandError(f"No organisation with id {org}.") from exc
        content = compiler.compile_report_content(organisation=organisation, year=year, half=half)
        # An unsaved report carries the organisation and period to the renderers.
        report = Report(organisation=organisation, year=year, half=half)
        if format == "docx":
            data = render_docx(content)
        elif format == "xlsx":
            data = render_annex(report=report, content=content)
        else:
            context = {"report": report, "content": content, "paragraphs": paragraphs(content)}
            data = render_to_string("reports/report_print.html", context).encode()
        Path(output).write_bytes(data)
        self.stdout.write(f"Wrote {output} ({len(data)} bytes): {content.title}")
