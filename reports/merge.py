"""Recompiling a draft without losing what staff wrote.

The rule, as the editor states it to staff:

* An item staff have not edited is replaced by the fresh compilation.
* An item staff edited keeps its wording; its figures take the fresh values (the wording
  holds placeholders, so the text shows them at once). If a figure's value differs from the
  value staff confirmed the wording against, the item is marked stale ("数据已更新") and the
  report cannot be finalised until staff confirm or reword it.
* A figure whose style staff switched keeps that style.
* An edited item whose data no longer exists is kept, marked stale, for staff to remove.
* Items staff added by hand are kept; compiled items staff removed stay removed.
* Order is the draft's order; newly compiled items join the end of their section.
"""

from copy import deepcopy

from .content import Item, ReportContent

DATA_CHANGED = "数据已更新，请核对措辞"
DATA_GONE = "该项来源数据已不存在"


def _merge_item(old: Item, new: Item) -> Item:
    merged = deepcopy(new)
    for name, figure in merged.figures.items():
        previous = old.figures.get(name)
        if previous is not None and previous.style_locked:
            figure.style = previous.style
            figure.style_locked = True
    if not old.edited:
        return merged
    merged.template = old.template
    merged.heading = old.heading or merged.heading
    merged.edited = True
    changed = []
    for name, figure in merged.figures.items():
        previous = old.figures.get(name)
        confirmed = previous.compiled_value if previous is not None else None
        figure.compiled_value = confirmed
        if previous is not None and confirmed != figure.value:
            changed.append(name)
    merged.stale = bool(changed) or old.stale
    merged.stale_reason = DATA_CHANGED if merged.stale else ""
    return merged


def _merge_list(old_items: list[Item], new_items: list[Item], removed: set[str]) -> list[Item]:
    fresh = {item.key: item for item in new_items}
    result = []
    for old in old_items:
        if old.key in fresh:
            result.append(_merge_item(old, fresh.pop(old.key)))
        elif old.source == "staff":
            result.append(old)
        elif old.edited:
            kept = deepcopy(old)
            kept.stale, kept.stale_reason = True, DATA_GONE
            result.append(kept)
    result.extend(item for item in new_items if item.key in fresh and item.key not in removed)
    return result


def merge_content(old: ReportContent | None, new: ReportContent) -> ReportContent:
    if old is None:
        return new
    removed = set(old.removed)
    merged = deepcopy(new)
    merged.removed = list(old.removed)
    if old.title_edited:
        merged.title, merged.title_edited = old.title, True
    merged.opening = _merge_item(old.opening, new.opening)
    merged.signature = old.signature or new.signature
    merged.date_text = old.date_text or new.date_text
    old_subs = {sub.key: sub for sub in old.achievements}
    for sub in merged.achievements:
        previous = old_subs.get(sub.key)
        if previous is None:
            continue
        if previous.theme_edited:
            sub.theme, sub.theme_edited = previous.theme, True
        sub.items = _merge_list(previous.items, sub.items, removed)
    merged.problems = _merge_list(old.problems, new.problems, removed)
    # The plan is compiled from the work plan's rows every time: they are edited there.
    return merged
