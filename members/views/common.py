from django.core.exceptions import ValidationError

# Form fields named differently from the model's (the ID number is stored three ways).
ID_NUMBER_FIELDS = {"id_number_hash": "id_number", "id_number_masked": "id_number", "id_number_encrypted": "id_number"}


def error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)
