"""The city-scale data set: the demo district grown to 5,000 organisations, 500,000 members,
1,000,000 activities, 50,000 honours and a year of indicator values.

It is built on top of the demo district (``load_demo`` loads that first): the district's
committees and brigades are cloned, subtree by subtree, as further rounds under the same root
(each clone keeps its template's shape, so kinds sit under the kinds they may), and every new
organisation takes its template's activities, honours, indicator values and roster profile.
Rows are written with COPY and INSERT … SELECT; generated members get valid GB 11643 numbers
(area codes 4580xx–4598xx, which no prefecture of Guangxi has), encrypted and hashed with the
configured keys in worker processes. The bulk rows get no history records: they were never edited.
"""

import csv
import io
import multiprocessing
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone

from branches.models import Kind, Organisation
from members import crypto, idcard
from members.names import make_name

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4
# Area codes of generated numbers: 4580xx–4598xx (1,900 codes). With 500 sequence numbers per
# gender, member index i maps to a unique (area, sequence) pair for i below 950,000, so no two
# generated numbers can collide whatever their birth dates; the demo district uses 4599xx.
CITY_AREAS = [f"{p}{n:02d}" for p in range(4580, 4599) for n in range(100)]
IMPORT_AREAS = [f"{p}{n:02d}" for p in range(4570, 4580) for n in range(100)]
PHONE_PREFIXES = ("130", "133", "135", "138", "139", "150", "158", "177", "180", "186", "188", "199")
CHUNK = 20_000
NULL = "\\N"  # COPY … NULL '\N': an empty CSV field stays an empty string


@dataclass(frozen=True)
class Scale:
    organisations: int
    members: int
    activities: int
    honours: int


CITY = Scale(organisations=5_000, members=500_000, activities=1_000_000, honours=50_000)


def _path_step(n: int) -> str:
    digits = ""
    while True:
        n, r = divmod(n, len(ALPHABET))
        digits = ALPHABET[r] + digits
        if n == 0:
            break
    return digits.rjust(STEPLEN, "0")


def unique_id_number(index: int, birth: date, gender: str, areas=CITY_AREAS) -> str:
    """The ``index``-th generated number: unique for index < len(areas) * 500."""
    area = areas[index % len(areas)]
    slot = (index // len(areas)) % 500
    return idcard.make(area, birth, slot * 2 + (1 if gender == "M" else 0))


def load_city(*, rng: random.Random, scale: Scale = CITY, log=print) -> dict[str, float]:
    """Grow the freshly loaded demo district to ``scale``. PostgreSQL only; returns timings."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The city scale is loaded with COPY: it needs PostgreSQL (DATABASE_URL).")
    timings: dict[str, float] = {}

    def step(name: str, started: float) -> None:
        timings[name] = time.monotonic() - started
        log(f"  {name}: {timings[name]:.1f}s")

    started = time.monotonic()
    mapping = _organisations(scale.organisations)
    step("organisations", started)
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_org_map (new_id bigint, template_id bigint, round int) ON COMMIT DROP")
        cur.copy_expert(
            "COPY bench_org_map FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            io.StringIO("".join(f"{n},{t},{r}\n" for n, t, r in mapping)),
        )
        cur.execute("CREATE INDEX ON bench_org_map (template_id, round)")
        cur.execute("ANALYZE bench_org_map")
    started = time.monotonic()
    _members(rng, mapping, scale.members)
    step("members", started)
    started = time.monotonic()
    _activities(scale.activities)
    step("activities", started)
    started = time.monotonic()
    _honours(scale.honours)
    step("honours", started)
    started = time.monotonic()
    _indicator_values()
    step("indicator values", started)
    return timings


# --- Organisations --------------------------------------------------------------------------

# A clone keeps its template's settings for its half-year report (NOT NULL, no database default).
REPORT_SETTINGS = ("report_plan_span", "report_problem_threshold", "report_subject", "report_track_record_years")


def _organisations(target: int) -> list[tuple[int, int, int]]:
    """Clone the district's subtrees until there are ``target`` organisations.

    Returns (new id, template id, round) for every organisation made."""
    orgs = list(
        Organisation.objects.order_by("path").values(
            "id",
            "path",
            "depth",
            "numchild",
            "name",
            "short_name",
            "kind",
            "directly_managed",
            "established_on",
            "term_ends_on",
            *REPORT_SETTINGS,
        )
    )
    root = next(o for o in orgs if o["depth"] == 1)
    pioneers = next((o for o in orgs if o["kind"] == Kind.PIONEER_COMMITTEE and o["depth"] == 2), None)

    def subtree(top):
        return [o for o in orgs if o["path"].startswith(top["path"])]

    # Units cloned under the root (committees, schools), and brigades cloned under the 少工委.
    units = [(o, root) for o in orgs if o["depth"] == 2 and o is not pioneers]
    if pioneers is not None:
        units += [(o, pioneers) for o in orgs if o["depth"] == 3 and o["path"].startswith(pioneers["path"])]
    children = {root["path"]: root["numchild"]}
    if pioneers is not None:
        children[pioneers["path"]] = pioneers["numchild"]

    total = len(orgs)
    rows: list[tuple] = []  # (path, template row, round)
    rnd = 1
    while total < target:
        rnd += 1
        progressed = False
        for top, parent in units:
            members = subtree(top)
            if total + len(members) > target:
                continue
            children[parent["path"]] += 1
            prefix = parent["path"] + _path_step(children[parent["path"]])
            for o in members:
                rows.append((prefix + o["path"][len(top["path"]) :], o, rnd))
            total += len(members)
            progressed = True
        if not progressed:
            break
    # Whatever is left: branches directly under the root (区直属团支部).
    template_branch = next(o for o in orgs if o["kind"] == Kind.BRANCH)
    extra = 0
    while total < target:
        extra += 1
        children[root["path"]] += 1
        path = root["path"] + _path_step(children[root["path"]])
        rows.append(
            (
                path,
                {**template_branch, "depth": 2, "numchild": 0, "name": f"区直属第{extra}团支部", "short_name": ""},
                rnd,
            )
        )
        total += 1

    now = timezone.now().isoformat()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for path, o, r in rows:
        suffix = f"（{r}）"
        writer.writerow([
            path, o["depth"], o["numchild"], (o["name"][: 120 - len(suffix)] + suffix),
            (o["short_name"][: 40 - len(suffix)] + suffix) if o["short_name"] else "", o["kind"],
            o["directly_managed"], o["established_on"] or NULL, o["term_ends_on"] or NULL, True, now, now,
            *(o[name] for name in REPORT_SETTINGS),
        ])  # fmt: skip
    buffer.seek(0)
    with connection.cursor() as cur:
        cur.copy_expert(
            "COPY branches_organisation (path, depth, numchild, name, short_name, kind, directly_managed,"
            " established_on, term_ends_on, active, created_at, updated_at, " + ", ".join(REPORT_SETTINGS) + ")"
            " FROM STDIN WITH (FORMAT csv, NULL '\\N')",
            buffer,
        )
        for path, count in children.items():
            cur.execute("UPDATE branches_organisation SET numchild = %s WHERE path = %s", [count, path])
    ids = dict(Organisation.objects.filter(path__in=[r[0] for r in rows]).values_list("path", "id"))
    return [(ids[path], o["id"], r) for path, o, r in rows]


# --- Members ----------------------------------------------------------------------------------


def _members(rng: random.Random, mapping: list[tuple[int, int, int]], target: int) -> None:
    from members.models import Member

    needed = target - Member.objects.count()
    if needed <= 0:
        return
    profiles: dict[int, list[tuple]] = {}
    for row in Member.objects.values_list(
        "organisation_id", "gender", "ethnicity", "birth_date", "category", "joined_league_on", "phone",
        "education", "occupation",
    ):  # fmt: skip
        profiles.setdefault(row[0], []).append(row[1:])
    pairs = [(new_id, profile) for new_id, template_id, _r in mapping for profile in profiles.get(template_id, ())]
    if not pairs:
        return
    copies, remainder = divmod(needed, len(pairs))
    jobs, chunk, index = [], [], 0
    for n, (org_id, profile) in enumerate(pairs):
        for _ in range(copies + (1 if n < remainder else 0)):
            chunk.append((index, org_id, profile))
            index += 1
            if len(chunk) == CHUNK:
                jobs.append((chunk, rng.randrange(2**32)))
                chunk = []
    if chunk:
        jobs.append((chunk, rng.randrange(2**32)))

    columns = (
        "name, gender, ethnicity, birth_date, id_number_encrypted, id_number_hash, id_number_masked, phone,"
        " category, joined_league_on, member_number, development_number, status, status_changed_on, education,"
        " occupation, created_at, updated_at, organisation_id"
    )
    # Encryption dominates: one worker per core. The workers touch no database connection.
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=max(1, multiprocessing.cpu_count())) as pool, connection.cursor() as cur:
        for text in pool.imap(_member_rows, jobs):
            cur.copy_expert(
                f"COPY members_member ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", io.StringIO(text)
            )


def _member_rows(job) -> str:
    chunk, seed = job
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now().isoformat()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, org_id, (gender, ethnicity, birth, category, joined, phone, education, occupation) in chunk:
        gender = rng.choice("MF")
        shift = timedelta(days=rng.randint(-150, 150))
        new_birth = min(birth + shift, today - timedelta(days=1))
        new_joined = min(joined + shift, today) if joined else None
        if new_joined and new_joined < new_birth.replace(year=new_birth.year + 14, day=min(new_birth.day, 28)):
            new_joined = None
        number = unique_id_number(index, new_birth, gender)
        writer.writerow([
            make_name(rng, gender), gender, ethnicity, new_birth, crypto.encrypt(number), crypto.keyed_hash(number),
            idcard.mask(number), (rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}") if phone else "",
            category, new_joined or NULL, f"4598{new_joined.year}{index:07d}" if new_joined else "", "", "active", NULL,
            education, occupation, now, now, org_id,
        ])  # fmt: skip
    return buffer.getvalue()


# --- Activities, honours, indicators -----------------------------------------------------------


ACTIVITY_COLUMNS = [
    "title", "kind", "dimension", "start_date", "end_date", "location", "summary", "audience", "participants",
    "person_times", "hours", "notable", "status", "review_comment", "submitted_at", "reviewed_at", "created_at",
    "updated_at", "created_by_id", "organisation_id", "reviewed_by_id", "submitted_by_id", "campaign_id",
    "participants_qualifier", "person_times_qualifier", "reach", "session_unit", "sessions",
]  # fmt: skip


def _activities(target: int) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM activities_activity")
        needed = target - cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM activities_activity a JOIN bench_org_map m ON m.template_id = a.organisation_id"
        )
        per_copy = cur.fetchone()[0]
        if needed <= 0 or not per_copy:
            return
        copies = -(-needed // per_copy)
        # Copy g of an activity moves 7·(g-1) days earlier; only the originals stay notable.
        select = ", ".join(
            {
                "start_date": "a.start_date - 7 * (g - 1)",
                "end_date": "a.end_date - 7 * (g - 1)",
                "notable": "false",
                "organisation_id": "m.new_id",
                "created_at": "now()",
                "updated_at": "now()",
            }.get(c, f"a.{c}")
            for c in ACTIVITY_COLUMNS
        )
        cur.execute(
            # Column names and expressions are this module's constants; values go as parameters.
            f"INSERT INTO activities_activity ({', '.join(ACTIVITY_COLUMNS)}) "  # noqa: S608
            f"SELECT {select} FROM generate_series(1, %s) g "
            "CROSS JOIN activities_activity a JOIN bench_org_map m ON m.template_id = a.organisation_id "
            "LIMIT %s",
            [copies, needed],
        )


HONOUR_COLUMNS = [
    "level", "conferring_body_id", "edition", "awarded_on", "year_from", "year_to", "counted_on", "direction", "status",
    "review_comment", "submitted_at", "reviewed_at", "note", "created_at", "updated_at", "title", "grade",
    "recipient_kind", "recipient_name", "recipient_count", "certificate", "certificate_name", "certificate_number",
    "batch_id", "created_by_id", "member_id", "organisation_id", "recipient_organisation_id", "reviewed_by_id",
    "submitted_by_id",
]  # fmt: skip


def _honours(target: int) -> None:
    """Named honours copied round by round: copy g goes to the organisations of round g, outside any
    commendation list (the lists' uniqueness is per list), recipients by name."""
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM honours_honour")
        needed = target - cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM honours_honour WHERE recipient_name <> ''")
        named = cur.fetchone()[0]
        cur.execute("SELECT max(round) FROM bench_org_map")
        rounds = cur.fetchone()[0] or 1
        if needed <= 0 or not named:
            return
        copies = -(-needed // named)
        select = ", ".join(
            {
                "batch_id": "NULL",
                "member_id": "NULL",
                "certificate": "''",
                "certificate_number": "''",
                "organisation_id": "coalesce(mo.new_id, h.organisation_id)",
                "recipient_organisation_id": "coalesce(mr.new_id, h.recipient_organisation_id)",
                "created_at": "now()",
                "updated_at": "now()",
            }.get(c, f"h.{c}")
            for c in HONOUR_COLUMNS
        )
        cur.execute(
            f"INSERT INTO honours_honour ({', '.join(HONOUR_COLUMNS)}) "  # noqa: S608
            f"SELECT {select} FROM generate_series(1, %s) g CROSS JOIN honours_honour h "
            "LEFT JOIN bench_org_map mo ON mo.template_id = h.organisation_id AND mo.round = 2 + (g - 1) %% %s "
            "LEFT JOIN bench_org_map mr ON mr.template_id = h.recipient_organisation_id "
            "  AND mr.round = 2 + (g - 1) %% %s "
            "WHERE h.recipient_name <> '' LIMIT %s",
            [copies, rounds - 1 or 1, rounds - 1 or 1, needed],
        )


def _indicator_values() -> None:
    """Every new organisation reports what its template reported over the last twelve months."""
    since = (timezone.localdate().replace(day=1) - timedelta(days=335)).replace(day=1)
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO activities_indicatorvalue (month, issue, value, qualifier, note, updated_at, entered_by_id,"
            " indicator_id, organisation_id, season) "
            "SELECT v.month, v.issue, v.value, v.qualifier, v.note, now(), v.entered_by_id, v.indicator_id, m.new_id,"
            " v.season "
            "FROM activities_indicatorvalue v JOIN bench_org_map m ON m.template_id = v.organisation_id "
            "WHERE v.month >= %s",
            [since],
        )


def analyse() -> None:
    with connection.cursor() as cur:
        # VACUUM too: the visibility map lets counts over a million rows use index-only scans.
        cur.execute("VACUUM ANALYZE")


def counts_text() -> str:
    from activities.models import Activity, IndicatorValue
    from honours.models import Honour
    from members.models import Member

    counts = {
        "organisations": Organisation.objects.count(),
        "members": Member.objects.count(),
        "activities": Activity.objects.count(),
        "honours": Honour.objects.count(),
        "indicator values": IndicatorValue.objects.count(),
    }
    return ", ".join(f"{n:,} {what}" for what, n in counts.items())
