"""The targets, and the table: printed, and kept in docs/benchmarks.md.

The figures never decide whether the test suite passes; they are measured by ``make bench``.
"""

import math
import os
import platform
import re
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

LIST_P95_MS = 100
DASHBOARD_P95_MS = 150
REPORT_RATIO = 1.5
REPORT_WITH_FILES_S = 10
EXPORT_ROWS_S = 15_000
EXPORT_FLOOR_SHARE = 0.80
EXPORT_PEAK_MB = 200
IMPORT_S = 20


@dataclass
class Row:
    measurement: str
    result: str
    floor: str = ""
    vs_floor: str = ""
    target: str = ""
    met: bool | None = None  # None: no target of its own


@dataclass
class Table:
    scale: str
    rows: list[Row] = field(default_factory=list)
    started: datetime = field(default_factory=timezone.now)
    machine: str = field(default_factory=lambda: machine())
    notes: list[str] = field(default_factory=list)

    @property
    def targets(self) -> tuple[int, int]:
        judged = [r for r in self.rows if r.met is not None]
        return sum(1 for r in judged if r.met), len(judged)

    def heading(self) -> list[str]:
        return [
            f"- date: {timezone.localtime(self.started):%Y-%m-%d %H:%M %Z}",
            f"- machine: {self.machine}",
            f"- commit: {commit()}",
            f"- scale: {self.scale} ({data_counts()})",
        ]

    def markdown(self) -> str:
        lines = [*self.heading(), ""]
        lines.append("| measurement | result | floor | vs floor | target | met |")
        lines.append("|---|---|---|---|---|---|")
        for r in self.rows:
            met = "" if r.met is None else ("yes" if r.met else "**no**")
            cells = [r.measurement, r.result, r.floor, r.vs_floor, r.target, met]
            lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        lines.append("")
        lines.extend(f"{note}" for note in self.notes)
        met, total = self.targets
        lines.append(f"targets met: {met}/{total}")
        return "\n".join(lines) + "\n"


def machine() -> str:
    cores = os.cpu_count() or 0
    memory = ""
    load = ""
    if hasattr(os, "getloadavg"):
        # The machine may be shared: its load when the run began says how far to trust the figures.
        load = ", load average {:.1f} / {:.1f} / {:.1f} at the start".format(*os.getloadavg())
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
            memory = f", {kb / 2**20:.1f} GiB memory"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{cores} cores{memory}, {platform.system()} {platform.machine()}, Python {platform.python_version()}{load}"


def commit() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            # docs/benchmarks.md is what the previous run wrote: not a change to the code measured.
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":(exclude)docs/benchmarks.md"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + (" (with uncommitted changes)" if dirty else "")


def data_counts() -> str:
    from activities.models import Activity
    from branches.models import Organisation
    from honours.models import Honour
    from members.models import Member

    return (
        f"{Organisation.objects.count():,} organisations, {Member.objects.count():,} members, "
        f"{Activity.objects.count():,} activities, {Honour.objects.count():,} honours"
    )


# --- Rows from results ----------------------------------------------------------------------------

# A figure judged against a target is written to a tenth of a percent or a hundredth, rounded
# towards the missing side: a share of 14.96% reads 14.9% (not 15%, beside "no"), a ratio of
# 1.501× reads 1.51×. The judgement itself uses the unrounded figure. The small epsilon keeps an
# exact value (60 of 400 rps) from falling a step through binary floating point.
_EPSILON = 1e-9


def share_text(share: float) -> str:
    """A fraction that must reach its target, as a percentage rounded down to a tenth."""
    return f"{math.floor(share * 1000 + _EPSILON) / 10:.1f}%"


def ratio_text(ratio: float) -> str:
    """A ratio that must stay under its target, rounded up to a hundredth (a compile against
    no measurable SQL is an infinite ratio, written as such)."""
    if not math.isfinite(ratio):
        return f"{ratio}×"
    return f"{math.ceil(ratio * 100 - _EPSILON) / 100:.2f}×"


def http_rows(results) -> list[Row]:
    rows = []
    for r in results:
        result = f"saturated: {r.rps:.1f} rps, p50 {r.p50:.0f} ms, p95 {r.p95:.0f} ms"
        if r.paced_p95 is not None:
            result += f"; paced: p50 {r.paced_p50:.0f} ms, p95 {r.paced_p95:.0f} ms"
        result += f"; {r.failures + r.paced_failures} errors"
        row = Row(r.page.name, result)
        if r.page.kind == "list":
            row.target = f"p95 ≤ {LIST_P95_MS} ms"
            row.met = r.latency_p95 <= LIST_P95_MS
        elif r.page.kind == "dashboard":
            row.target = f"p95 ≤ {DASHBOARD_P95_MS} ms"
            row.met = r.latency_p95 <= DASHBOARD_P95_MS
        rows.append(row)
    if results:
        errors = sum(r.failures + r.paced_failures for r in results)
        total = sum(r.requests + r.paced_requests for r in results)
        rows.append(Row("request errors, all pages", f"{errors} of {total:,} requests", target="0", met=errors == 0))
    return rows


def report_rows(bench) -> list[Row]:
    return [
        Row(
            f"report compile ({bench.year} H{bench.half}, {bench.queries} queries)",
            f"{bench.compile_seconds:.3f} s",
            f"{bench.raw_sql_seconds:.3f} s raw SQL",
            ratio_text(bench.ratio),
            f"≤ {REPORT_RATIO}× raw SQL",
            bench.ratio <= REPORT_RATIO,
        ),
        Row(
            "report compile + .docx + .xlsx annex",
            f"{bench.with_files_seconds:.2f} s",
            target=f"≤ {REPORT_WITH_FILES_S} s",
            met=bench.with_files_seconds <= REPORT_WITH_FILES_S,
        ),
    ]


def export_rows(bench) -> list[Row]:
    return [
        Row(
            f"export .xlsx, all members ({bench.rows:,} rows)",
            f"{bench.rows_per_second:,.0f} rows/s ({bench.seconds:.1f} s{_fastest_of(bench.runs)})",
            target=f"≥ {EXPORT_ROWS_S:,} rows/s",
            met=bench.rows_per_second >= EXPORT_ROWS_S,
        ),
        Row(
            "export vs bare openpyxl write-only",
            f"{bench.rows_per_second:,.0f} rows/s",
            f"{bench.floor_rows_per_second:,.0f} rows/s",
            share_text(bench.ratio),
            f"≥ {EXPORT_FLOOR_SHARE:.0%}",
            bench.ratio >= EXPORT_FLOOR_SHARE,
        ),
        Row(
            "export peak memory (process)",
            f"{bench.peak_mb:.0f} MB",
            target=f"≤ {EXPORT_PEAK_MB} MB",
            met=bench.peak_mb <= EXPORT_PEAK_MB,
        ),
    ]


def _fastest_of(runs: int) -> str:
    return f", fastest of {runs}" if runs > 1 else ""


def import_rows(bench) -> list[Row]:
    ok = bench.problems == 0 and bench.created == bench.rows
    return [
        Row(
            f"import {bench.rows:,} members (.xlsx {bench.file_mb:.1f} MB)",
            f"{bench.seconds:.1f} s ({bench.created:,} created, {bench.problems} problems)",
            target=f"≤ {IMPORT_S} s, every row imported",
            met=ok and bench.seconds <= IMPORT_S,
        )
    ]


def reminder_rows(bench) -> list[Row]:
    return [
        Row(
            f"reminders reconcile ({bench.organisations:,} organisations × {bench.obligations} obligations)",
            f"{bench.seconds:.2f} s, {bench.queries} queries, {bench.sent} sent of {bench.due} due",
        )
    ]


# --- docs/benchmarks.md ----------------------------------------------------------------------------

DOC_HEAD = """# Benchmarks

`make bench` (`BENCH_SCALE=district|city`, district by default) loads the data set when the
database does not hold it, starts gunicorn as production does ((2 × cores) + 1 workers,
whitenoise, DEBUG off, PostgreSQL and Redis from `DATABASE_URL` / `REDIS_URL`) and measures the
pages with locust, then the report compile, the export, the import and the reminder run. Each run
rewrites its own scale's section below; the figures never decide whether CI passes
(tests/bench/ only keeps the code working). The history of the rounds is in the commits.

Each page runs twice with 10 users (`BENCH_SECONDS` each): **saturated**, every user asking again
the moment it has its answer (the page's capacity), and **paced**, every user pausing 0.5–1.5 s
between pages as a person does (`BENCH_THINK`; the latency people see). The p95 targets are judged
on the paced run. Floors: the report compile's is the very SQL the compile ran, replayed raw; the
export's is openpyxl write-only writing the same rows from a plain list.
"""


def write_doc(table: Table, path: Path, *, title: str | None = None) -> None:
    """Replace the table's own section (``<!-- bench:<scale> -->``), or append it."""
    text = path.read_text() if path.exists() else DOC_HEAD
    start, end = f"<!-- bench:{table.scale} -->", f"<!-- /bench:{table.scale} -->"
    section = f"{start}\n## {title or table.scale.capitalize() + ' scale'}\n\n{table.markdown()}{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
