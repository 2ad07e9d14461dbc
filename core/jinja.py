"""Jinja2 for the rows of the busiest tables (``{% jinja %}`` in core.templatetags.portal).

Django's template engine resolves each ``{{ row.x }}`` through its lookup chain, localises and
escapes it: about 10 µs a value, 400–600 values on a 50-row list, most of the page once its
queries are indexed. Jinja2 compiles a template to Python and writes the same rows five times
faster. Only the ``<tr>`` rows of the lists people page through most are Jinja2 templates
(templates/jinja2/); pages, forms and everything else stay Django templates.

The environment gives the rows what the Django side gives them, from the same code:
``row_url``, ``status_badge``, ``label`` (a choice's label, as ``get_FOO_display``), the apps'
helpers named in the backend's OPTIONS (``functions``), and the filters ``date`` (Django's
formats), ``intcomma``, ``truncatechars`` and ``urlencode``.
Undefined names raise: a typo fails the page's tests instead of leaving a blank cell.
"""

from datetime import date, datetime
from functools import lru_cache

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import date as django_date
from django.template.defaultfilters import truncatechars, urlencode
from django.utils import timezone
from django.utils.module_loading import import_string
from jinja2 import Environment, StrictUndefined

from .templatetags.portal import row_url, status_badge

# Django date-format characters that are plain numbers, as Python format pieces.
_NUMERIC = {
    "Y": "{0.year:04d}",
    "m": "{0.month:02d}",
    "n": "{0.month}",
    "d": "{0.day:02d}",
    "j": "{0.day}",
    "H": "{0.hour:02d}",
    "G": "{0.hour}",
    "i": "{0.minute:02d}",
    "s": "{0.second:02d}",
}
_TIME_CHARACTERS = frozenset("HGis")


@lru_cache(maxsize=64)
def _compiled(format_string: str) -> str | None:
    """``format_string`` as a str.format pattern, or None when it uses anything but plain numbers
    (names of months, am/pm, escapes: those go through Django's own formatter)."""
    pieces = []
    for character in format_string:
        if character in _NUMERIC:
            pieces.append(_NUMERIC[character])
        elif character.isascii() and character.isalpha() or character == "\\":
            return None
        else:
            pieces.append(character.replace("{", "{{").replace("}", "}}"))
    return "".join(pieces)


def date_filter(value, format_string: str) -> str:
    """Django's ``date`` filter, the same text: numeric formats written directly (an aware
    datetime in the current time zone, as Django's templates show it), any other through
    Django's formatter."""
    if value in (None, ""):
        return ""
    pattern = _compiled(format_string)
    if pattern is None or not isinstance(value, date):
        return django_date(timezone.template_localtime(value), format_string)
    if isinstance(value, datetime):
        value = timezone.template_localtime(value)
    elif _TIME_CHARACTERS.intersection(format_string):
        return django_date(value, format_string)  # a date has no time: Django's own answer
    return pattern.format(value)


@lru_cache(maxsize=256)
def _choice_labels(model: type, name: str) -> dict:
    return dict(model._meta.get_field(name).flatchoices)


def label(instance, name: str):
    """What ``instance.get_<name>_display()`` shows, from a table read once per field: Django
    rebuilds the field's choices into a dict on every call (~20 µs; three columns of a 50-row
    list are 150 calls). A value that is no choice shows as itself, as in Django."""
    value = getattr(instance, name)
    try:
        return _choice_labels(type(instance), name).get(value, value)
    except TypeError:  # an unhashable value is no choice either
        return value


def environment(*, functions: dict[str, str] | None = None, **options) -> Environment:
    """The rows' environment. ``functions`` (the backend's OPTIONS) names an app's own helpers
    by dotted path, so that the rows call the very function the app's Django tags call."""
    options.pop("autoescape", None)
    options.pop("undefined", None)
    env = Environment(autoescape=True, undefined=StrictUndefined, **options)
    env.globals.update(row_url=row_url, status_badge=status_badge, label=label)
    env.globals.update({name: import_string(path) for name, path in (functions or {}).items()})
    env.filters.update(date=date_filter, intcomma=intcomma, truncatechars=truncatechars, urlencode=urlencode)
    return env
