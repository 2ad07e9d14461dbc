"""Staff browse the tree and create, edit, move and deactivate organisations."""

from django.urls import reverse

from branches.models import Kind, Organisation

from ..factories import OrganisationFactory


def test_tree_shows_levels_and_offers_to_expand_deeper(staff_client, district):
    squadron_parent = OrganisationFactory(name="深层团总支", kind=Kind.GENERAL_BRANCH, parent=district.branch_a)
    OrganisationFactory(name="更深团支部", kind=Kind.BRANCH, parent=squadron_parent)
    response = staff_client.get(reverse("branches:tree"), {"levels": 3})
    rows = {row.organisation.name: row for row in response.context["rows"]}
    assert "甲社区团支部" in rows and "深层团总支" not in rows
    assert rows["甲社区团支部"].has_hidden_children
    deeper = staff_client.get(reverse("branches:tree"), {"root": district.branch_a.pk})
    assert {row.organisation.name for row in deeper.context["rows"]} == {"甲社区团支部", "深层团总支", "更深团支部"}


def test_tree_page_query_count_does_not_grow_with_the_tree(staff_client, district, django_assert_max_num_queries):
    for i in range(40):
        OrganisationFactory(name=f"批量团支部{i}", kind=Kind.BRANCH, parent=district.sub_a)
    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("branches:tree"))
    assert len(response.context["rows"]) == 45


def test_staff_creates_an_organisation_under_a_parent(staff_client, district):
    response = staff_client.post(
        reverse("branches:create"),
        {"parent": district.sub_a.pk, "name": "甲新建团支部", "short_name": "", "kind": Kind.BRANCH},
    )
    org = Organisation.objects.get(name="甲新建团支部")
    assert response.status_code == 302 and response["Location"] == reverse("branches:detail", args=[org.pk])
    assert Organisation.objects.get_parent(org).pk == district.sub_a.pk
    assert org.history.count() == 1


def test_create_refuses_a_kind_that_does_not_fit_the_parent(staff_client, district):
    response = staff_client.post(
        reverse("branches:create"), {"parent": district.branch_a.pk, "name": "错误街道", "kind": Kind.SUBDISTRICT}
    )
    assert response.status_code == 200
    assert "不能设在" in str(response.context["form"].errors["kind"])
    assert not Organisation.objects.filter(name="错误街道").exists()


def test_create_keeps_input_when_the_form_is_invalid(staff_client, district):
    response = staff_client.post(
        reverse("branches:create"), {"parent": district.sub_a.pk, "name": "", "kind": "branch"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert response.context["form"]["kind"].value() == "branch"


def test_staff_edits_an_organisation(staff_client, district):
    response = staff_client.post(
        reverse("branches:update", args=[district.branch_a.pk]),
        {"name": "甲社区团支部（改）", "short_name": "甲支部", "kind": Kind.BRANCH, "directly_managed": "on"},
    )
    assert response.status_code == 302
    district.refresh()
    assert district.branch_a.name == "甲社区团支部（改）" and district.branch_a.directly_managed


def test_kind_change_that_breaks_children_is_refused(staff_client, district):
    response = staff_client.post(
        reverse("branches:update", args=[district.sub_a.pk]), {"name": "甲街道团工委", "kind": Kind.SQUADRON}
    )
    assert response.status_code == 200
    district.refresh()
    assert district.sub_a.kind == Kind.SUBDISTRICT


def test_staff_moves_a_subtree(staff_client, district):
    response = staff_client.post(
        reverse("branches:move", args=[district.branch_a.pk]), {"new_parent": district.sub_b.pk}
    )
    assert response.status_code == 302
    district.refresh()
    assert Organisation.objects.get_parent(district.branch_a).pk == district.sub_b.pk
    assert district.sub_b.numchild == 2 and district.sub_a.numchild == 0


def test_move_into_own_subtree_is_not_offered(staff_client, district):
    response = staff_client.post(
        reverse("branches:move", args=[district.sub_a.pk]), {"new_parent": district.branch_a.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_parent"]
    district.refresh()
    assert Organisation.objects.get_parent(district.branch_a).pk == district.sub_a.pk


def test_deactivate_takes_the_subtree_and_reactivate_is_one_by_one(staff_client, district):
    confirm = staff_client.get(reverse("branches:deactivate", args=[district.sub_a.pk]))
    assert confirm.status_code == 200 and confirm.context["subtree_size"] == 2
    district.refresh()
    assert district.sub_a.active  # GET changes nothing
    staff_client.post(reverse("branches:deactivate", args=[district.sub_a.pk]))
    district.refresh()
    assert not district.sub_a.active and not district.branch_a.active and district.sub_b.active
    staff_client.post(reverse("branches:reactivate", args=[district.branch_a.pk]))
    district.refresh()
    assert not district.branch_a.active  # its parent is still inactive
    staff_client.post(reverse("branches:reactivate", args=[district.sub_a.pk]))
    district.refresh()
    assert district.sub_a.active and not district.branch_a.active


def test_detail_lists_children_and_ancestors(secretary_a_client, district):
    response = secretary_a_client.get(reverse("branches:detail", args=[district.branch_a.pk]))
    assert [a.name for a in response.context["ancestors"]] == ["甲街道团工委"]  # the root is out of scope
    response = secretary_a_client.get(reverse("branches:detail", args=[district.sub_a.pk]))
    assert [c.name for c in response.context["children"]] == ["甲社区团支部"]


def test_a_large_tree_shows_fewer_levels_unless_asked(staff_client, district, monkeypatch):
    from branches import selectors

    for i in range(5):
        OrganisationFactory(name=f"批量团支部{i}", kind=Kind.BRANCH, parent=district.sub_a)
    monkeypatch.setattr(selectors, "TREE_DEFAULT_MAX_ROWS", 4)
    rows = staff_client.get(reverse("branches:tree")).context["rows"]
    assert [row.level for row in rows] == [0, 1, 1]  # root, sub_a, sub_b: three levels would be 11 rows
    assert all(row.has_hidden_children for row in rows[1:])
    asked = staff_client.get(reverse("branches:tree"), {"levels": 3}).context["rows"]
    assert len(asked) == 10


def test_the_kept_tree_follows_a_rename_at_once_and_stays_per_user(
    staff_client, secretary_a_client, district, kept_table
):
    def tree(client) -> tuple[str, int]:
        return kept_table(client, reverse("branches:tree"), "org-tree")

    first, cold = tree(staff_client)
    again, warm = tree(staff_client)
    assert "乙社区团支部" in first and again == first
    assert warm < cold  # the rows came from the kept table
    theirs, _ = tree(secretary_a_client)
    assert "甲社区团支部" in theirs and "乙社区团支部" not in theirs
    district.branch_b.name = "乙社区第一团支部"
    district.branch_b.save()
    renamed, _ = tree(staff_client)
    assert "乙社区第一团支部" in renamed


def test_staff_set_how_a_committees_summary_is_written(staff_client, district):
    url = reverse("branches:update", args=[district.root.pk])
    page = staff_client.get(url).content.decode()
    assert "总结中的自称" in page
    response = staff_client.post(
        url,
        {
            "name": district.root.name,
            "kind": district.root.kind,
            "report_subject": "我县",
            "report_plan_span": "year",
            "report_problem_threshold": 80,
        },
    )
    assert response.status_code == 302
    district.refresh()
    root = district.root
    assert (root.report_subject, root.report_plan_span, root.report_problem_threshold) == ("我县", "year", 80)
    # A branch writes no summary: its page has no such fields.
    assert (
        "总结中的自称" not in staff_client.get(reverse("branches:update", args=[district.branch_a.pk])).content.decode()
    )
