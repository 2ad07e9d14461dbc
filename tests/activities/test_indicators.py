"""Indicator figures: each aggregation rule over months and over the subtree, and the entry form."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from activities import selectors, services
from activities.models import Indicator, IndicatorValue, OverTime, OverTree, PeriodKind
from activities.periods import Period

from .factories import IndicatorFactory

H1 = Period.half_year(2024, 1)


def put(indicator, org, month, value, qualifier="", issue=""):
    return IndicatorValue.objects.create(
        indicator=indicator, organisation=org, month=month, value=Decimal(value), qualifier=qualifier, issue=issue
    )


def value(indicator, org, period=H1):
    return selectors.indicator_value(indicator.code, organisation=org, period=period).value


def test_sum_over_months_and_sum_over_the_tree(district):
    ind = IndicatorFactory(over_time=OverTime.SUM, over_tree=OverTree.SUM)
    put(ind, district.branch_a, date(2024, 1, 1), 10)
    put(ind, district.branch_a, date(2024, 2, 1), 5)
    put(ind, district.sub_a, date(2024, 3, 1), 7)
    put(ind, district.branch_b, date(2024, 3, 1), 100)
    put(ind, district.branch_a, date(2024, 7, 1), 1000)  # outside the half year
    assert value(ind, district.branch_a) == 15
    assert value(ind, district.sub_a) == 22
    assert value(ind, district.root) == 122
    put(ind, district.branch_a, date(2024, 6, 1), 3)
    assert value(ind, district.sub_a) == 25


def test_latest_takes_each_organisations_last_month_then_adds_up(district):
    ind = IndicatorFactory(over_time=OverTime.LATEST, over_tree=OverTree.SUM)
    put(ind, district.branch_a, date(2024, 1, 1), 100)
    put(ind, district.branch_a, date(2024, 4, 1), 120)
    put(ind, district.branch_b, date(2024, 2, 1), 50)
    put(ind, district.branch_b, date(2024, 8, 1), 999)  # later than the period
    assert value(ind, district.branch_a) == 120
    assert value(ind, district.root) == 170
    assert value(ind, district.root, Period.month(2024, 1)) == 100
    put(ind, district.branch_a, date(2024, 6, 1), 90)
    assert value(ind, district.root) == 140


def test_latest_averages_several_issues_of_the_last_month(district):
    ind = IndicatorFactory(over_time=OverTime.LATEST, period_kind=PeriodKind.ISSUE)
    put(ind, district.branch_a, date(2024, 5, 1), 100, issue="第1期")
    put(ind, district.branch_a, date(2024, 6, 1), 100, issue="第2期")
    put(ind, district.branch_a, date(2024, 6, 1), 110, issue="第3期")
    assert value(ind, district.branch_a) == 105


def test_average_over_months(district):
    ind = IndicatorFactory(over_time=OverTime.AVERAGE, over_tree=OverTree.SUM, decimals=1)
    put(ind, district.branch_a, date(2024, 1, 1), 10)
    put(ind, district.branch_a, date(2024, 2, 1), 20)
    put(ind, district.branch_a, date(2024, 3, 1), 40)
    put(ind, district.branch_b, date(2024, 1, 1), 6)
    assert value(ind, district.branch_a) == Decimal("23.3")
    assert value(ind, district.root) == Decimal("29.3")  # 23.33 + 6


def test_average_over_the_tree(district):
    ind = IndicatorFactory(over_time=OverTime.SUM, over_tree=OverTree.AVERAGE, decimals=2)
    put(ind, district.branch_a, date(2024, 1, 1), 10)
    put(ind, district.branch_a, date(2024, 2, 1), 10)
    put(ind, district.branch_b, date(2024, 1, 1), 5)
    put(ind, district.sub_b, date(2024, 1, 1), 6)
    assert value(ind, district.root) == Decimal("10.33")  # (20 + 5 + 6) / 3 organisations
    assert value(ind, district.sub_b) == Decimal("5.50")


def test_derived_rate_is_recomputed_from_the_totals_and_may_exceed_100(district):
    num = IndicatorFactory(code="num", period_kind=PeriodKind.ISSUE)
    den = IndicatorFactory(code="den", period_kind=PeriodKind.ISSUE)
    rate = IndicatorFactory(code="rate", numerator=num, denominator=den, decimals=1, unit="%")
    put(num, district.branch_a, date(2024, 3, 1), 120, issue="第1期")
    put(den, district.branch_a, date(2024, 3, 1), 100, issue="第1期")
    assert value(rate, district.branch_a) == Decimal("120.0")
    put(num, district.branch_b, date(2024, 3, 1), 30, issue="第1期")
    put(den, district.branch_b, date(2024, 3, 1), 100, issue="第1期")
    assert value(rate, district.root) == Decimal("75.0")  # 150 / 200, not the mean of 120% and 30%
    assert value(rate, district.root, Period.half_year(2024, 2)) is None


def test_qualifier_carries_through_when_sources_agree(district):
    ind = IndicatorFactory()
    put(ind, district.branch_a, date(2024, 1, 1), 500, qualifier="近")
    put(ind, district.branch_b, date(2024, 1, 1), 300)
    figure = selectors.indicator_value(ind.code, organisation=district.root, period=H1)
    assert figure.value == 800 and figure.approximate and figure.qualifier == "近"
    assert figure.display == "近800"
    put(ind, district.sub_b, date(2024, 1, 1), 100, qualifier="余")
    figure = selectors.indicator_value(ind.code, organisation=district.root, period=H1)
    assert figure.approximate and figure.qualifier == ""
    exact = selectors.indicator_value(ind.code, organisation=district.branch_b, period=H1)
    assert not exact.approximate


def test_no_data_is_none_not_zero(district):
    ind = IndicatorFactory()
    assert value(ind, district.root) is None


def test_values_of_many_indicators_take_constant_queries(district, django_assert_max_num_queries):
    indicators = [
        IndicatorFactory(over_time=rule, decimals=1) for rule in (OverTime.SUM, OverTime.LATEST, OverTime.AVERAGE)
    ]
    for ind in indicators:
        for org in (district.branch_a, district.branch_b, district.sub_a):
            for month in range(1, 7):
                put(ind, org, date(2024, month, 1), month)
    with django_assert_max_num_queries(2):
        figures = selectors.indicator_values([i.code for i in indicators], organisation=district.root, period=H1)
    assert [figures[i.code].value for i in indicators] == [63, 18, Decimal("10.5")]
    with django_assert_max_num_queries(2):
        _, months, cells, totals = selectors.indicator_monthly(
            [i.code for i in indicators], organisation=district.root, period=H1
        )
    assert cells[(indicators[0].code, date(2024, 2, 1))].value == 6
    assert totals[indicators[1].code].value == 18


def test_standard_catalogue_is_installed(db):
    codes = set(Indicator.objects.values_list("code", flat=True))
    assert {"study_person_times", "study_base", "study_rate", "wechat_posts", "wechat_reads", "dues_collected"} <= codes
    assert Indicator.objects.get(code="study_rate").is_derived


# --- writing values -----------------------------------------------------------


def test_values_save_upserts_and_clears(secretary_a, district):
    ind = IndicatorFactory()
    month = date(2024, 3, 1)
    saved, removed = services.indicator_values_save(
        user=secretary_a, organisation=district.branch_a, month=month, values={ind: (Decimal("12"), "", "")}
    )
    assert (saved, removed) == (1, 0)
    services.indicator_values_save(
        user=secretary_a, organisation=district.branch_a, month=month, values={ind: (Decimal("15"), "余", "估算")}
    )
    row = IndicatorValue.objects.get()
    assert row.value == 15 and row.qualifier == "余" and row.entered_by == secretary_a
    saved, removed = services.indicator_values_save(
        user=secretary_a, organisation=district.branch_a, month=month, values={ind: (None, "", "")}
    )
    assert (saved, removed) == (0, 1) and not IndicatorValue.objects.exists()


def test_values_save_refuses_other_subtrees_and_leaders(secretary_a, leader, district):
    ind = IndicatorFactory()
    for user, org in ((secretary_a, district.branch_b), (leader, district.branch_a)):
        with pytest.raises(PermissionDenied):
            services.indicator_values_save(
                user=user, organisation=org, month=date(2024, 1, 1), values={ind: (Decimal(1), "", "")}
            )
    assert not IndicatorValue.objects.exists()


def test_derived_indicators_are_not_entered(staff, district):
    rate = Indicator.objects.get(code="study_rate")
    with pytest.raises(ValidationError):
        services.indicator_values_save(
            user=staff, organisation=district.root, month=date(2024, 1, 1), values={rate: (Decimal(90), "", "")}
        )


def test_indicator_rules_freeze_once_values_exist(staff, district):
    ind = IndicatorFactory()
    services.indicator_save(user=staff, indicator=ind, name="新名称", over_time=OverTime.LATEST)
    put(ind, district.branch_a, date(2024, 1, 1), 1)
    with pytest.raises(ValidationError):
        services.indicator_save(user=staff, indicator=ind, over_time=OverTime.SUM)
    services.indicator_save(user=staff, indicator=ind, name="再改名")
    ind.refresh_from_db()
    assert ind.name == "再改名" and ind.over_time == OverTime.LATEST


def test_staff_adds_an_indicator_in_the_portal(staff_client, secretary_a_client):
    data = {
        "code": "douyin_posts",
        "name": "抖音发布",
        "unit": "条",
        "category": "outreach",
        "platform": "抖音",
        "period_kind": "month",
        "over_time": "sum",
        "over_tree": "sum",
        "decimals": 0,
        "position": 100,
        "active": "on",
    }
    assert secretary_a_client.post(reverse("activities:indicator_create"), data).status_code == 403
    response = staff_client.post(reverse("activities:indicator_create"), data)
    assert response.status_code == 302
    assert Indicator.objects.get(code="douyin_posts").platform == "抖音"
    response = staff_client.post(reverse("activities:indicator_create"), {**data, "code": "Bad Code"})
    assert response.status_code == 200 and "code" in response.context["form"].errors


def test_entry_page_saves_a_month(secretary_a_client, district):
    url = reverse("activities:indicator_entry")
    query = {"organisation": district.branch_a.pk, "month": "2024-05"}
    page = secretary_a_client.get(url, query)
    assert page.status_code == 200 and "v_wechat_posts" in page.context["form"].fields
    assert "v_study_base" not in page.context["form"].fields  # per-issue indicators have their own tab
    response = secretary_a_client.post(
        f"{url}?organisation={district.branch_a.pk}&month=2024-05",
        {**query, "issue": "", "v_wechat_posts": "12", "q_wechat_posts": "", "v_dues_collected": "35.5"},
    )
    assert response.status_code == 302
    assert {(v.indicator.code, v.value) for v in IndicatorValue.objects.select_related("indicator")} == {
        ("wechat_posts", 12),
        ("dues_collected", Decimal("35.50")),
    }


def test_entry_page_per_issue(secretary_a_client, district):
    url = reverse("activities:indicator_entry")
    query = {"organisation": district.branch_a.pk, "month": "2024-05", "issue": "2024年第13期"}
    page = secretary_a_client.get(url, query)
    assert set(page.context["form"].fields) >= {"v_study_base", "v_study_person_times"}
    secretary_a_client.post(url, {**query, "v_study_base": "40", "v_study_person_times": "44"})
    figure = selectors.indicator_value("study_rate", organisation=district.sub_a, period=H1)
    assert figure.value == Decimal("110.0")


def test_entry_page_keeps_input_on_error(secretary_a_client, district):
    url = reverse("activities:indicator_entry")
    query = {"organisation": district.branch_a.pk, "month": "2024-05", "issue": ""}
    response = secretary_a_client.post(url, {**query, "v_wechat_posts": "-3", "v_wechat_reads": "900"})
    assert response.status_code == 200
    assert "v_wechat_posts" in response.context["form"].errors
    assert response.context["form"]["v_wechat_reads"].value() == "900"
    assert not IndicatorValue.objects.exists()


def test_entry_page_refuses_other_subtree_and_leader(secretary_a_client, leader_client, district):
    url = reverse("activities:indicator_entry")
    query = {"organisation": district.branch_b.pk, "month": "2024-05", "issue": ""}
    response = secretary_a_client.post(url, {**query, "v_wechat_posts": "3"})
    assert response.status_code == 200 and response.context["target"].errors
    assert not IndicatorValue.objects.exists()
    assert leader_client.get(url).status_code == 403


def test_summary_page_shows_the_subtree_figures(leader_client, district):
    ind = Indicator.objects.get(code="wechat_posts")
    put(ind, district.branch_a, date(2024, 1, 1), 20)
    put(ind, district.branch_b, date(2024, 2, 1), 9)
    response = leader_client.get(reverse("activities:indicator_summary"), {"year": 2024, "part": "h1"})
    row = next(r for r in response.context["rows"] if r["indicator"].code == "wechat_posts")
    assert row["total"].value == 29 and [c.value for c in row["cells"]][:2] == [20, 9]


def test_summary_page_for_a_secretary_is_their_subtree(secretary_a_client, district):
    ind = Indicator.objects.get(code="wechat_posts")
    put(ind, district.branch_a, date(2024, 1, 1), 20)
    put(ind, district.branch_b, date(2024, 2, 1), 9)
    response = secretary_a_client.get(reverse("activities:indicator_summary"), {"year": 2024, "part": "h1"})
    row = next(r for r in response.context["rows"] if r["indicator"].code == "wechat_posts")
    assert row["total"].value == 20
    response = secretary_a_client.get(
        reverse("activities:indicator_summary"), {"year": 2024, "part": "h1", "organisation": district.sub_b.pk}
    )
    assert "rows" not in response.context and response.context["form"].errors


def test_entry_page_opens_the_secretarys_organisation_this_month(secretary_a_client, district):
    page = secretary_a_client.get(reverse("activities:indicator_entry"))
    assert page.context["organisation"] == district.sub_a
    assert page.context["month"] == date.today().replace(day=1)
    response = secretary_a_client.post(reverse("activities:indicator_entry"), {"v_wechat_posts": "3"})
    assert response.status_code == 200 and not IndicatorValue.objects.exists()
