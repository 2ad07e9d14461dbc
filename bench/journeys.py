"""A city's working day, page by page: what a secretary, a committee staff member and a leader do.

Written against a small client (``Http``) rather than locust, so that the scenario's locust file
(bench/day.py) and the test that keeps it working (tests/bench/) run the very same steps. Every
request is named by page type ("secretary: home", "staff: approve"): the table groups by name.

What the scenario writes is tagged: every activity it logs carries ``TAG`` in its title, staff
review only tagged records (the review queue filtered by the tag), and the harness deletes the
tagged records, the export jobs and the reminder rows of the run at the end (bench.day_run).
"""

import io
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urlsplit

TAG = "BENCHDAY"
# The harness's freshness record: outside the simulated staff's queue (their filter is TAG).
FRESH_TAG = "BENCHFRESH"
CSRF_FIELD = "csrfmiddlewaretoken"


class Http:
    """Requests through a ``requests.Session`` (locust's ``HttpSession`` is one): the session and
    CSRF cookies go as a header (with DEBUG off the portal marks them Secure, and the client
    would not send a Secure cookie over the bench's plain HTTP), X-Forwarded-Proto says https
    as the TLS proxy in front of production does, and a POST carries the Origin a browser sends.

    ``outcomes`` records (name, status, expected) for every request; under locust an unexpected
    status is also marked a failure, so that it counts among the errors."""

    def __init__(self, client, *, session: str, base_url: str, scheme: str = "https", locust: bool = False):
        self.client = client
        self.session = session
        self.csrf = ""
        self.locust = locust
        self.base_url = base_url.rstrip("/")
        self.origin = f"{scheme}://{urlsplit(base_url).netloc}"
        self.forwarded = {"X-Forwarded-Proto": "https"} if scheme == "https" else {}
        self.outcomes: list[tuple[str, int, bool]] = []

    def _headers(self, extra=None) -> dict:
        cookie = f"sessionid={self.session}" + (f"; csrftoken={self.csrf}" if self.csrf else "")
        return {**self.forwarded, "Cookie": cookie, **(extra or {})}

    def request(self, method: str, path: str, *, name: str, expect=(200,), **kwargs):
        if method == "POST":
            kwargs["headers"] = self._headers({"Origin": self.origin, "Referer": self.origin + path})
        else:
            kwargs["headers"] = self._headers()
        if self.locust:
            with self.client.request(
                method, path, name=name, allow_redirects=False, catch_response=True, **kwargs
            ) as response:
                ok = response.status_code in expect
                if not ok:
                    response.failure(f"HTTP {response.status_code}")
        else:
            response = self.client.request(method, self._absolute(path), allow_redirects=False, **kwargs)
            ok = response.status_code in expect
        token = response.cookies.get("csrftoken")
        if token:
            self.csrf = token
        self.outcomes.append((name, response.status_code, ok))
        return response if ok else None

    def _absolute(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def get(self, path: str, *, name: str, expect=(200,)):
        return self.request("GET", path, name=name, expect=expect)

    def post(self, path: str, data, *, name: str, files=None, expect=(302,)):
        return self.request("POST", path, name=name, expect=expect, data=data, files=files)


# --- Forms as a browser sends them -------------------------------------------------------------


class _Forms(HTMLParser):
    """Each <form>: its method, action, the names it holds and the values a browser would send
    untouched (checked boxes, selected options or a select's first, textareas)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "action": a.get("action") or "", "fields": []}
            self._form["names"] = set()
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            self._form["names"].add(name)
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value") or "on"))
                return
            self._form["fields"].append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._form["names"].add(name)
            self._select = {"name": name, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            self._form["names"].add(name)
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["chosen"] or ([self._select["first"]] if self._select["first"] is not None else [])
            self._form["fields"].extend((self._select["name"], v) for v in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            self._form["fields"].append((name, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "form":
            self._form = None


def form_values(html: str, *, holding: str) -> list[tuple[str, str]] | None:
    """The values of the first POST form holding a field named ``holding``, as a browser would
    send it unchanged; None when the page has no such form."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "post" and holding in form["names"]:
            return list(form["fields"])
    return None


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return found.group(1) if found else ""


def small_jpeg(rng: random.Random) -> bytes:
    """A phone photo in miniature: a few hundred bytes of real JPEG, a colour of its own."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(out, format="JPEG")
    return out.getvalue()


def figure(html: str, key: str) -> int | None:
    """A dashboard figure's value (templates/dashboards/_figure.html)."""
    found = re.search(r'data-figure="' + re.escape(key) + r'"[^>]*>([\d,]+)<', html)
    return int(found.group(1).replace(",", "")) if found else None


# --- The people ----------------------------------------------------------------------------------


@dataclass
class Plan:
    """What the harness prepared (bench.day_run writes it as JSON for locust): sessions per role;
    for each secretary the branch and a few of its members; the report staff recompile; how
    often (seconds, across all users of a locust process) a large export or a compile may start."""

    secretaries: list[dict] = field(default_factory=list)  # {"session", "organisation", "members": [...]}
    staff: list[str] = field(default_factory=list)
    leaders: list[str] = field(default_factory=list)
    report: int | None = None  # a draft report staff recompile
    export_every: float = 60.0
    compile_every: float = 60.0


class _Throttle:
    """At most one start per ``every`` seconds among the users of this process: a day has a few
    large exports and compiles, not one per user per minute."""

    def __init__(self):
        self.lock = threading.Lock()
        self.last: dict[str, float] = {}

    def allow(self, what: str, every: float) -> bool:
        now = time.monotonic()
        with self.lock:
            if now - self.last.get(what, -1e9) < every:
                return False
            self.last[what] = now
            return True


THROTTLE = _Throttle()


class Secretary:
    """A branch secretary: home, 待办, 消息, logs an activity with a photo and submits it, looks at
    the roster and the activity list, edits a member."""

    tag = TAG
    tasks = {"home": 4, "due": 2, "inbox": 2, "log_activity": 2, "roster": 2, "activities": 2, "edit_member": 1}

    def __init__(self, http: Http, person: dict, rng: random.Random | None = None):
        self.http, self.person, self.rng = http, person, rng or random.Random()

    def home(self):
        self.http.get("/", name="secretary: home")

    def due(self):
        self.http.get("/obligations/due/", name="secretary: 待办")

    def inbox(self):
        self.http.get("/obligations/inbox/", name="secretary: 消息")

    def log_activity(self):
        page = self.http.get("/activities/new/", name="secretary: activity form")
        if page is None:
            return
        data = {
            CSRF_FIELD: csrf_token(page.text),
            "title": f"{self.tag} 志愿服务 {self.rng.randrange(10**6)}",
            "organisation": str(self.person["organisation"]),
            "kind": "volunteer",
            "start_date": date.today().isoformat(),
            "audience": "members_youth",
            "participants": str(self.rng.randint(5, 60)),
            "summary": "社区志愿服务，清理河道。",
            "submit": "1",
        }
        photo = ("photo.jpg", small_jpeg(self.rng), "image/jpeg")
        return self.http.post("/activities/new/", data, files={"photos": photo}, name="secretary: log activity")

    def roster(self):
        self.http.get("/members/", name="secretary: roster")

    def activities(self):
        self.http.get("/activities/", name="secretary: activities")

    def edit_member(self):
        members = self.person.get("members") or []
        if not members:
            return
        path = f"/members/{self.rng.choice(members)}/edit/"
        page = self.http.get(path, name="secretary: member form")
        values = form_values(page.text, holding="name") if page is not None else None
        if values is not None:
            self.http.post(path, values, name="secretary: save member")


class Staff:
    """Committee staff: the review queue (the run's own records), approve or return one or
    several, lists with filters, a large export on the real worker, the compliance page, a
    report compile."""

    tasks = {
        "home": 3,
        "review": 3,
        "approve": 2,
        "return_one": 1,
        "bulk_approve": 1,
        "filtered_lists": 3,
        "export": 1,
        "compliance": 2,
        "compile": 1,
    }

    def __init__(self, http: Http, plan: Plan, rng: random.Random | None = None):
        self.http, self.plan, self.rng = http, plan, rng or random.Random()

    def home(self):
        self.http.get("/", name="staff: home")

    def _queue(self) -> tuple[list[int], str]:
        page = self.http.get(f"/activities/review/?q={TAG}", name="staff: review queue")
        if page is None:
            return [], ""
        return [int(pk) for pk in re.findall(r'name="ids" value="(\d+)"', page.text)], csrf_token(page.text)

    def review(self):
        self._queue()

    # Another reviewer may have got there first: the portal refuses the second review (403),
    # as it should; under load the simulated staff share one queue, so that is no error here.
    RACED = (302, 403)

    def approve(self):
        ids, token = self._queue()
        if ids:
            pk = self.rng.choice(ids)
            self.http.post(f"/activities/{pk}/approve/", {CSRF_FIELD: token}, name="staff: approve", expect=self.RACED)

    def return_one(self):
        ids, token = self._queue()
        if ids:
            pk = self.rng.choice(ids)
            self.http.post(
                f"/activities/{pk}/return/",
                {CSRF_FIELD: token, "comment": "请补充活动照片。"},
                name="staff: return",
                expect=self.RACED,
            )

    def bulk_approve(self):
        ids, token = self._queue()
        if ids:
            data = {CSRF_FIELD: token, "ids": [str(pk) for pk in ids[:5]], "action": "approve", "comment": ""}
            self.http.post("/activities/review/bulk/", data, name="staff: bulk approve")

    def filtered_lists(self):
        path = self.rng.choice(
            [
                "/members/?category=league",
                "/activities/?status=approved&kind=volunteer",
                "/activities/?status=submitted",
                "/honours/?status=approved",
                "/members/transfers/",
            ]
        )
        self.http.get(path, name="staff: filtered list")

    def export(self):
        """The whole roster to .xlsx: a job for the worker (above the inline limit), then its page."""
        if not THROTTLE.allow("export", self.plan.export_every):
            self.http.get("/exports/", name="staff: exports")
            return
        page = self.http.get("/members/", name="staff: roster")
        if page is None:
            return
        data = {CSRF_FIELD: csrf_token(page.text), "exporter": "members", "query": ""}
        done = self.http.post("/exports/start/", data, name="staff: request export", expect=(302, 200))
        if done is not None and done.status_code == 302:
            self.http.get(done.headers["Location"], name="staff: export job")

    def compliance(self):
        self.http.get("/obligations/", name="staff: compliance")

    def compile(self):
        """Recompile the draft report (the worker compiles it), then open it."""
        report = self.plan.report
        if report is None or not THROTTLE.allow("compile", self.plan.compile_every):
            self.http.get("/reports/", name="staff: reports")
            return
        page = self.http.get(f"/reports/{report}/", name="staff: report")
        if page is not None:
            self.http.post(f"/reports/{report}/refresh/", {CSRF_FIELD: csrf_token(page.text)}, name="staff: compile")


DRILL = re.compile(r'href="(/(?:activities|members|honours|obligations)/\?[^"]*)"')
DOWNLOAD = re.compile(r'href="(/reports/\d+/download/(?:docx|xlsx)/)"')


class Leader:
    """Leadership: the dashboard, one figure drilled into, the latest report downloaded."""

    tasks = {"dashboard": 3, "drill": 2, "download": 1}

    def __init__(self, http: Http, rng: random.Random | None = None):
        self.http, self.rng = http, rng or random.Random()

    def dashboard(self):
        return self.http.get("/", name="leader: dashboard")

    def drill(self):
        page = self.dashboard()
        links = DRILL.findall(page.text) if page is not None else []
        if links:
            self.http.get(self.rng.choice(links).replace("&amp;", "&"), name="leader: drill")

    def download(self):
        page = self.dashboard()
        links = DOWNLOAD.findall(page.text) if page is not None else []
        if links:
            self.http.get(self.rng.choice(links), name="leader: download report")
