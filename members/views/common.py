from django.core.exceptions import ValidationError

# Form fields named differently from the model's (the ID number is stored three ways).
FIELD_ALIASES = {"id_number_hash": "id_number", "id_number_masked": "id_number", "id_number_encrypted": "id_number"}


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where the form has the field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            field = FIELD_ALIASES.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)
