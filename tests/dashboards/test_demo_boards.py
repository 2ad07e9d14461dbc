"""The dashboards over the demo district: each figure equals its selector and its list."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.models import User
from activities import selectors as activity_selectors
from branches.models import Organisation
from dashboards import figures
from dashboards.boards import board_for
from honours import selectors as honour_selectors
from obligations import selectors as obligation_selectors

from .helpers import check_links, figures_of

pytestmark = pytest.mark.django_db


def test_demo_dashboards(settings):
    settings.DEBUG = True  # load_demo refuses otherwise
    call_command("load_demo", "--reset")
    settings.DEBUG = False
    cache.clear()
    today = timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=["staff", "leader", "secretary_a", "secretary_b"])}

    staff = board_for(users["staff"])
    found = {f.key: f for f in figures_of(staff) if f.key}
    month = figures.this_month(today)
    assert (
        found["month_activities"].value == activity_selectors.activity_totals(user=users["staff"], period=month).count
    )
    total = obligation_selectors.compliance(user=users["staff"], today=today).total()
    assert (found["compliance_met"].value, found["compliance_demanded"].value) == (total.met, total.demanded)
    assert total.demanded > 0 and staff.behind  # the demo leaves some organisations behind
    half = figures.this_half(today)
    root = Organisation.objects.get_root_nodes().get()
    summary = honour_selectors.honour_summary(organisation=root, start=half.start, end=half.end)
    assert found["half_honours"].value == summary.all_recipients
    assert found["trend_activities"].value > 0

    leader = {f.key: f for f in figures_of(board_for(users["leader"])) if f.key}
    span = figures.to_date(half, today)
    last = figures.same_span_last_year(span)
    now, before = (activity_selectors.activity_totals(user=users["leader"], period=p) for p in (span, last))
    assert (leader["half_activities"].value, leader["half_activities"].previous) == (now.count, before.count)
    assert (leader["half_participants"].value, leader["half_participants"].previous) == (now.persons, before.persons)

    for name in ("secretary_a", "secretary_b"):
        board = {f.key: f for f in figures_of(board_for(users[name])) if f.key}
        due = obligation_selectors.due_list(user=users[name], today=today)
        assert (board["due_now"].value, board["overdue_last"].value) == (len(due.current), len(due.overdue))
        mine = activity_selectors.activity_totals(organisation=users[name].organisation, period=month)
        assert board["month_activities"].value == mine.count

    for name in ("staff", "leader", "secretary_a", "secretary_b"):
        client = Client()
        client.force_login(users[name])
        assert check_links(client, board_for(users[name])) >= 20, name
