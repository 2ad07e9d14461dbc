"""The form renderer: the commonest widgets written in Python, the rest through templates.

Django renders every widget through the template engine, and a select one include per
option: a list page's filter form of ten fields and a few hundred options cost more than the
rest of the page (a city's organisation select alone, 5,000 options, over a second). Selects
and plain inputs are written here instead, to the byte what Django's own templates write
(tests/core/test_renderers.py compares the two for every widget named below); any other
template goes to Django's renderer as before.
"""

from html import escape

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
# The input widgets whose templates only include input.html.
INPUT_TEMPLATES = frozenset(
    f"{WIDGETS}{name}.html"
    for name in ("text", "number", "email", "url", "password", "date", "datetime", "time", "search", "tel", "hidden")
) | {f"{WIDGETS}checkbox.html"}
SELECT_TEMPLATE = f"{WIDGETS}select.html"
OPTION_TEMPLATE = f"{WIDGETS}select_option.html"


def _text(value) -> str:
    """``{{ value }}``: localised, escaped unless already safe. The standard library's escape
    writes what django.utils.html.escape writes, without its lazy wrapper's cost."""
    if type(value) is str:  # most labels and names: localize would return them as they are
        return escape(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return escape(str(localize(value)))


def _formatted(value) -> str:
    """``{{ value|stringformat:'s' }}``."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name."""
    if not attrs:  # an option's, unless it is the selected one
        return ""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def render_select(widget: dict) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option.get("template_name") != OPTION_TEMPLATE:
                raise _Fallback
            parts.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class _Fallback(Exception):
    """A widget this module does not write exactly as the template would."""


class PortalFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None:
            try:
                if template_name == SELECT_TEMPLATE:
                    return mark_safe(render_select(widget))  # noqa: S308 - every value is escaped above
                if template_name in INPUT_TEMPLATES:
                    return mark_safe(render_input(widget))  # noqa: S308 - as above
            except _Fallback:
                pass
        return super().render(template_name, context, request)
