"""The 18-digit resident identity card number (居民身份证号码, GB 11643-1999).

Layout: 6 digits of address code, 8 digits of birth date (YYYYMMDD), 3 digits of
sequence (odd for men, even for women), 1 check character computed with
ISO 7064 MOD 11-2 over the first 17 digits ("X" stands for 10).

Nothing here logs or echoes a number: error messages describe the problem only, so
they can go into a form, an import report or a log line without leaking the number.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.views.decorators.debug import sensitive_variables

from core.validators import EARLIEST_BIRTH

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"  # indexed by the weighted sum modulo 11

# First two digits: the province-level division (GB/T 2260), plus 83 used by the
# residence permits of Taiwan residents, which share the format.
PROVINCE_CODES = frozenset(
    {
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    }
)

_SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdNumberError(ValueError):
    """The text is not a valid ID number. ``code`` names the reason, the message is Chinese."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    gender: str  # "M" or "F"

    @property
    def masked(self) -> str:
        return mask(self.number)


def normalise(text: str) -> str:
    """Full-width digits and a lower-case x, as typed on Chinese keyboards, become canonical."""
    return unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").upper()


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def looks_like_id_number(text: str) -> bool:
    """Whether ``text`` has the shape of an ID number (used to keep such text out of URLs)."""
    return bool(_SHAPE.match(normalise(text)))


@sensitive_variables()
def parse(text: str, *, today: date | None = None) -> IdNumber:
    """Validate and decode an ID number. Raises :class:`IdNumberError`."""
    number = normalise(text)
    if len(number) != 18:
        raise IdNumberError("length", "身份证号码应为18位。")
    if not _SHAPE.match(number):
        raise IdNumberError("format", "身份证号码前17位应为数字，最后一位为数字或X。")
    if int(number[:2]) not in PROVINCE_CODES:
        raise IdNumberError("region", "身份证号码的地址码无效。")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdNumberError("birth_date", "身份证号码中的出生日期无效。") from exc
    if birth < EARLIEST_BIRTH or (today is not None and birth > today):
        raise IdNumberError("birth_date", "身份证号码中的出生日期无效。")
    if check_character(number[:17]) != number[17]:
        raise IdNumberError("checksum", "身份证号码校验码错误。")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumber(number=number, birth_date=birth, gender=gender)


def is_valid(text: str, *, today: date | None = None) -> bool:
    """Whether ``text`` is a valid ID number (region, birth date up to ``today``, check character)."""
    try:
        parse(text, today=today)
    except IdNumberError:
        return False
    return True


def mask(number: str) -> str:
    """``450202********123X``: the area code and the last four, nothing of the birth date."""
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:6]}{'*' * 8}{number[14:]}"


def make(area: str, birth: date, sequence: int) -> str:
    """Compose a valid number (demo data and tests). ``sequence`` is 0–999; odd means male."""
    first17 = f"{area}{birth:%Y%m%d}{sequence:03d}"
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("area must be 6 digits and sequence 0–999")
    return first17 + check_character(first17)
