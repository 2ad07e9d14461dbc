from collections.abc import Mapping

from django.core.exceptions import ValidationError


def add_errors(form, exc: ValidationError, *, aliases: Mapping[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on the field it names (through ``aliases``
    where the form names a field differently from the model), or at the top of the form.

    Errors of fields the form lacks or hides would never be seen: they go to the top too.
    """
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        name = aliases.get(name, name) if aliases else name
        shown = name in form.fields and not form.fields[name].widget.is_hidden
        form.add_error(name if shown else None, errors)
