"""Who reaches which organisations: the one scoping mechanism every later app uses."""

import pytest
from django.urls import reverse

from accounts.models import Role
from branches.models import Organisation
from branches.scoping import Scope

from ..factories import UserFactory


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_staff_and_leader_see_the_whole_tree(district, staff, leader):
    everything = names(Organisation.objects.all())
    assert names(Organisation.objects.visible_to(staff)) == everything
    assert names(Organisation.objects.visible_to(leader)) == everything


def test_secretary_sees_only_own_subtree(district, secretary_a):
    assert names(Organisation.objects.visible_to(secretary_a)) == {"甲街道团工委", "甲社区团支部"}


def test_secretary_without_organisation_sees_nothing(district):
    orphan = UserFactory(role=Role.SECRETARY, organisation=None)
    assert not Organisation.objects.visible_to(orphan).exists()


def test_inactive_user_sees_nothing(district, staff):
    staff.is_active = False
    assert Scope.of(staff) == Scope()
    assert not Organisation.objects.visible_to(staff).exists()


def test_scope_follows_a_moved_subtree(district, secretary_a):
    from branches import services

    services.organisation_move(organisation=district.branch_b, new_parent=district.sub_a)
    assert "乙社区团支部" in names(Organisation.objects.visible_to(secretary_a))


def test_sibling_path_prefix_does_not_leak(district, secretary_a):
    # Paths are fixed-width per level, so sub_a's prefix cannot match sub_b's subtree.
    district.refresh()
    assert not district.sub_b.path.startswith(district.sub_a.path)
    assert Scope.of(secretary_a).reaches(district.branch_a)
    assert not Scope.of(secretary_a).reaches(district.branch_b)
    assert not Scope.of(secretary_a).reaches(district.root)


@pytest.mark.parametrize("name", ["detail", "update", "move", "deactivate", "reactivate"])
def test_other_subtree_is_404_for_secretary(secretary_a_client, district, name):
    response = secretary_a_client.get(reverse(f"branches:{name}", args=[district.branch_b.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["update", "move", "deactivate", "reactivate"])
def test_own_subtree_staff_pages_are_403_for_secretary(secretary_a_client, district, name):
    response = secretary_a_client.get(reverse(f"branches:{name}", args=[district.branch_a.pk]))
    assert response.status_code == 403


def test_secretary_cannot_open_the_district_root(secretary_a_client, district):
    assert secretary_a_client.get(reverse("branches:detail", args=[district.root.pk])).status_code == 404


def test_secretary_cannot_root_the_tree_elsewhere(secretary_a_client, district):
    response = secretary_a_client.get(reverse("branches:tree"), {"root": district.sub_b.pk})
    assert response.status_code == 404


def test_secretary_tree_is_limited_to_subtree(secretary_a_client, district):
    response = secretary_a_client.get(reverse("branches:tree"))
    assert response.status_code == 200
    rows = {row.organisation.name for row in response.context["rows"]}
    assert rows == {"甲街道团工委", "甲社区团支部"}
    assert "乙街道团工委" not in response.content.decode()


def test_secretary_search_is_limited_to_subtree(secretary_a_client, district):
    response = secretary_a_client.get(reverse("branches:tree"), {"q": "社区"})
    assert [org.name for org in response.context["results"]] == ["甲社区团支部"]


@pytest.mark.parametrize(
    "name, method",
    [
        ("create", "get"),
        ("create", "post"),
        ("update", "get"),
        ("update", "post"),
        ("move", "post"),
        ("deactivate", "post"),
        ("reactivate", "post"),
    ],
)
def test_leader_cannot_change_anything(leader_client, district, name, method):
    args = [] if name == "create" else [district.branch_a.pk]
    url = reverse(f"branches:{name}", args=args)
    response = getattr(leader_client, method)(url, {"name": "x", "kind": "branch", "new_parent": district.root.pk})
    assert response.status_code == 403
    district.refresh()
    assert district.branch_a.active and district.branch_a.name == "甲社区团支部"
    assert Organisation.objects.count() == 5


def test_leader_reads_everything(leader_client, district):
    assert leader_client.get(reverse("branches:detail", args=[district.branch_b.pk])).status_code == 200
    response = leader_client.get(reverse("branches:tree"))
    assert {row.organisation.name for row in response.context["rows"]} == set(
        Organisation.objects.values_list("name", flat=True)
    )


def test_secretary_cannot_restructure_own_subtree(secretary_a_client, district):
    response = secretary_a_client.post(reverse("branches:deactivate", args=[district.branch_a.pk]))
    assert response.status_code == 403
    district.refresh()
    assert district.branch_a.active


@pytest.mark.parametrize("name", ["tree", "detail", "create"])
def test_anonymous_is_sent_to_login(client, district, name):
    args = [district.root.pk] if name == "detail" else []
    response = client.get(reverse(f"branches:{name}", args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_detail_refuses_post(staff_client, district):
    assert staff_client.post(reverse("branches:detail", args=[district.root.pk])).status_code == 405
