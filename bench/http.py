"""The pages under load: gunicorn as production runs it, locust against one page at a time."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

LOCUSTFILE = Path(__file__).with_name("locustfile.py")


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    persona: str  # staff, leader, secretary
    kind: str  # list, dashboard, compliance, report


@dataclass
class PageResult:
    """One page under load. ``rps``, ``p50`` and ``p95`` come from the saturating run (every
    user asks again at once: the page's capacity); the ``paced_`` figures from the run in which
    each user pauses as a person does between pages (the latency people see at that load)."""

    page: Page
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    paced_p50: float | None = None
    paced_p95: float | None = None
    paced_requests: int = 0
    paced_failures: int = 0

    @property
    def latency_p95(self) -> float:
        """The p95 the targets judge: the paced run's when there was one."""
        return self.paced_p95 if self.paced_p95 is not None else self.p95


def pages() -> list[Page]:
    """Every list page, each role's dashboard, the compliance page and the report page."""
    from branches.models import Organisation
    from reports.models import Report

    root = Organisation.objects.get_root_nodes().first()
    report = Report.objects.filter(organisation=root).order_by("-year", "-half", "-pk").first()
    lists = [
        ("组织树", "/org/"),
        ("成员花名册", "/members/"),
        ("组织关系转接", "/members/transfers/"),
        ("发展团员", "/members/recruitment/"),
        ("毕业年级", "/members/cohorts/"),
        ("超龄离团", "/members/ageing-out/"),
        ("活动记录", "/activities/"),
        ("审核队列", "/activities/review/"),
        ("活动（品牌）", "/activities/campaigns/"),
        ("指标", "/activities/indicators/"),
        ("表彰", "/honours/"),
        ("表彰名单", "/honours/lists/"),
        ("工作总结", "/reports/"),
        ("履职要求", "/obligations/rules/"),
        ("提醒记录", "/obligations/reminders/"),
        ("消息", "/obligations/inbox/"),
        ("导出", "/exports/"),
        ("审计日志", "/audit/"),
        ("修改历史", "/security/history/"),
        ("登录锁定", "/security/lockouts/"),
    ]
    result = [Page(f"dashboard: {persona}", "/", persona, "dashboard") for persona in ("staff", "secretary", "leader")]
    result += [Page(f"list: {name} {path}", path, "staff", "list") for name, path in lists]
    # A secretary's lists run the scoped queries (a subtree, not the whole tree).
    result += [
        Page("list: 成员花名册 /members/ (secretary)", "/members/", "secretary", "list"),
        Page("list: 活动记录 /activities/ (secretary)", "/activities/", "secretary", "list"),
        Page("list: 待办事项 /obligations/due/ (secretary)", "/obligations/due/", "secretary", "list"),
    ]
    result.append(Page("compliance /obligations/", "/obligations/", "staff", "compliance"))
    if report is not None:
        result.append(Page(f"report page /reports/{report.pk}/", f"/reports/{report.pk}/", "staff", "report"))
    return result


def personas() -> dict:
    from accounts.models import Role, User

    def first(**filters):
        return User.objects.filter(is_active=True, **filters).order_by("pk").first()

    return {
        "staff": first(role=Role.STAFF),
        "secretary": first(role=Role.SECRETARY, username="secretary_a") or first(role=Role.SECRETARY),
        "leader": first(role=Role.LEADER),
    }


def make_sessions(user, count: int) -> list[str]:
    """Signed-in sessions for ``user``, as a login would leave them (one per simulated user:
    a refreshed session row is written, and one shared row would serialise those writes)."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806 - a class

    keys = []
    for _ in range(count):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict[str, str]:
    """Production settings (DEBUG off) with this process's keys: the data was encrypted with them."""
    env = dict(os.environ)
    env.update(
        DEBUG="0",
        SECRET_KEY=settings.SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        MEMBER_ID_KEY=settings.MEMBER_ID_KEY,
        MEMBER_ID_HASH_KEY=settings.MEMBER_ID_HASH_KEY,
        SECURE_SSL_REDIRECT="0",
        STATIC_ROOT=str(Path(settings.VAR_DIR) / "bench-static"),
        LOG_LEVEL="WARNING",
    )
    return env


def _bin(name: str) -> str:
    candidate = Path(sys.executable).with_name(name)
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


class Server:
    """gunicorn with (2 × cores) + 1 sync workers, whitenoise serving the collected static files."""

    def __init__(self, *, workers: int | None = None, log=print, env: dict[str, str] | None = None):
        self.extra_env = env or {}
        self.workers = workers or 2 * (os.cpu_count() or 1) + 1
        self.port = _free_port()
        self.log = log
        self.process: subprocess.Popen | None = None
        self.logfile = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "Server":
        env = {**server_env(), **self.extra_env}
        manage = Path(settings.BASE_DIR) / "manage.py"
        subprocess.run(
            [sys.executable, str(manage), "collectstatic", "--noinput", "-v0"],
            env=env,
            check=True,
            cwd=settings.BASE_DIR,
        )
        self.process = subprocess.Popen(
            [
                _bin("gunicorn"),
                "youthleague.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.logfile.name}")
            try:
                urllib.request.urlopen(f"{self.base_url}/healthz", timeout=5)  # noqa: S310 - our own server
                return self
            except urllib.error.HTTPError:
                return self  # 503 (no beat heartbeat) still means it serves
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)

    def warm(self, path: str, session: str, times: int) -> int:
        """Request ``path`` ``times`` times at once so every worker has loaded its code and
        templates; returns the last status."""
        from concurrent.futures import ThreadPoolExecutor

        def once(_i) -> int:
            request = urllib.request.Request(  # noqa: S310 - our own server
                self.base_url + path, headers={"Cookie": f"sessionid={session}", "X-Forwarded-Proto": "https"}
            )
            try:
                with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310
                    response.read()
                    return response.status
            except urllib.error.HTTPError as exc:
                return exc.code

        with ThreadPoolExecutor(max_workers=times) as pool:
            statuses = list(pool.map(once, range(times)))
        return statuses[-1]


def run_locust(
    *,
    base_url: str,
    page: Page,
    sessions: list[str],
    users: int,
    seconds: int,
    workdir: Path,
    think: tuple[float, float] = (0, 0),
) -> PageResult:
    """One headless locust run against one page; its final statistics come back as JSON on stdout.
    ``think``: the (shortest, longest) pause in seconds each user takes between pages."""
    env = dict(
        os.environ, BENCH_PATH=page.path, BENCH_SESSIONS=",".join(sessions), BENCH_THINK=f"{think[0]}-{think[1]}"
    )
    command = [
        _bin("locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "-H",
        base_url,
        "--json",
        "--skip-log",
        "--loglevel",
        "ERROR",
        "--stop-timeout",
        "10",
    ]
    log = workdir / f"locust-{abs(hash(page.name)) % 10**8}.log"
    with log.open("wb") as stderr:
        done = subprocess.run(
            command, env=env, check=False, stdout=subprocess.PIPE, stderr=stderr, timeout=seconds + 120
        )
    try:
        entries = json.loads(done.stdout or b"[]")
    except ValueError as exc:
        raise RuntimeError(f"locust printed no statistics: {log.read_text()[-2000:]}") from exc
    return parse_stats(page, entries)


def _percentile(times: dict, share: float) -> float:
    """Locust keeps response times as a histogram {rounded ms: count}."""
    buckets = sorted((float(ms), count) for ms, count in times.items())
    total = sum(count for _ms, count in buckets)
    seen = 0
    for ms, count in buckets:
        seen += count
        if seen >= share * total:
            return ms
    return 0.0


def parse_stats(page: Page, entries: list[dict]) -> PageResult:
    requests = sum(e["num_requests"] for e in entries)
    failures = sum(e["num_failures"] for e in entries)
    times: dict[float, int] = {}
    for e in entries:
        for ms, count in e["response_times"].items():
            times[float(ms)] = times.get(float(ms), 0) + count
    if entries:
        elapsed = max(e["last_request_timestamp"] or 0 for e in entries) - min(e["start_time"] for e in entries)
    else:
        elapsed = 0
    return PageResult(
        page=page,
        requests=requests,
        failures=failures,
        rps=requests / elapsed if elapsed > 0 else 0.0,
        p50=_percentile(times, 0.50),
        p95=_percentile(times, 0.95),
    )


def http_benchmark(
    *,
    users: int = 10,
    seconds: int = 20,
    think: tuple[float, float] = (0.5, 1.5),
    log=print,
    only: list[str] | None = None,
) -> list[PageResult]:
    """Each page twice: saturated (its capacity) and, unless ``think`` is
    (0, 0), paced by a person's pause between pages (its latency at ``users`` people)."""
    people = personas()
    all_pages = [p for p in pages() if not only or any(o in p.path for o in only)]
    sessions = {name: make_sessions(user, users) for name, user in people.items() if user is not None}
    results = []
    with Server(log=log) as server, tempfile.TemporaryDirectory(prefix="bench-locust-") as tmp:
        log(f"  gunicorn: {server.workers} workers on {server.base_url}")
        for page in all_pages:
            if page.persona not in sessions:
                log(f"  {page.name}: skipped (no {page.persona} account)")
                continue
            status = server.warm(page.path, sessions[page.persona][0], times=server.workers + 1)
            run = dict(
                base_url=server.base_url,
                page=page,
                sessions=sessions[page.persona],
                users=users,
                seconds=seconds,
                workdir=Path(tmp),
            )
            result = run_locust(**run)
            line = f"  {page.name}: {result.rps:.1f} rps, p50 {result.p50:.0f} ms, p95 {result.p95:.0f} ms"
            if max(think) > 0:
                paced = run_locust(**run, think=think)
                result.paced_p50, result.paced_p95 = paced.p50, paced.p95
                result.paced_requests, result.paced_failures = paced.requests, paced.failures
                line += f"; paced {paced.rps:.1f} rps, p50 {paced.p50:.0f} ms, p95 {paced.p95:.0f} ms"
            log(f"{line}, {result.failures + result.paced_failures} errors (warm-up HTTP {status})")
            results.append(result)
    return results
