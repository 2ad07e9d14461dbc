"""Demo work plans and reports.

The work plan for 2024 H2 carries the targets the district set itself in its summary of
2024 H1 (a study session a month and 8 hours of study for committee cadres, quarterly
regular meetings, the 30% league-to-youth ceiling, seven entrepreneurship trainings in
July and August ...), so that the report for 2024 H1 shows them in its section 三. The
report for 2024 H1 is left for staff to compile; the one for the last complete half year is
compiled and finalised, so leadership has a report to download.
"""

from dataclasses import dataclass

from accounts.models import Role, User

from . import services
from .models import PlanItem, Report

PLAN_2024_H2 = [
    (
        "从严治团",
        "健全机关团干部学习制度，每月开展一场专题学习活动，机关团干部每月学习不少于8小时。落实“4+1”工作制度，"
        "机关专职团干部每周到基层团组织工作1天，每季度为联系的基层团组织提出1条工作建议或帮助解决1个实际困难。"
        "实行直管团组织季度例会制度和学校团队工作例会制度，每季度召开一次。严格按照团章规定的标准和程序发展团员，做好发展团员调控工作。",
    ),
    (
        "“青年大学习”行动",
        "组建区级“青年大学习”宣讲分队和小队，面向全区团员青年开展宣讲交流；指导基层团组织按照重点内容安排表分层分类开展学习，"
        "推动学习制度化、常态化。",
    ),
    (
        "推进改革攻坚",
        "按照共青团改革实施方案的步骤和措施加大推进力度，配齐区团委挂职、兼职干部，专职团干部人数达到要求。"
        "推广中学团校，实现辖区中学全部建成团校，初中毕业班团青比例控制在30%以内。",
    ),
    (
        "“网上共青团”建设",
        "统筹用好微信、微博等原有平台和“青年之声”“青年之家”等新平台，每月在新媒体平台推出精神文明相关宣传内容。",
    ),
    (
        "青年就业创业行动",
        "围绕大众创业、万众创新，组织开展创业创新沙龙进社区活动；7-8月组织街道团工委开展创业创新培训7场，引导青年投身创新创业。",
    ),
    (
        "青年志愿者行动",
        "推动“雷锋超市”志愿服务站与“青年之家”青少年综合服务平台建设，在下半年重要节日节点开展活动；"
        "开展“12·5”国际志愿者日系列活动，组织环境整治、文明交通劝导等青年志愿服务。",
    ),
    (
        "青少年维权",
        "加大对青少年事务社工队伍的支持力度，打造专业青少年社工队伍，探索预防青少年违法犯罪工作的有效机制。",
    ),
]

PLAN_2026_H2 = [
    (
        "从严治团",
        "每月开展一场专题学习活动，机关团干部每月学习不少于8小时；每季度召开直管团组织例会和学校团队工作例会。",
    ),
    ("青年志愿者行动", "围绕重要节日节点常态化开展“雷锋超市”主题教育，12月开展“12·5”国际志愿者日系列活动。"),
    ("“网上共青团”建设", "每月在新媒体平台推出宣传内容，全年公众号发布信息不少于300期。"),
]

PROBLEMS = [
    "基层团干部兼职居多，队伍流动性大、精力分散，专业化水平有待提高，影响基层团组织工作的持续开展",
    "新的网络媒体平台不断涌现，如何用好自身优势占据舆论阵地、吸引更多青年参与互动，还需深入研究",
    "对共青团改革部分任务的传达还不够深入透彻，改革措施的落实需要进一步加强与相关部门的沟通协调",
]


@dataclass
class DemoReports:
    plan_items: int
    reports: int


def load(rng, tree, *, finalise_year: int = 2026, finalise_half: int = 1) -> DemoReports:
    district = tree.district
    rows = []
    for (year, half), plan in (
        ((2024, 2), PLAN_2024_H2),
        ((finalise_year, 2 if finalise_half == 1 else 1), PLAN_2026_H2),
    ):
        for position, (heading, body) in enumerate(plan, start=1):
            rows.append(
                PlanItem(organisation=district, year=year, half=half, position=position, heading=heading, body=body)
            )
    PlanItem.objects.bulk_create(rows)
    _link_obligations(
        rows[0],
        [
            "monthly_thematic_study",
            "monthly_study_hours",
            "four_plus_one",
            "directly_managed_regular_meeting",
            "school_work_meeting",
        ],
    )

    staff = User.objects.filter(role=Role.STAFF).order_by("pk").first()
    report = services.report_start(organisation=district, year=finalise_year, half=finalise_half, user=staff)
    services.report_compile(report=report, user=staff)
    for problem in PROBLEMS:
        services.report_add_item(report=report, section="problems", text=problem)
    services.report_finalise(report=report, user=staff)
    # Render the files now rather than waiting for a worker: the demo starts complete.
    services.report_run_job(report_id=report.pk)
    return DemoReports(plan_items=len(rows), reports=1)


def _link_obligations(plan_item: PlanItem, codes: list[str]) -> None:
    """The plan's hard targets are the obligations the reminders enforce."""
    from obligations.models import Obligation

    plan_item.obligations.set(Obligation.objects.filter(code__in=codes))


def reset() -> None:
    Report.objects.all().delete()
    PlanItem.objects.all().delete()
    Report.history.all().delete()
    PlanItem.history.all().delete()
