"""团员教育评议 grades are catalogue indicators, entered on the monthly form and checked together."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities import services
from activities.models import Indicator, IndicatorValue

pytestmark = pytest.mark.django_db
JANUARY = date(2024, 1, 1)
GRADES = ("appraisal_excellent", "appraisal_qualified", "appraisal_basic", "appraisal_unqualified")


def save(user, org, **values):
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=values)}
    return services.indicator_values_save(
        user=user,
        organisation=org,
        month=JANUARY,
        values={indicators[code]: (None if v is None else Decimal(v), q, "") for code, (v, q) in values.items()},
    )


def test_the_grades_are_in_the_catalogue_beside_the_members_appraised(db):
    grades = Indicator.objects.filter(code__in=GRADES)
    assert {i.code: i.name for i in grades} == {
        "appraisal_excellent": "评议为优秀团员",
        "appraisal_qualified": "评议为合格团员",
        "appraisal_basic": "评议为基本合格团员",
        "appraisal_unqualified": "评议为不合格团员",
    }
    assert {i.category for i in grades} == {"appraisal"}
    assert Indicator.objects.get(code="appraisal_excellent_rate").numerator.code == "appraisal_excellent"


def test_grades_must_not_exceed_nor_come_without_the_members_appraised(secretary_a, district):
    with pytest.raises(ValidationError, match="超过参加教育评议团员数20名"):
        save(
            secretary_a,
            district.branch_a,
            appraisal_members=(20, ""),
            appraisal_excellent=(15, ""),
            appraisal_basic=(6, ""),
        )
    with pytest.raises(ValidationError, match="请同时填写参加教育评议团员数"):
        save(secretary_a, district.branch_a, appraisal_excellent=(3, ""))
    assert not IndicatorValue.objects.exists()
    # Some grades alone are fine while they stay within the members appraised.
    save(secretary_a, district.branch_a, appraisal_members=(20, ""), appraisal_excellent=(3, ""))


def test_all_four_grades_account_for_every_member_appraised(secretary_a, district):
    four = {"appraisal_excellent": (3, ""), "appraisal_qualified": (15, ""), "appraisal_basic": (1, "")}
    with pytest.raises(ValidationError, match="合计19名，应等于参加教育评议团员数20名"):
        save(secretary_a, district.branch_a, appraisal_members=(20, ""), appraisal_unqualified=(0, ""), **four)
    save(secretary_a, district.branch_a, appraisal_members=(20, ""), appraisal_unqualified=(1, ""), **four)
    assert IndicatorValue.objects.count() == 5
    # Checked against what is already stored: lowering the members alone is refused.
    with pytest.raises(ValidationError, match="超过参加教育评议团员数18名"):
        save(secretary_a, district.branch_a, appraisal_members=(18, ""))
    # Clearing every grade leaves the members appraised alone, which is fine.
    save(secretary_a, district.branch_a, **{code: (None, "") for code in GRADES})
    assert IndicatorValue.objects.get().indicator.code == "appraisal_members"


def test_approximate_appraisal_figures_are_not_added_up(secretary_a, district):
    save(secretary_a, district.branch_a, appraisal_members=(600, "近"), appraisal_excellent=(90, ""))
    save(secretary_a, district.branch_a, appraisal_members=(600, "近"), appraisal_excellent=(700, ""))


def test_the_entry_page_shows_the_problem_on_the_field_and_keeps_the_input(secretary_a_client, district):
    url = reverse("activities:indicator_entry")
    query = {"organisation": district.branch_a.pk, "month": "2024-01", "issue": ""}
    page = secretary_a_client.get(url, query)
    assert {f"v_{code}" for code in GRADES} <= set(page.context["form"].fields)
    response = secretary_a_client.post(
        url, {**query, "v_appraisal_members": "10", "v_appraisal_excellent": "8", "v_appraisal_qualified": "5"}
    )
    assert response.status_code == 200
    assert "超过参加教育评议团员数10名" in str(response.context["form"].errors["v_appraisal_members"])
    assert response.context["form"]["v_appraisal_qualified"].value() == "5"
    assert not IndicatorValue.objects.exists()
