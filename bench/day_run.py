"""``make bench BENCH_MIX=day``: a city's working day under load, the user count stepped up until
a page type misses, the capacity the largest step that held (issue #31).

The machine runs what a small deployment runs: gunicorn as production runs it (bench.http), one
Celery worker and beat as ``make demo``'s Procfile.demo starts them, PostgreSQL and Redis from
DATABASE_URL / REDIS_URL. Each step is one headless locust run of bench/day.py; the statistics
are reset once every user has started (``--reset-stats``), so a step's figures are the
``seconds`` at full load. During each step one scripted freshness check (a record approved shows
on the next dashboard load); during the first, the reminder run fires once (through the staff
page's 立即检查, on the worker). After the steps: the export of the largest list in a fresh
process (its peak memory), a report compile with both files, and the reminder run's query count.

What the run writes is removed at the end: the tagged activities (journeys.TAG), the export
jobs, reminders, messages, deliveries, audit events and history rows made since it began, and its
sessions, with the photos and export workbooks they stored.
"""

import json
import math
import os
import re
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from bench import http, journeys
from bench.table import Row, Table

DAYFILE = Path(__file__).with_name("day.py")
P95_MS = 200
P99_MS = 500
CAPACITY_TARGET = 1_000
EXPORT_PEAK_MB = 200
COMPILE_S = 10
WEIGHTS = (75, 20, 5)
# The scheme the harness's own requests claim (X-Forwarded-Proto): gunicorn runs with DEBUG off
# behind a notional TLS proxy; a test's live server may run without the proxy header.
SCHEME = "https"


@dataclass
class PageStats:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float

    @property
    def passed(self) -> bool:
        return self.failures == 0 and self.p95 <= P95_MS and self.p99 <= P99_MS


@dataclass
class Freshness:
    before: int | None
    after: int | None
    approved: bool
    seconds: float = 0.0  # from the approve to the dashboard that showed it

    @property
    def passed(self) -> bool:
        return self.approved and self.before is not None and self.after == self.before + 1


@dataclass
class Step:
    users: int
    pages: list[PageStats]
    load: tuple[float, float, float]
    freshness: Freshness | None = None
    reminder_run: bool = False

    @property
    def errors(self) -> int:
        return sum(p.failures for p in self.pages)

    @property
    def passed(self) -> bool:
        return bool(self.pages) and all(p.passed for p in self.pages)


@dataclass
class DayResult:
    steps: list[Step] = field(default_factory=list)
    jobs: dict = field(default_factory=dict)

    @property
    def capacity(self) -> int:
        passed = [s.users for s in self.steps if s.passed]
        return max(passed) if passed else 0

    @property
    def capacity_step(self) -> Step | None:
        for step in self.steps:
            if step.users == self.capacity:
                return step
        return self.steps[0] if self.steps else None


# --- Preparing the people ------------------------------------------------------------------------


@dataclass
class Prepared:
    plan: journeys.Plan
    fresh_secretary: dict  # a branch no simulated secretary uses: its board changes only by the check
    staff_session: str
    sessions: list[str]


def prepare(*, max_users: int, weights=WEIGHTS) -> Prepared:
    """Bench secretaries for as many distinct branches as the step needs (one account per branch,
    ``bench_sec_<id>``, kept between runs), and sessions for every simulated person."""
    from accounts.models import Role, User
    from branches.models import Kind, Organisation
    from members.models import Member
    from reports.models import Report, ReportStatus
    from reports.services import report_start

    total = sum(weights)
    wanted = {
        role: max(1, math.ceil(max_users * w / total))
        for role, w in zip(("sec", "staff", "leader"), weights, strict=True)
    }
    branches = list(
        Organisation.objects.filter(kind=Kind.BRANCH, active=True, members__isnull=False)
        .distinct()
        .order_by("path")[: wanted["sec"] + 1]
    )
    if len(branches) < 2:
        raise RuntimeError("The day needs at least two branches with members.")
    people = http.personas()
    sessions: list[str] = []

    def secretary(org) -> dict:
        user, created = User.objects.get_or_create(
            username=f"bench_sec_{org.pk}",
            defaults={"role": Role.SECRETARY, "organisation": org, "first_name": "书记", "last_name": "压测"},
        )
        if created:  # signed in by session key only
            user.set_unusable_password()
            user.save(update_fields=["password"])
        members = list(Member.objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)[:5])
        return {"user": user, "organisation": org.pk, "members": members}

    fresh, *others = [secretary(org) for org in branches]
    secretaries = []
    for i in range(wanted["sec"]):
        person = others[i % len(others)]
        (key,) = http.make_sessions(person["user"], 1)
        secretaries.append({"session": key, "organisation": person["organisation"], "members": person["members"]})
    staff = http.make_sessions(people["staff"], wanted["staff"] + 1)
    leaders = http.make_sessions(people["leader"], wanted["leader"])
    (fresh_key,) = http.make_sessions(fresh["user"], 1)
    sessions = [s["session"] for s in secretaries] + staff + leaders + [fresh_key]
    root = Organisation.objects.get_root_nodes().first()
    draft = (
        Report.objects.filter(organisation=root, status=ReportStatus.DRAFT).order_by("-year", "-half", "-pk").first()
    )
    if draft is None:
        # This half's first draft for staff to recompile (removed with the run's other rows).
        today = timezone.localdate()
        draft = report_start(
            organisation=root, year=today.year, half=1 if today.month <= 6 else 2, user=people["staff"]
        )
        if draft.status != ReportStatus.DRAFT:
            draft = None
    plan = journeys.Plan(secretaries=secretaries, staff=staff[1:], leaders=leaders, report=draft and draft.pk)
    return Prepared(
        plan=plan,
        fresh_secretary={"session": fresh_key, "organisation": fresh["organisation"], "members": fresh["members"]},
        staff_session=staff[0],
        sessions=sessions,
    )


# --- What the run wrote, removed -------------------------------------------------------------------


def _marked_models():
    from activities.models import Activity
    from core.models import AuditEvent
    from members.models import Member
    from obligations.models import Delivery, Message, Reminder
    from reports.models import PlanItem, Report

    return [Reminder, Message, Delivery, AuditEvent, Activity.history.model, Member.history.model, PlanItem, Report]


def marks() -> dict:
    """The highest primary key of each table the run appends to, before it begins."""
    from django.db.models import Max

    return {m: (m.objects.aggregate(top=Max("pk"))["top"] or 0) for m in _marked_models()}


def clean_up(*, since, marked: dict, sessions: list[str]) -> dict[str, int]:
    """Delete what the run wrote; returns how many rows of each kind."""
    from django.contrib.sessions.models import Session
    from django.db.models import Q

    from activities.models import Activity, ActivityFile
    from core.models import ExportJob

    def delete(queryset) -> int:
        """Rows of the queryset's own model deleted (not those deleted with them)."""
        return queryset.delete()[1].get(queryset.model._meta.label, 0)

    tagged = Activity.objects.filter(Q(title__startswith=journeys.TAG) | Q(title__startswith=journeys.FRESH_TAG))
    jobs = ExportJob.objects.filter(created_at__gte=since)
    # The stored files first (photos, export workbooks): deleting a row leaves its file behind.
    for stored in [f.file for f in ActivityFile.objects.filter(activity__in=tagged)] + [
        job.file for job in jobs.exclude(file="")
    ]:
        stored.delete(save=False)
    removed = {"activities": delete(tagged), "export jobs": delete(jobs)}
    for model, top in marked.items():
        removed[str(model._meta.verbose_name_plural)] = delete(model.objects.filter(pk__gt=top))
    removed["sessions"] = delete(Session.objects.filter(session_key__in=sessions))
    return removed


# --- The processes ----------------------------------------------------------------------------------


class Workers:
    """One Celery worker and beat, as Procfile.demo starts them (``make demo``)."""

    def __init__(self, env: dict[str, str], logdir: Path):
        self.env, self.logdir = env, logdir
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> "Workers":
        commands = {
            "worker": ["worker", "--loglevel", "WARNING", "--concurrency", "2", "--without-gossip", "--without-mingle"],
            "beat": ["beat", "--loglevel", "WARNING", "--schedule", str(self.logdir / "beat-schedule")],
        }
        for name, args in commands.items():
            log = (self.logdir / f"celery-{name}.log").open("wb")
            self.processes.append(
                subprocess.Popen(
                    [http._bin("celery"), "-A", "youthleague", *args],
                    env=self.env,
                    cwd=settings.BASE_DIR,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        return self

    def __exit__(self, *exc) -> None:
        import signal

        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def run_step(
    *,
    base_url: str,
    plan_file: Path,
    users: int,
    seconds: int,
    ramp: int,
    think: tuple[float, float],
    workdir: Path,
    weights=WEIGHTS,
) -> list[PageStats]:
    """One headless locust run of bench/day.py at ``users`` people; figures over the ``seconds``
    after the ramp-up, grouped by request name (page type)."""
    env = dict(
        os.environ,
        BENCH_DAY_PLAN=str(plan_file),
        BENCH_THINK=f"{think[0]}-{think[1]}",
        BENCH_WEIGHTS=",".join(str(w) for w in weights),
        PYTHONPATH=os.pathsep.join([str(settings.BASE_DIR), os.environ.get("PYTHONPATH", "")]),
    )
    rate = max(1.0, users / max(ramp, 1))
    command = [
        http._bin("locust"),
        "-f",
        str(DAYFILE),
        "--headless",
        "-u",
        str(users),
        "-r",
        f"{rate:g}",
        "-t",
        f"{ramp + seconds}s",
        "-H",
        base_url,
        "--json",
        "--reset-stats",
        "--skip-log",
        "--loglevel",
        "ERROR",
        "--stop-timeout",
        "20",
    ]
    log = workdir / f"locust-day-{users}.log"
    with log.open("wb") as stderr:
        done = subprocess.run(
            command,
            env=env,
            check=False,
            stdout=subprocess.PIPE,
            stderr=stderr,
            timeout=ramp + seconds + 180,
            cwd=settings.BASE_DIR,
        )
    try:
        entries = json.loads(done.stdout or b"[]")
    except ValueError as exc:
        raise RuntimeError(f"locust printed no statistics: {log.read_text()[-2000:]}") from exc
    return group_stats(entries, seconds=seconds)


def group_stats(entries: list[dict], *, seconds: float) -> list[PageStats]:
    """Locust's entries (one per method and name) as one row per name, the percentiles from the
    merged histograms, rps over the measured seconds."""
    grouped: dict[str, list[dict]] = {}
    for entry in entries:
        grouped.setdefault(entry["name"], []).append(entry)
    result = []
    for name, group in sorted(grouped.items()):
        times: dict[float, int] = {}
        for e in group:
            for ms, count in e["response_times"].items():
                times[float(ms)] = times.get(float(ms), 0) + count
        requests = sum(e["num_requests"] for e in group)
        result.append(
            PageStats(
                name=name,
                requests=requests,
                failures=sum(e["num_failures"] for e in group),
                rps=requests / seconds if seconds else 0.0,
                p50=http._percentile(times, 0.50),
                p95=http._percentile(times, 0.95),
                p99=http._percentile(times, 0.99),
            )
        )
    return result


def _client(base_url: str, session: str) -> journeys.Http:
    import requests

    return journeys.Http(requests.Session(), session=session, base_url=base_url, scheme=SCHEME)


def freshness_check(*, base_url: str, prepared: Prepared) -> Freshness:
    """The reserved branch's secretary reads her board, logs and submits a record; staff approve
    it; her next board load must count it (本月开展活动 one more)."""
    secretary = _client(base_url, prepared.fresh_secretary["session"])
    board = secretary.get("/", name="freshness: board")
    before = journeys.figure(board.text, "month_activities") if board is not None else None
    journey = journeys.Secretary(secretary, prepared.fresh_secretary)
    journey.tag = journeys.FRESH_TAG  # no simulated reviewer sees it
    posted = journey.log_activity()
    match = re.search(r"/activities/(\d+)/", posted.headers.get("Location", "")) if posted is not None else None
    if match is None:
        return Freshness(before, None, approved=False)
    staff = _client(base_url, prepared.staff_session)
    page = staff.get(f"/activities/{match.group(1)}/", name="freshness: record")
    token = journeys.csrf_token(page.text) if page is not None else ""
    approved = staff.post(
        f"/activities/{match.group(1)}/approve/",
        {journeys.CSRF_FIELD: token},
        name="freshness: approve",
    )
    started = time.monotonic()
    board = secretary.get("/", name="freshness: board")
    seconds = time.monotonic() - started
    after = journeys.figure(board.text, "month_activities") if board is not None else None
    return Freshness(before, after, approved=approved is not None, seconds=seconds)


def fire_reminder_run(*, base_url: str, session: str) -> bool:
    """立即检查 on the schedule page, as staff do: the worker runs the reminders once."""
    staff = _client(base_url, session)
    page = staff.get("/obligations/schedule/", name="reminders: schedule")
    if page is None:
        return False
    done = staff.post("/obligations/schedule/run/", {journeys.CSRF_FIELD: journeys.csrf_token(page.text)}, name="run")
    return done is not None


def day_benchmark(
    *,
    steps: list[int],
    seconds: int,
    ramp: int,
    think: tuple[float, float],
    log=print,
    weights=WEIGHTS,
    warm_seconds: int = 10,
) -> DayResult:
    """Step the users until a step misses; the scripted checks during each step; the jobs after."""
    from core.models import ExportJob, ExportStatus

    since = timezone.now() - timedelta(seconds=1)
    marked = marks()
    prepared = prepare(max_users=max(steps), weights=weights)
    result = DayResult()
    with tempfile.TemporaryDirectory(prefix="bench-day-") as tmp:
        workdir = Path(tmp)
        plan_file = workdir / "plan.json"
        plan_file.write_text(json.dumps(prepared.plan.__dict__))
        # The configured MEDIA_ROOT: the finalised reports' files are there (leaders download
        # them); the run's own photos and workbooks are deleted with their rows.
        env = {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
        try:
            with http.Server(log=log, env=env) as server, Workers({**http.server_env(), **env}, workdir):
                log(f"  gunicorn: {server.workers} workers on {server.base_url}; one Celery worker and beat")
                server.warm("/", prepared.staff_session, times=server.workers + 1)
                # Every page type once in every gunicorn worker (code, templates, plans) before
                # the first measured step: a few people for a few seconds, their figures dropped.
                run_step(
                    base_url=server.base_url,
                    plan_file=plan_file,
                    users=min(steps[0], 3 * server.workers),
                    seconds=warm_seconds,
                    ramp=1,
                    think=(0.2, 0.5),
                    workdir=workdir,
                    weights=weights,
                )
                for users in steps:
                    step = _one_step(
                        server.base_url,
                        prepared,
                        plan_file,
                        users=users,
                        seconds=seconds,
                        ramp=ramp,
                        think=think,
                        workdir=workdir,
                        weights=weights,
                        remind=not result.steps,
                    )
                    result.steps.append(step)
                    worst = max(step.pages, key=lambda p: p.p95, default=None)
                    log(
                        f"  {users} users: {'held' if step.passed else 'missed'}; "
                        f"{sum(p.requests for p in step.pages):,} requests, {step.errors} errors, "
                        f"worst p95 {worst.p95 if worst else 0:.0f} ms ({worst.name if worst else '-'}), "
                        f"load {step.load[0]:.1f}; freshness {'yes' if fresh_ok(step) else 'no'}"
                    )
                    if not step.passed:
                        break
                jobs = ExportJob.objects.filter(created_at__gte=since)
                result.jobs = {
                    "requested": jobs.count(),
                    "done": jobs.filter(status=ExportStatus.DONE).count(),
                    "failed": jobs.filter(status=ExportStatus.FAILED).count(),
                    "longest": max(
                        ((j.finished_at - j.created_at).total_seconds() for j in jobs if j.finished_at),
                        default=None,
                    ),
                    "rows": max((j.row_count or 0 for j in jobs), default=0),
                }
        finally:
            close_old_connections()
            removed = clean_up(since=since, marked=marked, sessions=prepared.sessions)
            log("  removed what the run wrote: " + ", ".join(f"{n} {k}" for k, n in removed.items() if n))
    return result


def fresh_ok(step: Step) -> bool:
    return bool(step.freshness and step.freshness.passed)


def _one_step(base_url, prepared, plan_file, *, users, seconds, ramp, think, workdir, weights, remind) -> Step:
    checks: dict = {}

    def during():
        time.sleep(ramp + seconds / 2)
        try:
            checks["freshness"] = freshness_check(base_url=base_url, prepared=prepared)
            if remind:
                checks["reminders"] = fire_reminder_run(base_url=base_url, session=prepared.staff_session)
        finally:
            close_old_connections()

    thread = threading.Thread(target=during, daemon=True)
    thread.start()
    pages = run_step(
        base_url=base_url,
        plan_file=plan_file,
        users=users,
        seconds=seconds,
        ramp=ramp,
        think=think,
        workdir=workdir,
        weights=weights,
    )
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    thread.join(timeout=60)
    return Step(users, pages, load, checks.get("freshness"), checks.get("reminders", False))


# --- The table ----------------------------------------------------------------------------------------

REMINDER_QUERIES = re.compile(r"reminder run queries at (\w+): (\d+)")


def other_scale_reminder_queries(doc: Path, scale: str) -> tuple[str, int | None]:
    other = "city" if scale == "district" else "district"
    text = doc.read_text() if doc.exists() else ""
    section = re.search(rf"<!-- bench:day-{other} -->(.*?)<!-- /bench:day-{other} -->", text, re.S)
    found = REMINDER_QUERIES.search(section.group(1)) if section else None
    return other, (int(found.group(2)) if found else None)


def day_table(*, scale: str, result: DayResult, export, report, reminders, doc: Path) -> Table:
    table = Table(scale=f"day-{scale}")
    capacity, at = result.capacity, result.capacity_step
    table.rows.append(
        Row(
            "capacity: the largest step at which every page type held",
            f"{capacity:,} users" + ("" if result.steps and not result.steps[-1].passed else " (no step missed)"),
            target=f"≥ {CAPACITY_TARGET:,} users",
            met=capacity >= CAPACITY_TARGET,
        )
    )
    if at is not None:
        label = f"at {at.users:,} users" + ("" if at.passed else " (no step held: the first)")
        for page in at.pages:
            table.rows.append(
                Row(
                    f"{page.name} {label}",
                    f"p50 {page.p50:.0f} ms, p95 {page.p95:.0f} ms, p99 {page.p99:.0f} ms, {page.failures} errors",
                    target=f"p95 ≤ {P95_MS} ms, p99 ≤ {P99_MS} ms, 0 errors",
                    met=page.passed,
                )
            )
        fresh = at.freshness
        table.rows.append(
            Row(
                f"freshness {label}: an approved record on the next dashboard load",
                "not checked"
                if fresh is None
                else f"本月开展活动 {fresh.before} → {fresh.after} (approved: {'yes' if fresh.approved else 'no'}, "
                f"board {fresh.seconds * 1000:.0f} ms)",
                target="one more",
                met=bool(fresh and fresh.passed),
            )
        )
    jobs = result.jobs
    if jobs:
        longest = f", longest {jobs['longest']:.1f} s" if jobs.get("longest") is not None else ""
        table.rows.append(
            Row(
                "export jobs requested by staff during the steps (worker)",
                f"{jobs['done']} done, {jobs['failed']} failed of {jobs['requested']} ({jobs['rows']:,} rows{longest})",
            )
        )
    table.rows.append(
        Row(
            f"export of the largest list, all members ({export.rows:,} rows), peak memory",
            f"{export.peak_mb:.0f} MB ({export.seconds:.1f} s)",
            target=f"≤ {EXPORT_PEAK_MB} MB, finished",
            met=export.peak_mb <= EXPORT_PEAK_MB and not (jobs and jobs.get("failed")),
        )
    )
    table.rows.append(
        Row(
            f"report compile + .docx + .xlsx annex ({report.year} H{report.half})",
            f"{report.with_files_seconds:.2f} s",
            target=f"≤ {COMPILE_S} s",
            met=report.with_files_seconds <= COMPILE_S,
        )
    )
    other, other_queries = other_scale_reminder_queries(doc, scale)
    counts = {scale: reminders.queries, other: other_queries}
    table.rows.append(
        Row(
            f"reminder run ({reminders.organisations:,} organisations)",
            f"reminder run queries at {scale}: {reminders.queries} ({reminders.seconds:.2f} s)",
        )
    )
    table.rows.append(
        Row(
            "reminder run queries, district vs city",
            ", ".join(f"{k} {'not measured yet' if v is None else v}" for k, v in sorted(counts.items())),
            target="the same count",
            met=other_queries is not None and other_queries == reminders.queries,
        )
    )
    table.notes.extend(step_table(result))
    return table


def step_table(result: DayResult) -> list[str]:
    lines = [
        "Steps (figures over the measured seconds after the ramp-up; load: the host's 1/5/15-minute",
        "load average at the step's end; held: every page type p95 ≤ 200 ms, p99 ≤ 500 ms, 0 errors):",
        "",
        "| users | page type | requests | rps | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for step in result.steps:
        for page in step.pages:
            lines.append(
                f"| {step.users:,} | {page.name} | {page.requests:,} | {page.rps:.1f} | {page.p50:.0f} | "
                f"{page.p95:.0f} | {page.p99:.0f} | {page.failures} |"
            )
        fresh = step.freshness
        lines.append(
            f"| {step.users:,} | **step: {'held' if step.passed else 'missed'}** | "
            f"{sum(p.requests for p in step.pages):,} | {sum(p.rps for p in step.pages):.1f} |  |  |  | "
            f"{step.errors} |"
        )
        lines.append(
            f"| {step.users:,} | load {step.load[0]:.1f} / {step.load[1]:.1f} / {step.load[2]:.1f}; "
            f"freshness {'yes' if fresh and fresh.passed else 'no'}"
            f"{'; reminder run fired' if step.reminder_run else ''} |  |  |  |  |  |  |"
        )
    lines.append("")
    return lines


def write_doc(table: Table, path: Path) -> None:
    """The ``<!-- bench:day-<scale> -->`` section of docs/benchmarks.md."""
    from bench.table import write_doc as write

    write(table, path, title=f"Working day, {table.scale.removeprefix('day-')} scale")


def parse_steps(text: str) -> list[int]:
    try:
        steps = sorted({int(s) for s in text.split(",") if s.strip()})
    except ValueError as exc:
        raise ValueError(f"steps are user counts separated by commas, e.g. 50,100,200, not {text!r}") from exc
    if not steps or steps[0] <= 0:
        raise ValueError("steps are positive user counts")
    return steps
