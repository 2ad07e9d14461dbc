"""Two people editing one report: a form carries the version of what it was read from.

The version is a digest of the text the form shows (an item's wording, heading and linked
obligations; the title, themes and date), not a counter: a save is refused exactly when what is
stored now differs from what the editor started from, whoever changed it and however (another
editor, or a recompile rewording an unedited item). Nothing is stored for it.
"""

import hashlib
import json

from django.core.exceptions import ValidationError

from .content import Item, ReportContent

STALE_ITEM = (
    "保存未成功：您打开这一条之后，其他人已修改并保存了它。"
    "下面列出对方保存的内容和您填写的内容，请核对后再保存（再次保存将以您填写的为准）。"
)
STALE_HEADINGS = (
    "保存未成功：您打开此页之后，其他人已修改了标题、主题或成文日期。"
    "下面列出现在保存的内容和您填写的内容，请核对后再保存（再次保存将以您填写的为准）。"
)


def _digest(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:20]


def item_version(item: Item) -> str:
    return _digest(item.template, item.heading, sorted(item.obligation_ids))


def headings_version(content: ReportContent) -> str:
    return _digest(content.title, [(sub.key, sub.theme) for sub in content.achievements], content.date_text)


class StaleEdit(ValidationError):
    """The text changed since the form was read. ``current`` is what is stored now (an Item,
    or the ReportContent for the headings) and ``version`` its version, for the form to offer."""

    def __init__(self, message: str, *, current, version: str):
        super().__init__(message, code="stale")
        self.current = current
        self.version = version
