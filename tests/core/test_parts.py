"""core.parts: a large subtree's figures cached in parts, so that a write recomputes only its
own part and every figure still adds up to what the selectors count directly (issue #31)."""

from datetime import date

import pytest
from django.core.cache import cache

from activities import selectors as activity_selectors
from activities.models import Dimension
from activities.periods import Period
from branches.models import Kind, Organisation
from branches.scoping import Scope
from core import parts as parts_module
from core.freshness import data_version
from core.parts import Part, Parts, _cut
from core.review.models import Status
from obligations import selectors as obligation_selectors
from obligations.selectors.compliance import worst as compliance_worst
from resources.models import Base, BaseKind, Level
from tests.activities.factories import ActivityFactory
from tests.factories import MemberFactory, OrganisationFactory
from tests.obligations.factories import ObligationFactory

YEAR = Period(date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cut_small(monkeypatch):
    monkeypatch.setattr(parts_module, "PART_SIZE", 1)


def _covering(parts: list[Part], path: str) -> list[Part]:
    return [p for p in parts if (p.path == path if p.own else path.startswith(p.path))]


def test_a_tree_is_cut_where_a_child_is_too_large(monkeypatch):
    monkeypatch.setattr(parts_module, "PART_SIZE", 2)
    # 0001 holds 0001A (with two children: cut again) and 0001B (one child: whole).
    paths = ["0001", "0001000A", "0001000A0001", "0001000A0002", "0001000B", "0001000B0001"]
    parts = _cut("", paths, 4)
    assert parts == [
        Part("0001", own=True),
        Part("0001000A", own=True),
        Part("0001000A0001", own=False),
        Part("0001000A0002", own=False),
        Part("0001000B", own=False),
    ]
    for path in paths:  # every organisation's rows lie in exactly one part
        assert len(_covering(parts, path)) == 1, path
    assert _cut("0001000B", paths, 4) == [Part("0001000B", own=False)]  # small enough: one part


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 2, 50])
def test_sql_and_python_name_the_same_part_for_every_organisation(district, monkeypatch, size):
    monkeypatch.setattr(parts_module, "PART_SIZE", size)
    OrganisationFactory(name="丙社区团支部", kind=Kind.BRANCH, parent=district.branch_a)
    for root in ("", district.sub_a.path):
        parts = Parts(root)
        rows = Organisation.objects.filter(path__startswith=root).annotate(part=parts.expression("path"))
        for path, part in rows.values_list("path", "part"):
            (covering,) = _covering(parts.parts, path)
            assert part == parts.part_of(path) == covering.path, (size, root, path)


def _direct(group, period=YEAR):
    return {
        key: (t.count, t.persons, t.person_times)
        for key, t in activity_selectors.activity_totals_by(group, period=period).items()
    }


def _in_parts(group, period=YEAR, root=""):
    counts = activity_selectors.activity_counts_in_parts(group, parts=Parts(root), period=period)
    return {key: tuple(c) for key, c in counts.items()}


@pytest.mark.django_db
def test_counts_added_over_parts_equal_the_selectors_counts(district, cut_small):
    ActivityFactory(organisation=district.root, participants=7)
    ActivityFactory(organisation=district.branch_a, participants=11, dimension=Dimension.SERVE_OVERALL)
    ActivityFactory(organisation=district.branch_a, participants=3, start_date=date(2024, 9, 2))
    ActivityFactory(organisation=district.sub_b, participants=5, person_times=9)
    ActivityFactory(organisation=district.branch_b, status=Status.SUBMITTED)  # not approved: not counted
    ActivityFactory(organisation=district.branch_b, start_date=date(2023, 5, 4))  # outside the year
    assert len(Parts("")) == 5
    for group in ("dimension", ["dimension", "month"], "month"):
        assert _in_parts(group) == _direct(group)
    assert _in_parts(())[()] == (4, 26, 30)


@pytest.mark.django_db
def test_a_write_recomputes_only_the_parts_above_it_and_the_figure_follows(district, cut_small, monkeypatch):
    for n in range(3):  # eight parts: three missing after a write are picked, not all recomputed
        OrganisationFactory(name=f"甲{n}团支部", kind=Kind.BRANCH, parent=district.sub_a)
    ActivityFactory(organisation=district.branch_a)
    ActivityFactory(organisation=district.branch_b)
    computed = []
    read = Parts.read

    def spying(self, name, compute, empty):
        def recording(missing):
            computed.append(None if missing is None else {(p.path, p.own) for p in missing})
            return compute(missing)

        return read(self, name, recording, empty)

    monkeypatch.setattr(Parts, "read", spying)
    assert _in_parts(())[()][0] == 2
    assert computed == [None]  # a cold cache: every part at once
    assert _in_parts(())[()][0] == 2
    assert computed == [None]  # nothing changed: nothing computed
    ActivityFactory(organisation=district.branch_b)
    assert _in_parts(())[()][0] == 3
    # 乙's branch, and the own rows of the organisations above it; 甲's side is read from the cache.
    assert computed[-1] == {(district.branch_b.path, False), (district.sub_b.path, True), (district.root.path, True)}


@pytest.mark.django_db
def test_the_organisation_chart_rows_add_up_from_parts_or_come_straight_when_uncut(district, monkeypatch):
    ActivityFactory(organisation=district.root, participants=1)
    ActivityFactory(organisation=district.sub_a, participants=2)
    ActivityFactory(organisation=district.branch_a, participants=4)
    ActivityFactory(organisation=district.branch_b, participants=8)
    direct = {
        row.organisation.pk: (row.totals.count, row.totals.persons)
        for row in activity_selectors.activity_totals_by_organisation(organisation=district.root, period=YEAR)
    }
    assert direct == {district.root.pk: (1, 1), district.sub_a.pk: (2, 6), district.sub_b.pk: (1, 8)}
    for size in (1, 50):  # cut into parts of one, and left whole
        monkeypatch.setattr(parts_module, "PART_SIZE", size)
        rows = activity_selectors.activity_counts_by_child(organisation=district.root, parts=Parts(""), period=YEAR)
        assert {org.pk: (c.count, c.persons) for org, c in rows} == direct, size


@pytest.mark.django_db
def test_compliance_over_parts_equals_the_whole_and_follows_a_meeting(district, cut_small):
    ObligationFactory(organisation_kinds=[Kind.SUBDISTRICT, Kind.BRANCH])
    today = date(2024, 5, 20)
    ActivityFactory(organisation=district.branch_a, kind="committee_meeting", start_date=date(2024, 5, 6))

    def both():
        whole = obligation_selectors.compliance(today=today)
        result = obligation_selectors.compliance_in_parts(
            parts=Parts(""),
            name="t",
            evaluate=lambda within: obligation_selectors.compliance(today=today, within=within),
            limit=5,
        )
        total, worst = result.total, result.behind
        assert total == whole.total()
        assert worst == compliance_worst(whole.behind(), 5)
        return total, [row.organisation_id for row in worst]

    total, worst = both()
    assert worst  # the seeded obligations leave organisations behind: the ranking is compared
    ActivityFactory(organisation=district.branch_b, kind="committee_meeting", start_date=date(2024, 5, 7))
    after, worst = both()
    # The meeting meets our obligation (and any seeded one it also counts for), read afresh.
    assert after.met > total.met and after.demanded == total.demanded


@pytest.mark.django_db
def test_logging_leaves_the_roster_version_and_a_member_or_base_changes_it(district):
    a = Scope(path=district.sub_a.path)
    roster, figures = data_version(a, family="roster"), data_version(a)
    ActivityFactory(organisation=district.branch_a)
    assert data_version(a) != figures
    assert data_version(a, family="roster") == roster  # the committee snapshot stands
    MemberFactory(organisation=district.branch_a)
    assert data_version(a, family="roster") != roster
    roster = data_version(a, family="roster")
    Base.objects.create(
        organisation=district.branch_a,
        name="甲社区青年之家",
        kind=BaseKind.choices[0][0],
        level=Level.choices[0][0],
        recognised_on=date(2024, 3, 1),
    )
    assert data_version(a, family="roster") != roster


@pytest.mark.django_db
def test_a_message_or_reminder_leaves_the_parts_standing_and_an_activity_moves_them(district, secretary_a):
    """The parts are read by the "records" family: a reminder run writes to hundreds of
    organisations at once, and must not send every board back to a cold build."""
    from obligations.models import Message

    a = Scope(path=district.sub_a.path)
    records, figures = data_version(a, family="records"), data_version(a)
    Message.objects.create(recipient=secretary_a, organisation=district.branch_a, subject="提醒", body="请按时开展")
    assert data_version(a) != figures  # the inbox and the board's reminder figure move
    assert data_version(a, family="records") == records
    ActivityFactory(organisation=district.branch_a)
    assert data_version(a, family="records") != records
