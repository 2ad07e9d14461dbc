"""What the migrations install: the default obligations from the plan and the rules, and the daily run."""

from django_celery_beat.models import PeriodicTask

from obligations.defaults import DEFAULT_OBLIGATIONS
from obligations.models import Frequency, Obligation, Target
from obligations.services.schedule import REMINDER_TASK


def test_the_defaults_are_installed_valid_and_active(db):
    installed = {ob.code: ob for ob in Obligation.objects.select_related("indicator")}
    assert set(installed) == {spec["code"] for spec in DEFAULT_OBLIGATIONS}
    for ob in installed.values():
        ob.full_clean()
        assert ob.active and ob.remind
    study = installed["monthly_thematic_study"]
    assert (study.frequency, study.min_count, study.activity_kinds) == (Frequency.MONTH, 1, ["thematic_study"])
    hours = installed["monthly_study_hours"]
    assert hours.min_hours == 8 and hours.min_count is None
    assert installed["directly_managed_regular_meeting"].directly_managed
    assert installed["school_work_meeting"].organisation_kinds == ["school"]
    assert installed["school_work_meeting"].frequency == Frequency.QUARTER
    branch = {code: installed[code].frequency for code in installed if code.startswith("branch_")}
    assert branch == {
        "branch_committee_meeting": Frequency.MONTH,
        "branch_group_meeting": Frequency.MONTH,
        "branch_general_meeting": Frequency.QUARTER,
        "branch_league_lecture": Frequency.QUARTER,
    }
    assert installed["annual_appraisal"].indicator.code == "appraisal_members"
    assert installed["annual_registration"].indicator.code == "registration_done"
    four_plus_one = installed["four_plus_one"]
    assert (four_plus_one.target, four_plus_one.cadre_kinds, four_plus_one.frequency) == (
        Target.CADRES,
        ["full_time"],
        Frequency.WEEK,
    )


def test_the_daily_run_is_scheduled_at_0830_beijing_time(db):
    task = PeriodicTask.objects.get(task=REMINDER_TASK)
    crontab = task.crontab
    assert task.enabled and task.interval is None
    assert (crontab.minute, crontab.hour, crontab.day_of_week, crontab.day_of_month, crontab.month_of_year) == (
        "30",
        "8",
        "*",
        "*",
        "*",
    )
    assert str(crontab.timezone) == "Asia/Shanghai"
