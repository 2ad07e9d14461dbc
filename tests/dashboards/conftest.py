import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_cache():
    """Boards are cached across requests: every test starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()
