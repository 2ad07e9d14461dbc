"""core.freshness.cached_parts: parts built together, read apart, always of one data version."""

import pytest

from core.freshness import cached_parts, mark_changed


def test_parts_are_built_once_and_read_apart(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    builds = []

    def build():
        builds.append(1)
        return {"summary": len(builds), "page:1": ["a"], "page:2": ["b"]}

    first = cached_parts("t", build)
    assert (first("summary"), first("page:2")) == (1, ["b"])
    assert cached_parts("t", build)("page:1") == ["a"]  # a later reader finds them kept
    assert len(builds) == 1
    assert first("page:9") is None


@pytest.mark.django_db
def test_one_reader_stays_on_its_data_version(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    builds = []

    def build():
        builds.append(1)
        return {"summary": f"v{len(builds)}", "page:1": f"rows of v{len(builds)}"}

    reader = cached_parts("u", build)
    assert reader("summary") == "v1"
    mark_changed()  # a write between the summary and the page
    assert reader("page:1") == "rows of v1"  # the page that goes with the summary read
    fresh = cached_parts("u", build)
    assert (fresh("summary"), fresh("page:1")) == ("v2", "rows of v2")
