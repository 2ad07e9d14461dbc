"""The Redis cache keeps one client per connection pool, and still works across a fork (gunicorn
and Celery's prefork pool fork after the cache may have been used)."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache

from core.cache import PooledRedisCacheClient

pytestmark = pytest.mark.skipif(
    settings.CACHES["default"]["BACKEND"] != "core.cache.RedisCache",
    reason="the cache is Redis only where REDIS_URL is set (always in CI)",
)


def test_one_client_serves_every_operation():
    client = cache._cache
    assert isinstance(client, PooledRedisCacheClient)
    assert client.get_client("a") is client.get_client("b") is client.get_client("c", write=True)
    cache.set("core-cache-test", {"n": 1}, 30)
    assert cache.get("core-cache-test") == {"n": 1}
    assert cache.add("core-cache-count", 1, 30) and cache.incr("core-cache-count") == 2
    cache.set_many({"core-cache-a": 1, "core-cache-b": 2}, 30)
    assert cache.get_many(["core-cache-a", "core-cache-b"]) == {"core-cache-a": 1, "core-cache-b": 2}
    cache.delete_many(["core-cache-test", "core-cache-a", "core-cache-b", "core-cache-count"])
    assert cache.get("core-cache-test") is None


def test_a_forked_child_reads_and_writes_through_the_kept_client():
    cache.set("core-cache-fork", "parent", 30)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: same client object, its pool reconnects for this process
        try:
            cache.set("core-cache-fork-child", cache.get("core-cache-fork") + "+child", 30)
            os.write(write, b"ok")
        finally:
            os._exit(0)
    os.close(write)
    _, status = os.waitpid(pid, 0)
    assert os.read(read, 2) == b"ok" and status == 0
    assert cache.get("core-cache-fork-child") == "parent+child"
    assert cache.get("core-cache-fork") == "parent"  # the parent's connections still work
    cache.delete_many(["core-cache-fork", "core-cache-fork-child"])
