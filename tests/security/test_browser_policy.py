"""CSP with no inline script, sessions that expire when idle, password rules."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

ROOT = Path(settings.BASE_DIR)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def project_templates() -> list[Path]:
    """The templates of pages the portal serves; e-mail bodies (emails/) are not under the CSP."""
    found = list((ROOT / "templates").rglob("*.html"))
    for app_dir in ROOT.iterdir():
        if (app_dir / "templates").is_dir() and app_dir.name not in {".venv", "var"}:
            found.extend((app_dir / "templates").rglob("*.html"))
    return sorted(path for path in found if "emails" not in path.relative_to(ROOT).parts)


def test_csp_header_allows_no_inline_script(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE, JAVASCRIPT_URL], ids=str)
def test_no_template_carries_inline_code_or_style(pattern):
    templates = project_templates()
    assert len(templates) > 10
    # E-mail bodies are not served under the CSP, and mail clients need inline styles;
    # scripts and event handlers stay forbidden there too.
    emails = ROOT / "templates" / "emails"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in templates
        if not (pattern is STYLE_ATTRIBUTE and path.is_relative_to(emails))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not offenders, f"Move inline code or style to static/ (CSP forbids it): {offenders}"


def test_the_scanner_catches_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/js/x.js"></script>')
    assert EVENT_HANDLER.search('<button onclick="go()">')
    assert STYLE_ATTRIBUTE.search('<div style="color:red">')
    assert JAVASCRIPT_URL.search('<a href="javascript:void(0)">')


def test_pages_render_without_inline_script(staff_client, district):
    for name in ("dashboards:home", "branches:tree", "core:audit_list", "security:history", "security:lockouts"):
        html = staff_client.get(reverse(name)).content.decode()
        assert not INLINE_SCRIPT.search(html), name
        assert not EVENT_HANDLER.search(html), name


def test_session_expires_after_inactivity_not_while_in_use(client, secretary_a, settings):
    # Sessions are read through the cache. Redis expires keys by its own clock, which the
    # time travel below does not move; a local-memory cache follows the travelled clock.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.force_login(secretary_a)
    home = reverse("dashboards:home")
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    now = timezone.now()
    # Used every (age - 1 minute): each request pushes the expiry forward.
    for step in range(1, 4):
        with time_machine.travel(now + step * (age - timedelta(minutes=1)), tick=False):
            assert client.get(home).status_code == 200
    with time_machine.travel(now + 3 * (age - timedelta(minutes=1)) + age + timedelta(minutes=1), tick=False):
        response = client.get(home)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_read_only_page_does_not_write_the_session_until_the_refresh_is_due(client, secretary_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(secretary_a)
    home = reverse("dashboards:home")
    now = timezone.now()
    refresh = timedelta(seconds=settings.SESSION_REFRESH_SECONDS)

    def session_writes_at(moment):
        with time_machine.travel(moment, tick=False), CaptureQueriesContext(connection) as queries:
            assert client.get(home).status_code == 200
        return [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]

    assert session_writes_at(now) == []  # the login itself counted as a refresh
    assert session_writes_at(now + refresh / 2) == []
    assert session_writes_at(now + refresh + timedelta(seconds=1)) != []


def test_passwords_need_ten_characters_and_pass_django_validators(secretary_a):
    with pytest.raises(ValidationError) as short:
        validate_password("Xq7-mP2kz", user=secretary_a)
    assert any("10" in message for message in short.value.messages)
    with pytest.raises(ValidationError):
        validate_password("1234567890123", user=secretary_a)  # entirely numeric
    with pytest.raises(ValidationError):
        validate_password("password123", user=secretary_a)  # common
    validate_password("Xq7-mP2kz-river", user=secretary_a)


def test_password_change_uses_the_validators(secretary_a_client, secretary_a):
    from ..factories import PASSWORD

    response = secretary_a_client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Xq7-mP2kz", "new_password2": "Xq7-mP2kz"},
    )
    assert response.status_code == 200 and response.context["form"].errors["new_password2"]
    secretary_a.refresh_from_db()
    assert secretary_a.check_password(PASSWORD)
