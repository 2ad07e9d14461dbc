"""``{% row_url %}`` writes what ``{% url %}`` writes, for every integer-argument URL we have."""

import pytest
from django.template import engines
from django.urls import URLResolver, get_resolver, path, register_converter, reverse, set_script_prefix
from django.urls.converters import IntConverter

from core.templatetags.portal import row_url


def _int_routes(resolver=None, namespace=""):
    """(view name, argument count) of each named route whose arguments are all integers."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _int_routes(entry, inner)
        elif entry.name and entry.pattern.converters:
            converters = entry.pattern.converters.values()
            if all(type(c) is IntConverter for c in converters):
                yield f"{namespace}{entry.name}", len(entry.pattern.converters)


ROUTES = sorted(set(_int_routes()))


def test_the_project_has_integer_routes_to_check():
    assert ("members:detail", 1) in ROUTES
    assert ("obligations:cell", 2) in ROUTES


@pytest.mark.parametrize(("view_name", "count"), ROUTES)
def test_row_url_matches_reverse(view_name, count):
    for args in ([1] * count, [987_654 + n for n in range(count)], [0] * count):
        assert row_url(view_name, *args) == reverse(view_name, args=args)


def test_row_url_follows_the_script_prefix():
    try:
        set_script_prefix("/portal/")
        assert row_url("members:detail", 7) == "/portal/members/7/" == reverse("members:detail", args=[7])
    finally:
        set_script_prefix("/")
    assert row_url("members:detail", 7) == "/members/7/"


def test_a_view_without_arguments_is_kept_too():
    assert row_url("activities:list") == reverse("activities:list")
    assert row_url("core:export_list") == reverse("core:export_list")


def test_other_arguments_go_through_reverse():
    assert row_url("members:detail", "12") == "/members/12/"
    with pytest.raises(Exception, match="Reverse"):
        row_url("members:detail", None)


class PaddedConverter:
    regex = "[0-9]+"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{value:06d}"


class SixDigitConverter(PaddedConverter):
    regex = "[0-9]{6}"


register_converter(PaddedConverter, "padded")
register_converter(SixDigitConverter, "six")
urlpatterns = [
    path("card/<padded:number>/", lambda request, number: None, name="card"),
    path("desk/<six:number>/", lambda request, number: None, name="desk"),
]


def test_a_converter_that_rewrites_or_refuses_the_markers_is_left_to_reverse(settings):
    settings.ROOT_URLCONF = __name__
    assert row_url("card", 42) == "/card/000042/"
    assert row_url("desk", 42) == "/desk/000042/"


def test_the_tag_escapes_and_renders_like_url():
    html = (
        engines["django"]
        .from_string(
            "{% load portal %}<a href=\"{% row_url 'obligations:cell' a b %}\">{% url 'obligations:cell' a b %}</a>"
        )
        .render({"a": 3, "b": 14})
    )
    assert html == '<a href="/obligations/compliance/3/14/">/obligations/compliance/3/14/</a>'
