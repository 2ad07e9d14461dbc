"""Issue #31: the reminder run's queries do not grow with the organisations or reminders due."""

import re
from collections import Counter
from datetime import date

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from branches.models import Kind
from obligations.models import EmailStatus, Message, Reminder
from obligations.services import reminders_reconcile

from ..factories import OrganisationFactory, UserFactory
from .conftest import at
from .factories import ObligationFactory

pytestmark = pytest.mark.usefixtures("no_default_obligations")

NOW = at("2026-11-25 08:30")


def _branches(parent, count: int, start: int) -> None:
    """``count`` branches under ``parent``, each with a secretary who has an address."""
    for i in range(start, start + count):
        org = OrganisationFactory(name=f"测试第{i}团支部", kind=Kind.BRANCH, parent=parent)
        UserFactory(username=f"sec{i}", role=Role.SECRETARY, organisation=org, email=f"sec{i}@league.example.cn")


def _run() -> tuple[int, list[str], object]:
    Message.objects.all().delete()
    Reminder.objects.all().delete()
    mail.outbox.clear()
    cache.clear()  # both runs start cold: freshness caches the paths it bumps (one query, once)
    with CaptureQueriesContext(connection) as ctx:
        result = reminders_reconcile(now=NOW)
    return len(ctx), [q["sql"] for q in ctx.captured_queries], result


def _shape(sql: str) -> str:
    """The statement without its values, to see which statements repeat."""
    sql = re.sub(r'SAVEPOINT "\w+"', "SAVEPOINT ?", sql)
    sql = re.sub(r"'[^']*'(::\w+)?", "?", sql)
    sql = re.sub(r"ARRAY\[[^\]]*\]", "ARRAY[?]", sql)
    sql = re.sub(r"\b\d+\b", "?", sql)
    return re.sub(r"\((\?, )*\?\)", "(?)", sql)


def _repeated(small: list[str], large: list[str]) -> str:
    grown = Counter(map(_shape, large)) - Counter(map(_shape, small))
    return "\n".join(f"{n}× {sql[:400]}" for sql, n in grown.most_common(10))


@pytest.mark.django_db
def test_reconcile_queries_stay_the_same_at_three_times_the_organisations(district):
    # Two obligations due this month for every branch (the lead time has opened, nothing held).
    for _ in range(2):
        ObligationFactory(lead_days=10, active_from=date(2026, 11, 1))
    _branches(district.sub_a, 4, start=1)
    queries_small, sql_small, small = _run()

    _branches(district.sub_b, 8, start=100)  # 3 × the branches due
    queries_large, sql_large, large = _run()

    # Every secretary got both reminders, in the inbox and by e-mail: the work did triple.
    assert small.sent == small.claimed == 2 * 4
    assert large.sent == large.claimed == 2 * 12
    assert len(mail.outbox) == 2 * 12
    assert Message.objects.count() == 2 * 12
    assert set(Reminder.objects.values_list("email_status", flat=True)) == {EmailStatus.SENT}
    print(f"\nreconcile: {small.sent} e-mails {queries_small} queries; {large.sent} e-mails {queries_large} queries")
    # A constant number of queries but for one: each e-mail is marked sent as soon as the server
    # took it, so a run killed mid-send resends at most that one message (README, test_reliability).
    per_email = 1
    assert queries_large - queries_small == per_email * (large.sent - small.sent), _repeated(sql_small, sql_large)
    grown = Counter(map(_shape, sql_large)) - Counter(map(_shape, sql_small))
    assert list(grown) == [_shape(sql_large[-2])]  # the UPDATE marking an e-mail sent, and only it
