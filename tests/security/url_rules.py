"""The access rule of every URL of the portal, for tests/security/test_url_walk.py.

The walker resolves every URL pattern of the project (the Django admin's own are tested
apart, in test_admin_access.py), builds each URL from an object in secretary_b's subtree
and requests it as anonymous, secretary_a, secretary_b, leader and staff. A pattern with
no line in RULES fails the walk; so does a line for a pattern that no longer exists.

One line per URL name, in RULES below:

    "members:detail": read(obj="member"),
    "members:update": write(obj="member", methods=GET_POST),
    "members:delete": write(obj="member", methods=POST),
    "reports:finalise": staff(obj="report", methods=POST),

The helper is the view's access level; the walker checks that the view class declares
the same ``access`` (accounts.access):

    public()   no sign-in (Access.PUBLIC, or one of Django's public auth views)
    read()     any signed-in role, leadership included (Access.READ)
    own()      the signed-in user's own account, every role (Access.READ): password change
    write()    staff and secretaries (Access.WRITE); leadership gets 403 on GET and POST
    staff()    committee staff only (Access.STAFF)

Keyword arguments:

    obj="name"     the URL points at OBJECTS["name"], an object in secretary_b's subtree:
                   secretary_a must get 404 on every method, everyone else the rule of the
                   level. The URL kwargs default to {"pk": obj.pk}.
    kwargs=fn      fn(obj) -> URL kwargs when they are not {"pk": obj.pk} (obj may be None)
    methods=GET    the methods the view answers: GET, POST or GET_POST. Staff must get
                   405 for the other one (class-based views).
    mine=True      the object belongs to whoever made it (secretary_b): everyone else,
                   staff included, gets 404.
    data=fn        fn(obj) -> POST data; the default is an empty form, which a form view
                   answers by re-showing itself (200).
    ok=(...)       the statuses that count as success (default 200 and 302; a 302 to the
                   login page never counts).

OBJECTS names the objects rules point at: name -> builder(world) returning an object in
secretary_b's subtree (world.district.sub_b / branch_b; world.secretary_b for ownership).
Builders run on demand, once per test.

EXPORTS lists every exporter of core.export_registry: identifier -> ExportRule(setup,
queries). ``setup(world)`` creates rows on both sides and returns (inside, outside): texts
that secretary_a's export must contain, and texts of secretary_b's subtree (or above
secretary_a) that no export by secretary_a may contain. ``queries(world)`` gives list
query strings to try, including ones that name secretary_b's objects.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

GET = frozenset({"get"})
POST = frozenset({"post"})
GET_POST = frozenset({"get", "post"})

PUBLIC, READ, OWN, WRITE, STAFF = "public", "read", "own", "write", "staff"


@dataclass(frozen=True)
class Rule:
    kind: str
    obj: str | None = None
    kwargs: Callable | None = None
    methods: frozenset = GET
    mine: bool = False
    data: Callable | None = None
    ok: tuple = (200, 302)


def public(**kw) -> Rule:
    return Rule(PUBLIC, **kw)


def read(**kw) -> Rule:
    return Rule(READ, **kw)


def own(**kw) -> Rule:
    return Rule(OWN, **kw)


def write(**kw) -> Rule:
    return Rule(WRITE, **kw)


def staff(**kw) -> Rule:
    return Rule(STAFF, **kw)


# --- Objects in secretary_b's subtree ------------------------------------------


def _export_job(world):
    from core import services

    job = services.export_request(user=world.secretary_b, exporter="organisations", params={})
    return services.export_run(job_id=job.pk)


OBJECTS: dict[str, Callable] = {
    "organisation": lambda world: world.district.branch_b,
    "export_job": _export_job,
}


# --- Rules, one line per URL name ------------------------------------------------

RULES: dict[str, Rule] = {
    # accounts
    "login": public(methods=GET_POST),
    "logout": own(methods=POST),
    "password_change": own(methods=GET_POST),
    "password_change_done": own(),
    "password_reset": public(methods=GET_POST),
    "password_reset_done": public(),
    "password_reset_confirm": public(methods=GET_POST, kwargs=lambda obj: {"uidb64": "MQ", "token": "bad-token"}),
    "password_reset_complete": public(),
    # core
    "core:home": read(),
    "core:healthz": public(ok=(200, 503)),
    "core:export_list": read(),
    "core:export_start": read(methods=POST, data=lambda obj: {"exporter": "organisations", "query": ""}),
    "core:export_detail": read(obj="export_job", mine=True),
    "core:export_status": read(obj="export_job", mine=True),
    "core:export_download": read(obj="export_job", mine=True),
    "core:export_retry": read(obj="export_job", mine=True, methods=POST),
    "core:audit_list": staff(),
    # branches
    "branches:tree": read(),
    "branches:create": staff(methods=GET_POST),
    "branches:detail": read(obj="organisation"),
    "branches:update": staff(obj="organisation", methods=GET_POST),
    "branches:move": staff(obj="organisation", methods=GET_POST),
    "branches:deactivate": staff(obj="organisation", methods=GET_POST),
    "branches:reactivate": staff(obj="organisation", methods=GET_POST),
    # security
    "security:lockouts": staff(),
    "security:lockout_release": staff(methods=POST),
    "security:history": staff(),
}


# --- Exports: no row from outside the requester's scope ----------------------------


@dataclass(frozen=True)
class ExportRule:
    setup: Callable
    queries: Callable = field(default=lambda world: [""])


def _organisations(world):
    d = world.district
    return [d.sub_a.name, d.branch_a.name], [d.root.name, d.sub_b.name, d.branch_b.name]


EXPORTS: dict[str, ExportRule] = {
    "organisations": ExportRule(
        setup=_organisations,
        queries=lambda world: [
            "",
            f"root={world.district.sub_b.pk}",
            f"root={world.district.root.pk}",
            "q=乙",
            "kind=branch",
        ],
    ),
}
