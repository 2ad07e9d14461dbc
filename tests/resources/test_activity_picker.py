"""Linking activities to coverage and partners: the forms write only the chosen activities and
search the rest (activities:pick, within the user's scope); the server accepts nothing else."""

from datetime import date

import pytest
from django.urls import reverse

from resources import services
from resources.models import Coverage, Partner
from tests.activities.factories import ActivityFactory

pytestmark = pytest.mark.django_db

PARTNER_FORM = {"name": "甲企业", "kind": "enterprise", "since": "2024-01-01", "until": "", "note": ""}
COVERAGE_FORM = {
    "title": "稿件",
    "form": "article",
    "outlet": "中国青年报",
    "outlet_level": "central",
    "published_on": "2024-03-01",
    "url": "",
    "note": "",
}


def test_the_search_finds_activities_of_the_users_scope_only(secretary_a_client, staff_client, district):
    mine = ActivityFactory(organisation=district.branch_a, title="共建主题团日", start_date=date(2024, 5, 4))
    older = ActivityFactory(organisation=district.branch_a, title="共建植树", start_date=date(2023, 3, 12))
    foreign = ActivityFactory(organisation=district.branch_b, title="共建读书会")
    url = reverse("activities:pick")
    data = secretary_a_client.get(url, {"q": "共建"}).json()
    assert [r["id"] for r in data["results"]] == [mine.pk, older.pk]  # newest first, not branch_b's
    assert data["results"][0]["name"] == "2024-05-04 共建主题团日" and data["results"][0]["parent"]
    assert data["more"] is False
    assert [r["id"] for r in secretary_a_client.get(url, {"q": "植树"}).json()["results"]] == [older.pk]
    assert foreign.pk in [r["id"] for r in staff_client.get(url, {"q": "共建"}).json()["results"]]
    assert secretary_a_client.post(url).status_code == 405


def test_the_search_says_when_there_is_more_than_it_lists(secretary_a_client, district, monkeypatch):
    monkeypatch.setattr("activities.views.ActivityPickView.PICK_LIMIT", 2)
    for i in range(3):
        ActivityFactory(organisation=district.branch_a, title=f"团日{i}")
    data = secretary_a_client.get(reverse("activities:pick")).json()
    assert len(data["results"]) == 2 and data["more"] is True


def test_the_forms_write_only_the_chosen_activities_and_mark_the_picker(secretary_a_client, secretary_a, district):
    linked = ActivityFactory(organisation=district.branch_a, title="已关联的活动", start_date=date(2020, 1, 1))
    # More recent activities than the old form listed: none of them is written into the page.
    ActivityFactory.create_batch(3, organisation=district.branch_a, title="别的活动")
    partner = services.partner_create(
        user=secretary_a, organisation=district.sub_a, name="甲企业", since=date(2024, 1, 1)
    )
    partner.activities.add(linked)
    html = secretary_a_client.get(reverse("resources:partner_update", args=[partner.pk])).content.decode()
    assert f'data-picker="{reverse("activities:pick")}"' in html
    assert "已关联的活动" in html and "别的活动" not in html
    assert f'<option value="{linked.pk}" selected>' in html

    html = secretary_a_client.get(reverse("resources:coverage_create")).content.decode()
    assert f'data-picker="{reverse("activities:pick")}"' in html and "别的活动" not in html
    assert "（不关联活动）" in html


def test_an_activity_far_down_the_list_can_be_linked(secretary_a_client, district):
    old = ActivityFactory(organisation=district.branch_a, title="很久以前的活动", start_date=date(2010, 1, 1))
    ActivityFactory.create_batch(5, organisation=district.branch_a)
    response = secretary_a_client.post(
        reverse("resources:coverage_create"), {**COVERAGE_FORM, "organisation": district.sub_a.pk, "activity": old.pk}
    )
    assert response.status_code == 302
    assert Coverage.objects.get().activity == old


def test_a_foreign_activity_is_refused_on_post_and_nothing_is_saved(secretary_a_client, secretary_a, district):
    foreign = ActivityFactory(organisation=district.branch_b, title="乙的活动")
    response = secretary_a_client.post(
        reverse("resources:coverage_create"),
        {**COVERAGE_FORM, "organisation": district.sub_a.pk, "activity": foreign.pk},
    )
    assert response.status_code == 200 and "activity" in response.context["form"].errors
    assert not Coverage.objects.exists()

    partner = services.partner_create(
        user=secretary_a, organisation=district.sub_a, name="甲企业", since=date(2024, 1, 1)
    )
    mine = ActivityFactory(organisation=district.branch_a)
    response = secretary_a_client.post(
        reverse("resources:partner_update", args=[partner.pk]),
        {**PARTNER_FORM, "organisation": district.sub_a.pk, "activities": [mine.pk, foreign.pk]},
    )
    assert response.status_code == 200 and "activities" in response.context["form"].errors
    assert not Partner.objects.get().activities.exists()
