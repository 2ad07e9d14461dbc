"""Masking of 18-digit resident ID numbers. No model imports: logging uses it before apps load."""

import re

# An 18-digit resident ID (17 digits and a digit or X), not part of a longer run of digits.
ID_NUMBER_RE = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")


def mask_id_numbers(text: str) -> str:
    """Replace every 18-digit ID number in ``text`` by its masked form (450202********123X)."""
    return ID_NUMBER_RE.sub(lambda m: f"{m.group(1)}********{m.group(2)}", text)
