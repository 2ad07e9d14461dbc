"""core.bulk.insert_rows: what COPY writes is what the instances held, value for value."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection

from core import bulk
from members.choices import Gender
from members.models import Member
from tests.factories import make_id_number

TRICKY = [
    "tab\there",
    "line\nbreak",
    "carriage\r\nreturn",
    "back\\slash",
    "\\N",
    "\\",
    '"quoted", with, commas',
    "陈 静",
    "emoji 🎉",
    "",
    "  spaces  ",
]


def _members(organisation, count: int, *, start: int = 0) -> list[Member]:
    members = []
    for i in range(start, start + count):
        born = date(2001, 1, 1) + timedelta(days=i)
        member = Member(
            name=TRICKY[i % len(TRICKY)] or f"成员{i}",
            organisation=organisation,
            gender=Gender.FEMALE if i % 2 else Gender.MALE,
            birth_date=born,
            joined_league_on=None if i % 3 else born + timedelta(days=5000),
            phone="" if i % 4 == 0 else f"1380013{i:04d}",
            member_number=f"NO-{i}" if i % 2 else "",
            education=TRICKY[(i + 3) % len(TRICKY)][:16],
        )
        member.set_id_number(make_id_number(born, i % 900 + 1, gender=member.gender))
        members.append(member)
    return members


def _stored(member: Member) -> dict:
    return {f.attname: getattr(member, f.attname) for f in Member._meta.concrete_fields if not f.primary_key}


@pytest.mark.django_db
def test_every_value_reads_back_as_the_instance_held_it(district):
    members = _members(district.branch_a, 40)
    if connection.vendor == "postgresql":
        assert bulk._columns(Member, members, connection) is not None, "PostgreSQL writes these rows with COPY"
    assert bulk.insert_rows(Member, members, batch_size=7) == 40  # several COPY batches
    assert all(not m._state.adding for m in members)
    by_hash = {m.id_number_hash: m for m in Member.objects.filter(organisation=district.branch_a)}
    assert len(by_hash) == 40
    for member in members:
        assert member.created_at is not None, "auto_now_add was applied to the instance"
        assert _stored(by_hash[member.id_number_hash]) == _stored(member)


@pytest.mark.django_db
def test_copy_and_bulk_create_write_the_same_rows(district):
    copied, created = _members(district.branch_a, 22), _members(district.branch_b, 22, start=100)
    for a, b in zip(copied, created, strict=True):
        b.name, b.education, b.phone, b.joined_league_on = a.name, a.education, a.phone, a.joined_league_on
    bulk.insert_rows(Member, copied)
    Member.objects.bulk_create(created)
    skip = {"id", "organisation_id", "birth_date", "gender", "member_number", "created_at", "updated_at"}
    skip |= {f.attname for f in Member._meta.concrete_fields if f.attname.startswith("id_number")}
    columns = [f.attname for f in Member._meta.concrete_fields if f.attname not in skip]

    def rows(organisation):
        return list(Member.objects.filter(organisation=organisation).order_by("birth_date").values_list(*columns))

    assert rows(district.branch_a) == rows(district.branch_b)


@pytest.mark.django_db
def test_an_aware_datetime_in_another_zone_is_the_same_instant(district):
    (member,) = _members(district.branch_a, 1)
    member.created_at = datetime(2026, 1, 31, 23, 59, 59, 123456, tzinfo=ZoneInfo("Asia/Shanghai"))
    member.updated_at = member.created_at
    Member._meta.get_field("created_at").auto_now_add = False
    try:
        bulk.insert_rows(Member, [member])
    finally:
        Member._meta.get_field("created_at").auto_now_add = True
    stored = Member.objects.get(id_number_hash=member.id_number_hash)
    assert stored.created_at == member.created_at


@pytest.mark.django_db
def test_an_instance_with_its_own_key_goes_through_bulk_create(district):
    members = _members(district.branch_a, 3)
    members[1].pk = 987_654
    assert bulk._columns(Member, members, connection) is None
    bulk.insert_rows(Member, members)
    assert Member.objects.get(pk=987_654).id_number_hash == members[1].id_number_hash
    assert Member.objects.filter(organisation=district.branch_a).count() == 3


@pytest.mark.django_db
def test_a_model_with_a_field_copy_does_not_write_goes_through_bulk_create():
    from obligations.models import Obligation

    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    assert "JSONField" in {f.get_internal_type() for f in Obligation._meta.concrete_fields}
    assert bulk._columns(Obligation, [Obligation()], connection) is None
    assert bulk._columns(Member, [Member()], connection) is not None


@pytest.mark.django_db
def test_an_unsaved_related_object_is_refused_as_bulk_create_refuses_it(district):
    from branches.models import Organisation

    (member,) = _members(district.branch_a, 1)
    member.organisation = Organisation(name="未保存")
    with pytest.raises(ValueError, match="unsaved related object"):
        bulk.insert_rows(Member, [member])


@pytest.mark.django_db
def test_nothing_to_insert_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk.insert_rows(Member, []) == 0


@pytest.mark.django_db
def test_values_of_another_type_are_prepared_by_their_field_as_bulk_create_prepares_them():
    from branches.models import Kind, Organisation

    if connection.vendor == "postgresql":
        assert bulk._columns(Organisation, [Organisation()], connection) is not None
    given = {"directly_managed": "False", "active": "True", "established_on": "2020-01-02", "depth": "1"}
    made = {"copied": "ZZY0", "created": "ZZZ0"}
    bulk.insert_rows(Organisation, [Organisation(path=made["copied"], name="甲", kind=Kind.BRANCH, **given)])
    Organisation.objects.bulk_create([Organisation(path=made["created"], name="甲", kind=Kind.BRANCH, **given)])
    columns = ["directly_managed", "active", "established_on", "depth", "numchild"]
    rows = {path: Organisation.objects.filter(path=path).values_list(*columns).get() for path in made.values()}
    assert rows[made["copied"]] == rows[made["created"]] == (False, True, date(2020, 1, 2), 1, 0)


@pytest.mark.django_db
def test_a_duplicate_key_is_djangos_integrity_error_as_bulk_create_raises_it(district):
    """COPY goes around Django's cursor wrapper: its errors must still be Django's, or a
    caller's ``except IntegrityError`` misses them (the import's lost race was a 500)."""
    from django.db import IntegrityError, transaction

    bulk.insert_rows(Member, _members(district.branch_a, 3))
    for writer in ("copy", "bulk_create"):
        again = _members(district.branch_a, 3)
        with pytest.raises(IntegrityError), transaction.atomic():
            if writer == "copy":
                bulk.insert_rows(Member, again)
            else:
                Member.objects.bulk_create(again)
    assert Member.objects.count() == 3
