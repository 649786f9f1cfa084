"""The demo's 15/BC-BCĐ re-measured against Nghị định 30/2020/NĐ-CP, Phụ lục I (issue 16).

Positions and sizes are read from the PDF's text layer (pdfplumber), properties from the
DOCX's XML, and the DOCX is also laid out by LibreOffice and measured the same way.
Tolerances: positions 0.5 mm, sizes 0.25 pt. Every row of the table is checked and every
failing row reported.
"""

import copy
import io
import re
import shutil
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn

from reports import documents, exports

from .measure import (
    Checklist,
    Page,
    is_bold,
    is_italic,
    is_regular,
    libreoffice_convert,
    mm,
    near,
    one_line,
    open_pdf,
    sizes,
    span,
)

pytestmark = pytest.mark.django_db

TEXT_LEFT, TEXT_RIGHT = 30.0, 195.0  # mm: left margin 30, right margin 15 on A4
TEXT_CENTRE = (TEXT_LEFT + TEXT_RIGHT) / 2
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SUBJECT = "Kết quả thực hiện nhiệm vụ 6 tháng đầu năm, phương hướng nhiệm vụ 6 tháng cuối năm 2024"
NOTE = "(Kèm theo Báo cáo số 15/BC-BCĐ ngày 08/7/2024 của Ban Chỉ đạo 138)"


@pytest.fixture
def issued_pdf(office_client, report):
    response = office_client.get(f"/reports/{report.pk}.pdf")
    assert response.status_code == 200
    return response.content


def _size_ok(chars, expected):
    found = sizes(chars)
    return bool(found) and all(abs(size - expected) <= 0.25 for size in found), found


def _check_type(rows, label, chars, points, *looks):
    """One row: ``chars`` set in ``points`` pt and passing each of ``looks`` (is_bold, one_line, …)."""
    ok, found = _size_ok(chars, points)
    rows.check(label, ok and all(look(chars) for look in looks), found)


def _centred_on(centre):
    """A look for _check_type: the text's middle at ``centre`` (mm)."""

    def look(chars):
        x0, x1, *_ = span(chars)
        return near((x0 + x1) / 2, centre)

    return look


def _rule_under(page, chars, *, within_mm=6):
    """The thin rule just below some text, centred under it."""
    x0, x1, _top, bottom = span(chars)
    centre = (x0 + x1) / 2
    candidates = [r for r in page.rules() if 0 <= r[2] - bottom <= within_mm and abs((r[0] + r[1]) / 2 - centre) < 3]
    return min(candidates, key=lambda r: r[2]) if candidates else None


def measure_pdf(data, report, *, issued=True):
    """The Decree 30 table, measured on a PDF of the demo report.

    ``issued=False``: the DOCX as LibreOffice lays it out; its own PDF's metadata and the
    watermark (a shape there, not text) are not the document's and are checked in the DOCX's XML.
    """
    rows = Checklist()
    pdf = open_pdf(data)
    pages = [Page(p) for p in pdf.pages]
    first = pages[0]

    width, height = mm(pdf.pages[0].width), mm(pdf.pages[0].height)
    rows.check("A4 210 × 297 mm", near(width, 210) and near(height, 297), (round(width, 2), round(height, 2)))

    # Margins, from where the text sits.
    body = [line for page in pages[:3] for line in page.lines() if abs(line["size"] - 14) < 0.3]
    left = min(line["x0"] for line in body)
    right = max(line["x1"] for line in body)
    rows.check("left margin 30–35 mm", 30 - 0.5 <= left <= 35 and near(left, TEXT_LEFT), round(left, 2))
    rows.check("right margin 15–20 mm", 15 - 0.5 <= 210 - right <= 20, round(210 - right, 2))
    top = min(c["top"] for c in first.chars) / (72 / 25.4)
    rows.check("top margin 20–25 mm", 20 - 0.5 <= top <= 25, round(top, 2))
    full_page = pages[1]
    bottom = max(line["top"] for line in full_page.lines()) + 14 / (72 / 25.4)
    rows.check("bottom margin 20–25 mm", 297 - bottom >= 20 - 0.5, round(297 - bottom, 2))

    # Letterhead.
    national = first.find(NATIONAL)
    _check_type(rows, "quốc hiệu 12.5 pt bold upright, one line", national, 12.5, is_bold, one_line)
    motto = first.find(MOTTO)
    _check_type(rows, "tiêu ngữ 13 pt bold", motto, 13, is_bold, one_line)
    m0, m1, _t, _b = span(motto)
    # WeasyPrint fills the span's bottom border (a ring of two rectangles); LibreOffice draws a line.
    edges = [(mm(r["x0"]), mm(r["x1"])) for r in first.page.rects] + [r[:2] for r in first.rules()]
    underline = [edge for edge in edges if abs(edge[0] - m0) < 0.6 and abs(edge[1] - m1) < 0.6]
    rows.check("line under the tiêu ngữ as long as the text", bool(underline), (round(m0, 2), round(m1, 2)))
    n0, n1, *_ = span(national)
    rows.check("tiêu ngữ centred under the quốc hiệu", near((m0 + m1) / 2, (n0 + n1) / 2), round((m0 + m1) / 2, 2))
    parent = first.find("UBND HUYỆN ĐẦM HÀ")
    _check_type(rows, "cơ quan chủ quản 13 pt upright", parent, 13, is_regular)
    issuer = first.find("BAN CHỈ ĐẠO 138")
    _check_type(rows, "cơ quan ban hành 13 pt bold", issuer, 13, is_bold)
    rule = _rule_under(first, issuer)
    i0, i1, *_ = span(issuer)
    ratio = (rule[1] - rule[0]) / (i1 - i0) if rule else 0
    rows.check("rule under the issuing body 1/3–1/2 of its name", 1 / 3 <= ratio <= 1 / 2, round(ratio, 3))
    rows.check("that rule centred under the name", rule and near((rule[0] + rule[1]) / 2, (i0 + i1) / 2), rule)
    number = first.find("Số: 15/BC-BCĐ")
    centred = _centred_on((i0 + i1) / 2)
    _check_type(rows, "số, ký hiệu 13 pt, centred under the issuing body", number, 13, is_regular, centred)
    place = first.find("Đầm Hà, ngày 08 tháng 7 năm 2024")
    ok, found = _size_ok(place, 14)
    p0, p1, *_ = span(place)
    rows.check(
        "địa danh, ngày tháng 14 pt italic, centred under the quốc hiệu",
        ok and is_italic(place) and near((p0 + p1) / 2, (n0 + n1) / 2),
        (found, round((p0 + p1) / 2, 2)),
    )

    # Document type and subject.
    kind = first.find("BÁO CÁO")
    _check_type(rows, "tên loại 14 pt bold, centred", kind, 14, is_bold, _centred_on(TEXT_CENTRE))
    subject_lines = [line for line in first.lines() if line["text"].strip() and line["text"].strip() in SUBJECT]
    subject_chars = first.find(SUBJECT.split(",")[0])
    _check_type(rows, "trích yếu 14 pt bold", subject_chars, 14, is_bold)
    longest = max(line["x1"] - line["x0"] for line in subject_lines)
    last = max(subject_lines, key=lambda line: line["top"])
    rules = [r for r in first.rules() if 0 < r[2] - last["top"] < 12]
    subject_rule = rules[0] if rules else None
    ratio = (subject_rule[1] - subject_rule[0]) / longest if subject_rule else 0
    rows.check("rule under the trích yếu 1/3–1/2 of its line", 1 / 3 <= ratio <= 1 / 2, round(ratio, 3))
    length = subject_rule[1] - subject_rule[0] if subject_rule else 0
    rows.check(
        "that rule also 1/3–1/2 of the text width (165 mm)",
        165 / 3 - 0.5 <= length <= 165 / 2 + 0.5,
        round(length, 2),
    )
    rows.check(
        "that rule centred", subject_rule and near((subject_rule[0] + subject_rule[1]) / 2, TEXT_CENTRE), subject_rule
    )

    # Body: 14 pt, first-line indent 1.27 cm, lines 1.3 em, 6 pt between paragraphs.
    heading = first.find("I. TÌNH HÌNH")
    _check_type(rows, "section heading 14 pt bold", heading, 14, is_bold)
    lines = first.lines()
    start = next(i for i, line in enumerate(lines) if line["text"].startswith("Thực hiện Kế hoạch số 111"))
    paragraph = lines[start : start + 4]
    indent = paragraph[0]["x0"] - TEXT_LEFT
    rows.check("first-line indent 1.27 cm", near(indent, 12.7), round(indent, 2))
    rows.check("body 14 pt upright", all(abs(line["size"] - 14) <= 0.25 for line in paragraph), paragraph[0]["size"])
    pitch = paragraph[1]["baseline"] - paragraph[0]["baseline"]
    rows.check("line spacing 18.2 pt (single 16.1 to 1.5 lines 24.1)", abs(pitch - 18.2) <= 0.25, round(pitch, 2))
    next_start = next(i for i, line in enumerate(lines) if line["text"].startswith("Ban Chỉ đạo phòng chống"))
    gap = lines[next_start]["baseline"] - lines[next_start - 1]["baseline"] - pitch
    rows.check("paragraph spacing ≥ 6 pt", gap >= 6 - 0.25 and abs(gap - 6) <= 0.25, round(gap, 2))

    # Recipients, signature, verification code.
    sign_page = next(p for p in pages if p.has("Nơi nhận:"))
    title = sign_page.find("Nơi nhận:")
    _check_type(rows, "“Nơi nhận:” 12 pt bold italic", title, 12, is_bold, is_italic)
    recipient = sign_page.find("- Lưu: VT, CAH.")
    _check_type(rows, "nơi nhận lines 11 pt", recipient, 11, is_regular)
    authority = sign_page.find("TM. BAN CHỈ ĐẠO")
    _check_type(rows, "thẩm quyền ký 14 pt bold", authority, 14, is_bold)
    name = sign_page.find("Tô Xuân Lợi")
    _check_type(rows, "người ký 14 pt bold", name, 14, is_bold)
    code = sign_page.find(f"Mã xác thực: {report.verification_code}")
    c0, _c1, c_top, _cb = span(code)
    _r0, _r1, _rt, r_bottom = span(recipient)
    rows.check(
        "verification code below “Nơi nhận”, in its column",
        c_top > r_bottom and near(c0, TEXT_LEFT) and c_top - r_bottom > 15,  # the QR code sits between
        (round(c0, 2), round(c_top - r_bottom, 2)),
    )
    # WeasyPrint draws the QR code's modules as lines, LibreOffice places the picture.
    qr = [line for line in sign_page.page.lines if r_bottom < mm(line["top"]) < c_top and mm(line["x1"]) < 60]
    pictures = [
        image
        for image in sign_page.page.images
        if r_bottom < mm(image["top"]) < mm(image["bottom"]) < c_top and mm(image["x1"]) < 60
    ]
    rows.check("a QR code between the recipients and the code", len(qr) > 20 or pictures, (len(qr), len(pictures)))

    # Page numbers: none on page 1; centred in the top margin from page 2; 13 pt.
    rows.check("no page number on page 1", not any(line["top"] < 20 for line in first.lines()), first.lines()[0])
    for position, page in enumerate(pages[1:3], start=2):
        number_line = page.lines()[0]
        centre = (number_line["x0"] + number_line["x1"]) / 2
        rows.check(
            f"page {position}: number {position} centred in the top margin, 13 pt",
            number_line["text"] == str(position)
            and number_line["top"] < 20
            and near(centre, TEXT_CENTRE)
            and abs(number_line["size"] - 13) <= 0.25,
            (number_line["text"], round(centre, 2), round(number_line["top"], 2)),
        )

    # The appendix: "Phụ lục" alone, 14 pt bold; its title; "(Kèm theo …)"; own numbering.
    appendix = next(p for p in pages if p.has(NOTE))
    label_line = next(line for line in appendix.lines() if line["text"].startswith("Phụ lục"))
    rows.check(
        "“Phụ lục” on its own line, 14 pt bold",
        label_line["text"] == "Phụ lục" and abs(label_line["size"] - 14) <= 0.25 and "Bold" in label_line["font"],
        label_line,
    )
    note = appendix.find(NOTE)
    _check_type(rows, "“(Kèm theo …)” 14 pt italic", note, 14, is_italic)
    title_chars = appendix.find("KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU 6 THÁNG ĐẦU NĂM 2024")
    _check_type(rows, "appendix title 14 pt bold", title_chars, 14, is_bold)
    rows.check("no page number on the appendix's first page", appendix.lines()[0]["text"] == "Phụ lục", None)
    rows.check("appendix table has “Đánh giá”", appendix.has("Đánh giá"), None)
    referred = any(p.has("chi tiết tại Phụ lục kèm theo Báo cáo này") for p in pages[: pages.index(appendix)])
    rows.check("the body refers to the appendix", referred, None)

    # Only prescribed elements: no hash on any page; the watermark only because it is demo data.
    text = "".join(p.text for p in pages)
    rows.check("no “SHA-256” or hash on the pages", "SHA-256" not in text and report.content_hash not in text, None)
    if issued:
        watermarked = all("".join(c["text"] for c in p.rotated).replace(" ", "") == "DỮLIỆUMẪU" for p in pages)
        rows.check("diagonal “DỮ LIỆU MẪU” on every page", watermarked, [len(p.rotated) for p in pages])
    note = [word for word in ("Dữ liệu mẫu", "DỮ LIỆU MẪU", "minh họa") if word.lower() in text.lower()]
    rows.check("no sample-data note in the text (the watermark says it)", not note, note)

    if not issued:
        return rows, len(pages)
    # Metadata.
    meta = pdf.metadata
    rows.check("title", meta.get("Title", "").startswith("Báo cáo 15/BC-BCĐ: Kết quả thực hiện"), meta.get("Title"))
    rows.check("author = the issuing committee", meta.get("Author") == "BAN CHỈ ĐẠO 138", meta.get("Author"))
    rows.check("created = the issue date", str(meta.get("CreationDate", "")).startswith("D:20240708"), meta)
    rows.check("content hash in the metadata", meta.get("contentsha256") == report.content_hash, meta)
    rows.check("verification code in the metadata", meta.get("verificationcode") == report.verification_code, meta)
    language = pdf.doc.catalog.get("Lang")
    rows.check("language vi-VN", language in (b"vi-VN", "vi-VN"), language)
    return rows, len(pages)


def test_pdf_passes_every_row_of_the_decree_30_table(issued_pdf, report):
    rows, pages = measure_pdf(issued_pdf, report)
    assert not rows.failures(), "\n".join(rows.failures())
    assert len(rows.rows) >= 45
    assert pages == 4


def test_appendix_pages_are_numbered_on_their_own(report):
    """A longer appendix: its pages count 1, 2, … (the number shown from its page 2)."""
    content = copy.deepcopy(documents.content_for(report))
    content["table"]["rows"] = content["table"]["rows"] * 3
    pages = [Page(p) for p in open_pdf(exports.report_pdf(content, report.content_hash)).pages]
    start = next(i for i, p in enumerate(pages) if p.has("(Kèm theo Báo cáo số"))
    assert start == 3 and len(pages) >= start + 2
    assert pages[start].lines()[0]["text"] == "Phụ lục"
    assert pages[start + 1].lines()[0]["text"] == "2"  # not 5: the appendix counts from 1
    assert pages[start - 1].lines()[0]["text"] == str(start)


def test_the_rule_under_a_one_line_trich_yeu_follows_its_length(report):
    """The trích yếu's block shrinks to a short subject: the rule stays 1/3–1/2 of its line."""
    content = copy.deepcopy(documents.content_for(report))
    content["subject"] = "Kết quả công tác 6 tháng đầu năm 2024"
    first = Page(open_pdf(exports.report_pdf(content, report.content_hash)).pages[0])
    x0, x1, _top, bottom = span(first.find(content["subject"]))
    (rule,) = [r for r in first.rules() if 0 < r[2] - bottom < 6]
    assert 1 / 3 <= (rule[1] - rule[0]) / (x1 - x0) <= 1 / 2, (rule, x0, x1)
    assert near((rule[0] + rule[1]) / 2, TEXT_CENTRE)


def test_a_draft_keeps_its_section_numbers_with_a_placeholder(report_demo_data, client):
    from django.contrib.auth import get_user_model

    from committees.models import SteeringCommittee
    from indicators.models import Period
    from reports import services

    office = get_user_model().objects.get(username="vanphong")
    committee = SteeringCommittee.objects.get(code="BCD138-200")
    draft = services.create_report(
        user=office, committee=committee, unit=committee.unit, period=Period.objects.get(code="2024-H2")
    )
    client.force_login(office)
    pages = [Page(p) for p in open_pdf(client.get(f"/reports/{draft.pk}.pdf").content).pages]
    lines = [line["text"] for page in pages for line in page.lines()]
    position = lines.index("I. TÌNH HÌNH")
    assert lines[position + 1] == "(chưa có nội dung)"
    assert (
        lines.index("III. ĐÁNH GIÁ") < lines.index("IV. PHƯƠNG HƯỚNG, NHIỆM VỤ") < lines.index("V. ĐỀ XUẤT, KIẾN NGHỊ")
    )
    assert lines.count("(chưa có nội dung)") == 4  # I, III, IV (no meeting) and V; II is pre-filled
    # Not demo data: no watermark.
    assert not any(page.rotated for page in pages)
    docx = Document(io.BytesIO(client.get(f"/reports/{draft.pk}.docx").content))
    texts = [p.text for p in docx.paragraphs]
    assert texts[texts.index("I. TÌNH HÌNH") + 1] == "(chưa có nội dung)"


# ------------------------------------------------------------------------ DOCX

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _mm(twips):
    return int(twips) * 25.4 / 1440


def _run_props(paragraph):
    run = paragraph.runs[0]
    return run.font.size.pt if run.font.size else None, bool(run.bold), bool(run.italic)


def measure_docx(data, report):
    rows = Checklist()
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    sect = section._sectPr
    size = sect.find(qn("w:pgSz"))
    margins = sect.find(qn("w:pgMar"))
    width, height = _mm(size.get(qn("w:w"))), _mm(size.get(qn("w:h")))
    rows.check("A4", near(width, 210) and near(height, 297), (width, height))
    for edge, low, high in (("top", 20, 25), ("bottom", 20, 25), ("left", 30, 35), ("right", 15, 20)):
        value = _mm(margins.get(qn(f"w:{edge}")))
        rows.check(f"{edge} margin {low}–{high} mm", low <= value <= high, round(value, 3))

    normal = document.styles["Normal"]
    rows.check(
        "Normal: Times New Roman 14 pt", normal.font.name == "Times New Roman" and normal.font.size.pt == 14, None
    )
    langs = [lang.get(qn("w:val")) for lang in document.styles.element.iter(qn("w:lang"))]
    rows.check("styles' language vi-VN (proofing)", langs and set(langs) == {"vi-VN"}, langs)
    theme = document.settings.element.find(qn("w:themeFontLang"))
    rows.check("theme language vi-VN", theme is not None and theme.get(qn("w:val")) == "vi-VN", None)

    header_table = document.tables[0]
    tbl = header_table._tbl
    layout = tbl.tblPr.find(qn("w:tblLayout"))
    grid = [_mm(col.get(qn("w:w"))) for col in tbl.tblGrid.findall(qn("w:gridCol"))]
    rows.check("letterhead: fixed layout, grid = text width", layout is not None and near(sum(grid), 165), grid)
    left, right = header_table.rows[0].cells
    national = right.paragraphs[0]
    rows.check("quốc hiệu 12.5 pt bold", _run_props(national)[:2] == (12.5, True), _run_props(national))
    motto = right.paragraphs[1]
    rows.check("tiêu ngữ 13 pt bold underlined", _run_props(motto)[:2] == (13, True) and motto.runs[0].underline, None)
    rows.check("địa danh 14 pt italic", _run_props(right.paragraphs[2]) == (14, False, True), None)
    rows.check("cơ quan chủ quản 13 pt", _run_props(left.paragraphs[0]) == (13, False, False), None)
    rows.check("cơ quan ban hành 13 pt bold", _run_props(left.paragraphs[1]) == (13, True, False), None)
    rule = left.paragraphs[2]
    inset = rule.paragraph_format.left_indent.mm
    from reports.word import text_width_mm

    name_width = text_width_mm("BAN CHỈ ĐẠO 138", 13, bold=True)
    ratio = (165 * 0.4 - 2 * inset) / name_width
    rows.check("rule under the issuing body 1/3–1/2", 1 / 3 <= ratio <= 1 / 2, round(ratio, 3))

    body = [p for p in document.paragraphs if p.text.startswith("Thực hiện Kế hoạch số 111")][0]
    fmt = body.paragraph_format
    rows.check("paragraph spacing ≥ 6 pt", fmt.space_after.pt >= 6, fmt.space_after.pt)
    rows.check(
        "line spacing exactly 18.2 pt (≥ 15 pt exact; ≤ 1.5 lines)",
        fmt.line_spacing is not None and abs(fmt.line_spacing.pt - 18.2) <= 0.25,
        fmt.line_spacing,
    )
    rows.check("first-line indent 1.27 cm", near(fmt.first_line_indent.mm, 12.7), fmt.first_line_indent.mm)

    # The appendix: its own section, numbered from 1, "Phụ lục" alone in 14 pt bold.
    rows.check("two sections (report, appendix)", len(document.sections) == 2, len(document.sections))
    appendix_sect = document.sections[1]._sectPr
    restart = appendix_sect.find(qn("w:pgNumType"))
    rows.check("appendix page numbers restart at 1", restart is not None and restart.get(qn("w:start")) == "1", None)
    rows.check("appendix's first page without number", appendix_sect.find(qn("w:titlePg")) is not None, None)
    texts = [p.text for p in document.paragraphs]
    label = document.paragraphs[texts.index("Phụ lục")]
    rows.check("“Phụ lục” alone, 14 pt bold", _run_props(label)[:2] == (14, True), _run_props(label))
    note = document.paragraphs[texts.index(NOTE)] if NOTE in texts else None
    rows.check("“(Kèm theo …)” 14 pt italic", note is not None and _run_props(note) == (14, False, True), None)
    columns = [c.text for c in document.tables[-1].rows[0].cells]
    rows.check("appendix table has “Đánh giá”", columns[-1] == "Đánh giá", columns)
    rows.check("the body refers to the appendix", any("chi tiết tại Phụ lục kèm theo" in t for t in texts), None)

    # Nothing but prescribed elements; the verification code and its QR below the recipients.
    everything = "\n".join(texts)
    footers = "".join(p.text for s in document.sections for p in s.footer.paragraphs)
    rows.check("no hash on the pages", "SHA-256" not in everything + footers and not footers.strip(), footers)
    note = [word for word in ("dữ liệu mẫu", "minh họa") if word in everything.lower()]
    rows.check("no sample-data note in the text (the watermark says it)", not note, note)
    recipients = document.tables[1].rows[0].cells[0]
    cell_text = [p.text for p in recipients.paragraphs]
    rows.check("verification code below “Nơi nhận”", cell_text[-1] == f"Mã xác thực: {report.verification_code}", None)
    rows.check("QR picture below “Nơi nhận”", bool(recipients._tc.findall(f".//{W}drawing")), None)
    rows.check(
        "watermark in the header", b"D\xe1\xbb\xae LI\xe1\xbb\x86U M\xe1\xba\xaaU" in _part(data, "header"), None
    )

    # Metadata.
    core = document.core_properties
    rows.check("title", core.title.startswith("Báo cáo 15/BC-BCĐ"), core.title)
    rows.check("author = the issuing committee", core.author == "BAN CHỈ ĐẠO 138", core.author)
    rows.check(
        "created = the issue date", core.created and core.created.date().isoformat() == "2024-07-08", core.created
    )
    rows.check("language vi-VN", core.language == "vi-VN", core.language)
    app = _part(data, "docProps/app.xml").decode()
    rows.check("application name", "<Application>Theo dõi chỉ tiêu Ban Chỉ đạo Đầm Hà</Application>" in app, app)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    rows.check(
        "no leftover bibliography, Word 2010 style copy or thumbnail",
        not any("customXml" in n or "thumbnail" in n or "stylesWithEffects" in n for n in names),
        names,
    )
    # Every language named in any part is Vietnamese (an en-US left anywhere is proofed as English).
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = b"".join(archive.read(n) for n in names if n.endswith(".xml"))
    languages = set(re.findall(rb'w:(?:val|eastAsia)="([a-z]{2}-[A-Z]{2})"', xml)) | set(
        re.findall(rb"<dc:language>([^<]*)</dc:language>", xml)
    )
    rows.check("no language but vi-VN in any part", languages == {b"vi-VN"}, languages)
    return rows


def _part(data, name):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(archive.read(n) for n in archive.namelist() if name in n)


def test_docx_passes_every_row_of_the_decree_30_table(office_client, report):
    rows = measure_docx(office_client.get(f"/reports/{report.pk}.docx").content, report)
    assert not rows.failures(), "\n".join(rows.failures())
    assert len(rows.rows) >= 30


def test_libreoffice_lays_out_the_docx_like_the_pdf(office_client, report, issued_pdf, tmp_path):
    """A real office suite: the quốc hiệu on one line, the same margins, the same page count."""
    assert shutil.which("soffice"), "LibreOffice (soffice) is not installed: make system-deps"
    source = tmp_path / "report.docx"
    source.write_bytes(office_client.get(f"/reports/{report.pk}.docx").content)
    laid_out = libreoffice_convert(source, "pdf").read_bytes()
    # Every row of the table, on LibreOffice's layout of the DOCX.
    rows, count = measure_pdf(laid_out, report, issued=False)
    assert not rows.failures(), "\n".join(rows.failures())
    assert len(rows.rows) >= 40
    rendered = open_pdf(laid_out)
    pages = [Page(p) for p in rendered.pages]
    assert count == len(pages) == len(open_pdf(issued_pdf).pages) == 4
    national = pages[0].find(NATIONAL)
    assert one_line(national)
    assert sizes(national) == {12.5}
    body = [line for page in pages[:3] for line in page.lines() if abs(line["size"] - 14) < 0.3]
    assert near(min(line["x0"] for line in body), TEXT_LEFT)
    assert 210 - max(line["x1"] for line in body) >= 15 - 0.5
    # The rule under the trích yếu, as LibreOffice draws it, against its longest line.
    first = pages[0]
    subject_lines = [line for line in first.lines() if line["text"].strip() and line["text"].strip() in SUBJECT]
    longest = max(line["x1"] - line["x0"] for line in subject_lines)
    last = max(line["top"] for line in subject_lines)
    rule = min((r for r in first.rules() if 0 < r[2] - last < 12), key=lambda r: r[2])
    assert 1 / 3 <= (rule[1] - rule[0]) / longest <= 1 / 2, (rule, longest)
    assert 165 / 3 - 0.5 <= rule[1] - rule[0] <= 165 / 2 + 0.5, rule  # and of the text width
    # The trích yếu breaks at the same words as in the PDF.
    issued = Page(open_pdf(issued_pdf).pages[0])
    assert [line["text"] for line in subject_lines] == [
        line["text"] for line in issued.lines() if line["text"].strip() and line["text"].strip() in SUBJECT
    ]
    assert pages[3].has("Phụ lục") and pages[3].has("Đánh giá")
