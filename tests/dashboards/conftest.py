import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """Boards are cached across requests: every test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def parts_of_one(monkeypatch):
    """The test district has five organisations: cut it into parts of one (core.parts), so that
    every board figure here is added up from parts as at city scale, and checked against the
    lists it links to. (Elsewhere the district stays one part: the path a small committee takes.)"""
    monkeypatch.setattr("core.parts.PART_SIZE", 1)
