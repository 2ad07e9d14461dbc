"""The secretary's home (issue #28): cards that say different things, deadlines as 12月31日截止,
去填报 opening the logging form preset with the organisation, kind (and dimension) and date."""

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from activities.models import DEFAULT_DIMENSION
from dashboards.boards import board_for
from obligations.models import Frequency, Obligation
from tests.obligations.conftest import at
from tests.obligations.factories import ObligationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def obligations(db):
    Obligation.objects.all().delete()
    monthly = ObligationFactory(name="支委会", activity_kinds=["committee_meeting"], frequency=Frequency.MONTH)
    quarterly = ObligationFactory(name="团课", activity_kinds=["league_lecture"], frequency=Frequency.QUARTER)
    return monthly, quarterly


def _cards(board):
    return {fig.key: fig for fig in board.due}


def test_in_a_quarters_last_month_one_card_stands_for_month_and_quarter(secretary_a, district, obligations):
    with time_machine.travel(at("2026-12-07 10:00"), tick=False):
        cards = _cards(board_for(secretary_a))
    # Month and quarter end on the same day: one number, named for what it is, not three equal cards.
    assert set(cards) == {"due_now", "overdue_last"}
    assert cards["due_now"].label == "本月待办（12月31日前到期）"
    assert cards["due_now"].value == 2  # 支委会 and 团课 of 甲支部


def test_in_a_quarters_first_month_month_and_quarter_differ(secretary_a, district, obligations):
    with time_machine.travel(at("2026-10-07 10:00"), tick=False):
        cards = _cards(board_for(secretary_a))
    # Nothing is due after the quarter: the quarter's card would repeat the whole period's.
    assert set(cards) == {"due_month", "due_now", "overdue_last"}
    assert (cards["due_month"].value, cards["due_now"].value) == (1, 2)
    assert cards["due_now"].label == "本期待完成（全部）"
    ObligationFactory(name="年度主题团日", activity_kinds=["theme_day"], frequency=Frequency.YEAR)
    cache.clear()
    with time_machine.travel(at("2026-07-07 10:00"), tick=False):  # the year runs past the quarter
        cards = _cards(board_for(secretary_a))
    assert [cards[k].value for k in ("due_month", "due_quarter", "due_now")] == [1, 2, 3]
    assert len({cards[k].label for k in cards}) == len(cards)


def test_due_rows_offer_a_preset_form(secretary_a, secretary_a_client, district, obligations):
    with time_machine.travel(at("2026-12-07 10:00"), tick=True):
        html = secretary_a_client.get(reverse("dashboards:home")).content.decode()
        assert "12月31日截止" in html
        board = board_for(secretary_a)
        item = next(
            i
            for i in board.due_groups.month
            if i.obligation == "团课" and i.organisation == district.branch_a.display_name
        )
        query = parse_qs(urlsplit(item.fill_url).query)
        assert query == {
            "organisation": [str(district.branch_a.pk)],
            "kind": ["league_lecture"],
            "start_date": ["2026-12-07"],
        }
        assert item.fill_url.replace("&", "&amp;") in html
        form = secretary_a_client.get(item.fill_url).context["form"]
    assert form["organisation"].value() == district.branch_a.pk
    assert form["kind"].value() == "league_lecture"
    assert form["dimension"].value() == DEFAULT_DIMENSION["league_lecture"]
    assert form["start_date"].value() == date(2026, 12, 7)


def test_preset_form_ignores_nonsense(secretary_a_client, district):
    response = secretary_a_client.get(reverse("activities:create") + "?organisation=x&kind=nope&start_date=2026-13-40")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["kind"].value() in (None, "")


def test_an_overdue_items_form_is_dated_in_its_period(secretary_a, district, obligations):
    with time_machine.travel(at("2026-12-07 10:00"), tick=False):
        board = board_for(secretary_a)
    late = next(i for i in board.overdue if i.obligation == "支委会")
    assert parse_qs(urlsplit(late.fill_url).query)["start_date"] == ["2026-11-30"]


def test_due_page_lists_this_period_before_the_last(secretary_a_client, district, obligations):
    with time_machine.travel(at("2026-12-07 10:00"), tick=True):
        html = secretary_a_client.get(reverse("obligations:due")).content.decode()
    assert html.index('id="due-current"') < html.index('id="due-overdue"')


# --- Charts (issue #28): the month under way against the same days of last year --------------


def test_the_month_under_way_is_compared_with_the_same_days_last_year(staff, district):
    from tests.activities.factories import ActivityFactory

    ActivityFactory(organisation=district.branch_a, start_date=date(2026, 12, 3))
    ActivityFactory(organisation=district.branch_a, start_date=date(2025, 12, 5))  # within the same days
    ActivityFactory(organisation=district.branch_a, start_date=date(2025, 12, 20))  # later in the month
    ActivityFactory(organisation=district.branch_a, start_date=date(2026, 12, 20))  # logged ahead of time
    with time_machine.travel(at("2026-12-07 10:00"), tick=False):
        board = board_for(staff)
    chart = board.trend
    assert chart.labels[-1] == "2026年12月（截至7日）" and chart.labels[0] == "2026年1月"
    last_row = chart.rows[-1]
    total = next(c for c in last_row[1:] if getattr(c, "label", "") == "合计")
    assert (total.value, total.previous) == (1, 1)  # not against the whole of last December
    assert "date_to=2025-12-07" in total.previous_url
    assert board.trend_total.label == "近12个月（2026年1月至2026年12月7日）开展活动"
    assert chart.title == "近12个月活动趋势（2026年1月至2026年12月7日，按工作维度）"


def test_large_figures_are_grouped_by_thousands(staff_client, district):
    from django.template import Context, Template

    html = Template("{% load humanize %}{{ n|intcomma }}").render(Context({"n": 29965}))
    assert html == "29,965"
