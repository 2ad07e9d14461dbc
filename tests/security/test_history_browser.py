"""Staff browse the change history of every model that keeps one."""

from django.urls import reverse

from branches import services as branch_services
from branches.models import Organisation
from security.selectors import history_models


def edit(org, **fields):
    branch_services.organisation_update(organisation=Organisation.objects.get(pk=org.pk), **fields)


def test_the_models_with_history_are_offered(staff_client, district):
    assert "branches.organisation" in history_models()
    page = staff_client.get(reverse("security:history"))
    assert page.status_code == 200
    assert [value for value, _ in page.context["form"].fields["model"].choices][0] in history_models()


def test_each_version_shows_what_changed(staff_client, district):
    edit(district.branch_b, name="乙社区团支部（更名）", short_name="乙支部")
    edit(district.branch_b, directly_managed=True)
    page = staff_client.get(
        reverse("security:history"), {"model": "branches.organisation", "object_id": district.branch_b.pk}
    )
    rows = page.context["rows"]
    assert [row.record.history_type for row in rows] == ["~", "~", "+"]
    latest, renamed, created = rows
    assert [(c.field, c.old, c.new) for c in latest.changes] == [("直管团组织", "否", "是")]
    assert {(c.field, c.old, c.new) for c in renamed.changes} == {
        ("名称", "乙社区团支部", "乙社区团支部（更名）"),
        ("简称", "—", "乙支部"),
    }
    assert ("名称", "", "乙社区团支部") in {(c.field, c.old, c.new) for c in created.changes}
    assert "乙社区团支部（更名）" in page.content.decode()


def test_history_filters_by_user(staff_client, staff, district, client):
    # Edits made through the site record who made them.
    staff_client.post(
        reverse("branches:update", args=[district.branch_a.pk]),
        {"name": "甲社区团支部（新）", "kind": "branch", "short_name": ""},
    )
    page = staff_client.get(reverse("security:history"), {"model": "branches.organisation", "user": "staff"})
    assert [row.record.history_user_id for row in page.context["rows"]] == [staff.pk] * len(page.context["rows"])
    assert page.context["rows"], "the staff edit is in the history"
    nobody = staff_client.get(reverse("security:history"), {"model": "branches.organisation", "user": "nobody"})
    assert nobody.context["rows"] == []


def test_history_masks_id_numbers(staff_client, district):
    edit(district.branch_b, name="乙社区团支部 110105199003071394")
    body = staff_client.get(reverse("security:history"), {"model": "branches.organisation"}).content.decode()
    assert "110105199003071394" not in body and "110105********1394" in body


def test_history_page_queries_do_not_grow_with_rows(staff_client, district, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def page_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            page = staff_client.get(reverse("security:history"), {"model": "branches.organisation"})
        return len(ctx.captured_queries), len(page.context["rows"])

    for i in range(3):
        edit(district.branch_b, name=f"乙社区团支部{i}")
    few, few_rows = page_queries()
    for i in range(30):
        edit(district.branch_b, name=f"乙社区团支部{i + 3}")
    many, many_rows = page_queries()
    assert (few_rows, many_rows) == (8, 38)
    assert many == few
    # Session and user, the count, one page of versions, their previous versions, plus what
    # the base template's context needs and PostgreSQL's savepoint around the session save.
    with django_assert_max_num_queries(10):
        staff_client.get(reverse("security:history"), {"model": "branches.organisation"})


def test_an_unknown_model_is_a_form_error(staff_client, district):
    page = staff_client.get(reverse("security:history"), {"model": "auth.user"})
    assert page.status_code == 200 and page.context["rows"] == [] and page.context["form"].errors


def test_labels_naming_other_records_load_them_once_per_page(staff, staff_client, district):
    """A transfer's label names its member and organisations: they are read once for the
    page, not once for each version shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.choices import TransferReason
    from members.services import transfer_request
    from tests.factories import MemberFactory

    def page():
        with CaptureQueriesContext(connection) as ctx:
            response = staff_client.get(reverse("security:history"), {"model": "members.transfer"})
        return len(ctx.captured_queries), response

    def send(count):
        for _ in range(count):
            member = MemberFactory(organisation=district.branch_a)
            transfer_request(
                member=member, by=staff, reason=TransferReason.JOB_CHANGE, to_organisation=district.branch_b
            )

    send(2)
    few, _ = page()
    send(10)
    many, response = page()
    assert many == few
    labels = [row.object_label for row in response.context["rows"]]
    assert len(labels) == 12 and all(
        f"{district.branch_a.name} → {district.branch_b.name}" in label for label in labels
    )


def test_a_version_naming_something_since_deleted_still_shows(staff, staff_client, district):
    """A transfer's history outlives its member: the label falls back to the model and id."""
    from members.choices import TransferReason
    from members.services import transfer_request
    from tests.factories import MemberFactory

    member = MemberFactory(organisation=district.branch_a)
    transfer = transfer_request(
        member=member, by=staff, reason=TransferReason.JOB_CHANGE, to_organisation=district.branch_b
    )
    member.delete()  # the transfer goes with it; its history stays
    response = staff_client.get(reverse("security:history"), {"model": "members.transfer"})
    assert response.status_code == 200
    labels = [row.object_label for row in response.context["rows"]]
    assert labels and all(label == f"组织关系转接 #{transfer.pk}" for label in labels)
