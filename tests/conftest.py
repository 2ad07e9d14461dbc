"""Shared fixtures: a small district and the personas every refusal test needs.

district (区团委)
├── sub_a (街道团工委)  ← secretary_a
│   └── branch_a (团支部)
└── sub_b (街道团工委)  ← secretary_b
    └── branch_b (团支部)
"""

import os
from dataclasses import dataclass

import pytest
from django.conf import settings

from accounts.models import Role
from branches.models import Kind, Organisation

from .factories import OrganisationFactory, UserFactory


def pytest_sessionstart(session):
    # In CI the real services must be there: fail loudly instead of skipping.
    if not settings.CI:
        return
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        pytest.exit(f"CI=true but Redis at REDIS_URL is unreachable: {exc}", returncode=3)
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.exit("CI=true but the database is not PostgreSQL.", returncode=3)


@dataclass
class District:
    root: Organisation
    sub_a: Organisation
    branch_a: Organisation
    sub_b: Organisation
    branch_b: Organisation

    def refresh(self) -> "District":
        for name in ("root", "sub_a", "branch_a", "sub_b", "branch_b"):
            getattr(self, name).refresh_from_db()
        return self


@pytest.fixture
def district(db) -> District:
    root = OrganisationFactory(name="共青团测试区委员会", kind=Kind.DISTRICT)
    sub_a = OrganisationFactory(name="甲街道团工委", kind=Kind.SUBDISTRICT, parent=root)
    branch_a = OrganisationFactory(name="甲社区团支部", kind=Kind.BRANCH, parent=sub_a)
    sub_b = OrganisationFactory(name="乙街道团工委", kind=Kind.SUBDISTRICT, parent=root)
    branch_b = OrganisationFactory(name="乙社区团支部", kind=Kind.BRANCH, parent=sub_b)
    return District(root, sub_a, branch_a, sub_b, branch_b).refresh()


@pytest.fixture
def staff(district):
    return UserFactory(username="staff", role=Role.STAFF, is_staff=True)


@pytest.fixture
def leader(district):
    return UserFactory(username="leader", role=Role.LEADER)


@pytest.fixture
def secretary_a(district):
    return UserFactory(username="secretary_a", role=Role.SECRETARY, organisation=district.sub_a)


@pytest.fixture
def secretary_b(district):
    return UserFactory(username="secretary_b", role=Role.SECRETARY, organisation=district.sub_b)


def _client_for(user):
    # A client per persona, so one test can act as several people.
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(staff):
    return _client_for(staff)


@pytest.fixture
def leader_client(leader):
    return _client_for(leader)


@pytest.fixture
def secretary_a_client(secretary_a):
    return _client_for(secretary_a)


@pytest.fixture
def secretary_b_client(secretary_b):
    return _client_for(secretary_b)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not os.path.exists(path):
        if settings.CI:
            pytest.fail(f"Chromium not found at {path}; CI must install it (.ci/run).")
        pytest.skip(f"Chromium not found at {path}")
    return path


@pytest.fixture
def kept_table():
    """``read(client, url, table_id)`` -> (the page's table, queries the view ran): for pages
    that keep their rendered table until the data changes."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def read(client, url: str, table_id: str) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url).content.decode()
        return re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0), len(queries)

    return read
