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
    # The yearly figures a committee's summary states (added with the report patterns).
    ("volunteer_wishes", "认领实现“微心愿”", "个", "volunteer", "", "month", "sum", "sum", 0, ""),
    ("volunteer_certificates", "发放志愿服务证书", "本", "volunteer", "", "month", "sum", "sum", 0, ""),
    (
        "two_new_organisations",
        "两新组织新建团组织",
        "个",
        "building",
        "",
        "month",
        "sum",
        "sum",
        0,
        "在非公有制企业和社会组织中新建的团组织。",
    ),
    (
        "party_recommendations",
        "推优入党",
        "人",
        "members",
        "",
        "month",
        "sum",
        "sum",
        0,
        "推荐优秀团员作为入党积极分子人选。",
    ),
    ("graduates_linked", "完成学社衔接的毕业团员", "人", "members", "", "month", "sum", "sum", 0, ""),
    (
        "graduates_due",
        "应学社衔接的毕业团员",
        "人",
        "members",
        "",
        "month",
        "sum",
        "sum",
        0,
        "离校毕业团员人数，用于计算学社衔接率。",
    ),
    ("pioneer_ceremonies", "少先队入队仪式", "场", "pioneers", "", "month", "sum", "sum", 0, ""),
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
    (
        "school_community_rate",
        "学社衔接率",
        "%",
        "members",
        1,
        "graduates_linked",
        "graduates_due",
        "完成学社衔接的毕业团员 ÷ 应衔接毕业团员 × 100。",
    ),
]

# How the report writes each standard indicator: (sentence pattern, measure word, order in its
# sentence, written). The patterns reproduce what the compiler wrote before they were editable;
# staff change them on the indicator page. Indicators of one category (outreach: and platform)
# placed in one dimension form one sentence (reports.compiler.indicators).
REPORT_PATTERNS = {
    "study_person_times": ("{period}累计参学{value}", "", 10, True),
    "study_base": ("应学{value}", "", 20, True),
    "study_rate": ("参学率{value}", "", 30, True),
    "wechat_posts": ("累计共发布信息{value}", "", 10, True),
    "wechat_reads": ("累计阅读{value}", "", 20, True),
    "wechat_pickups": ("被上级媒体采用{value}", "", 30, True),
    "weibo_posts": ("累计共发布信息{value}", "", 10, True),
    "weibo_reads": ("累计阅读{value}", "", 20, True),
    "video_posts": ("累计共发布信息{value}", "", 10, True),
    "video_views": ("累计播放{value}", "", 20, True),
    "volunteers": ("现有注册青年志愿者{value}", "名", 5, True),
    "volunteer_person_times": ("组织青年志愿者开展志愿服务{value}", "人次", 10, True),
    "volunteer_hours": ("累计服务时长{value}", "小时", 20, True),
    "volunteer_beneficiaries": ("服务群众{value}", "人次", 30, True),
    "volunteer_wishes": ("认领实现“微心愿”{value}", "个", 40, True),
    "volunteer_certificates": ("发放志愿服务证书{value}", "本", 50, True),
    "appraisal_members": ("参加评议团员{value}", "名", 10, True),
    "appraisal_excellent": ("评定优秀团员{value}", "名", 20, True),
    "appraisal_excellent_rate": ("占{value}", "", 25, True),
    "appraisal_qualified": ("合格团员{value}", "名", 30, True),
    "appraisal_basic": ("基本合格团员{value}", "名", 40, True),
    "appraisal_unqualified": ("不合格团员{value}", "名", 50, True),
    "registration_members": ("完成团籍注册团员{value}", "名", 60, True),
    # An organisation count for the 团籍注册 obligation: the obligations builder states it.
    "registration_done": ("", "", 100, False),
    "new_organisations": ("新建团组织{value}", "个", 10, True),
    "two_new_organisations": ("在非公有制企业和社会组织中新建团组织{value}", "个", 15, True),
    "terms_renewed": ("按期换届团组织{value}", "个", 20, True),
    "delegates_elected": ("选举产生团代表{value}", "名", 30, True),
    "cadre_contacts": ("推动团干部直接联系青年{value}", "名", 40, True),
    "dues_collected": ("收缴团费{value}", "元", 90, True),
    "party_recommendations": ("推优入党{value}", "名", 10, True),
    "graduates_linked": ("完成毕业团员学社衔接{value}", "名", 20, True),
    "graduates_due": ("", "", 100, False),
    "school_community_rate": ("学社衔接率{value}", "", 30, True),
    "pioneer_ceremonies": ("举行少先队入队仪式{value}", "场", 10, True),
}


def _report_fields(Indicator, code: str) -> dict:
    """The report settings of a standard indicator, as far as the (historical) model has them."""
    names = {f.name for f in Indicator._meta.get_fields()}
    if code not in REPORT_PATTERNS or "report_pattern" not in names:
        return {}
    pattern, unit, order, written = REPORT_PATTERNS[code]
    return dict(report_pattern=pattern, report_unit=unit, report_order=order, in_report=written)


def install(Indicator) -> None:
    """Create the standard indicators that are missing (works with a migration's historical model)
    and give a standard indicator without a sentence pattern its standard one."""
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
                **_report_fields(Indicator, code),
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
                **_report_fields(Indicator, code),
            ),
        )
        position += 10
    for code in REPORT_PATTERNS:
        fields = _report_fields(Indicator, code)
        if fields:
            # Only where staff have not written their own: an edited pattern is theirs.
            Indicator.objects.filter(code=code, report_pattern="", in_report=True).update(**fields)
