import pytest
from django.core.management import CommandError, call_command

from accounts.models import Role, User
from branches.models import Kind, Organisation

DEMO_PASSWORD = "demo-pass-2024"


@pytest.fixture
def debug_on(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_load_demo_builds_the_district_and_users(debug_on):
    call_command("load_demo")
    assert Organisation.objects.count() >= 150
    root = Organisation.objects.get_root_nodes().get()
    assert root.kind == Kind.DISTRICT
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {
        Kind.SUBDISTRICT,
        Kind.SCHOOL,
        Kind.PARK,
        Kind.BRANCH,
        Kind.PIONEER_COMMITTEE,
        Kind.BRIGADE,
        Kind.SQUADRON,
    } <= kinds
    assert Organisation.objects.filter(directly_managed=True).exists()
    # treebeard's child counts must match the rows, or the tree pages lie.
    for org in Organisation.objects.all():
        assert org.numchild == Organisation.objects.get_children(org).count(), org.name

    users = {u.username: u for u in User.objects.all()}
    assert set(users) == {"staff", "leader", "secretary_a", "secretary_b"}
    assert all(u.check_password(DEMO_PASSWORD) for u in users.values())
    assert users["staff"].role == Role.STAFF and users["leader"].role == Role.LEADER
    a, b = users["secretary_a"].organisation, users["secretary_b"].organisation
    assert a.kind == b.kind == Kind.SUBDISTRICT and a != b


@pytest.mark.django_db
def test_load_demo_refuses_a_database_with_data_unless_reset(debug_on):
    call_command("load_demo")
    with pytest.raises(CommandError, match="--reset"):
        call_command("load_demo")
    call_command("load_demo", "--keep")
    assert User.objects.count() == 4
    call_command("load_demo", "--reset")
    assert User.objects.count() == 4 and Organisation.objects.get_root_nodes().count() == 1


@pytest.mark.django_db
def test_load_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not Organisation.objects.exists()
