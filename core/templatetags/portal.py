"""Tags for tables: ``{% row_url %}``, ``{% status_badge %}`` and ``{% jinja %}``.

``{% row_url %}`` is the ``{% url %}`` tag for links a page writes many of: down a table, and
the navigation's forty on every page.

Reversing a URL costs about 150 µs here (thread-local lookups of the language, URLconf and
script prefix, then the pattern match): a 50-row list with two links a row spends 15 ms on
them, and the compliance table one per cell. For a view whose arguments are all integers (or
that takes none), ``row_url`` reverses once with marker numbers in their place, keeps the
text around them, and fills in each row's numbers. Any other argument goes through ``reverse`` as before.
"""

from datetime import datetime

from django import template
from django.conf import settings
from django.template import engines
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.dates import format_date, iso_day, iso_moment

register = template.Library()

# Numbers no URL of ours holds (a key this size would be 10^17 rows), one per argument.
_MARKERS = tuple(str(790_000_000_000_000_001 + n) for n in range(4))
_shapes: dict[tuple, tuple[str, ...] | None] = {}


def _shape(view_name: str, count: int) -> tuple[str, ...] | None:
    """The URL's text between its arguments, or None when the markers cannot stand in for them
    (a converter that refuses them, or writes a number other than as its digits: checked by
    filling the shape with 1s and comparing with reverse); cached per URLconf and prefix."""
    key = (view_name, count, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    if key not in _shapes:
        _shapes[key] = None
        try:
            text = reverse(view_name, args=[int(m) for m in _MARKERS[:count]])
        except NoReverseMatch:
            return None
        pieces = []
        for marker in _MARKERS[:count]:
            if text.count(marker) != 1:
                return None
            head, text = text.split(marker)
            pieces.append(head)
        shape = (*pieces, text)
        if _fill(shape, [1] * count) == reverse(view_name, args=[1] * count):
            _shapes[key] = shape
    return _shapes[key]


def _fill(shape: tuple[str, ...], args) -> str:
    parts = [shape[0]]
    for arg, piece in zip(args, shape[1:], strict=True):
        parts += (str(arg), piece)
    return "".join(parts)


def row_url(view_name: str, *args) -> str:
    if len(args) <= len(_MARKERS) and all(type(arg) is int for arg in args):
        shape = _shape(view_name, len(args))
        if shape is not None:
            return _fill(shape, args)
    return reverse(view_name, args=args)


register.simple_tag(row_url, name="row_url")


# A record's review status (activities, honours, honour lists share the four) as a badge.
_BADGE_TONES = {"approved": "success", "submitted": "warning", "returned": "danger"}


def status_badge(status: str, label: str) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', _BADGE_TONES.get(status, "secondary"), label)


register.simple_tag(status_badge, name="status_badge")


@register.simple_tag(takes_context=True)
def jinja(context, template_name: str, **values) -> str:
    """The Jinja2 template ``template_name`` (a table's rows: core.jinja says why) rendered with
    ``values``, the request, and ``csrf_input``: the page's own token, masked once per request as
    ``{% csrf_token %}`` has it (the backend's own ``csrf_input`` masks a new one at every use,
    about 150 µs: a hundred forms down a table spent 15 ms on them)."""
    template = engines["jinja2"].get_template(template_name).template
    token = context.get("csrf_token")
    values.setdefault("request", context.get("request"))
    values.setdefault(
        "csrf_input", format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token) if token else ""
    )
    return mark_safe(template.render(values))  # noqa: S308 - Jinja2 escaped it (autoescape, core.jinja)


# The one date style (core.dates, docs/dates.md): values ISO, sentences in Chinese prose.
@register.filter(name="day")
def day_filter(value) -> str:
    return iso_day(value)


@register.filter(name="moment")
def moment_filter(value) -> str:
    return iso_moment(value)


@register.filter(name="prose_day")
def prose_day_filter(value) -> str:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value)


@register.simple_tag
def active_filter_count(form) -> int:
    """How many of a bound filter form's fields are set: the count on a phone's 筛选 button."""
    data = getattr(form, "data", None) or {}
    hidden = {"page", "month", "sort"}
    return sum(
        1
        for name in form.fields
        if name not in hidden
        and any(str(v).strip() for v in (data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]) if v)
    )
