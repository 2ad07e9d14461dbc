"""The half-year report as a .docx in the format of GB/T 9704 (党政机关公文格式).

A4; margins 37/35/28/26 mm (top/bottom/left/right); the title in a Song-style display face at
22 pt (二号), centred; the body in FangSong at 16 pt (三号) with a two-character first-line
indent and a fixed 28 pt line spacing; ``一、`` headings in HeiTi, ``（一）`` headings in KaiTi;
page numbers ``— N —`` in Song 14 pt (四号) at the foot, odd pages right and even pages left.

Word and WPS choose a Chinese font from the run's ``w:eastAsia`` attribute; setting only the
font name changes the Latin text alone. Every run here sets all four slots.
"""

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..content import ReportContent
from ..presentation import paragraphs

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

BODY_SIZE = Pt(16)
TITLE_SIZE = Pt(22)
LINE_SPACING = Pt(28)


def set_run_font(run, east_asia: str, size, *, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def _body_format(paragraph, *, indent: bool = True) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_SPACING
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        # Two characters, as Word counts them (w:firstLineChars is in hundredths of a character).
        fmt.first_line_indent = Pt(32)
        ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "200")


def _paragraph(document, runs: list[tuple[str, str]], *, indent: bool = True, align=None):
    paragraph = document.add_paragraph()
    _body_format(paragraph, indent=indent)
    if align is not None:
        paragraph.alignment = align
    for text, font in runs:
        if text:
            set_run_font(paragraph.add_run(text), font, BODY_SIZE)
    return paragraph


def _page_number_footer(footer, align) -> None:
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = align
    # One character in from the edge: 14 pt Song, per GB/T 9704 §7.5.
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = Pt(14)
    else:
        paragraph.paragraph_format.left_indent = Pt(14)
    set_run_font(paragraph.add_run("— "), PAGE_NUMBER_FONT, Pt(14))
    run = paragraph.add_run()
    set_run_font(run, PAGE_NUMBER_FONT, Pt(14))
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == "PAGE":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = " PAGE "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._element.append(element)
    set_run_font(paragraph.add_run(" —"), PAGE_NUMBER_FONT, Pt(14))


def render_docx(content: ReportContent) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28 - 7)  # the page number sits 7 mm below the text block

    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    document.settings.odd_and_even_pages_header_footer = True
    _page_number_footer(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number_footer(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    signature_started = False
    for paragraph in paragraphs(content):
        if paragraph.kind == "title":
            title = document.add_paragraph()
            title.alignment = WD_ALIGN_PARAGRAPH.CENTER
            title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            title.paragraph_format.line_spacing = Pt(35)
            title.paragraph_format.space_after = Pt(28)
            set_run_font(title.add_run(paragraph.text), TITLE_FONT, TITLE_SIZE)
        elif paragraph.kind == "h1":
            _paragraph(document, [(paragraph.text, HEI_FONT)])
        elif paragraph.kind == "h2":
            _paragraph(document, [(paragraph.lead, KAI_FONT), (paragraph.text, BODY_FONT)])
        elif paragraph.kind == "signature":
            if not signature_started:
                document.add_paragraph()  # a blank line before the signature, as 公文 do
                signature_started = True
            line = _paragraph(document, [(paragraph.text, BODY_FONT)], indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
            line.paragraph_format.right_indent = Pt(64)  # four characters in from the right
        else:
            _paragraph(document, [(paragraph.text, BODY_FONT)])

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
