import os
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

# Playwright's sync API runs an event loop in the test thread; the Django ORM calls the
# tests make around it are ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture
def open_page(browser):
    """A new page in a browser context of its own (own cookies): one per persona in a journey."""
    contexts = []

    def open_(kind: str = "desktop"):
        context = browser.new_context(locale="zh-CN", **VIEWPORTS[kind])
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def desktop(open_page):
    return open_page("desktop")


@pytest.fixture
def phone(open_page):
    return open_page("phone")


@pytest.fixture
def screenshot(request):
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str | None = None):
        path = ARTIFACTS / f"{name or request.node.name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo_data(transactional_db, settings):
    from django.core.management import call_command

    settings.DEBUG = True  # load_demo refuses otherwise
    call_command("load_demo", "--reset")
    settings.DEBUG = False


def photo_file(tmp_path) -> Path:
    """A JPEG as a phone camera would hand it to the file input."""
    import io

    from PIL import Image

    path = tmp_path / "现场.jpg"
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def login(page, live_server, username: str, password: str = "demo-pass-2024"):
    page.goto(f"{live_server.url}/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture(scope="module")
def demo_server(django_db_setup, django_db_blocker, tmp_path_factory):
    """A live server over the demo district, loaded once for a whole module of journeys.

    pytest-django's ``live_server`` flushes the database after every test, so each test would
    pay for its own load_demo (~30 s here). Journeys that each need the whole district share one
    load instead; the database is flushed once at the end, as TransactionTestCase would.
    Uploads and rendered files go to a temporary MEDIA_ROOT (``.media_root``), which a worker
    subprocess must be given too.
    """
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import DEFAULT_DB_ALIAS, connection, connections
    from django.test.utils import override_settings, setup_databases, teardown_databases
    from pytest_django.live_server_helper import LiveServer

    media_root = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media_root)):
        created = None
        if not Path(str(connection.settings_dict["NAME"])).name.startswith("test_"):
            # pytest-django creates the test database only if some test of the session asks for
            # it (by marker or fixture); the journeys do not, so when they run on their own the
            # connection still points at DATABASE_URL's database. Never load into or flush that.
            created = setup_databases(verbosity=0, interactive=False, aliases={DEFAULT_DB_ALIAS})
        with override_settings(DEBUG=True):  # load_demo refuses otherwise
            call_command("load_demo", "--reset")
        cache.clear()  # figures cached by an earlier run must not outlive its data
        server = LiveServer("localhost")
        server.media_root = media_root
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)
            # This fixture's connection is not the one pytest-django closes before dropping the
            # test database (a "being accessed by other users" warning otherwise).
            connections.close_all()
            if created:
                teardown_databases(created, verbosity=0)


@pytest.fixture
def journey(demo_server, django_db_blocker):
    """The shared demo server, and database access for the test's own checks (committed)."""
    with django_db_blocker.unblock():
        yield demo_server
