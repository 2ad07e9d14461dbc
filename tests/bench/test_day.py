"""The working day of ``make bench BENCH_MIX=day`` kept working on a tiny data set: each person's
every step runs once against a live server and each request answers as expected; the stepping,
the capacity and the table are checked on given figures. No figure or time is judged here."""

import random
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from django.conf import settings as django_settings

from activities.models import Activity, ActivityFile
from bench import day_run, journeys
from bench.day_run import DayResult, Freshness, PageStats, Step
from core.models import ExportJob
from core.review.models import Status
from tests.activities.factories import ActivityFactory
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCHEME = "https" if django_settings.SECURE_PROXY_SSL_HEADER else "http"


@pytest.fixture
def tiny(district, staff, leader, settings, tmp_path, monkeypatch):
    for org in (district.branch_a, district.branch_b):
        MemberFactory.create_batch(3, organisation=org)
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(day_run, "SCHEME", SCHEME)
    monkeypatch.setattr(journeys, "THROTTLE", journeys._Throttle())
    return district


def http_for(live_server, session: str) -> journeys.Http:
    return journeys.Http(requests.Session(), session=session, base_url=live_server.url, scheme=SCHEME)


def run_all(journey) -> None:
    for name in journey.tasks:
        getattr(journey, name)()


def failed(http: journeys.Http) -> list:
    return [outcome for outcome in http.outcomes if not outcome[2]]


def test_each_person_does_each_step_of_the_day_once(tiny, live_server):
    prepared = day_run.prepare(max_users=8)
    plan = prepared.plan
    # One bench secretary per branch: the first branch is kept for the freshness check.
    assert prepared.fresh_secretary["organisation"] == tiny.branch_a.pk
    assert {s["organisation"] for s in plan.secretaries} == {tiny.branch_b.pk}
    assert all(len(s["members"]) == 3 for s in plan.secretaries)

    secretary_http = http_for(live_server, plan.secretaries[0]["session"])
    secretary = journeys.Secretary(secretary_http, plan.secretaries[0], random.Random(1))
    run_all(secretary)
    for _ in range(3):  # records for staff to review: one approved, one returned, one in bulk
        secretary.log_activity()
    assert failed(secretary_http) == []
    names = {name for name, _status, _ok in secretary_http.outcomes}
    assert {"secretary: home", "secretary: log activity", "secretary: save member", "secretary: 待办"} <= names
    logged = Activity.objects.filter(title__startswith=journeys.TAG, organisation=tiny.branch_b)
    assert logged.count() == 4 and set(logged.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert ActivityFile.objects.filter(activity__in=logged).count() == 4  # each with its photo

    staff_http = http_for(live_server, plan.staff[0])
    staff = journeys.Staff(staff_http, plan, random.Random(2))
    run_all(staff)
    assert failed(staff_http) == []
    statuses = sorted(logged.values_list("status", flat=True))
    assert Status.APPROVED in statuses and Status.RETURNED in statuses
    assert Status.SUBMITTED not in statuses  # the bulk approve took the rest
    assert any(name == "staff: request export" for name, _status, _ok in staff_http.outcomes)

    leader_http = http_for(live_server, plan.leaders[0])
    run_all(journeys.Leader(leader_http, random.Random(3)))
    assert failed(leader_http) == []
    assert {name for name, _s, _ok in leader_http.outcomes} >= {"leader: dashboard", "leader: drill"}


def test_a_signed_out_person_is_counted_as_failing(tiny, live_server):
    http = http_for(live_server, "no-such-session")
    journeys.Secretary(http, {"organisation": tiny.branch_b.pk, "members": []}).home()
    assert http.outcomes == [("secretary: home", 302, False)]  # the login page, not the board


def test_freshness_check_sees_the_approved_record_and_the_run_is_cleaned_up(tiny, live_server):
    from django.utils import timezone

    since = timezone.now()
    marked = day_run.marks()
    prepared = day_run.prepare(max_users=4)
    fresh = day_run.freshness_check(base_url=live_server.url, prepared=prepared)
    assert list(Path(django_settings.MEDIA_ROOT).rglob("*.jpg"))  # the record's photo, stored
    assert fresh.approved and fresh.before == 0 and fresh.after == 1 and fresh.passed
    assert day_run.fire_reminder_run(base_url=live_server.url, session=prepared.staff_session)
    assert Activity.objects.filter(title__startswith=journeys.FRESH_TAG, status=Status.APPROVED).count() == 1

    kept = ActivityFactory(title="区级活动", organisation=tiny.branch_a)
    removed = day_run.clean_up(since=since, marked=marked, sessions=prepared.sessions)
    assert removed["activities"] == 1 and removed["sessions"] == len(prepared.sessions)
    assert list(Activity.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not ExportJob.objects.exists()
    assert not [p for p in Path(django_settings.MEDIA_ROOT).rglob("*") if p.is_file()]  # the photo went too


def test_a_locust_step_runs_every_kind_of_person(tiny, live_server, tmp_path):
    import json

    prepared = day_run.prepare(max_users=3, weights=(1, 1, 1))
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(prepared.plan.__dict__))
    pages = day_run.run_step(
        base_url=live_server.url,
        plan_file=plan_file,
        users=3,
        seconds=4,
        ramp=1,
        think=(0.1, 0.3),
        workdir=Path(tmp_path),
        weights=(1, 1, 1),
    )
    roles = {page.name.split(":")[0] for page in pages}
    assert {"secretary", "staff", "leader"} <= roles
    assert sum(page.requests for page in pages) > 0


def _page(name, p95, p99=100.0, failures=0):
    return PageStats(name, 100, failures, 3.0, 20.0, p95, p99)


def test_capacity_is_the_largest_step_that_held_and_the_table_counts_the_targets(tmp_path):
    fresh = Freshness(before=4, after=5, approved=True, seconds=0.02)
    result = DayResult(
        steps=[
            Step(50, [_page("secretary: home", 40), _page("staff: approve", 80)], (0.5, 0.4, 0.3), fresh, True),
            Step(100, [_page("secretary: home", 150), _page("staff: approve", 190, 480)], (1.5, 0.8, 0.5), fresh),
            Step(200, [_page("secretary: home", 120), _page("staff: approve", 90, failures=1)], (2.5, 1.2, 0.6)),
        ]
    )
    assert [s.passed for s in result.steps] == [True, True, False]  # one error misses the step
    assert result.capacity == 100 and result.capacity_step.users == 100
    assert not _page("x", 201).passed and not _page("x", 100, p99=501).passed

    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        "# Benchmarks\n\n<!-- bench:day-city -->\nreminder run queries at city: 772 (2.2 s)\n<!-- /bench:day-city -->\n"
    )
    export = SimpleNamespace(rows=6_208, peak_mb=110.0, seconds=0.2)
    report = SimpleNamespace(year=2026, half=1, with_files_seconds=0.12)
    reminders = SimpleNamespace(organisations=198, queries=20, seconds=0.04)
    table = day_run.day_table(
        scale="district", result=result, export=export, report=report, reminders=reminders, doc=doc
    )
    rows = {row.measurement: row for row in table.rows}
    assert rows["capacity: the largest step at which every page type held"].result == "100 users"
    assert rows["capacity: the largest step at which every page type held"].met is False  # < 1,000
    assert rows["staff: approve at 100 users"].met is True
    assert rows["freshness at 100 users: an approved record on the next dashboard load"].met is True
    queries = rows["reminder run queries, district vs city"]
    assert queries.result == "city 772, district 20" and queries.met is False
    assert table.targets == (5, 7)

    day_run.write_doc(table, doc)
    text = doc.read_text()
    assert "<!-- bench:day-district -->\n## Working day, district scale" in text
    assert "reminder run queries at district: 20" in text and "<!-- bench:day-city -->" in text
    assert "| 200 | **step: missed** |" in text
    assert text.count("targets met: 5/7") == 1

    # The next district run reads this run's count beside its own.
    assert day_run.other_scale_reminder_queries(doc, "city") == ("district", 20)


def test_steps_are_read_as_rising_user_counts():
    assert day_run.parse_steps("200, 50,100,50") == [50, 100, 200]
    for bad in ("", "50,x", "0,10"):
        with pytest.raises(ValueError):
            day_run.parse_steps(bad)


@pytest.mark.django_db(transaction=False)
def test_the_city_grows_from_a_district_with_every_column_the_tables_require(district):
    """bench/city.py writes with COPY and INSERT … SELECT over named columns: a NOT NULL column
    added to the models later must be named there too (it was not: the city stopped loading)."""
    import random as _random

    from django.db import connection

    from activities.models import IndicatorValue
    from bench import city
    from branches.models import Organisation
    from members.models import Member
    from tests.activities.factories import ActivityFactory

    if connection.vendor != "postgresql":
        pytest.skip("the city is loaded with COPY")
    MemberFactory.create_batch(2, organisation=district.branch_a)
    ActivityFactory(organisation=district.branch_a)
    before = Organisation.objects.count()
    scale = city.Scale(organisations=before + 4, members=10, activities=4, honours=0)
    city.load_city(rng=_random.Random(1), scale=scale, log=lambda _text: None)
    assert Organisation.objects.count() == before + 4
    clone = Organisation.objects.order_by("-pk").first()
    assert clone.report_plan_span == district.branch_a.report_plan_span
    assert Member.objects.count() == 10 and Activity.objects.count() == 4
    assert IndicatorValue.objects.count() == 0  # none to copy, and the statement ran


@pytest.mark.django_db(transaction=False)
def test_the_day_runs_the_export_without_its_floor(monkeypatch):
    from bench import measure

    ran = []
    monkeypatch.setattr(measure, "_in_fresh_process", lambda target, database: ran.append(target) or (600, 3.0, 90.0))
    bench = measure.export_benchmark(pairs=1, floor=False)
    assert ran == [measure._export_child]  # the floor's child never started
    assert (bench.rows, bench.seconds, bench.peak_mb, bench.floor_seconds) == (600, 3.0, 90.0, 0.0)
