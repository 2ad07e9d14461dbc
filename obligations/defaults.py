"""The obligations the portal starts with: the plan in the source document and the league's rules.

Installed by a data migration (and restored by the demo's reset). Each default has a
``code`` so it can be found again after staff rename it; staff add their own without one.
"""

from datetime import date

LEAGUE_COMMITTEES = ["city", "district", "subdistrict", "township", "park", "committee", "school"]
PLAN_2024_H2 = date(2024, 7, 1)  # the plan for the second half of 2024 (下半年工作计划) took effect
LEAGUE_RULES = date(2024, 1, 1)

DEFAULT_OBLIGATIONS = [
    {
        "code": "monthly_thematic_study",
        "name": "每月专题学习",
        "description": "完善机关团干部学习制度，每月开展一场专题学习活动（下半年工作计划·从严治团）。",
        "organisation_kinds": LEAGUE_COMMITTEES,
        "activity_kinds": ["thematic_study"],
        "frequency": "month",
        "min_count": 1,
        "lead_days": 7,
        "active_from": PLAN_2024_H2,
    },
    {
        "code": "monthly_study_hours",
        "name": "机关团干部每月学习不少于8小时",
        "description": "机关团干部每月学习不少于8小时（下半年工作计划·从严治团）。"
        "专题学习、团课、宣讲、培训的学习时长合计。",
        "organisation_kinds": LEAGUE_COMMITTEES,
        "activity_kinds": ["thematic_study", "league_lecture", "lecture_tour", "training"],
        "frequency": "month",
        "min_hours": "8",
        "lead_days": 7,
        "active_from": PLAN_2024_H2,
    },
    {
        "code": "directly_managed_regular_meeting",
        "name": "直管团组织季度例会",
        "description": "实行直管团组织季度例会制度（下半年工作计划·从严治团）。",
        "directly_managed": True,
        "activity_kinds": ["regular_meeting"],
        "frequency": "quarter",
        "min_count": 1,
        "lead_days": 15,
        "active_from": PLAN_2024_H2,
    },
    {
        "code": "school_work_meeting",
        "name": "学校团队工作例会",
        "description": "实行学校团队工作例会制度，每季度召开一次（下半年工作计划·从严治团）。",
        "organisation_kinds": ["school"],
        "activity_kinds": ["regular_meeting"],
        "frequency": "quarter",
        "min_count": 1,
        "lead_days": 15,
        "active_from": PLAN_2024_H2,
    },
    {
        "code": "branch_committee_meeting",
        "name": "支委会",
        "description": "“三会两制一课”：团支部委员会每月召开一次。",
        "organisation_kinds": ["branch"],
        "activity_kinds": ["committee_meeting"],
        "frequency": "month",
        "min_count": 1,
        "lead_days": 7,
        "active_from": LEAGUE_RULES,
    },
    {
        "code": "branch_group_meeting",
        "name": "团小组会",
        "description": "“三会两制一课”：团小组会每月召开一次。",
        "organisation_kinds": ["branch"],
        "activity_kinds": ["group_meeting"],
        "frequency": "month",
        "min_count": 1,
        "lead_days": 7,
        "active_from": LEAGUE_RULES,
    },
    {
        "code": "branch_general_meeting",
        "name": "支部大会",
        "description": "“三会两制一课”：支部团员大会每季度召开一次。",
        "organisation_kinds": ["branch"],
        "activity_kinds": ["general_meeting"],
        "frequency": "quarter",
        "min_count": 1,
        "lead_days": 15,
        "active_from": LEAGUE_RULES,
    },
    {
        "code": "branch_league_lecture",
        "name": "团课",
        "description": "“三会两制一课”：团支部每季度至少上一次团课。",
        "organisation_kinds": ["branch"],
        "activity_kinds": ["league_lecture"],
        "frequency": "quarter",
        "min_count": 1,
        "lead_days": 15,
        "active_from": LEAGUE_RULES,
    },
    {
        "code": "annual_appraisal",
        "name": "团员教育评议",
        "description": "“两制”之一：团支部每年开展一次团员教育评议，以月度数据“参加教育评议团员”的填报为准。",
        "organisation_kinds": ["branch"],
        "indicator_code": "appraisal_members",
        "indicator_min": "1",
        "frequency": "year",
        "lead_days": 30,
        "active_from": LEAGUE_RULES,
    },
    {
        "code": "annual_registration",
        "name": "团籍注册",
        "description": "“两制”之一：团支部每年完成团员年度团籍注册，以月度数据“完成年度团籍注册的组织”填 1 为准。",
        "organisation_kinds": ["branch"],
        "indicator_code": "registration_done",
        "indicator_min": "1",
        "frequency": "year",
        "lead_days": 30,
        "active_from": LEAGUE_RULES,
    },
    {
        "code": "four_plus_one",
        "name": "“4+1”工作制度",
        "description": "落实“4+1”工作制度，机关专职团干部每周到基层团组织工作1天（下半年工作计划·从严治团）。"
        "以“走访基层”活动记录计，按专职团干部人数计。",
        "target": "cadres",
        "cadre_kinds": ["full_time"],
        "organisation_kinds": LEAGUE_COMMITTEES,
        "activity_kinds": ["grassroots_visit"],
        "frequency": "week",
        "min_count": 1,
        "lead_days": 2,
        "active_from": PLAN_2024_H2,
    },
]


def install(Obligation, Indicator, *, overwrite: bool = False) -> int:
    """Create the default obligations that are missing (or, with ``overwrite``, restore them).

    Works with a migration's historical models. An indicator-based default whose indicator
    is not in the catalogue is skipped: nothing could ever meet it.
    """
    made = 0
    for position, spec in enumerate(DEFAULT_OBLIGATIONS, start=1):
        fields = {key: value for key, value in spec.items() if key not in ("code", "indicator_code")}
        if "indicator_code" in spec:
            indicator = Indicator.objects.filter(code=spec["indicator_code"]).first()
            if indicator is None:
                continue
            fields["indicator"] = indicator
        defaults = {
            "target": "organisations",
            "organisation_kinds": [],
            "directly_managed": False,
            "all_organisations": False,
            "cadre_kinds": [],
            "activity_kinds": [],
            "indicator": None,
            "min_count": None,
            "min_hours": None,
            "indicator_min": None,
            "active_until": None,
            "active": True,
            "remind": True,
            "position": position * 10,
            **fields,
        }
        if overwrite:
            Obligation.objects.update_or_create(code=spec["code"], defaults=defaults)
        else:
            _, created = Obligation.objects.get_or_create(code=spec["code"], defaults=defaults)
            made += created
    return made
