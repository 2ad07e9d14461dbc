"""The type-ahead organisation picker: a large scope's organisation field writes only the chosen
option, the search behind it keeps to the field's set and the user's scope, and the server still
decides what may be chosen."""

import re

import pytest
from django.urls import reverse

from activities.filters import ActivityFilter
from branches.forms import OrganisationChoiceField
from branches.models import Kind, Organisation
from members.forms import CadreForm
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _options(html: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"', html)


def _select(html: str, name: str) -> str:
    return re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)


def test_below_the_threshold_the_field_is_a_plain_select(staff, district, settings):
    settings.ORGANISATION_PICKER_THRESHOLD = 50
    html = str(ActivityFilter({}, user=staff).form["organisation"])
    assert "data-org-picker" not in html
    assert _options(html) == ["", *(str(org.pk) for org in _all(district))]


def test_past_the_threshold_only_the_empty_and_chosen_options_are_written(staff, district, settings):
    settings.ORGANISATION_PICKER_THRESHOLD = 3
    empty = str(ActivityFilter({}, user=staff).form["organisation"])
    assert f'data-org-picker="{reverse("branches:pick", args=["all"])}"' in empty
    assert _options(empty) == [""]

    chosen = str(ActivityFilter({"organisation": district.branch_b.pk}, user=staff).form["organisation"])
    assert _options(chosen) == ["", str(district.branch_b.pk)]
    assert f'<option value="{district.branch_b.pk}" selected>{district.branch_b.name}</option>' in chosen


def test_the_select_reads_its_organisations_once(staff, district, settings, django_assert_num_queries):
    # Below the threshold the one read that decides is also every option; above it, that read
    # and, with a choice, the chosen organisation's name.
    settings.ORGANISATION_PICKER_THRESHOLD = 50
    field = ActivityFilter({}, user=staff).form["organisation"]
    with django_assert_num_queries(1):
        options = _options(str(field))
    assert options == ["", *(str(org.pk) for org in _all(district))]
    settings.ORGANISATION_PICKER_THRESHOLD = 3
    field = ActivityFilter({}, user=staff).form["organisation"]
    with django_assert_num_queries(1):
        assert _options(str(field)) == [""]
    form = ActivityFilter({"organisation": district.branch_b.pk}, user=staff).form
    assert form.is_valid()  # validating reads the chosen organisation: that query is not the select's
    field = form["organisation"]
    with django_assert_num_queries(2):
        assert _options(str(field)) == ["", str(district.branch_b.pk)]


def test_the_threshold_counts_the_users_own_scope(secretary_a, district, settings):
    # secretary_a reaches sub_a and branch_a: two organisations, a select at a threshold of 3.
    settings.ORGANISATION_PICKER_THRESHOLD = 3
    html = str(ActivityFilter({}, user=secretary_a).form["organisation"])
    assert "data-org-picker" not in html
    assert _options(html) == ["", str(district.sub_a.pk), str(district.branch_a.pk)]


def test_the_field_accepts_an_unwritten_choice_in_scope_and_refuses_one_outside(secretary_a, district, settings):
    settings.ORGANISATION_PICKER_THRESHOLD = 1
    inside = ActivityFilter({"organisation": district.branch_a.pk}, user=secretary_a)
    assert inside.form.is_valid(), inside.form.errors
    assert inside.form.cleaned_data["organisation"] == district.branch_a

    outside = ActivityFilter({"organisation": district.branch_b.pk}, user=secretary_a)
    assert not outside.form.is_valid()
    assert "organisation" in outside.form.errors


def test_a_field_without_a_named_source_stays_a_select(staff, district, settings):
    settings.ORGANISATION_PICKER_THRESHOLD = 1
    field = OrganisationChoiceField(queryset=Organisation.objects.get_children(district.root))
    form_html = field.widget.render("org", None)
    assert "data-org-picker" not in form_html
    assert len(_options(form_html)) == 3  # the empty option and both sub-district committees


@pytest.mark.parametrize(
    ("url_name", "field"),
    [
        ("activities:list", "organisation"),
        ("activities:review", "organisation"),
        ("members:list", "org"),
        ("members:recruitment", "org"),
        ("honours:list", "organisation"),
        ("honours:summary", "organisation"),
        ("obligations:compliance", "organisation"),
        ("obligations:due", "organisation"),
        ("obligations:reminders", "organisation"),
    ],
)
def test_each_filtered_list_writes_the_picker_for_a_large_scope(staff_client, district, settings, url_name, field):
    settings.ORGANISATION_PICKER_THRESHOLD = 3
    response = staff_client.get(reverse(url_name), {field: district.branch_a.pk})
    assert response.status_code == 200
    html = response.content.decode()
    select = _select(html, field)
    assert "data-org-picker" in select
    assert _options(select)[-1] == str(district.branch_a.pk)
    assert str(district.branch_b.pk) not in _options(select)
    assert "js/org-picker.js" in html


# --- the search behind it -------------------------------------------------------------------


def _pick(client, source: str, q: str = ""):
    return client.get(reverse("branches:pick", args=[source]), {"q": q})


def _names(response) -> list[str]:
    assert response.status_code == 200
    return [row["name"] for row in response.json()["results"]]


def test_search_finds_by_name_and_short_name_with_the_parent_for_context(staff_client, district):
    OrganisationFactory(name="丙社区团支部", short_name="丙支部", kind=Kind.BRANCH, parent=district.sub_b)
    rows = _pick(staff_client, "active", "丙支部").json()["results"]
    assert [(row["name"], row["parent"]) for row in rows] == [("丙社区团支部", district.sub_b.name)]
    assert _names(_pick(staff_client, "active", "社区团支部")) == ["甲社区团支部", "乙社区团支部", "丙社区团支部"]


def test_search_keeps_to_the_secretarys_subtree(secretary_a_client, district):
    assert _names(_pick(secretary_a_client, "all", "社区团支部")) == [district.branch_a.name]
    assert _names(_pick(secretary_a_client, "all", "乙")) == []
    assert _names(_pick(secretary_a_client, "all")) == [district.sub_a.name, district.branch_a.name]


def test_search_keeps_to_the_fields_set(staff_client, district):
    district.branch_b.active = False
    district.branch_b.save()
    brigade = OrganisationFactory(name="甲小学少先队大队", kind=Kind.BRIGADE, parent=district.sub_a)
    assert district.branch_b.name not in _names(_pick(staff_client, "active", "团支部"))
    assert district.branch_b.name in _names(_pick(staff_client, "all", "团支部"))
    assert brigade.name in _names(_pick(staff_client, "active", "甲"))
    assert brigade.name not in _names(_pick(staff_client, "league", "甲"))


def test_the_league_source_is_what_the_cadre_form_accepts(staff, district):
    brigade = OrganisationFactory(name="甲小学少先队大队", kind=Kind.BRIGADE, parent=district.sub_a)
    field = CadreForm(user=staff).fields["organisation"]
    assert field.picker == "league"
    assert brigade not in field.queryset
    assert district.branch_a in field.queryset


def test_search_says_when_it_lists_only_the_first_matches(staff_client, district):
    for n in range(25):
        OrganisationFactory(name=f"丁{n:02d}团支部", kind=Kind.BRANCH, parent=district.sub_b)
    data = _pick(staff_client, "active", "丁").json()
    assert len(data["results"]) == 20
    assert data["more"] is True
    assert _pick(staff_client, "active", "丁24").json()["more"] is False


def test_search_refuses_an_unknown_source_and_an_anonymous_user(client, staff_client, district):
    assert _pick(staff_client, "everything", "团").status_code == 404
    response = _pick(client, "active", "团")
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def _all(district):
    return [district.root, district.sub_a, district.branch_a, district.sub_b, district.branch_b]
