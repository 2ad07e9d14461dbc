"""The league's rules on an admission, one rule for the member form, the edit form and the import:
the age on admission (12 before 2017-01-01, 13 from it) and the development number's year."""

from datetime import date

import pytest
from django.urls import reverse

from members.models import Member
from members.models.member import admission_problem, development_number_problem

from ..factories import MemberFactory, make_id_number
from .test_member_pages import _form_data


@pytest.mark.parametrize(
    ("birth", "joined", "problem"),
    [
        (date(2004, 12, 31), date(2016, 12, 31), None),  # 12 that day, before the change
        (date(2005, 1, 1), date(2016, 12, 31), "入团时应年满12周岁（2017年1月1日前入团）。"),
        (date(2004, 2, 1), date(2016, 12, 31), None),  # 12 years 11 months: enough before 2017 …
        (date(2004, 2, 1), date(2017, 1, 1), "入团时应年满13周岁（2017年1月1日起入团）。"),  # … not after
        (date(2004, 1, 1), date(2017, 1, 1), None),  # 13 that day
        (date(2008, 2, 29), date(2021, 2, 28), "入团时应年满13周岁（2017年1月1日起入团）。"),  # birthday is 1 March
        (date(2008, 2, 29), date(2021, 3, 1), None),
    ],
)
def test_the_admission_age_rule_on_both_sides_of_2017(birth, joined, problem):
    assert admission_problem(birth, joined) == problem


def test_the_development_number_rule():
    assert development_number_problem("201945000001", date(2019, 5, 4)) is None
    assert (
        development_number_problem("201945000001", date(2020, 1, 1))
        == "发展团员编号前四位（2019）应为入团年份（2020）。"
    )
    assert development_number_problem("2019", None) == "填写发展团员编号的，应同时填写入团日期。"
    assert "应为数字" in development_number_problem("2019A45", date(2019, 5, 4))


def _post(client, district, birth: date, **overrides):
    data = _form_data(id_number=make_id_number(birth, 61, gender="F"), organisation=district.branch_a.pk, **overrides)
    return client.post(reverse("members:create"), data)


def test_the_member_form_refuses_an_under_age_admission_on_the_joining_date(secretary_a_client, district):
    response = _post(secretary_a_client, district, date(2006, 3, 1), joined_league_on="2019-02-28")
    assert response.status_code == 200
    assert response.context["form"].errors["joined_league_on"] == ["入团时应年满13周岁（2017年1月1日起入团）。"]
    assert not Member.objects.exists()


def test_the_member_form_accepts_what_the_rule_accepts(secretary_a_client, district):
    # 13 on admission in 2019 (the charter's 14 is for new applications, not the records held).
    response = _post(
        secretary_a_client,
        district,
        date(2006, 3, 1),
        joined_league_on="2019-03-01",
        development_number="２０１９45000077",
    )
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.joined_league_on == date(2019, 3, 1) and member.development_number == "201945000077"
    assert "201945000077" in secretary_a_client.get(reverse("members:detail", args=[member.pk])).content.decode()


def test_the_member_form_refuses_a_development_number_of_another_year(secretary_a_client, district):
    response = _post(
        secretary_a_client, district, date(2005, 3, 1), joined_league_on="2019-03-01", development_number="201845000077"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["development_number"] == ["发展团员编号前四位（2018）应为入团年份（2019）。"]


def test_the_member_form_refuses_a_development_number_in_use(secretary_a_client, district):
    MemberFactory(organisation=district.branch_b, development_number="201945000077", joined_league_on=date(2019, 5, 4))
    response = _post(
        secretary_a_client, district, date(2005, 3, 1), joined_league_on="2019-03-01", development_number="201945000077"
    )
    assert response.context["form"].errors["development_number"] == ["该发展团员编号已被使用。"]


def test_the_edit_form_applies_the_same_rule(secretary_a_client, district):
    member = MemberFactory(
        organisation=district.branch_a, birth_date=date(2006, 3, 1), joined_league_on=date(2020, 5, 4)
    )
    data = _form_data(member, joined_league_on="2016-05-04")  # age 10
    response = secretary_a_client.post(reverse("members:update", args=[member.pk]), data)
    assert response.context["form"].errors["joined_league_on"] == ["入团时应年满12周岁（2017年1月1日前入团）。"]
    member.refresh_from_db()
    assert member.joined_league_on == date(2020, 5, 4)
