"""The fixed vocabularies of the roster (values are stored; labels are what users see)."""

from django.db import models

# The import statuses are shared with the honours list import: defined once, in core.
from core.models import ImportJobStatus, ImportStatus  # noqa: F401


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Ethnicity(models.TextChoices):
    """The 56 民族 with their GB/T 3304 codes."""

    HAN = "01", "汉族"
    MONGOL = "02", "蒙古族"
    HUI = "03", "回族"
    TIBETAN = "04", "藏族"
    UYGHUR = "05", "维吾尔族"
    MIAO = "06", "苗族"
    YI = "07", "彝族"
    ZHUANG = "08", "壮族"
    BOUYEI = "09", "布依族"
    KOREAN = "10", "朝鲜族"
    MANCHU = "11", "满族"
    DONG = "12", "侗族"
    YAO = "13", "瑶族"
    BAI = "14", "白族"
    TUJIA = "15", "土家族"
    HANI = "16", "哈尼族"
    KAZAKH = "17", "哈萨克族"
    DAI = "18", "傣族"
    LI = "19", "黎族"
    LISU = "20", "傈僳族"
    VA = "21", "佤族"
    SHE = "22", "畲族"
    GAOSHAN = "23", "高山族"
    LAHU = "24", "拉祜族"
    SUI = "25", "水族"
    DONGXIANG = "26", "东乡族"
    NAXI = "27", "纳西族"
    JINGPO = "28", "景颇族"
    KYRGYZ = "29", "柯尔克孜族"
    TU = "30", "土族"
    DAUR = "31", "达斡尔族"
    MULAO = "32", "仫佬族"
    QIANG = "33", "羌族"
    BLANG = "34", "布朗族"
    SALAR = "35", "撒拉族"
    MAONAN = "36", "毛南族"
    GELAO = "37", "仡佬族"
    XIBE = "38", "锡伯族"
    ACHANG = "39", "阿昌族"
    PUMI = "40", "普米族"
    TAJIK = "41", "塔吉克族"
    NU = "42", "怒族"
    UZBEK = "43", "乌孜别克族"
    RUSSIAN = "44", "俄罗斯族"
    EVENK = "45", "鄂温克族"
    DEANG = "46", "德昂族"
    BONAN = "47", "保安族"
    YUGUR = "48", "裕固族"
    GIN = "49", "京族"
    TATAR = "50", "塔塔尔族"
    DERUNG = "51", "独龙族"
    OROQEN = "52", "鄂伦春族"
    HEZHEN = "53", "赫哲族"
    MONBA = "54", "门巴族"
    LHOBA = "55", "珞巴族"
    JINO = "56", "基诺族"


class Category(models.TextChoices):
    LEAGUE_MEMBER = "league_member", "团员"
    YOUNG_PIONEER = "young_pioneer", "少先队员"
    YOUTH = "youth", "青年"


class Status(models.TextChoices):
    ACTIVE = "active", "在册"
    TRANSFERRED_OUT = "transferred_out", "已转出"
    AGED_OUT = "aged_out", "超龄离团"
    WITHDRAWN = "withdrawn", "退团/离队"
    REMOVED = "removed", "除名"


class Education(models.TextChoices):
    DOCTORATE = "doctorate", "研究生（博士）"
    MASTER = "master", "研究生（硕士）"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    VOCATIONAL = "vocational", "中等职业教育"
    HIGH_SCHOOL = "high_school", "普通高中"
    JUNIOR_HIGH = "junior_high", "初中"
    PRIMARY = "primary", "小学"
    OTHER = "other", "其他"


class Occupation(models.TextChoices):
    STUDENT = "student", "学生"
    ENTERPRISE = "enterprise", "企业职工"
    PUBLIC_SECTOR = "public_sector", "机关事业单位工作人员"
    TEACHER = "teacher", "教师"
    MEDICAL = "medical", "医务人员"
    FARMER = "farmer", "农民"
    MIGRANT_WORKER = "migrant_worker", "进城务工人员"
    SELF_EMPLOYED = "self_employed", "个体经营/自由职业"
    SOCIAL_ORGANISATION = "social_org", "社会组织从业人员"
    MILITARY = "military", "军人"
    UNEMPLOYED = "unemployed", "待业/无业"
    OTHER = "other", "其他"


class CadreKind(models.TextChoices):
    FULL_TIME = "full_time", "专职"
    PART_TIME = "part_time", "兼职"
    SECONDED = "seconded", "挂职"


class CounsellorRole(models.TextChoices):
    CHIEF = "chief", "总辅导员"
    BRIGADE = "brigade", "大队辅导员"
    SQUADRON = "squadron", "中队辅导员"


class Stage(models.TextChoices):
    APPLICANT = "applicant", "入团申请人"
    ACTIVIST = "activist", "入团积极分子"
    CANDIDATE = "candidate", "发展对象"
    ADMITTED = "admitted", "已接收为团员"
    STOPPED = "stopped", "已终止"


OPEN_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE)


class TransferStatus(models.TextChoices):
    REQUESTED = "requested", "待接收"
    ACCEPTED = "accepted", "已接收"
    REJECTED = "rejected", "已退回"
    CANCELLED = "cancelled", "已撤回"


class TransferReason(models.TextChoices):
    STUDY = "study", "升学"
    EMPLOYMENT = "employment", "就业"
    JOB_CHANGE = "job_change", "工作调动"
    RELOCATION = "relocation", "迁居"
    ORGANISATION_CHANGE = "restructure", "组织调整"
    OTHER = "other", "其他"


class CohortLevel(models.TextChoices):
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "普通高中"
    VOCATIONAL = "vocational", "中职"
