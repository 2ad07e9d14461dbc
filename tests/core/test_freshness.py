"""core.freshness: cached figures are never stale, and are kept per subtree: a write in one
branch leaves every other branch's cached figures alone (issue #31)."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection, transaction

from accounts.models import Role
from activities import services as activity_services
from branches import services as branch_services
from branches.models import Position, StaffingPost, StaffingRecord
from branches.scoping import Scope
from core import freshness
from core.freshness import SCOPE_KEY, cached_figures, data_version, fragment_key, mark_changed
from core.review import services as review
from core.review.models import Status
from members.choices import TransferReason
from members.services.transfers import transfer_accept, transfer_request
from tests.activities.factories import ActivityFactory, IndicatorFactory
from tests.factories import MemberFactory, OrganisationFactory, UserFactory
from tests.obligations.factories import ObligationFactory

# --- Versions per subtree (issue #31) ------------------------------------------------------------
# The personas' organisations (tests/conftest.py): secretary_a under 甲街道 (sub_a, with branch_a),
# secretary_b under 乙街道 (sub_b, with branch_b), staff and leaders over the whole district.


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def versions(fresh_cache, staff, secretary_a, secretary_b):
    """Every persona's data version and fragment key, read again on each call."""

    def read() -> dict:
        return {
            "a": data_version(Scope.of(secretary_a)),
            "b": data_version(Scope.of(secretary_b)),
            "staff": data_version(Scope.of(staff)),
            "tree": data_version(),
            "a_fragment": fragment_key("t", secretary_a),
            "b_fragment": fragment_key("t", secretary_b),
            "staff_fragment": fragment_key("t", staff),
        }

    return read


def _changed(before: dict, after: dict) -> set[str]:
    return {name for name in before if before[name] != after[name]}


ALL = {"a", "b", "staff", "tree", "a_fragment", "b_fragment", "staff_fragment"}
A_AND_UP = {"a", "staff", "tree", "a_fragment", "staff_fragment"}


def test_a_write_in_one_branch_leaves_the_other_branch_alone(district, versions):
    before = versions()
    assert versions() == before  # reading changes nothing
    activity = ActivityFactory(organisation=district.branch_a)
    after = versions()
    # 甲's subtree and the district's totals change; 乙's secretary keeps every cached figure.
    assert _changed(before, after) == A_AND_UP
    activity.participants += 1
    activity.save()
    assert _changed(after, versions()) == A_AND_UP
    after = versions()
    activity.delete()
    assert _changed(after, versions()) == A_AND_UP


def test_attendees_picked_in_one_branch_leave_the_other_branch_alone(district, versions):
    activity = ActivityFactory(organisation=district.branch_a)
    member = MemberFactory(organisation=district.branch_a)
    before = versions()
    activity.attendees.add(member)  # a relation of branch A's record, not configuration
    assert _changed(before, versions()) == A_AND_UP
    after = versions()
    activity.attendees.clear()
    assert _changed(after, versions()) == A_AND_UP


def test_a_write_at_the_district_itself_changes_only_the_district_readers(district, versions):
    before = versions()
    ActivityFactory(organisation=district.root)
    assert _changed(before, versions()) == {"staff", "tree", "staff_fragment"}


def test_a_member_moved_from_a_to_b_changes_both(district, versions):
    member = MemberFactory(organisation=district.branch_a)
    before = versions()
    member.organisation = district.branch_b
    member.save()  # 甲 loses a member, 乙 gains one
    assert _changed(before, versions()) == ALL


def test_a_transfer_accepted_changes_both_subtrees(district, staff, versions):
    member = MemberFactory(organisation=district.branch_a)
    before = versions()
    transfer = transfer_request(
        member=member, by=staff, reason=TransferReason.choices[0][0], to_organisation=district.branch_b
    )
    assert _changed(before, versions()) == ALL  # the request shows on both sides
    before = versions()
    transfer_accept(transfer=transfer, by=staff)
    assert _changed(before, versions()) == ALL
    member.refresh_from_db()
    assert member.organisation == district.branch_b


def test_a_save_that_leaves_the_organisation_alone_does_not_touch_the_other_side(district, versions):
    member = MemberFactory(organisation=district.branch_a)
    before = versions()
    member.name = "改名"
    member.save(update_fields=["name"])
    assert _changed(before, versions()) == A_AND_UP


def test_changes_to_the_tree_change_everything(district, staff, versions):
    before = versions()
    branch_services.organisation_update(organisation=district.branch_a, name="甲社区团支部（新）")
    assert _changed(before, versions()) == ALL
    before = versions()
    # A move re-parents a subtree with UPDATEs (no signals): old and new ancestors both change.
    branch_services.organisation_move(organisation=district.branch_a, new_parent=district.sub_b)
    assert _changed(before, versions()) == ALL
    before = versions()
    branch_services.organisation_set_active(organisation=district.branch_b, active=False)
    assert _changed(before, versions()) == ALL
    before = versions()
    OrganisationFactory(name="新支部", kind="branch", parent=district.sub_a)
    assert _changed(before, versions()) == ALL


def test_a_catalogue_or_obligation_change_changes_everything(district, versions):
    before = versions()
    IndicatorFactory()
    assert _changed(before, versions()) == ALL
    before = versions()
    ObligationFactory(name="支委会")
    assert _changed(before, versions()) == ALL


def test_bulk_writes_announce_their_organisations(district, versions):
    before = versions()
    mark_changed([district.branch_b.pk])
    assert _changed(before, versions()) == {"b", "staff", "tree", "b_fragment", "staff_fragment"}
    before = versions()
    mark_changed([])  # nothing written
    assert versions() == before
    mark_changed()  # not attributable: everything
    assert _changed(before, versions()) == ALL
    before = versions()
    mark_changed([district.branch_a, None])  # a row without an organisation: everything
    assert _changed(before, versions()) == ALL


def test_the_bulk_review_changes_only_the_reviewed_subtrees(district, staff, versions):
    activity = ActivityFactory(organisation=district.branch_a, status=Status.SUBMITTED)
    before = versions()
    assert review.review_many(workflow=activity_services.REVIEW, ids=[activity.pk], reviewer=staff, approve=True) == 1
    assert _changed(before, versions()) == A_AND_UP


@pytest.mark.django_db(transaction=True)
def test_the_bump_happens_again_at_commit_once_per_transaction(district, versions):
    before = versions()
    with transaction.atomic():
        ActivityFactory(organisation=district.branch_a)
        ActivityFactory(organisation=district.branch_a)
        mark_changed([district.branch_b])
        inside = versions()
        assert _changed(before, inside) == ALL  # at once
        bumps = [func for _, func, _ in connection.run_on_commit if isinstance(func, freshness._BumpOnCommit)]
        assert len(bumps) == 1 and bumps[0].targets == {district.branch_a.pk, district.branch_b.pk}
    assert _changed(inside, versions()) == ALL  # and again at commit


@pytest.mark.django_db(transaction=True)
def test_figures_read_while_a_write_is_in_flight_are_not_kept(district, secretary_a, secretary_b, fresh_cache):
    builds = []

    def build():
        builds.append(1)
        return len(builds)

    a, b = Scope.of(secretary_a), Scope.of(secretary_b)
    assert (cached_figures("f", build, scope=a), cached_figures("g", build, scope=b)) == (1, 2)
    with transaction.atomic():
        ActivityFactory(organisation=district.branch_a)
        # A reader in the writing transaction sees the new version at once, never the old figures.
        assert cached_figures("f", build, scope=a) == 3
        # What was read meanwhile (as by a request that saw the old rows) is cached under the
        # new version; the bump at commit leaves it behind.
        assert cached_figures("f", build, scope=a) == 3
    assert cached_figures("f", build, scope=a) == 4
    assert cached_figures("f", build, scope=a) == 4  # then kept
    assert cached_figures("g", build, scope=b) == 2  # 乙's figures were never dropped


def test_a_scope_with_several_roots_reads_each_roots_version(district, versions):

    both = SimpleNamespace(roots=(district.sub_a.path, district.sub_b.path))
    first = data_version(both)
    ActivityFactory(organisation=district.branch_a)
    second = data_version(both)
    ActivityFactory(organisation=district.branch_b)
    assert len({first, second, data_version(both)}) == 3


def test_users_without_an_organisation_and_other_trees(district, versions, db):
    nobody = UserFactory(username="nobody", role=Role.SECRETARY, organisation=None)
    assert Scope.of(nobody).roots == ()
    version = data_version(Scope.of(nobody))
    ActivityFactory(organisation=district.branch_a)
    assert data_version(Scope.of(nobody)) == version  # nothing they can see changed
    mark_changed()
    assert data_version(Scope.of(nobody)) != version
    # A second tree (another district at the top): the staff see it too, the secretaries do not.
    other = OrganisationFactory(name="另一区团委", kind="district")
    before = versions()
    ActivityFactory(organisation=other)
    assert _changed(before, versions()) == {"staff", "tree", "staff_fragment"}


def test_a_lost_version_key_does_not_bring_back_old_figures(district, secretary_a):

    scope = Scope.of(secretary_a)
    version = data_version(scope)
    cache.delete(SCOPE_KEY.format(district.sub_a.path))  # evicted
    assert data_version(scope) != version


def test_a_row_under_an_attributed_row_bumps_that_rows_organisation(district, versions):
    record = StaffingRecord.objects.create(organisation=district.branch_a, recorded_on=date(2026, 1, 1))
    before = versions()
    post = StaffingPost.objects.create(record=record, position=Position.SECRETARY, approved=1)
    assert _changed(before, versions()) == A_AND_UP  # found through its record
    before = versions()
    post.delete()
    assert _changed(before, versions()) == A_AND_UP


def test_history_rows_do_not_bump_the_epoch(district, versions):
    before = versions()
    ActivityFactory(organisation=district.branch_b)  # writes a history row as well
    assert "a" not in _changed(before, versions())
