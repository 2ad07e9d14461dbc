"""The .docx follows GB/T 9704: reopen it and check the page, the fonts and the numbering."""

import io
import zipfile
from datetime import UTC, datetime

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from reports.content import Figure, Item, ReportContent, Subsection
from reports.exporters import page
from reports.exporters.docx import render_docx


def sample() -> ReportContent:
    return ReportContent(
        title="测试区团委2024年上半年工作总结及下半年工作计划",
        opening=Item(
            "opening", "2024年上半年，区团委在区委和上级团组织的正确领导下开展工作。现将上半年工作情况总结如下："
        ),
        achievements=[
            Subsection(
                "unite_youth",
                "凝聚青年",
                "紧扣时代主题",
                [
                    Item(
                        "campaign:1",
                        "开展主题团日活动{count}，覆盖{persons}名团员青年",
                        {"count": Figure(34, "场", "campaign_activities", "yu"), "persons": Figure(4560)},
                    ),
                    Item("x", "常态化开展青年大学习。"),
                ],
            ),
            Subsection("serve_overall", "服务大局", "推动青年创新创优", [Item("y", "开展保护母亲河活动")]),
        ],
        problems=[Item("p1", "基层团干兼职居多"), Item("p2", "新媒体运用有待加强")],
        plan=[Item("plan:1", "每月开展一场专题学习活动，机关团干部每月学习不少于8小时。", heading="从严治团")],
        signature="共青团测试区委员会",
        date_text="2024年7月10日",
    )


def east_asia(run) -> str | None:
    fonts = run._element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def reopen() -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(sample())))


def test_page_is_a4_with_official_margins():
    section = reopen().sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


def test_title_is_song_display_22pt_centred():
    title = reopen().paragraphs[0]
    assert title.text == "测试区团委2024年上半年工作总结\n及下半年工作计划"  # one paragraph, a line break
    assert title.alignment == 1  # centre
    run = title.runs[0]
    assert east_asia(run) == "方正小标宋简体" and run.font.size == Pt(22)


def test_body_is_fangsong_16pt_indented_with_fixed_spacing():
    body = reopen().paragraphs[1]
    assert body.text.startswith("2024年上半年")
    assert east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.line_spacing == Pt(28)
    assert body.paragraph_format.line_spacing_rule == 4  # EXACTLY
    assert body._p.pPr.ind.get(qn("w:firstLineChars")) == "200"


def test_headings_use_heiti_and_kaiti_and_items_are_numbered():
    paragraphs = reopen().paragraphs
    texts = [p.text for p in paragraphs]
    first = texts.index("一、主要做法和成效")
    assert east_asia(paragraphs[first].runs[0]) == "黑体"
    dimension = paragraphs[first + 1]
    assert dimension.runs[0].text == "（一）凝聚青年，紧扣时代主题。"
    assert east_asia(dimension.runs[0]) == "楷体_GB2312"
    assert east_asia(dimension.runs[1]) == "仿宋_GB2312"
    assert dimension.runs[1].text == "一是开展主题团日活动30余场，覆盖4560名团员青年。二是常态化开展青年大学习。"
    assert texts[first + 2].startswith("（二）服务大局")
    assert "一是基层团干兼职居多。二是新媒体运用有待加强。" in texts
    plan = paragraphs[texts.index("三、下半年工作计划") + 1]
    assert plan.runs[0].text == "（一）从严治团。" and east_asia(plan.runs[0]) == "楷体_GB2312"
    assert "每月学习不少于8小时" in plan.text


def test_footer_has_page_numbers_in_dashes_odd_right_even_left():
    document = reopen()
    section = document.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text.startswith("— ") and odd.text.endswith(" —")
    assert "PAGE" in odd._p.xml and "PAGE" in even._p.xml
    assert odd.alignment == 2 and even.alignment == 0  # right, left
    assert document.settings.odd_and_even_pages_header_footer


def test_every_run_sets_an_east_asian_font():
    document = reopen()
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.text.strip():
                assert east_asia(run), run.text


# --- The title's lines, the signature, the grid, the properties (GB/T 9704-2012) -------------

TITLES = [
    "测试区团委2024年上半年工作总结及下半年工作计划",
    "共青团测试区委员会2024年下半年工作总结及2025年上半年工作计划",
    "共青团某某市某某区某某街道工作委员会2024年上半年工作总结及下半年工作计划",
    "关于开展“我们的节日”雷锋超市主题教育暨2024年学雷锋志愿服务月活动的工作总结和下半年工作计划",
]
WORDS = ("工作总结", "工作计划", "上半年", "下半年", "2024年", "2025年", "“我们的节日”", "共青团测试区委员会")


def test_a_title_line_holds_what_the_text_block_holds_at_22pt():
    # 156 mm of text block / 22 pt = 442.2 pt / 22 pt = 20.1: twenty CJK characters.
    assert page.TITLE_LINE_EM == 20
    assert page.text_em("测试区团委2024年") == 5 + 2 + 1  # digits are half width


@pytest.mark.parametrize("title", TITLES)
def test_long_titles_break_between_words_into_balanced_lines(title):
    lines = page.title_lines(title)
    assert "".join(lines) == title and len(lines) > 1
    widths = [page.text_em(line) for line in lines]
    assert max(widths) <= page.TITLE_LINE_EM
    assert min(widths) >= max(widths) / 2
    for word in WORDS:
        if word in title:
            assert any(word in line for line in lines), (word, lines)


def test_the_usual_title_breaks_before_its_conjunction():
    assert page.title_lines(TITLES[0]) == ["测试区团委2024年上半年工作总结", "及下半年工作计划"]
    assert page.title_lines("测试区团委2024年上半年工作总结") == ["测试区团委2024年上半年工作总结"]


def test_the_docx_title_is_one_paragraph_with_a_line_break_between_its_lines():
    title = reopen().paragraphs[0]
    breaks = title._p.findall(f".//{qn('w:br')}")
    assert len(breaks) == 1 and title.text.split("\n") == page.title_lines(sample().title)
    mark = title._p.pPr.find(qn("w:rPr")).find(qn("w:rFonts"))
    assert mark.get(qn("w:eastAsia")) == "方正小标宋简体"


def test_signature_and_date_are_laid_out_for_a_single_issuer():
    paragraphs = reopen().paragraphs
    blank, issuer, day = paragraphs[-3:]
    assert (blank.text, issuer.text, day.text) == ("", "共青团测试区委员会", "2024年7月10日")
    # The blank line is a body line: fixed spacing, FangSong 16 pt on its paragraph mark.
    assert blank.paragraph_format.line_spacing == Pt(28) and blank.paragraph_format.line_spacing_rule == 4
    mark = blank._p.pPr.find(qn("w:rPr"))
    assert mark.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert mark.find(qn("w:sz")).get(qn("w:val")) == "32"
    # The date four characters in from the right; the issuer centred on it.
    assert day.alignment == 2 and day._p.pPr.ind.get(qn("w:rightChars")) == "400"
    date_em, issuer_em = page.text_em("2024年7月10日"), page.text_em("共青团测试区委员会")
    assert (date_em, issuer_em) == (6.5, 9)
    assert issuer.alignment == 2
    assert issuer._p.pPr.ind.get(qn("w:rightChars")) == str(round((4 + (date_em - issuer_em) / 2) * 100))  # 275
    assert issuer.paragraph_format.right_indent == Pt(2.75 * 16)


def test_the_character_grid_is_28_by_22():
    section = reopen().sections[0]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "linesAndChars"
    width_pt = (section.page_width - section.left_margin - section.right_margin) / 12700
    height_twips = (section.page_height - section.top_margin - section.bottom_margin) / 635
    pitch = int(grid.get(qn("w:linePitch")))
    assert 22 * pitch <= height_twips < 23 * pitch and pitch == 579
    char_pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
    assert abs(28 * char_pitch - width_pt) < 0.1


def test_document_properties_name_the_committee_and_nothing_of_the_library():
    created = datetime(2024, 7, 1, 9, 30, tzinfo=UTC)
    data = render_docx(sample(), author="共青团测试区委员会", created=created)
    document = docx.Document(io.BytesIO(data))
    props = document.core_properties
    assert props.title == sample().title and props.author == "共青团测试区委员会"
    assert props.language == "zh-CN" and props.last_modified_by == "共青团测试区委员会"
    assert props.created == created
    assert props.modified > props.created  # the render's own time
    assert props.comments == "" and props.subject == "" and props.keywords == ""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert not any("thumbnail" in name for name in archive.namelist())
    for name in archive.namelist():
        assert b"python-docx" not in archive.read(name), name
    app = archive.read("docProps/app.xml").decode()
    assert "<Application>youthleague</Application>" in app and "Microsoft" not in app
    settings_xml = archive.read("word/settings.xml").decode()
    assert 'w:eastAsia="zh-CN"' in settings_xml and "ja-JP" not in settings_xml


def test_author_defaults_to_the_signature():
    assert reopen().core_properties.author == "共青团测试区委员会"
