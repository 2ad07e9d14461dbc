"""When the database or the cache is down: /healthz still answers JSON 503, every page a short
"系统维护中" page with status 503, never a 500 (and never one that needs the database)."""

import pytest
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from core.services import heartbeat_record

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: every connection is refused


def _signed_in(user) -> Client:
    # Errors come back as responses, as a browser would get them, not as exceptions in the test.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT}}


@pytest.fixture
def database_down(monkeypatch):
    """Every statement fails as on a connection the server has dropped."""

    def dropped(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    def arm():
        monkeypatch.setattr(CursorWrapper, "execute", dropped)
        monkeypatch.setattr(CursorWrapper, "executemany", dropped)

    return arm


def _is_maintenance_page(response) -> bool:
    text = response.content.decode()
    return response.status_code == 503 and "系统维护中" in text and response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_healthz_answers_json_503_with_a_session_cookie_when_the_cache_is_down(staff, settings):
    heartbeat_record()
    client = _signed_in(staff)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CLOSED_PORT}}
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "fail" and body["cache"]["ok"] is False and body["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_answers_json_503_with_a_session_cookie_when_the_database_is_down(staff, database_down):
    client = _signed_in(staff)
    database_down()
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503 and response["Content-Type"] == "application/json"
    assert response.json()["database"] == {"ok": False, "detail": "OperationalError"}


@pytest.mark.django_db
def test_healthz_reads_no_session(staff, monkeypatch):
    from django.contrib.sessions.backends.cached_db import SessionStore

    heartbeat_record()
    client = _signed_in(staff)
    loads = []
    monkeypatch.setattr(SessionStore, "load", lambda self: loads.append(1) or {})
    assert client.get(reverse("core:healthz")).status_code == 200
    assert loads == []
    client.get(reverse("dashboards:home"))
    assert loads  # so the spy does see a page that reads the session


@pytest.mark.django_db
def test_every_page_is_the_maintenance_page_when_the_cache_is_down(staff, secretary_a, cache_down):
    for user in (staff, secretary_a):
        client = Client(raise_request_exception=False)
        client.cookies = _cookies_before_the_outage(user)
        for url in (reverse("dashboards:home"), reverse("members:list"), reverse("core:export_list")):
            response = client.get(url)
            assert _is_maintenance_page(response), (url, response.status_code)
            assert response["Retry-After"] == "60"


def _cookies_before_the_outage(user):
    # Signed in while the cache was up: force_login writes the session through the cache.
    from django.test import override_settings

    from youthleague import settings as project

    with override_settings(CACHES=project.CACHES):
        return _signed_in(user).cookies


@pytest.mark.django_db
def test_every_page_is_the_maintenance_page_when_the_database_is_down(staff, database_down):
    client = _signed_in(staff)
    database_down()
    for url in (reverse("dashboards:home"), reverse("members:list"), reverse("login")):
        response = client.get(url)
        assert _is_maintenance_page(response), (url, response.status_code)
    # A form post meets the outage too.
    response = client.post(reverse("members:import"), {"organisation": "1"})
    assert _is_maintenance_page(response)


@pytest.mark.django_db
def test_anonymous_visitors_get_the_maintenance_page_too(client, database_down):
    anonymous = Client(raise_request_exception=False)
    database_down()
    response = anonymous.post(reverse("login"), {"username": "staff", "password": "x" * 12})
    assert _is_maintenance_page(response)


@pytest.mark.django_db
def test_any_other_error_is_still_the_500_page(staff, monkeypatch):
    from dashboards import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    client = _signed_in(staff)
    monkeypatch.setattr(views.DashboardView, "get_context_data", broken)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 500 and "服务器出现错误" in response.content.decode()
