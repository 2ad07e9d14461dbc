"""The measurements that need no web server, each beside its floor.

- report compile: ``compile_report_content`` against the very SQL it ran, replayed raw;
- export: the members exporter against openpyxl write-only writing the same rows from a list,
  each in a fresh process so that its peak memory is its own;
- import: a generated roster of 50,000 new members through ``member_import``, rolled back;
- reminders: one full reconcile (bench.reminders), rolled back.
"""

import io
import multiprocessing
import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone


class _Rollback(Exception):
    pass


def settle(*tables: str) -> None:
    """VACUUM ANALYZE ``tables`` (every table when none is named), on PostgreSQL: the import
    benchmark inserts 50,000 members and rolls them back, and the dead rows it leaves slow
    every later read of the roster until autovacuum comes by (seen: 210,000 dead rows beside
    6,208 live ones after a few runs, the roster pages at half their speed)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


def last_complete_half(today: date | None = None) -> tuple[int, int]:
    today = today or timezone.localdate()
    return (today.year, 1) if today.month >= 7 else (today.year - 1, 2)


def _root():
    from branches.models import Organisation

    return Organisation.objects.get_root_nodes().first()


# --- Report compile ------------------------------------------------------------------------------


@dataclass
class ReportBench:
    year: int
    half: int
    compile_seconds: float
    raw_sql_seconds: float
    queries: int
    with_files_seconds: float

    @property
    def ratio(self) -> float:
        return self.compile_seconds / self.raw_sql_seconds if self.raw_sql_seconds else float("inf")


def report_benchmark(*, repeat: int = 3, budget_seconds: float = 10.0) -> ReportBench:
    """The compile's median time against the median time of its own SELECTs executed raw (no ORM,
    no Python over the rows): the ratio is what the ORM and the compiler's Python cost. Each runs
    ``repeat`` times, and up to five times as often while the runs took under ``budget_seconds``."""
    from reports.compiler import compile_report_content
    from reports.exporters.annex import render_annex
    from reports.exporters.docx import render_docx
    from reports.models import Report

    organisation = _root()
    year, half = last_complete_half()
    compile_report_content(organisation=organisation, year=year, half=half)  # warm: imports, plans
    with CaptureQueriesContext(connection) as captured:
        compile_report_content(organisation=organisation, year=year, half=half)
    statements = [
        q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]

    def compile_once() -> float:
        started = time.perf_counter()
        compile_report_content(organisation=organisation, year=year, half=half)
        return time.perf_counter() - started

    def raw_once() -> float:
        started = time.perf_counter()
        with connection.cursor() as cur:
            for sql in statements:
                cur.execute(sql)
                cur.fetchall()
        return time.perf_counter() - started

    raw_once()
    # Alternately, so that a slow minute on a shared host slows both sides alike; a district's
    # compile takes a few hundredths of a second, so it runs more times within the budget.
    compiles, raws = [], []
    started = time.perf_counter()
    while len(compiles) < repeat or (len(compiles) < 5 * repeat and time.perf_counter() - started < budget_seconds):
        compiles.append(compile_once())
        raws.append(raw_once())
    compile_seconds, raw_seconds = statistics.median(compiles), statistics.median(raws)

    started = time.perf_counter()
    content = compile_report_content(organisation=organisation, year=year, half=half)
    render_docx(content)
    render_annex(report=Report(organisation=organisation, year=year, half=half), content=content)
    with_files = time.perf_counter() - started
    return ReportBench(year, half, compile_seconds, raw_seconds, len(captured.captured_queries), with_files)


# --- Export ----------------------------------------------------------------------------------------


@dataclass
class ExportBench:
    rows: int
    seconds: float
    peak_mb: float
    floor_seconds: float
    runs: int = 1  # each side's fastest of this many runs

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def floor_rows_per_second(self) -> float:
        return self.rows / self.floor_seconds if self.floor_seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.rows_per_second / self.floor_rows_per_second if self.floor_rows_per_second else 0.0


def _peak_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_fresh_process(target, *args):
    """Run ``target(*args)`` in a newly started interpreter (not a fork: a fork would carry this
    process's memory into the peak), with Django set up from the same environment."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes=1, maxtasksperchild=1) as pool:
        return pool.apply(target, args)


def _setup_django(database: str) -> None:
    """Set Django up in a spawned child, on the parent's database (a test run's is not the one
    DATABASE_URL names)."""
    import django
    from django.apps import apps
    from django.conf import settings

    if not apps.ready:
        django.setup()
    settings.DATABASES["default"]["NAME"] = database
    connection.settings_dict["NAME"] = database


def _staff_user():
    from accounts.models import Role, User

    return User.objects.filter(role=Role.STAFF, is_active=True).order_by("pk").first()


def _export_child(database: str) -> tuple[int, float, float]:
    """The export as the Celery worker renders it: that worker has imported its task modules
    (and with them the exporters' code) at start-up, and is given the user with the job; the
    clock runs over the rendering alone, as the floor's runs over its writing alone. Timed in a
    bare interpreter, the first render also paid for importing a dozen modules (0.1-0.2 s)."""
    _setup_django(database)
    from core.export_registry import get_exporter
    from youthleague.celery import app

    app.loader.import_default_modules()
    exporter, user = get_exporter("members"), _staff_user()
    started = time.perf_counter()
    result = exporter.render(user=user, params={})
    seconds = time.perf_counter() - started
    return result.row_count, seconds, _peak_rss_mb()


def _export_floor_child(database: str) -> float:
    """The same rows, already in a plain list, written by bare openpyxl write-only."""
    _setup_django(database)
    from openpyxl import Workbook

    from core.export_registry import get_exporter

    sheet = next(iter(get_exporter("members").sheets(user=_staff_user(), params={})))
    rows = list(sheet.rows)
    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title=sheet.title)
    ws.append(list(sheet.header))
    for row in rows:
        ws.append(row)
    workbook.save(io.BytesIO())
    return time.perf_counter() - started


def export_benchmark(*, pairs: int = 3, budget_seconds: float = 60.0, floor: bool = True) -> ExportBench:
    """The export and its floor run alternately, up to ``pairs`` times each while the runs so
    far took under ``budget_seconds``; the fastest run of each is kept (and the highest peak).
    A district's export takes under a second, and one burst of load from elsewhere on a shared
    host moved a single pair's ratio by a fifth; a city's takes a minute and runs once."""
    database = connection.settings_dict["NAME"]
    runs, floors, peak = [], [], 0.0
    started = time.perf_counter()
    while len(runs) < pairs and (not runs or time.perf_counter() - started < budget_seconds):
        rows, seconds, run_peak = _in_fresh_process(_export_child, database)
        runs.append(seconds)
        peak = max(peak, run_peak)
        # The working day judges the export's memory alone: no floor (0.0, "not run").
        floors.append(_in_fresh_process(_export_floor_child, database) if floor else 0.0)
    return ExportBench(rows, min(runs), peak, min(floors), len(runs))


# --- Import ------------------------------------------------------------------------------------------


@dataclass
class ImportBench:
    rows: int
    seconds: float
    created: int
    problems: int
    file_mb: float


def roster_file(rows: int) -> bytes:
    """A roster of ``rows`` new league members with valid, never-used ID numbers."""
    import random

    from openpyxl import Workbook

    from members.names import make_name
    from members.services.imports import COLUMNS, Col

    from .city import IMPORT_AREAS, unique_id_number

    rng = random.Random(50_000)
    today = timezone.localdate()
    # A normal-mode workbook: it records the sheet's dimensions as Excel and WPS do (write-only
    # mode leaves them out, and a reader then scans the whole sheet once more to find its size).
    workbook = Workbook()
    ws = workbook.active
    ws.title = "成员花名册"
    headers = [c.header for c in COLUMNS]
    ws.append(headers)
    for i in range(rows):
        gender = rng.choice("MF")
        birth = today - timedelta(days=rng.randint(15 * 366, 27 * 365))
        joined = birth + timedelta(days=14 * 366 + rng.randint(0, 3 * 365))
        values = {
            Col.NAME: make_name(rng, gender),
            Col.ID_NUMBER: unique_id_number(i, birth, gender, areas=IMPORT_AREAS),
            Col.GENDER: "男" if gender == "M" else "女",
            Col.BIRTH_DATE: birth.isoformat(),
            Col.CATEGORY: "团员",
            Col.JOINED: min(joined, today).isoformat(),
        }
        ws.append([values.get(h, "") for h in headers])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def import_benchmark(*, rows: int = 50_000) -> ImportBench:
    """The import as the web page confirms it (plan every row, write all), then rolled back."""
    from django.core.files.base import ContentFile

    from branches.models import Kind, Organisation
    from members.models import Member
    from members.services.imports import member_import

    data = roster_file(rows)
    organisation = Organisation.objects.filter(kind=Kind.BRANCH, depth=3).order_by("path").first()
    upload = ContentFile(data, name="roster.xlsx")
    report = None
    try:
        with transaction.atomic():
            started = time.perf_counter()
            report = member_import(upload=upload, organisation=organisation, by=_staff_user(), dry_run=False)
            seconds = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    settle(Member._meta.db_table, Member.history.model._meta.db_table)
    return ImportBench(rows, seconds, report.created, len(report.problems), len(data) / 2**20)


# --- Reminders -----------------------------------------------------------------------------------------


def reminders_benchmark():
    from bench.reminders import reconcile_benchmark

    return reconcile_benchmark()
