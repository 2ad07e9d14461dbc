"""The Jinja2 rows (core.jinja, ``{% jinja %}``) write what the Django templates wrote."""

import re
from datetime import UTC, date, datetime, time

import pytest
from django.template import engines
from django.utils import timezone, translation

from core.jinja import date_filter

FORMATS = ["Y-m-d", "m-d", "Y-m-d H:i", "Y-m-d H:i:s", "m-d H:i", "Y年n月j日", "n月j日", "G:i", "{Y}", "Y.m.d"]
# Formats with names or escapes: written by Django's own formatter.
FALLBACK_FORMATS = ["D, d M Y", "N j, Y", "F", "A", r"Y\年", "l", "e"]

DATES = [date(2026, 1, 5), date(2026, 12, 31), date(1999, 10, 1), date(2, 3, 4)]
MOMENTS = [
    datetime(2026, 6, 30, 16, 30, 5, tzinfo=UTC),  # 00:30 the next day in Shanghai
    datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
    datetime(2026, 3, 9, 7, 5, 9),  # naive: shown as it is
]


def outcome(write, value, format_string):
    """What ``write`` gives, or the error it raises (a date asked for its hour raises in both)."""
    try:
        return write(value, format_string)
    except (TypeError, ValueError) as exc:
        return type(exc)


def django_date(value, format_string: str) -> str:
    return engines["django"].from_string("{{ value|date:format }}").render({"value": value, "format": format_string})


@pytest.mark.parametrize("format_string", FORMATS + FALLBACK_FORMATS)
def test_the_date_filter_writes_what_django_writes(format_string):
    with translation.override("zh-hans"), timezone.override("Asia/Shanghai"):
        for value in [*DATES, *MOMENTS, time(9, 30), None, ""]:
            mine, theirs = outcome(date_filter, value, format_string), outcome(django_date, value, format_string)
            assert mine == theirs, (value, format_string)


def test_an_aware_moment_is_shown_in_the_current_time_zone():
    moment = datetime(2026, 6, 30, 16, 30, tzinfo=UTC)
    with timezone.override("Asia/Shanghai"):
        assert date_filter(moment, "Y-m-d H:i") == "2026-07-01 00:30"


def jinja(source: str, **values) -> str:
    return engines["jinja2"].from_string(source).render(values)


def test_rows_escape_what_they_write():
    assert jinja("{{ name }}", name="<b>团支部</b>") == "&lt;b&gt;团支部&lt;/b&gt;"


def test_an_undefined_name_fails_instead_of_writing_nothing():
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        jinja("{{ activity.titel }}", activity=object())


@pytest.mark.parametrize(
    ("status", "tone"),
    [("approved", "success"), ("submitted", "warning"), ("returned", "danger"), ("draft", "secondary")],
)
def test_the_status_badge_is_the_same_in_both_engines(status, tone):
    django = engines["django"].from_string("{% load portal %}{% status_badge status label %}")
    expected = f'<span class="badge text-bg-{tone}">&lt;状态&gt;</span>'
    assert django.render({"status": status, "label": "<状态>"}) == expected
    assert jinja("{{ status_badge(status, label) }}", status=status, label="<状态>") == expected


def test_the_jinja_tag_passes_values_and_the_pages_own_csrf_token(rf, settings, tmp_path):
    (tmp_path / "probe.html").write_text(
        "{% for x in items %}<i>{{ x }}</i>{% endfor %}{{ csrf_input }}{{ csrf_input }}|{{ request.path }}"
    )
    settings.TEMPLATES = [settings.TEMPLATES[0], {**settings.TEMPLATES[1], "DIRS": [tmp_path]}]
    page = engines["django"].from_string('{% load portal %}{% csrf_token %}{% jinja "probe.html" items=items %}')
    html = page.render({"items": ["甲", "<乙>"]}, rf.get("/somewhere/"))
    assert "<i>甲</i><i>&lt;乙&gt;</i>" in html and html.endswith("|/somewhere/")
    # One masked token for the page, as {% csrf_token %} writes it, however many forms use it.
    inputs = re.findall(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">', html)
    assert len(inputs) == 3 and len(set(inputs)) == 1


def test_label_shows_what_get_display_shows_for_every_field_the_rows_use():
    """Every ``label(x, "field")`` in templates/jinja2, for each of the field's choices and for
    a value that is none of them, gives ``x.get_field_display()``."""
    import pathlib

    from django.apps import apps
    from django.conf import settings

    from core.jinja import label

    used = set()
    for path in pathlib.Path(settings.BASE_DIR, "templates", "jinja2").rglob("*.html"):
        used |= set(re.findall(r'label\([\w.]+, "(\w+)"\)', path.read_text()))
    assert {"kind", "status", "category", "stage", "history_type"} <= used
    checked = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.name not in used or not field.choices:
                continue
            for value in [choice for choice, _ in field.flatchoices] + ["no-such-choice", None]:
                instance = model(**{field.attname: value})
                with translation.override("zh-hans"):
                    assert str(label(instance, field.name)) == str(getattr(instance, f"get_{field.name}_display")())
                checked += 1
    assert checked > 50
