import re
import unicodedata

from django.core.exceptions import ValidationError

# Mainland mobile numbers: 11 digits starting 13–19 (the 14x, 16x and 19x ranges included).
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_mobile(text: str) -> str:
    """Drop spaces, dashes and a +86 / 0086 prefix, as people write numbers on forms."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    value = re.sub(r"[\s\-()]", "", value)
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if len(value) == 13 and value.startswith("86"):
        value = value[2:]
    return value


def normalise_code(text: str) -> str:
    """A number of the roster's own (团员编号, 发展团员编号), with full-width digits folded."""
    return unicodedata.normalize("NFKC", text or "").strip()


def validate_mobile(value: str) -> None:
    if value and not MOBILE.match(value):
        raise ValidationError("请填写有效的大陆手机号码（11位，以1开头）。", code="mobile")
