"""Recruitment and cadre figures in the report come from the roster and move with it."""

from datetime import date

import pytest

from members.choices import CadreKind, Category
from members.models import CadreAppointment, RecruitmentCase
from reports.compiler import compile_report_content

from ..factories import MemberFactory

pytestmark = pytest.mark.django_db


def item_text(district, key: str) -> str:
    content = compile_report_content(organisation=district.root, year=2024, half=1)
    item = content.find(key)
    return item.render() if item else ""


def test_recruitment_figures_move_with_the_cases(district):
    for i in range(3):
        member = MemberFactory(organisation=district.branch_a, category=Category.YOUTH)
        RecruitmentCase.objects.create(
            member=member,
            organisation=district.branch_a,
            applied_on=date(2024, 2, 1),
            activist_on=date(2024, 3, 1),
            candidate_on=date(2024, 4, 1),
            admitted_on=date(2024, 5, 4) if i < 2 else None,
        )
    text = item_text(district, "members:recruitment")
    assert "上半年发展团员2名" in text and "收到入团申请3份" in text and "发展对象1名" in text
    RecruitmentCase.objects.filter(admitted_on__isnull=True).update(admitted_on=date(2024, 6, 1))
    assert "上半年发展团员3名" in item_text(district, "members:recruitment")


def test_cadre_counts_and_the_part_time_problem(district):
    for i, kind in enumerate([CadreKind.FULL_TIME, CadreKind.PART_TIME, CadreKind.PART_TIME, CadreKind.PART_TIME]):
        member = MemberFactory(organisation=district.sub_a if i else district.root)
        CadreAppointment.objects.create(
            member=member, organisation=member.organisation, kind=kind, position="书记", started_on=date(2023, 1, 1)
        )
    content = compile_report_content(organisation=district.root, year=2024, half=1)
    assert content.find("members:cadres").render() == "加强团干部队伍建设，现有专职团干部1名、兼职团干部3名"
    assert "兼职3名、专职1名" in content.find("problem:part_time_cadres").render()
