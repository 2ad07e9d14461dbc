"""`make bench` kept working: its code runs at a tiny scale in seconds. No figure is judged here:
the benchmarks' figures never decide whether the suite passes. The bench app is installed only
with BENCH set, so its command is called as an object."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from bench import http, table
from bench.http import Page, PageResult
from bench.management.commands.bench import Command as Bench
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tiny(district, staff, leader, secretary_a):
    for org in (district.branch_a, district.branch_b):
        MemberFactory.create_batch(3, organisation=org)
    return district


def test_bench_writes_the_table_and_counts_the_targets(tiny, tmp_path):
    out = StringIO()
    doc = tmp_path / "benchmarks.md"
    call_command(
        Bench(),
        "--scale",
        "tiny",
        "--only",
        "report",
        "export",
        "import",
        "reminders",
        "--import-rows",
        "20",
        "--output",
        str(doc),
        stdout=out,
    )
    printed = out.getvalue()
    assert "| measurement | result | floor | vs floor | target | met |" in printed
    assert "report compile" in printed and "export .xlsx" in printed and "import 20 members" in printed
    assert "reminders reconcile" in printed
    last = printed.rstrip().splitlines()[-1]
    assert last.startswith("targets met: ") and "/" in last
    text = doc.read_text()
    assert "<!-- bench:tiny -->" in text and "- machine: " in text and "- commit: " in text
    assert text.count("targets met: ") == 1

    # A second run replaces its own scale's section and leaves another scale's alone.
    doc.write_text(text + "\n<!-- bench:city -->\nkept\n<!-- /bench:city -->\n")
    call_command(Bench(), "--scale", "tiny", "--only", "reminders", "--output", str(doc), stdout=StringIO())
    again = doc.read_text()
    assert again.count("<!-- bench:tiny -->") == 1 and "kept" in again


def test_locust_runs_a_page_for_five_seconds_signed_in(tiny, staff, live_server, tmp_path):
    sessions = http.make_sessions(staff, 2)
    # A cheap signed-in page (the picker's search, JSON): the live server answers it fast enough
    # for five seconds to tell a paced run from a saturated one on a busy host.
    probe = Page("picker", "/org/pick/active/?q=", "staff", "list")
    result = http.run_locust(
        base_url=live_server.url, page=probe, sessions=sessions, users=2, seconds=5, workdir=Path(tmp_path)
    )
    assert result.requests > 0
    assert result.failures == 0  # signed in: no redirect to the login page
    paced = http.run_locust(
        base_url=live_server.url,
        page=probe,
        sessions=sessions,
        users=2,
        seconds=5,
        workdir=Path(tmp_path),
        think=(0.5, 0.5),
    )
    # Two users pausing half a second each ask far less often than two users who never pause.
    assert 0 < paced.requests < result.requests and paced.failures == 0

    # The targets judge the paced p95 when there is one, the saturated p95 otherwise.
    listing = Page("list", "/members/", "staff", "list")
    slow_when_saturated = PageResult(listing, 10, 0, result.rps, 20, 400, paced_p50=20, paced_p95=40)
    rows = table.http_rows([slow_when_saturated])
    assert rows[-1].measurement == "request errors, all pages" and rows[-1].met is True
    assert rows[0].met is True and "paced: p50 20 ms" in rows[0].result and rows[0].target == "p95 ≤ 100 ms"
    rows = table.http_rows([PageResult(listing, 10, 0, result.rps, 20, 400)])
    assert rows[0].met is False


def test_production_settings_neither_install_nor_route_the_bench(client, staff_client, settings):
    assert "bench" not in settings.INSTALLED_APPS
    assert staff_client.get("/bench/floor/").status_code == 404


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize(("bench", "installed"), [("1", True), ("", False)])
def test_bench_set_installs_the_bench_command(bench, installed):
    import os
    import subprocess
    import sys

    from django.conf import settings as django_settings

    env = {**os.environ, "BENCH": bench}
    done = subprocess.run(
        [sys.executable, "manage.py", "help", "bench"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode == 0) is installed, done.stderr[-500:]
    assert ("--scale" in done.stdout) is installed


@pytest.mark.django_db(transaction=False)
def test_the_commit_is_marked_changed_by_code_not_by_the_previous_runs_table(tmp_path, settings):
    import subprocess

    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=tmp_path, check=True)

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "benchmarks.md").write_text("old\n")
    (tmp_path / "code.py").write_text("x = 1\n")
    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "start")
    settings.BASE_DIR = tmp_path
    assert "uncommitted" not in table.commit()
    (tmp_path / "docs" / "benchmarks.md").write_text("new\n")
    assert "uncommitted" not in table.commit()
    (tmp_path / "code.py").write_text("x = 2\n")
    assert table.commit().endswith("(with uncommitted changes)")


@pytest.mark.django_db(transaction=False)
def test_export_keeps_each_sides_fastest_run_and_says_of_how_many(monkeypatch):
    from bench import measure

    # (rows, seconds, peak MB) for the export, seconds for the floor: alternately.
    results = iter([(600, 3.0, 90.0), 2.0, (600, 1.5, 120.0), 1.0, (600, 2.5, 80.0), 4.0])
    monkeypatch.setattr(measure, "_in_fresh_process", lambda target, database: next(results))
    bench = measure.export_benchmark(pairs=3)
    assert (bench.seconds, bench.floor_seconds, bench.peak_mb, bench.runs) == (1.5, 1.0, 120.0, 3)
    assert bench.rows_per_second == 400 and bench.ratio == pytest.approx(1.0 / 1.5)
    assert "(1.5 s, fastest of 3)" in table.export_rows(bench)[0].result

    # A run over the budget is not repeated: one pair, and the table says nothing of "fastest".
    results = iter([(600, 3.0, 90.0), 2.0])
    once = measure.export_benchmark(pairs=3, budget_seconds=0.0)
    assert once.runs == 1 and table.export_rows(once)[0].result.endswith("(3.0 s)")


def test_a_figure_beside_its_target_never_reads_as_met_when_it_missed():
    from types import SimpleNamespace

    listing = Page("list", "/members/", "staff", "list")
    for p95, met in ((100.0, True), (100.4, False)):
        row = table.http_rows([PageResult(listing, 10, 0, 50.0, 20, 400, paced_p50=20, paced_p95=p95)])[0]
        assert row.met is met

    # Shares round down, ratios up: a figure just under its target never reads as the target.
    def report(ratio):
        bench = SimpleNamespace(year=2026, half=1, queries=24, compile_seconds=ratio, raw_sql_seconds=1.0)
        bench.ratio, bench.with_files_seconds = ratio, 1.0
        return table.report_rows(bench)[0]

    assert (report(1.501).vs_floor, report(1.501).met) == ("1.51×", False)
    assert (report(1.5).vs_floor, report(1.5).met) == ("1.50×", True)
    assert report(2.7611).vs_floor == "2.77×"
    assert (report(float("inf")).vs_floor, report(float("inf")).met) == ("inf×", False)  # no SQL timed

    def export(ratio):
        bench = SimpleNamespace(rows=1000, rows_per_second=20_000.0 * ratio, seconds=1.0, runs=1, peak_mb=50.0)
        bench.floor_rows_per_second, bench.ratio = 20_000.0, ratio
        return table.export_rows(bench)[1]

    assert (export(0.7996).vs_floor, export(0.7996).met) == ("79.9%", False)
    assert (export(4.5239).vs_floor, export(4.5239).met) == ("452.3%", True)
