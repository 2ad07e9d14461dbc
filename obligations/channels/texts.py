"""Each channel's words: short plain Chinese, the deadline, the link, within the platform's limit.

A group message lists every organisation due in one post (one line each), then the link;
past the platform's limit it goes on in a second post (（续）), never cut mid-line. An SMS
carries only the approved template's variables: what is due and the earliest deadline.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import reverse

from ..models import OBLIGATION_KINDS, Reminder, ReminderKind

_BRACKET = re.compile(r"^【[^】]*】")


@dataclass(frozen=True)
class Item:
    """One thing due, as a line of a group message."""

    line: str
    topic: str  # the obligation (or notice) alone, for an SMS
    deadline: date | None
    link: str


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def item_for(reminder: Reminder) -> Item:
    """The reminder's line, from its inbox subject (any kind of reminder has one)."""
    message = reminder.message
    text = _BRACKET.sub("", message.subject).strip()
    deadline = reminder.period_end if reminder.kind in OBLIGATION_KINDS else None
    if reminder.kind == ReminderKind.UPCOMING:
        text += f"，{_md(reminder.period_end)}截止"
    elif reminder.kind == ReminderKind.OVERDUE:
        text += f"，已于{_md(reminder.period_end)}截止"
    topic = reminder.obligation.name if reminder.obligation_id else reminder.get_kind_display()
    return Item(line=text, topic=topic, deadline=deadline, link=message.link)


def portal_link(path: str = "") -> str:
    return f"{settings.PORTAL_URL.rstrip('/')}{path}"


def group_texts(items: list[Item], *, limit: int, size: Callable[[str], int] = len) -> list[str]:
    """Posts for one group: a heading, the numbered lines, the link; split within ``limit``."""
    unique = list(dict.fromkeys(items))
    link = (
        portal_link(unique[0].link) if len(unique) == 1 and unique[0].link else portal_link(reverse("obligations:due"))
    )
    head = f"【团务提醒】以下 {len(unique)} 项待完成："
    foot = f"请登录团务平台处理：{link}"
    posts, lines = [], []
    for number, item in enumerate(unique, 1):
        line = f"{number}. {item.line}"
        candidate = "\n".join([head if not posts else "【团务提醒】（续）", *lines, line, foot])
        if lines and size(candidate) > limit:
            posts.append(lines)
            lines = []
        lines.append(line)
    posts.append(lines)
    texts = []
    for index, chunk in enumerate(posts):
        text = "\n".join([head if index == 0 else "【团务提醒】（续）", *chunk, foot])
        while size(text) > limit:  # one line alone over the limit: shorten it, keep the link
            chunk = [*chunk[:-1], chunk[-1][: max(10, len(chunk[-1]) - 50)] + "…"]
            text = "\n".join([head if index == 0 else "【团务提醒】（续）", *chunk, foot])
        texts.append(text)
    return texts


def utf8_size(text: str) -> int:
    return len(text.encode())


def sms_params(items: list[Item]) -> list[str]:
    """The reminder template's variables: {1} what is due, {2} the earliest deadline."""
    unique = list(dict.fromkeys(items))
    topics = list(dict.fromkeys(item.topic for item in unique))
    limit = settings.SMS_PARAM_MAX_CHARS
    suffix = f"等{len(unique)}项" if len(unique) > 1 else ""
    what = topics[0][: max(1, limit - len(suffix))] + suffix
    deadlines = [item.deadline for item in unique if item.deadline]
    when = _md(min(deadlines)) if deadlines else "尽快"
    return [what, when]
