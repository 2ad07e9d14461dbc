import random
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from bench import city, measure, table
from bench.table import Row, Table

# Organisations in each scale's data set: below the low mark the data is (re)loaded.
SCALE_ORGANISATIONS = {"district": (150, 1_000), "city": (4_500, 10**9)}
PARTS = ("http", "report", "export", "import", "reminders")
# The city grows from the demo district with its own seed: the same seed, the same city.
CITY_SEED = 2024


class Command(BaseCommand):
    help = (
        "Measure the portal at district or city scale; print the table and write it to docs/benchmarks.md. "
        "Loads the data set first when the database does not hold it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["district", "city", "tiny"], default="district")
        parser.add_argument("--seconds", type=int, default=20, help="Seconds of load per page (default 20).")
        parser.add_argument("--users", type=int, default=10, help="Concurrent users (default 10).")
        parser.add_argument(
            "--think",
            default="0.5-1.5",
            help="Seconds each user pauses between pages in the paced run, LOW-HIGH (default 0.5-1.5; 0: none).",
        )
        parser.add_argument("--import-rows", type=int, default=50_000)
        parser.add_argument("--only", nargs="*", choices=PARTS, help="Run only these parts.")
        parser.add_argument("--pages", nargs="*", help="Only the pages whose path contains one of these.")
        parser.add_argument("--reload", action="store_true", help="Load the data set afresh first.")
        parser.add_argument("--no-load", action="store_true", help="Measure the database as it is.")
        parser.add_argument("--load-only", action="store_true", help="Load the scale's data set and measure nothing.")
        parser.add_argument(
            "--mix",
            choices=["pages", "day"],
            default="pages",
            help="pages: each page alone (default); day: a city's working day, users stepped up (bench/day.py).",
        )
        parser.add_argument(
            "--steps",
            default="50,100,200,400,800,1000,1200",
            help="The day's user counts, stepped up until one misses (default 50,100,200,400,800,1000,1200).",
        )
        parser.add_argument("--ramp", type=int, default=30, help="The day's ramp-up seconds per step (default 30).")
        parser.add_argument(
            "--day-think",
            default="5-15",
            help="Seconds a user of the day pauses between pages, LOW-HIGH (default 5-15).",
        )
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"))

    def handle(
        self,
        *args,
        scale,
        seconds,
        users,
        think,
        import_rows,
        only,
        pages,
        reload,
        no_load,
        load_only,
        output,
        mix="pages",
        steps="50,100,200,400,800,1000,1200",
        ramp=30,
        day_think="5-15",
        **options,
    ):
        parts = set(only or PARTS)
        if scale == "tiny":
            no_load = True  # the smoke test's own data
        if not no_load:
            self._ensure_data(scale, reload)
        if load_only:
            return
        measure.settle()  # measure a settled database: no dead rows, fresh statistics
        result = Table(scale=scale)

        def log(text: str) -> None:
            self.stdout.write(text)
            self.stdout.flush()

        if mix == "day":
            self._day(scale, steps, seconds, ramp, _think(day_think), output, log)
            return

        if "http" in parts:
            log("Pages under load (locust, headless):")
            result.rows += table.http_rows(
                __import__("bench.http", fromlist=["http_benchmark"]).http_benchmark(
                    users=users, seconds=seconds, think=_think(think), log=log, only=pages
                )
            )
        if "report" in parts:
            log("Report compile …")
            result.rows += table.report_rows(measure.report_benchmark())
        if "export" in parts:
            log("Export …")
            result.rows += table.export_rows(measure.export_benchmark(pairs=1 if scale == "tiny" else 3))
        if "import" in parts:
            log(f"Import of {import_rows:,} rows …")
            result.rows += table.import_rows(measure.import_benchmark(rows=import_rows))
        if "reminders" in parts:
            log("Reminders reconcile …")
            result.rows += table.reminder_rows(measure.reminders_benchmark())
        if getattr(self, "_load_seconds", None) is not None:
            result.rows.insert(0, Row(f"load_demo --scale {scale}", f"{self._load_seconds:.0f} s"))

        markdown = result.markdown()
        self.stdout.write("")
        self.stdout.write(markdown.rstrip("\n"))
        if output:
            table.write_doc(result, Path(output))

    def _day(self, scale, steps, seconds, ramp, think, output, log) -> None:
        from bench import day_run

        try:
            counts = day_run.parse_steps(steps)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        log(
            f"A working day, {scale} scale: steps of {', '.join(map(str, counts))} users, "
            f"{seconds} s each after a {ramp} s ramp-up:"
        )
        result = day_run.day_benchmark(steps=counts, seconds=seconds, ramp=ramp, think=think, log=log)
        measure.settle()
        log("Export of the largest list …")
        export = measure.export_benchmark(pairs=1, floor=False)
        log("Report compile …")
        report = measure.report_benchmark(repeat=1, budget_seconds=0)
        log("Reminder run …")
        reminders = measure.reminders_benchmark()
        doc = Path(output) if output else Path(settings.BASE_DIR) / "docs" / "benchmarks.md"
        day = day_run.day_table(scale=scale, result=result, export=export, report=report, reminders=reminders, doc=doc)
        self.stdout.write("")
        self.stdout.write(day.markdown().rstrip("\n"))
        if output:
            day_run.write_doc(day, Path(output))

    def _ensure_data(self, scale: str, reload: bool) -> None:
        from branches.models import Organisation

        low, high = SCALE_ORGANISATIONS[scale]
        count = Organisation.objects.count()
        if not reload and low <= count <= high:
            return
        if scale == "city" and connection.vendor != "postgresql":
            raise CommandError("The city scale needs PostgreSQL: set DATABASE_URL.")
        self.stdout.write(f"Loading the {scale}-scale data set (the database holds {count} organisations) …")
        started = time.monotonic()
        call_command("load_demo", reset=True, stdout=self.stdout)
        if scale == "city":
            self._grow_to_city()
        self._load_seconds = time.monotonic() - started

    def _grow_to_city(self) -> None:
        started = time.monotonic()
        self.stdout.write("Growing the district to city scale:")
        with transaction.atomic():
            city.load_city(rng=random.Random(CITY_SEED), log=self.stdout.write)
        analysed = time.monotonic()
        city.analyse()
        self.stdout.write(f"  analyse: {time.monotonic() - analysed:.1f}s")
        self.stdout.write(self.style.SUCCESS(f"City scale: {city.counts_text()} in {time.monotonic() - started:.1f}s."))


def _think(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    try:
        return float(low), float(high or low)
    except ValueError as exc:
        raise CommandError(f"--think takes LOW-HIGH seconds, e.g. 0.5-1.5, not {text!r}") from exc
