from django.core.exceptions import ValidationError
from django.db import transaction

from branches.models import Organisation

from ..models import SchoolCohort


@transaction.atomic
def cohort_save(
    *,
    school: Organisation,
    level: str,
    graduation_year: int,
    student_count: int,
    classes: list[Organisation],
    cohort: SchoolCohort | None = None,
) -> SchoolCohort:
    """Create or change a graduating class. Its class branches must belong to the school."""
    outside = [org.name for org in classes if not org.path.startswith(school.path) or org.pk == school.pk]
    if outside:
        raise ValidationError({"classes": f"以下组织不属于该学校：{'、'.join(outside)}。"})
    cohort = cohort or SchoolCohort()
    cohort.school = school
    cohort.level = level
    cohort.graduation_year = graduation_year
    cohort.student_count = student_count
    clash = SchoolCohort.objects.filter(school=school, level=level, graduation_year=graduation_year)
    if cohort.pk:
        clash = clash.exclude(pk=cohort.pk)
    if clash.exists():
        raise ValidationError({"graduation_year": "该学校该学段这一届的毕业班已登记。"})
    cohort.full_clean(validate_unique=False, validate_constraints=False)
    cohort.save()
    cohort.classes.set(classes)
    return cohort
