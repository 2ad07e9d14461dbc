"""Start real Celery worker and beat processes against the test database."""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url_of_tests() -> str:
    """A DATABASE_URL that points a subprocess at the database the tests are using."""
    conf = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(conf['NAME']).resolve()}"
    user = quote(conf.get("USER") or "")
    password = f":{quote(conf['PASSWORD'])}" if conf.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = conf.get("HOST") or "localhost"
    port = f":{conf['PORT']}" if conf.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{conf['NAME']}"


@contextmanager
def celery_processes(
    *, beat: bool, log_dir: Path, pool: str = "solo", env: dict[str, str] | None = None, include: str = ""
):
    """Run a worker (and beat) with the test database and the broker this process uses.

    ``pool="prefork"`` runs the task in a child process (one), as production does, so a test
    can kill the child and watch the worker redeliver; ``env`` adds to the environment;
    ``include`` names a module the worker imports at start-up (before forking its child).
    """
    env = {**os.environ, **(env or {}), "DATABASE_URL": database_url_of_tests(), "PYTHONUNBUFFERED": "1"}
    celery = [sys.executable, "-m", "celery", "-A", "youthleague"]
    commands = {
        "worker": [
            *celery,
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            "1",
            "--pool",
            pool,
            *(["--include", include] if include else []),
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"test-{os.getpid()}@%h",
        ],
    }
    if beat:
        commands["beat"] = [
            *celery,
            "beat",
            "--loglevel",
            "INFO",
            "--max-interval",
            "1",
            "--pidfile",
            str(log_dir / "beat.pid"),
            "--schedule",
            str(log_dir / "beat-schedule"),
        ]
    procs = {}
    try:
        for name, cmd in commands.items():
            log = open(log_dir / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
            procs[name] = (subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT), log)
        yield procs
    finally:
        for proc, log in procs.values():
            proc.terminate()
        for proc, log in procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


def wait_for(predicate, *, timeout: float, interval: float = 0.25) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
