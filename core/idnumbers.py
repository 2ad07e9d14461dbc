"""Masking of 18-digit resident ID numbers. No model imports: logging uses it before apps load."""

import re
from datetime import date

from members.idcard import is_valid

# Eighteen characters not inside a longer run of digits. Only candidates that pass the ID's own
# rules (region, birth date, check character) are masked, so order numbers are left as written.
ID_NUMBER_RE = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")


def _in_a_decimal(match: re.Match) -> bool:
    # A task's "0.012981…s" timing: eighteen digits after (or before) a decimal point are a
    # number, not an ID. A candidate ending in X cannot be part of one.
    text, start, end = match.string, match.start(), match.end()
    if not match.group(2)[-1].isdigit():
        return False
    before = start >= 2 and text[start - 1] == "." and text[start - 2].isdigit()
    after = end + 1 < len(text) and text[end] == "." and text[end + 1].isdigit()
    return before or after


def mask_id_numbers(text: str) -> str:
    """Replace every resident ID number in ``text`` by its masked form (450202********123X)."""
    today = date.today()

    def replace(match: re.Match) -> str:
        if _in_a_decimal(match) or not is_valid(match.group(0), today=today):
            return match.group(0)
        return f"{match.group(1)}********{match.group(2)}"

    return ID_NUMBER_RE.sub(replace, text)
