"""Uploads are read with bounded memory and time whatever the file declares (issue 17, finding 1),
and error lists are capped (finding 10).

The crafted spreadsheets of the outside probe are built here with zipfile: a sheet declaring
``A1:XFD1048576`` with one far-down cell (on main: every row padded to 16,384 columns, 561 MB
for 4,000 rows), and 20 MB of empty ``<row/>`` in a 31 KB file (15.9 s and 931 MB on main).
Each must be refused with a message that states the limits, write nothing, and stay under
PEAK_BYTES of Python allocations (tracemalloc) and a few seconds.
"""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from indicators import figures_io
from indicators.models import Figure, Submission

# What the probe's files may cost at most: 40 MB of Python allocations while refused.
PEAK_BYTES = 40 * 1024 * 1024
SECONDS = 15  # generous: the shared 2-core machine runs other suites (idle: about 1 s at most)
LIMITS_TEXT = "tệp nhận tối đa 20.000 dòng, 30 cột, 400.000 ô và 48 MB dữ liệu khi giải nén"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="so_lieu" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _cell(reference, text):
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


HEADER_ROW = '<row r="1">{}</row>'.format(
    "".join(
        _cell(f"{letter}1", name)
        for letter, name in zip("ABCDE", ("unit_code", "indicator_code", "period", "value", "note"), strict=True)
    )
)


def _xlsx(sheet_body, dimension=None):
    """An XLSX built by hand: the worksheet XML is exactly ``sheet_body`` inside <sheetData>."""
    sheet = SHEET_HEAD
    if dimension:
        sheet += f'<dimension ref="{dimension}"/>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet + "<sheetData>" + sheet_body + "</sheetData></worksheet>")
    return buffer.getvalue()


def _measured(data, name, user):
    """(FiguresFileError, peak bytes, seconds) of importing ``data``."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(figures_io.FiguresFileError) as caught:
            figures_io.import_file(data, name, user)
        seconds = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return caught.value, peak, seconds


def _nothing_written():
    return Submission.objects.count() == 0 and Figure.objects.count() == 0 and Figure.history.count() == 0


def _assert_refused(data, name, user, error):
    """Refused with ``error`` as its only error, in bounded memory and time, writing nothing."""
    refusal, peak, seconds = _measured(data, name, user)
    assert [str(e) for e in refusal.errors] == [error]
    assert peak < PEAK_BYTES and seconds < SECONDS
    assert _nothing_written()


def test_declared_full_sheet_with_a_far_down_cell_is_refused_in_bounded_memory(world):
    body = HEADER_ROW + '<row r="1048576">' + _cell("XFD1048576", "x") + "</row>"
    data = _xlsx(body, dimension="A1:XFD1048576")
    assert len(data) < 2000  # the probe's file was 1.6 KB
    _assert_refused(
        data,
        "bom.xlsx",
        world.reviewer,
        f"Dòng 1: Không nhập tệp Excel này: bảng tính có hơn 20.000 dòng ({LIMITS_TEXT}).",
    )


def test_declared_dimension_alone_does_not_pad_rows(world):
    """A valid file declaring A1:XFD1048576 reads as its real cells: 2 rows of at most 30 cells."""
    body = HEADER_ROW + '<row r="2">{}</row>'.format(
        _cell("A2", "06913") + _cell("B2", "VU") + _cell("C2", "2024-H2") + '<c r="D2"><v>4</v></c>'
    )
    tracemalloc.start()
    try:
        rows = figures_io.read_rows(_xlsx(body, dimension="A1:XFD1048576"), "ok.xlsx")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [number for number, _cells in rows] == [1, 2]
    assert rows[1][1][:5] == ["06913", "VU", "2024-H2", 4, None]
    assert max(len(cells) for _n, cells in rows) <= 30
    assert peak < PEAK_BYTES
    result = figures_io.import_file(_xlsx(body, dimension="A1:XFD1048576"), "ok.xlsx", world.reviewer)
    assert result.figures == 1


def test_a_far_down_cell_within_the_command_limits_builds_no_rows_in_between():
    """``import_figures`` reads up to 2,000,000 rows (restoring backups): a cell 200,000 rows
    down must not build the empty rows above it (one 1,048,576 rows down cost the command
    49 s and 506 MB before; now 67 MB, the process itself)."""
    body = HEADER_ROW + '<row r="200000">' + _cell("E200000", "x") + "</row>"
    tracemalloc.start()
    try:
        rows = figures_io.read_rows(_xlsx(body, dimension="A1:XFD1048576"), "far.xlsx", figures_io.COMMAND_LIMITS)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < PEAK_BYTES
    assert [number for number, _cells in rows] == [1, 200_000]
    assert rows[1][1][4] == "x"


def test_a_value_beyond_the_column_limit_is_refused(world):
    body = HEADER_ROW + '<row r="2">' + _cell("A2", "06913") + _cell("XFD2", "far") + "</row>"
    _assert_refused(
        _xlsx(body, dimension="A1:XFD2"),
        "wide.xlsx",
        world.reviewer,
        f"Dòng 1: Không nhập tệp Excel này: dòng 2 có dữ liệu ở cột thứ 16.384, vượt quá 30 cột ({LIMITS_TEXT}).",
    )


def test_twenty_megabytes_of_empty_rows_are_refused_quickly(world):
    body = HEADER_ROW + "<row/>" * (20 * 1024 * 1024 // len("<row/>"))
    data = _xlsx(body)
    assert len(data) < 40_000  # the probe's file was 31 KB
    _assert_refused(
        data,
        "rows.xlsx",
        world.reviewer,
        f"Dòng 1: Không nhập tệp Excel này: bảng tính có hơn 20.000 dòng ({LIMITS_TEXT}).",
    )


def test_declared_unzipped_size_over_the_limit_is_refused_before_parsing(world):
    body = HEADER_ROW + "<!--" + " " * (49 * 1024 * 1024) + "-->"
    _assert_refused(
        _xlsx(body),
        "big.xlsx",
        world.reviewer,
        f"Dòng 1: Không nhập tệp Excel này: tệp quá lớn khi giải nén ({LIMITS_TEXT}).",
    )


def test_an_xml_entity_declaration_is_refused(world):
    data = _xlsx(HEADER_ROW).replace(b"x", b"x")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(
                    b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1
                )
            target.writestr(item, content)
    _assert_refused(
        buffer.getvalue(),
        "dtd.xlsx",
        world.reviewer,
        "Dòng 1: Không nhập tệp Excel này: tệp Excel có khai báo DOCTYPE, không phải tệp Excel thông thường.",
    )


def test_csv_over_the_row_limit_is_refused_with_the_limits(world):
    data = ("unit_code,indicator_code,period,value,note\n" + "06913,VU,2024-H2,x,\n" * 100_000).encode()
    _assert_refused(
        data, "many.csv", world.reviewer, f"Dòng 20001: Không nhập tệp CSV này: tệp có hơn 20.000 dòng ({LIMITS_TEXT})."
    )


def test_an_openpyxl_workbook_of_the_template_still_reads(world):
    """A workbook made by openpyxl (as Excel makes them: shared strings, styles) reads as before."""
    book = Workbook()
    book.active.append(["unit_code", "indicator_code", "period", "value", "note"])
    book.active.append(["06913", "VU", "2024-H2", 3, '=HYPERLINK("http://evil.example")'])
    book.active["E2"].data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    rows = figures_io.read_rows(buffer.getvalue(), "book.xlsx")
    assert rows == [
        (1, ["unit_code", "indicator_code", "period", "value", "note", *[None] * 25]),
        (2, ["06913", "VU", "2024-H2", 3, '=HYPERLINK("http://evil.example")', *[None] * 25]),
    ]


# --- Error lists are capped (finding 10) --------------------------------------------------


def _bad_csv(rows):
    """One problem per row: an unknown indicator (each row its own, so no duplicates)."""
    lines = "".join(f"06913,X{number},2024-H2,1,\n" for number in range(2, rows + 2))
    return ("unit_code,indicator_code,period,value,note\n" + lines).encode()


def test_an_upload_of_many_bad_rows_lists_200_and_counts_the_rest(client_for):
    client = client_for("reviewer")
    upload = SimpleUploadedFile("bad.csv", _bad_csv(19_000), content_type="text/csv")
    response = client.post(reverse("indicators:import"), {"file": upload})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Không nhập: tệp có 19000 lỗi; chưa ghi số liệu nào." in text
    assert text.count("không có chỉ tiêu mã") == 200
    assert "Dòng 201: không có chỉ tiêu mã “X201”." in text and "X202" not in text
    assert "… và 18.800 lỗi khác (chỉ liệt kê 200 lỗi đầu tiên)." in text
    assert len(response.content) < 200_000  # was 11.4 MB for 100,000 rows
    assert _nothing_written()


def test_the_command_lists_200_errors_and_counts_the_rest(world, tmp_path):
    import io as _io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    path = tmp_path / "bad.csv"
    path.write_bytes(_bad_csv(1_000))
    err = _io.StringIO()
    with pytest.raises(CommandError, match="tệp có 1000 lỗi"):
        call_command("import_figures", str(path), "--user", "reviewer", stderr=err)
    lines = err.getvalue().splitlines()
    assert len(lines) == 201
    assert lines[199] == "Dòng 201: không có chỉ tiêu mã “X201”."
    assert lines[200] == "… và 800 lỗi khác (chỉ liệt kê 200 lỗi đầu tiên)."
    assert _nothing_written()
