"""The standard indicator catalogue, installed by a data migration.

Staff add more in the portal; these are the ones the half-year report reads by code.
Each spec: code, name, unit, category, platform, period kind, over time, over tree,
decimals, description; derived ones name (numerator, denominator) codes.
"""

STANDARD_INDICATORS = [
    # 青年大学习: entered per issue. The base is entered per issue too, so over a period
    # both add up and the rate is the weighted one (total attendances / total expected).
    ("study_person_times", "青年大学习参学人次", "人次", "study", "", "issue", "sum", "sum", 0, "每期实际参学人次。"),
    (
        "study_base",
        "青年大学习应学人次",
        "人次",
        "study",
        "",
        "issue",
        "sum",
        "sum",
        0,
        "每期按当期团员基数填报；跨期累计，用于计算参学率。",
    ),
    ("wechat_posts", "微信公众号发布信息", "期", "outreach", "微信公众号", "month", "sum", "sum", 0, ""),
    ("wechat_reads", "微信公众号阅读量", "次", "outreach", "微信公众号", "month", "sum", "sum", 0, ""),
    ("wechat_pickups", "微信公众号信息被上级媒体采用", "条", "outreach", "微信公众号", "month", "sum", "sum", 0, ""),
    ("weibo_posts", "微博发布信息", "条", "outreach", "微博", "month", "sum", "sum", 0, ""),
    ("weibo_reads", "微博阅读量", "次", "outreach", "微博", "month", "sum", "sum", 0, ""),
    ("video_posts", "短视频发布", "条", "outreach", "短视频平台", "month", "sum", "sum", 0, ""),
    ("video_views", "短视频播放量", "次", "outreach", "短视频平台", "month", "sum", "sum", 0, ""),
    ("volunteers", "注册青年志愿者", "人", "volunteer", "", "month", "latest", "sum", 0, "期末在册人数（存量）。"),
    ("volunteer_person_times", "志愿服务人次", "人次", "volunteer", "", "month", "sum", "sum", 0, ""),
    ("volunteer_hours", "志愿服务时长", "小时", "volunteer", "", "month", "sum", "sum", 1, ""),
    ("volunteer_beneficiaries", "服务对象", "人次", "volunteer", "", "month", "sum", "sum", 0, ""),
    ("dues_collected", "团费收缴", "元", "dues", "", "month", "sum", "sum", 2, ""),
    (
        "appraisal_members",
        "参加教育评议团员",
        "人",
        "appraisal",
        "",
        "month",
        "latest",
        "sum",
        0,
        "每年评议后填报一次。",
    ),
    ("appraisal_excellent", "评议为优秀团员", "人", "appraisal", "", "month", "latest", "sum", 0, ""),
    ("appraisal_qualified", "评议为合格团员", "人", "appraisal", "", "month", "latest", "sum", 0, ""),
    ("appraisal_basic", "评议为基本合格团员", "人", "appraisal", "", "month", "latest", "sum", 0, ""),
    ("appraisal_unqualified", "评议为不合格团员", "人", "appraisal", "", "month", "latest", "sum", 0, ""),
    ("registration_members", "完成团籍注册团员", "人", "registration", "", "month", "latest", "sum", 0, ""),
    (
        "registration_done",
        "完成年度团籍注册的组织",
        "个",
        "registration",
        "",
        "month",
        "latest",
        "sum",
        0,
        "本组织完成注册填 1。",
    ),
    ("new_organisations", "新建团组织", "个", "building", "", "month", "sum", "sum", 0, ""),
    ("terms_renewed", "按期换届团组织", "个", "building", "", "month", "sum", "sum", 0, ""),
    ("delegates_elected", "选举产生团代表", "人", "building", "", "month", "sum", "sum", 0, ""),
    (
        "cadre_contacts",
        "团干部直接联系青年",
        "人",
        "building",
        "",
        "month",
        "latest",
        "sum",
        0,
        "“1+100”团干部联系青年制度：期末联系青年人数。",
    ),
]

# 团员教育评议: the members appraised and the four grades they may be given, entered together
# in the month of the appraisal. Entries that contradict each other are refused (appraisal_problems).
APPRAISAL_MEMBERS = "appraisal_members"
APPRAISAL_GRADES = ("appraisal_excellent", "appraisal_qualified", "appraisal_basic", "appraisal_unqualified")


def appraisal_problems(values: dict) -> dict[str, str]:
    """What is wrong with one organisation's appraisal figures of one month, by indicator code.

    ``values`` maps codes to the values that will be stored (None: nothing). The grades may not
    add up to more than the members appraised, nor be entered without them; when all four are
    entered they must account for every member appraised.
    """
    members = values.get(APPRAISAL_MEMBERS)
    grades = [values.get(code) for code in APPRAISAL_GRADES]
    entered = [value for value in grades if value is not None]
    if not entered:
        return {}
    total = sum(entered)
    if members is None:
        return {APPRAISAL_MEMBERS: "已填写评议等次人数，请同时填写参加教育评议团员数。"}
    if total > members:
        return {APPRAISAL_MEMBERS: f"评议等次人数合计{int(total)}名，超过参加教育评议团员数{int(members)}名。"}
    if len(entered) == len(grades) and total != members:
        return {
            APPRAISAL_MEMBERS: f"优秀、合格、基本合格、不合格人数合计{int(total)}名，"
            f"应等于参加教育评议团员数{int(members)}名。"
        }
    return {}


DERIVED_INDICATORS = [
    (
        "study_rate",
        "青年大学习参学率",
        "%",
        "study",
        1,
        "study_person_times",
        "study_base",
        "参学人次 ÷ 应学人次 × 100；可超过 100%。",
    ),
    ("appraisal_excellent_rate", "优秀团员比例", "%", "appraisal", 1, "appraisal_excellent", "appraisal_members", ""),
]


def install(Indicator) -> None:
    """Create the standard indicators that are missing (works with a migration's historical model)."""
    position = 10
    for (
        code,
        name,
        unit,
        category,
        platform,
        period_kind,
        over_time,
        over_tree,
        decimals,
        description,
    ) in STANDARD_INDICATORS:
        Indicator.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                unit=unit,
                category=category,
                platform=platform,
                period_kind=period_kind,
                over_time=over_time,
                over_tree=over_tree,
                decimals=decimals,
                description=description,
                position=position,
            ),
        )
        position += 10
    for code, name, unit, category, decimals, numerator, denominator, description in DERIVED_INDICATORS:
        Indicator.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                unit=unit,
                category=category,
                period_kind="month",
                over_time="sum",
                over_tree="sum",
                decimals=decimals,
                numerator=Indicator.objects.get(code=numerator),
                denominator=Indicator.objects.get(code=denominator),
                description=description,
                position=position,
            ),
        )
        position += 10
