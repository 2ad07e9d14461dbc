"""The roster import's columns: the portal's template, the headers other rosters use for them,
and how their cells are read (dates, choices).

A roster is read by header, never by position. Besides the template's own headers, the
headers of the national system's (智慧团建) member export and of rosters committees keep by
hand are recognised (``SYNONYMS``); any other column is listed as ignored on the result page.
"""

import re
import unicodedata
from datetime import date

from core.xlsx import TemplateColumn, normalise_header

from ..choices import Category, Education, Ethnicity, Gender, Occupation
from ..idcard import check_character


class Col:
    NAME = "姓名"
    ID_NUMBER = "身份证号码"
    GENDER = "性别"
    BIRTH_DATE = "出生日期"
    ETHNICITY = "民族"
    PHONE = "手机号码"
    ORGANISATION = "所属组织"
    CATEGORY = "人员类别"
    JOINED = "入团日期"
    MEMBER_NUMBER = "团员编号"
    DEVELOPMENT_NUMBER = "发展团员编号"
    EDUCATION = "学历"
    OCCUPATION = "职业类别"


def _labels(choices) -> tuple[str, ...]:
    return tuple(label for _value, label in choices)


def choice_labels(choices) -> str:
    return "、".join(label for _value, label in choices)


COLUMNS = [
    TemplateColumn(Col.NAME, width=12, required=True, note="必填。"),
    TemplateColumn(
        Col.ID_NUMBER,
        width=22,
        text=True,
        required=True,
        note="必填。18位居民身份证号码。本列为文本格式，请勿改成数字格式，否则号码会变成科学计数法并丢失末几位。",
    ),
    TemplateColumn(Col.GENDER, width=6, note="男 或 女；留空则按身份证号码。", choices=_labels(Gender.choices)),
    TemplateColumn(Col.BIRTH_DATE, width=12, text=True, note="如 2006-03-18；留空则按身份证号码，须与身份证号码一致。"),
    TemplateColumn(Col.ETHNICITY, width=10, note="如 汉族、壮族；留空为汉族。", choices=_labels(Ethnicity.choices)),
    TemplateColumn(Col.PHONE, width=14, text=True, note="11位大陆手机号码，可留空。"),
    TemplateColumn(
        Col.ORGANISATION, width=30, note="组织全称或简称，须为导入时所选组织或其下级组织；留空则为所选组织。"
    ),
    TemplateColumn(
        Col.CATEGORY,
        width=10,
        required=True,
        note=f"必填：{choice_labels(Category.choices)}。",
        choices=_labels(Category.choices),
    ),
    TemplateColumn(
        Col.JOINED,
        width=12,
        text=True,
        note="团员填写，如 2020-05-04，只知年月的填 2020-05。2017年起入团的须年满13周岁，此前入团的须年满12周岁。",
    ),
    TemplateColumn(Col.MEMBER_NUMBER, width=18, text=True, note="可留空。"),
    TemplateColumn(
        Col.DEVELOPMENT_NUMBER, width=18, text=True, note="入团时编定的发展团员编号，前四位为入团年份；可留空。"
    ),
    TemplateColumn(
        Col.EDUCATION,
        width=14,
        note=f"可留空：{choice_labels(Education.choices)}。",
        choices=_labels(Education.choices),
    ),
    TemplateColumn(
        Col.OCCUPATION,
        width=16,
        note=f"可留空：{choice_labels(Occupation.choices)}。",
        choices=_labels(Occupation.choices),
    ),
]

# The template's grey sample row (row 2): how a row is filled in. Skipped on import while it is
# left as written; its ID number is well formed but made up (the checksum holds, the person
# does not exist).
SAMPLE_ROW = {
    Col.NAME: "王小明（示例）",
    Col.ID_NUMBER: "11010120060318001" + check_character("11010120060318001"),
    Col.GENDER: "男",
    Col.BIRTH_DATE: "2006-03-18",
    Col.ETHNICITY: "汉族",
    Col.CATEGORY: "团员",
    Col.JOINED: "2021-05-04",
}

# Other names of the template's columns: the national system's export (智慧团建: 证件号码,
# 入团时间, 所在团组织 …) and rosters kept by hand. Only names that mean the same thing: 出生年月
# (often a month only), 职业 (another vocabulary) and 团员证号 (another numbering) are not here,
# so they are listed as ignored rather than read as something they are not.
OTHER_NAMES = {
    Col.NAME: ["名字", "团员姓名", "成员姓名"],
    Col.ID_NUMBER: ["身份证号", "身份证", "公民身份号码", "公民身份证号码", "身份证件号码", "证件号码", "证件号"],
    Col.PHONE: ["手机号", "手机", "移动电话", "联系电话", "联系方式"],
    Col.ORGANISATION: ["所在团组织", "所属团组织", "所在组织", "所在支部", "所在团支部", "所属团支部"],
    Col.CATEGORY: ["类别"],
    Col.JOINED: ["入团时间", "入团年月"],
    Col.DEVELOPMENT_NUMBER: ["发展编号"],
    Col.EDUCATION: ["文化程度", "最高学历"],
}
SYNONYMS = {normalise_header(c.header): c.header for c in COLUMNS}
SYNONYMS.update({normalise_header(name): column for column, names in OTHER_NAMES.items() for name in names})
# Headers left out of the "ignored columns" note: the row number every list starts with.
UNREMARKABLE = {"序号"}

# The headers a roster must have. The national system exports league members only, without a
# 人员类别 column: its 入团时间 stands in for it (every row is then a league member, said on the page).
REQUIRED_HEADERS = [Col.NAME, Col.ID_NUMBER, (Col.CATEGORY, Col.JOINED)]

# Model field → the column that carries it, for the model's own validation messages.
FIELD_COLUMNS = {
    "name": Col.NAME,
    "id_number": Col.ID_NUMBER,
    "gender": Col.GENDER,
    "birth_date": Col.BIRTH_DATE,
    "ethnicity": Col.ETHNICITY,
    "phone": Col.PHONE,
    "organisation": Col.ORGANISATION,
    "category": Col.CATEGORY,
    "joined_league_on": Col.JOINED,
    "member_number": Col.MEMBER_NUMBER,
    "development_number": Col.DEVELOPMENT_NUMBER,
    "education": Col.EDUCATION,
    "occupation": Col.OCCUPATION,
}


# --- Dates -------------------------------------------------------------------------------

_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?: 00:00(?::00)?)?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
_MONTH_PATTERNS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月?$"),
    re.compile(r"^(\d{4})(\d{2})$"),
]


def parse_date_text(text: str) -> date:
    """Dates as people type them: 2006-03-18, 2006/3/18, 2006.3.18, 2006年3月18日, 20060318."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).replace(" ", "")
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)  # ValueError for 2006-02-30
    raise ValueError(text)


def parse_month_text(text: str) -> date:
    """A date, or a year and month as the national system writes 入团年月 (2019-05, 2019年5月,
    201905): then the first of that month."""
    try:
        return parse_date_text(text)
    except ValueError:
        pass
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).replace(" ", "")
    for pattern in _MONTH_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month = (int(g) for g in match.groups())
            return date(year, month, 1)  # ValueError for 2019-13
    raise ValueError(text)


# --- Choices -----------------------------------------------------------------------------


def _choice_lookup(choices, *extra: tuple[str, str]) -> dict[str, str]:
    table = {}
    for value, label in choices:
        table[str(value).lower()] = value
        table[str(label)] = value
    for alias, value in extra:
        table[alias] = value
    return table


GENDERS = _choice_lookup(Gender.choices, ("男性", "M"), ("女性", "F"))
ETHNICITIES = _choice_lookup(
    Ethnicity.choices, *((label.removesuffix("族"), value) for value, label in Ethnicity.choices)
)
CATEGORIES = _choice_lookup(Category.choices, ("共青团员", Category.LEAGUE_MEMBER), ("队员", Category.YOUNG_PIONEER))
EDUCATIONS = _choice_lookup(
    Education.choices,
    ("博士", Education.DOCTORATE),
    ("博士研究生", Education.DOCTORATE),
    ("硕士", Education.MASTER),
    ("硕士研究生", Education.MASTER),
    ("本科", Education.BACHELOR),
    ("大专", Education.COLLEGE),
    ("专科", Education.COLLEGE),
    ("高职", Education.COLLEGE),
    ("中专", Education.VOCATIONAL),
    ("中职", Education.VOCATIONAL),
    ("职高", Education.VOCATIONAL),
    ("技校", Education.VOCATIONAL),
    ("高中", Education.HIGH_SCHOOL),
)
OCCUPATIONS = _choice_lookup(Occupation.choices)
