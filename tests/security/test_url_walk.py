"""Every URL of the project, asked by every persona: scoping and roles proven, not assumed.

The rules live in url_rules.py (its docstring explains the format); a URL without a rule
fails here with a message that says where to add one.
"""

import io
from dataclasses import dataclass

import openpyxl
import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.http import urlencode

from accounts.access import Access, AccessMixin
from core import export_registry, services

from .url_rules import EXPORTS, OWN, PUBLIC, READ, RULES, STAFF, WRITE, Rule

ADMIN_NAMESPACE = "admin"
PERSONAS = ("anonymous", "secretary_a", "leader", "secretary_b", "staff")
ACCESS_OF_KIND = {READ: Access.READ, OWN: Access.READ, WRITE: Access.WRITE, STAFF: Access.STAFF}


@dataclass(frozen=True)
class Walked:
    name: str  # "namespace:name"
    route: str
    pattern: URLPattern


def walk(resolvers=None, prefix: str = "", namespace: str = "") -> list[Walked]:
    """Every URL pattern reachable from the root URLconf, with its namespaced name."""
    patterns = get_resolver().url_patterns if resolvers is None else resolvers
    found = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace == ADMIN_NAMESPACE:
                continue  # Django's admin guards its own views: see test_admin_access.py
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.extend(walk(entry.url_patterns, route, inner))
        else:
            found.append(Walked(f"{namespace}{entry.name}" if entry.name else f"<unnamed {route}>", route, entry))
    return found


WALKED = walk()


def test_the_walk_finds_the_projects_urls():
    names = {w.name for w in WALKED}
    assert {"login", "dashboards:home", "branches:detail", "core:export_download"} <= names
    assert not any(name.startswith("admin:") for name in names)


def test_every_rule_names_an_existing_url():
    stale = sorted(set(RULES) - {w.name for w in WALKED})
    assert not stale, f"url_rules.RULES has rules for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("walked", WALKED, ids=[w.name for w in WALKED])
def test_url_access(walked, world, client_for, settings):
    rule = RULES.get(walked.name)
    assert rule is not None, (
        f"URL {walked.name!r} ({walked.route}) has no access rule: add one line for it to "
        "RULES in tests/security/url_rules.py (the file's docstring explains the format)."
    )
    check_view_declares_access(walked, rule)
    obj = world.obj(rule.obj) if rule.obj else None
    kwargs = rule.kwargs(obj) if rule.kwargs else ({"pk": obj.pk} if obj is not None else {})
    url = reverse(walked.name, kwargs=kwargs)
    if rule.query:
        url += "?" + urlencode(rule.query(obj))
    login_url = reverse(settings.LOGIN_URL)

    for method in sorted(rule.methods):
        data = rule.data(obj) if (rule.data and method == "post") else {}
        for persona in PERSONAS:
            response = request(client_for(persona), method, url, data)
            expected = expectation(rule, persona)
            where = f"{persona} {method.upper()} {url} ({walked.name})"
            if expected == "login":
                assert response.status_code == 302, f"{where}: expected a login redirect, got {response.status_code}"
                assert response["Location"].startswith(f"{login_url}?next="), f"{where}: went to {response['Location']}"
            elif expected == "ok":
                assert response.status_code in rule.ok, f"{where}: expected success, got {response.status_code}"
                if response.status_code == 302:
                    # Signing out lands on the login page; being refused adds ?next=.
                    assert not response["Location"].startswith(f"{login_url}?next="), f"{where}: sent to log in"
            else:
                assert response.status_code == expected, f"{where}: expected {expected}, got {response.status_code}"

    # The methods a view does not answer are refused, so a read page cannot be used to write.
    if hasattr(walked.pattern.callback, "view_class"):
        allowed = "secretary_b" if rule.mine else "staff"
        for method in {"get", "post"} - rule.methods:
            response = request(client_for(allowed), method, url, {})
            assert response.status_code == 405, (
                f"{allowed} {method.upper()} {url}: expected 405, got {response.status_code}"
            )


def request(client, method: str, url: str, data: dict):
    # Each request in a savepoint that is rolled back: every persona meets the same world.
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        transaction.set_rollback(True)
    return response


def expectation(rule: Rule, persona: str):
    """ "login", "ok" or the refusal status a persona must get from a URL under ``rule``."""
    if rule.kind == PUBLIC:
        return "ok"
    if persona == "anonymous":
        return "login"
    if persona in rule.expect:
        return rule.expect[persona]
    if rule.mine:
        return "ok" if persona == "secretary_b" else 404
    if rule.obj and rule.scoped and persona == "secretary_a":
        return 404  # another subtree's object: its existence does not leak
    if rule.kind in (READ, OWN):
        return "ok"
    if rule.kind == WRITE:
        return 403 if persona == "leader" else "ok"
    if rule.kind == STAFF:
        return "ok" if persona == "staff" else 403
    raise AssertionError(f"unknown rule kind {rule.kind!r}")


def check_view_declares_access(walked: Walked, rule: Rule) -> None:
    view_class = getattr(walked.pattern.callback, "view_class", None)
    if rule.kind == PUBLIC:
        declared = getattr(view_class, "access", None)
        assert declared in (None, Access.PUBLIC), f"{walked.name} is public in the rules but declares {declared}"
        return
    assert view_class is not None and issubclass(view_class, AccessMixin), (
        f"{walked.name}: every non-public view is a class inheriting accounts.access.AccessMixin"
    )
    assert view_class.access is ACCESS_OF_KIND[rule.kind], (
        f"{walked.name}: the view declares {view_class.access}, the rule says {rule.kind!r}"
    )


# --- Exports and downloads hold nothing from outside the requester's scope -------------


def workbook_texts(content: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]


def assert_scoped(texts: list[str], inside: list[str], outside: list[str], *, complete: bool, where: str) -> None:
    leaked = sorted({marker for marker in outside for text in texts if marker in text})
    assert not leaked, f"{where}: rows from outside secretary_a's scope: {leaked}"
    if complete:
        missing = [marker for marker in inside if not any(marker in text for text in texts)]
        assert not missing, f"{where}: secretary_a's own rows are missing: {missing}"


def test_every_exporter_has_an_export_rule():
    missing = sorted(set(export_registry.registry()) - set(EXPORTS))
    assert not missing, f"Add an ExportRule to EXPORTS in tests/security/url_rules.py for: {missing}"


@pytest.mark.parametrize("identifier", sorted(EXPORTS))
def test_exports_hold_only_rows_in_scope(identifier, world, client_for, monkeypatch):
    rule = EXPORTS[identifier]
    inside, outside = rule.setup(world)
    client = client_for("secretary_a")
    for query in rule.queries(world):
        where = f"{identifier} export with query {query!r}"
        # At once, in the request.
        response = client.post(reverse("core:export_start"), {"exporter": identifier, "query": query})
        assert response.status_code == 200, where
        assert_scoped(workbook_texts(response.content), inside, outside, complete=query == "", where=where)

        # As a job rendered by the worker's code path, then downloaded.
        monkeypatch.setattr(services, "EXPORT_INLINE_MAX_ROWS", -1)
        response = client.post(reverse("core:export_start"), {"exporter": identifier, "query": query})
        monkeypatch.undo()
        assert response.status_code == 302, where
        job_id = response["Location"].rstrip("/").split("/")[-1]
        services.export_run(job_id=job_id)
        download = client.get(reverse("core:export_download", args=[job_id]))
        assert download.status_code == 200, where
        content = b"".join(download.streaming_content)
        assert_scoped(workbook_texts(content), inside, outside, complete=query == "", where=f"{where} (job)")


# --- The walk itself can fail ------------------------------------------------------------


def test_a_url_without_a_rule_fails_the_walk(world, client_for, settings):
    from django.urls import path
    from django.views.generic import TemplateView

    newcomer = Walked("newapp:page", "newapp/page/", path("newapp/page/", TemplateView.as_view(), name="page"))
    with pytest.raises(AssertionError, match="has no access rule"):
        test_url_access(newcomer, world, client_for, settings)


def test_a_view_without_access_fails_the_walk():
    from django.urls import path
    from django.views.generic import TemplateView

    plain = Walked("dashboards:home", "", path("", TemplateView.as_view(), name="home"))
    with pytest.raises(AssertionError, match="AccessMixin"):
        check_view_declares_access(plain, RULES["dashboards:home"])
