"""The report document for Word and LibreOffice (python-docx), laid out like the PDF.

Every length is set so that it holds outside the generator too: margins in whole twips
rounded up (15 mm is 850.4 twips: 851, never 850), fixed table layouts with their grid
columns (LibreOffice sizes tables from the grid, not from the cells), exact line heights
equal to the PDF's (1.3 em), 6 pt between paragraphs. The appendix is its own section
with page numbers restarting at 1. Metadata: title, author (the issuing body), created
(the issue date), language vi-VN down to the styles (so Word and LibreOffice check the
spelling as Vietnamese), no parts left over from python-docx's template.
"""

import datetime
import functools
import io
import math
import unicodedata
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from . import documents, wording

TWIPS_PER_MM = 1440 / 25.4
TEXT_WIDTH_MM = 210 - 30 - 15
LINE_HEIGHT = 1.3  # em, as static/css/document.css
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
HEADER_DISTANCE_MM = 10
SUBJECT_INSET = 0.08  # the trích yếu is set 8% in from each side, as in the PDF
ISSUER_RULE = 0.40  # of the issuing body's name (Decree 30: 1/3 to 1/2)
# Of the trích yếu's block, as static/css/document.css: the block is as wide as the text, at
# most the 84% box. A wrapped trích yếu's longest line fills 90% of the box or more, so the
# rule is 42-47% of that line (Decree 30: 1/3 to 1/2) and more than 1/3 of the body's width.
SUBJECT_RULE = 0.42
APPENDIX_WIDTHS_CM = [0.9, 4.6, 1.3, 1.5, 1.6, 1.4, 1.5, 1.5, 2.2]
CONCLUSION_WIDTHS_CM = [0.9, 7.6, 3.8, 2.0, 2.2]
SIGNATURE_SPACE_MM = 30
QR_MM = 18
LANGUAGE = "vi-VN"
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
VML_NS = 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'


FONT_FILES = {
    False: "LiberationSerif-Regular.ttf",
    True: "LiberationSerif-Bold.ttf",
}
FONT_DIRS = ["/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation"]


@functools.lru_cache(maxsize=2)
def _advances(bold):
    """{character: advance in em} of Liberation Serif, whose advances are Times New Roman's."""
    from fontTools.ttLib import TTFont

    for folder in FONT_DIRS:
        path = Path(folder) / FONT_FILES[bold]
        if path.exists():
            font = TTFont(str(path), lazy=True)
            scale = font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            return {chr(code): metrics[name][0] / scale for code, name in font.getBestCmap().items()}
    return {}


def text_width_mm(text, size, *, bold=False):
    """How wide ``text`` sets in Times New Roman at ``size`` pt (0.5 em a letter without the font)."""
    advances = _advances(bold)
    ems = sum(advances.get(ch, 0.5) for ch in unicodedata.normalize("NFC", text))
    return ems * size * 25.4 / 72


def wrap_widths_mm(text, size, width_mm, *, bold=False):
    """The widths of the lines ``text`` breaks into in a ``width_mm`` wide box (greedy, as Word)."""
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width_mm(candidate, size, bold=bold) > width_mm:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return [text_width_mm(line, size, bold=bold) for line in lines]


def twips(mm):
    """Whole twips at least ``mm`` long: Word stores margins in twips."""
    return math.ceil(round(mm * TWIPS_PER_MM, 6))


def build(content, content_hash, *, meta, qr_png=None, serif="Times New Roman"):
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Cm, Mm, Pt, Twips

    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    document = Document()
    _clean_package(document, meta, content_hash)
    _set_language(document, qn, OxmlElement)

    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Twips(twips(210)), Twips(twips(297))
    _margins(section, Twips)
    section.header_distance = Mm(HEADER_DISTANCE_MM)
    section.footer_distance = Mm(HEADER_DISTANCE_MM)
    section.different_first_page_header_footer = True

    normal = document.styles["Normal"]
    normal.font.name = serif
    normal.font.size = Pt(14)
    fonts = normal.element.rPr.rFonts
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), serif)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = Pt(14 * LINE_HEIGHT)

    def paragraph(
        container, text="", *, bold=False, italic=False, size=14, align=None, indent=False, after=0, before=0
    ):
        para = container.add_paragraph()
        fmt = para.paragraph_format
        fmt.line_spacing = Pt(size * LINE_HEIGHT)
        fmt.space_after, fmt.space_before = Pt(after), Pt(before)
        if align is not None:
            para.alignment = align
        if indent:
            fmt.first_line_indent = Cm(1.27)
        if text:
            run = para.add_run(text)
            run.bold, run.italic = bold, italic
            run.font.size = Pt(size)
        return para

    def first(cell, text="", **kwargs):
        """The cell's own first paragraph, formatted like :func:`paragraph`."""
        para = cell.paragraphs[0]
        size = kwargs.get("size", 14)
        para.paragraph_format.line_spacing = Pt(size * LINE_HEIGHT)
        if kwargs.get("align") is not None:
            para.alignment = kwargs["align"]
        if text:
            run = para.add_run(text)
            run.bold, run.italic = kwargs.get("bold", False), kwargs.get("italic", False)
            run.font.size = Pt(size)
        return para

    def rule(para, inset_mm):
        """A horizontal rule: the top border of an empty paragraph indented ``inset_mm`` each side."""
        props = para._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        top = OxmlElement("w:top")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            top.set(qn(key), value)
        borders.append(top)
        props.append(borders)
        para.paragraph_format.left_indent = Mm(inset_mm)
        para.paragraph_format.right_indent = Mm(inset_mm)
        para.paragraph_format.line_spacing = Pt(4)
        return para

    def page_number_field(para):
        """A PAGE field in 13 pt: begin, instruction, separator, result, end, each its own run
        (LibreOffice sets the number in the paragraph's size, 14 pt, when there is no result run)."""
        para.paragraph_format.line_spacing = Pt(13 * LINE_HEIGHT)
        for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
            run = para.add_run(text if kind == "text" else None)
            run.font.size = Pt(13)
            if kind == "text":
                continue
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)

    def fixed_table(rows, widths_mm, *, borders):
        """A table whose column widths hold in Word and LibreOffice alike."""
        table = document.add_table(rows=rows, cols=len(widths_mm))
        table.autofit = False
        tbl = table._tbl
        props = tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        props.append(layout)
        width = OxmlElement("w:tblW")
        width.set(qn("w:w"), str(sum(round(w * TWIPS_PER_MM) for w in widths_mm)))
        width.set(qn("w:type"), "dxa")
        for old in props.findall(qn("w:tblW")):
            props.remove(old)
        props.append(width)
        margins = OxmlElement("w:tblCellMar")
        for edge in ("left", "right"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:w"), "57" if borders else "0")  # 1 mm inside bordered cells
            element.set(qn("w:type"), "dxa")
            margins.append(element)
        props.append(margins)
        if borders:
            table.style = "Table Grid"
        else:
            edges = OxmlElement("w:tblBorders")
            for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
                element = OxmlElement(f"w:{edge}")
                element.set(qn("w:val"), "nil")
                edges.append(element)
            props.append(edges)
        for column, width_mm in zip(tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
            column.set(qn("w:w"), str(round(width_mm * TWIPS_PER_MM)))
        for row in table.rows:
            for cell, width_mm in zip(row.cells, widths_mm, strict=True):
                cell.width = Twips(round(width_mm * TWIPS_PER_MM))
        return table

    header = content["header"]
    draft = not content_hash

    # Page numbers centred at the top from page 2 (the first page's header stays empty).
    number_para = section.header.paragraphs[0]
    number_para.alignment = center
    page_number_field(number_para)
    if content.get("sample"):
        for part in (section.header, section.first_page_header):
            _watermark(part.paragraphs[0], _("DỮ LIỆU MẪU"), parse_xml)
    if draft:
        for footer in (section.footer, section.first_page_footer):
            foot = footer.paragraphs[0]
            foot.alignment = center
            foot.add_run(_("DỰ THẢO — chưa ban hành, số liệu có thể còn thay đổi")).font.size = Pt(9)

    # The letterhead: 40% / 60% of the text width, as in the PDF.
    left_mm = TEXT_WIDTH_MM * 0.4
    top = fixed_table(1, [left_mm, TEXT_WIDTH_MM - left_mm], borders=False)
    left, right = top.rows[0].cells
    first(left, header["parent_body"].upper(), size=13, align=center)
    paragraph(left, header["issuing_body"].upper(), bold=True, size=13, align=center)
    # Decree 30: a rule 1/3 to 1/2 as long as the issuing body's name; 40%, measured.
    name_mm = min(max(wrap_widths_mm(header["issuing_body"].upper(), 13, left_mm, bold=True) or [0]), left_mm)
    rule(paragraph(left, align=center, after=4), (left_mm - ISSUER_RULE * name_mm) / 2)
    paragraph(left, header["number_line"], size=13, align=center)
    first(right, header["national_name"], bold=True, size=12.5, align=center)
    motto = paragraph(right, header["motto"], bold=True, size=13, align=center)
    motto.runs[0].underline = True
    paragraph(right, header["place_date"], italic=True, size=14, align=center, before=6)
    if draft:
        # Above the letterhead, as in the PDF.
        mark = paragraph(document, _("DỰ THẢO"), bold=True, size=12, align=WD_ALIGN_PARAGRAPH.RIGHT)
        top._tbl.addprevious(mark._p)

    paragraph(document, content["doc_type"], bold=True, align=center, before=12)
    inset = TEXT_WIDTH_MM * SUBJECT_INSET
    subject = paragraph(document, content["subject"], bold=True, align=center)
    subject.paragraph_format.left_indent = subject.paragraph_format.right_indent = Mm(inset)
    box_mm = TEXT_WIDTH_MM - 2 * inset
    lines = wrap_widths_mm(content["subject"], 14, box_mm, bold=True) or [box_mm]
    block = box_mm if len(lines) > 1 else lines[0]  # CSS width: fit-content, max-width: 84%
    rule_inset = (TEXT_WIDTH_MM - SUBJECT_RULE * block) / 2
    rule(paragraph(document, align=center, before=3, after=12), rule_inset)
    if content["document"]["corrects"]:
        paragraph(
            document,
            _("(Bản đính chính, thay thế báo cáo số %(number)s lần %(version)s)")
            % {"number": content["document"]["corrects"], "version": content["document"]["corrects_version"]},
            italic=True,
            align=center,
            after=6,
        )
    reference = content["appendix"].get("reference", "")
    for part in content["sections"]:
        paragraph(document, part["title"], bold=True, indent=True, after=6)
        texts = list(part["paragraphs"])
        if part["key"] == "results" and reference:
            texts.append(reference)
        if not texts:
            paragraph(document, _("(chưa có nội dung)"), italic=True, align=justify, indent=True, after=6)
        for text in texts:
            paragraph(document, text, align=justify, indent=True, after=6)

    # Recipients (left) and signature (right): 45% / 55%; the stamp of the digital
    # signature sits in the signer's space in the PDF.
    recipients_mm = TEXT_WIDTH_MM * 0.45
    sign = fixed_table(1, [recipients_mm, TEXT_WIDTH_MM - recipients_mm], borders=False)
    recipients, signer = sign.rows[0].cells
    first(recipients, content["recipients"]["title"], bold=True, italic=True, size=12)
    recipients.paragraphs[0].paragraph_format.space_before = Pt(12)
    for line in content["recipients"]["lines"]:
        paragraph(recipients, line, size=11)
    code = documents.verification_code(content_hash)
    if code:
        if qr_png:
            picture = paragraph(recipients, before=6)
            picture.paragraph_format.line_spacing = 1.0  # single: an exact height would clip the picture
            picture.add_run().add_picture(io.BytesIO(qr_png), width=Mm(QR_MM), height=Mm(QR_MM))
        paragraph(recipients, f"{_('Mã xác thực:')} {code}", size=10, before=2)
    authority = content["signature"]["authority"] or [""]
    first(signer, authority[0], bold=True, align=center)
    signer.paragraphs[0].paragraph_format.space_before = Pt(12)
    for line in authority[1:]:
        paragraph(signer, line, bold=True, align=center)
    space = paragraph(signer, align=center)
    space.paragraph_format.line_spacing = Mm(SIGNATURE_SPACE_MM)
    paragraph(signer, content["signature"]["name"], bold=True, align=center)

    # The appendix: a section of its own, page numbers from 1 again (shown from its page 2).
    appendix = document.add_section(WD_SECTION.NEW_PAGE)
    appendix.different_first_page_header_footer = True
    number_type = OxmlElement("w:pgNumType")
    number_type.set(qn("w:start"), "1")
    appendix._sectPr.append(number_type)
    heading = content["appendix"]
    paragraph(document, heading["label"], bold=True, align=center)
    paragraph(document, heading["title"], bold=True, align=center)
    if heading.get("note"):
        paragraph(document, heading["note"], italic=True, align=center)
    rule(paragraph(document, align=center, before=3, after=12), TEXT_WIDTH_MM * 0.35)
    columns = [_("TT"), *content["table"]["columns"]]
    with_status = len(columns) == len(APPENDIX_WIDTHS_CM)
    widths = APPENDIX_WIDTHS_CM if with_status else [*APPENDIX_WIDTHS_CM[:1], 6.8, *APPENDIX_WIDTHS_CM[2:-1]]
    rows = []
    for position, row in enumerate(content["table"]["rows"], start=1):
        values = [
            str(position),
            row["name"],
            row["measure"],
            row["target_text"] or "—",
            wording.pct(row["actual"]) if row["measure"] == "%" else wording.num(row["actual"]),
            wording.pct(row["last_year"]) if row["measure"] == "%" else wording.num(row["last_year"]),
            wording.signed(row["change"]),
            wording.pct(row["percent"]),
        ]
        if with_status:
            values.append(row["status_label"])
        rows.append(values)
    _table(fixed_table, paragraph, first, columns, rows, [w * 10 for w in widths], numeric=[0, 4, 5, 6, 7])
    conclusions = content["previous_conclusions"]
    if conclusions["rows"]:
        paragraph(document, conclusions["title"], bold=True, align=center, before=12, after=6)
        _table(
            fixed_table,
            paragraph,
            first,
            conclusions["columns"],
            [
                [str(r["order"]), r["text"], r["owner"], r["due_text"] or "—", r["status_label"]]
                for r in conclusions["rows"]
            ],
            [w * 10 for w in CONCLUSION_WIDTHS_CM],
            numeric=[0],
        )
    for table in document.tables:
        table.alignment = WD_TABLE_ALIGNMENT.CENTER

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _table(fixed_table, paragraph, first, columns, rows, widths_mm, *, numeric):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    table = fixed_table(1 + len(rows), widths_mm, borders=True)
    head = table.rows[0]
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
    head._tr.get_or_add_trPr().append(repeat)
    for cell, text in zip(head.cells, columns, strict=True):
        first(cell, text, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values, row in zip(rows, table.rows[1:], strict=True):
        keep = OxmlElement("w:cantSplit")
        row._tr.get_or_add_trPr().append(keep)
        for position, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.RIGHT if position in numeric else None
            first(cell, text, size=12, align=align)
    for row in table.rows:
        for cell in row.cells:
            for edge in ("top", "bottom"):
                margin = cell._tc.get_or_add_tcPr()
                mar = margin.find(qn("w:tcMar"))
                if mar is None:
                    mar = OxmlElement("w:tcMar")
                    margin.append(mar)
                element = OxmlElement(f"w:{edge}")
                element.set(qn("w:w"), "40")  # 2 pt, as the PDF's cell padding
                element.set(qn("w:type"), "dxa")
                mar.append(element)
    return table


def _margins(section, twips_type):
    section.top_margin = twips_type(twips(MARGINS_MM["top"]))
    section.bottom_margin = twips_type(twips(MARGINS_MM["bottom"]))
    section.left_margin = twips_type(twips(MARGINS_MM["left"]))
    section.right_margin = twips_type(twips(MARGINS_MM["right"]))


def _watermark(paragraph, text, parse_xml):
    """Word's own kind of watermark (a VML text path behind the page), which LibreOffice shows too."""
    shape = (
        f'<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" {VML_NS}><w:pict>'
        '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/></v:shapetype>'
        '<v:shape id="DamhaSampleWatermark" type="#_x0000_t136" o:allowincell="f" fillcolor="#d9d9d9" '
        'stroked="f" style="position:absolute;margin-left:0;margin-top:0;width:460pt;height:70pt;'
        "rotation:315;z-index:-251654144;mso-position-horizontal:center;"
        "mso-position-horizontal-relative:margin;mso-position-vertical:center;"
        'mso-position-vertical-relative:margin">'
        '<v:fill opacity=".5"/>'
        f'<v:textpath style="font-family:&quot;Times New Roman&quot;;font-size:1pt;font-weight:bold" '
        f'string="{escape(text)}"/>'
        "</v:shape></w:pict></w:r>"
    )
    paragraph._p.append(parse_xml(shape))


def _set_language(document, qn, element):
    """vi-VN as the language of the defaults, of Normal and of the theme fonts: Word and
    LibreOffice then check the spelling as Vietnamese."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    for lang in styles.iter(qn("w:lang")):
        lang.set(qn("w:val"), documents_language())
        lang.set(qn("w:eastAsia"), documents_language())
    if defaults is not None and not list(defaults.iter(qn("w:lang"))):
        run_props = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        lang = element("w:lang")
        lang.set(qn("w:val"), documents_language())
        run_props.append(lang)
    normal_props = document.styles["Normal"].element.get_or_add_rPr()
    lang = normal_props.find(qn("w:lang"))
    if lang is None:
        lang = element("w:lang")
        normal_props.append(lang)
    lang.set(qn("w:val"), documents_language())
    lang.set(qn("w:eastAsia"), documents_language())
    settings = document.settings.element
    theme = settings.find(qn("w:themeFontLang"))
    if theme is not None:
        theme.set(qn("w:val"), documents_language())
        theme.set(qn("w:eastAsia"), documents_language())


def documents_language():
    return LANGUAGE


def _clean_package(document, meta, content_hash):
    """Metadata of this document, not of python-docx's template: core and app properties,
    and no bibliography part, Word 2010 style copy or thumbnail left over."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    part = document.part
    for rel_id, rel in list(part.rels.items()):
        # The template's bibliography (customXml) and its Word 2010 copy of the styles
        # (stylesWithEffects: en-US and the theme's fonts, not the styles set here).
        if rel.reltype in (RT.CUSTOM_XML, STYLES_WITH_EFFECTS):
            part.rels.pop(rel_id)
    package = part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rel_id)
    issued = datetime.datetime.fromisoformat(meta["created"])
    core = document.core_properties
    core.title = meta["title"]
    core.author = meta["author"]
    core.last_modified_by = meta["author"]
    core.subject = meta["subject"]
    core.keywords = meta["keywords"]
    core.language = meta["language"]
    core.created = issued
    core.modified = issued
    core.revision = 1
    core.comments = ""
    core.category = _("Báo cáo")
    core.identifier = f"sha256:{content_hash}" if content_hash else ""
    for candidate in package.iter_parts():
        if str(candidate.partname) == "/docProps/app.xml":
            candidate._blob = _app_properties(meta).encode("utf-8")


def _app_properties(meta):
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Template>Normal.dotm</Template>"
        f"<Application>{escape(meta['application'])}</Application>"
        "<DocSecurity>0</DocSecurity>"
        f"<Company>{escape(meta['organisation'])}</Company>"
        "<LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged>"
        "</Properties>"
    )
