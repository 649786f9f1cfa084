"""The targets grid as XLSX: download, fill, upload; refused files name every bad cell and
write nothing; text is never written as a formula; the reader's caps."""

import datetime
import io
import signal
import time
import tracemalloc
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from committees.models import AdministrativeUnit, Plan
from indicators import targets, targets_io
from indicators.fixtures.demo import COMMUNE_CODES
from indicators.models import Indicator, Period, Target
from tests.indicators.test_upload_limits import PEAK_BYTES, SECONDS, _cell, _xlsx

GRID_CODES = ["200", *COMMUNE_CODES]
LIMITS_TEXT = "tệp nhận tối đa 1.000 dòng, 1000 cột, 200.000 ô và 50 MB dữ liệu khi giải nén"


@pytest.fixture
def setup(demo):
    district = AdministrativeUnit.objects.select_related("parent").get(code="200")
    plan = Plan.objects.create(
        number="30/KH-BCĐ",
        issued_on=datetime.date(2025, 1, 10),
        issuer="Ban Chỉ đạo 138 huyện Đầm Hà",
        title="Kế hoạch năm 2025",
        unit=district,
    )
    return {
        "user": get_user_model().objects.get(username="vanphong"),
        "unit": district,
        "period": Period.objects.get(code="2025"),
        "plan": plan,
    }


def _targets():
    return sorted(
        Target.objects.filter(period__code="2025", unit__code__in=GRID_CODES).values_list(
            "indicator__code", "unit__code", "comparison", "value"
        )
    )


def _download(setup):
    return load_workbook(io.BytesIO(targets_io.workbook(unit=setup["unit"], period=setup["period"])))


def _bytes(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _find(sheet, indicator_code, unit_code):
    """(comparison cell, value cell) of an indicator × unit."""
    row = next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 1).value == indicator_code)
    column = next(c for c in range(4, sheet.max_column + 1, 2) if sheet.cell(3, c).value == unit_code)
    return sheet.cell(row, column), sheet.cell(row, column + 1)


def test_workbook_layout(setup):
    targets.copy_from_last_year(user=setup["user"], unit=setup["unit"], period=setup["period"], plan=setup["plan"])
    sheet = _download(setup)["chi_tieu"]
    assert (sheet["A1"].value, sheet["B1"].value, sheet["C1"].value, sheet["D1"].value) == (
        "Mã đơn vị",
        "200",
        "Năm",
        2025,
    )
    assert [sheet.cell(3, column).value for column in range(4, 4 + 2 * 10, 2)] == GRID_CODES
    assert sheet["A5"].value == "TTXH_VU" and sheet.max_row == 4 + 15
    comparison, value = _find(sheet, "MT_HOSO_CAI", "200")
    assert (comparison.coordinate, comparison.value, value.value) == ("D16", "≥", 12)
    comparison, value = _find(sheet, "TTXH_VU", "200")
    assert (comparison.value, value.value) == ("giảm", 1)
    comparison, value = _find(sheet, "MT_BAT_XLHS", "06895")  # district-only indicator: grey, empty
    assert (comparison.value, value.value, value.fill.fgColor.rgb) == (None, None, "00DDDDDD")


def test_round_trip_writes_exactly_the_cells_changed(setup):
    targets.copy_from_last_year(user=setup["user"], unit=setup["unit"], period=setup["period"], plan=setup["plan"])
    before = {(i, u): (c, v) for i, u, c, v in _targets()}
    book = _download(setup)
    sheet = book["chi_tieu"]
    _find(sheet, "MT_HOSO_CAI", "200")[1].value = 14
    comparison, value = _find(sheet, "MT_HOSO_CAI", "06913")
    comparison.value, value.value = "≥", 3
    comparison, value = _find(sheet, "TTXH_TYLE", "200")
    comparison.value, value.value = "tối thiểu", 80.5
    _find(sheet, "ANTT_MOHINH", "06919")[1].value = None  # removes Đại Bình's "≥ 1"
    result = targets_io.import_workbook(data=_bytes(book), reason="Nhập từ Excel", **setup)
    assert (result.created, result.updated, result.deleted) == (1, 2, 1)
    after = {(i, u): (c, v) for i, u, c, v in _targets()}
    expected = {**before}
    expected[("MT_HOSO_CAI", "200")] = ("at_least", Decimal(14))
    expected[("MT_HOSO_CAI", "06913")] = ("at_least", Decimal(3))
    expected[("TTXH_TYLE", "200")] = ("at_least", Decimal("80.5"))
    del expected[("ANTT_MOHINH", "06919")]
    assert after == expected
    rows = Target.history.filter(history_change_reason="Nhập từ Excel").values_list("history_type", "unit__code")
    assert sorted(rows) == sorted([("+", "06913"), ("~", "200"), ("~", "200"), ("-", "06919")])
    # Downloaded again and uploaded unchanged: nothing to write.
    again = targets_io.import_workbook(
        data=targets_io.workbook(unit=setup["unit"], period=setup["period"]), reason="x", **setup
    )
    assert again.total == 0


def test_refused_file_names_every_bad_cell_and_writes_nothing(setup):
    book = _download(setup)
    sheet = book["chi_tieu"]
    _find(sheet, "MT_BAT_XLHS", "200")[0].value = "≥"
    _find(sheet, "MT_BAT_XLHS", "200")[1].value = 6  # fine, yet not written
    _find(sheet, "TTXH_VU", "06895")[0].value = "≥"
    _find(sheet, "TTXH_VU", "06895")[1].value = "abc"  # F5
    _find(sheet, "MT_HOSO_CAI", "06898")[0].value = "nhiều hơn"  # H16: not a comparison
    _find(sheet, "MT_HOSO_CAI", "06898")[1].value = 2
    _find(sheet, "MT_QL_DAYDU", "06901")[0].value = "giảm %"  # J18: not for yes/no
    _find(sheet, "MT_QL_DAYDU", "06901")[1].value = 1
    _find(sheet, "MT_BAT_XLHS", "06904")[1].value = 1  # M12: grey cell
    _find(sheet, "MT_TUDIEM", "06910")[1].value = 0  # N14: no comparison
    _find(sheet, "ANTT_MOHINH", "06913")[0].value = "≥"
    _find(sheet, "ANTT_MOHINH", "06913")[1].value = "=1+1"  # Q11: a formula
    sheet["AB9"] = 5  # outside the grid
    before = (_targets(), Target.history.count())
    with pytest.raises(targets_io.TargetsFileError) as refused:
        targets_io.import_workbook(data=_bytes(book), reason="Nhập", **setup)
    assert refused.value.errors == [
        "G5: “abc” không phải là số.",
        "AB9: ô nằm ngoài bảng (không thuộc dòng chỉ tiêu hay cột đơn vị nào).",
        "Q11: không nhận công thức; hãy ghi giá trị (số).",
        "M12: Bắt, xử lý hình sự tội phạm về ma túy không có số liệu ở cấp của Xã Tân Bình; để trống ô này.",
        "N14: Chọn cách so sánh.",
        "H16: “nhiều hơn” không phải cách so sánh; ghi ≥, ≤, giảm hoặc giảm %.",
        "J18: Chỉ tiêu loại “Có/Không” không đặt được theo cách “Giảm ít nhất % (so với cùng kỳ)”.",
    ]
    assert (_targets(), Target.history.count()) == before == ([], before[1])


def test_file_of_another_unit_or_year_is_refused(setup):
    book = _download(setup)
    book["chi_tieu"]["B1"] = "06913"
    book["chi_tieu"]["D1"] = 2024
    with pytest.raises(targets_io.TargetsFileError) as refused:
        targets_io.import_workbook(data=_bytes(book), reason="x", **setup)
    assert refused.value.errors == [
        "B1: tệp là chỉ tiêu của đơn vị “06913”, không phải Huyện Đầm Hà (200).",
        "D1: tệp là chỉ tiêu năm “2024”, không phải năm 2025.",
    ]


def test_text_starting_with_equals_is_written_as_text(setup):
    Indicator.objects.filter(code="TTXH_VU").update(name='=HYPERLINK("http://example.com","x")')
    data = targets_io.workbook(unit=setup["unit"], period=setup["period"])
    sheet = load_workbook(io.BytesIO(data))["chi_tieu"]
    cell = sheet["B5"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://example.com","x")', "s")
    # Read back as Excel would show it: a value, not a formula.
    assert load_workbook(io.BytesIO(data), data_only=True)["chi_tieu"]["B5"].value.startswith("=HYPERLINK")


def test_reader_caps_rows_and_refuses_what_is_not_a_workbook(setup):
    book = _download(setup)
    book["chi_tieu"].cell(targets_io.MAX_ROWS + 5, 1).value = "TTXH_VU"
    with pytest.raises(targets_io.TargetsFileError) as refused:
        targets_io.import_workbook(data=_bytes(book), reason="x", **setup)
    assert refused.value.errors == [f"Không nhập tệp Excel này: bảng tính có hơn 1.000 dòng ({LIMITS_TEXT})."]
    with pytest.raises(targets_io.TargetsFileError) as refused:
        targets_io.import_workbook(data=b"PK\x03\x04 not really", reason="x", **setup)
    assert refused.value.errors == ["Không đọc được tệp Excel (.xlsx): tệp bị hỏng hoặc không phải tệp Excel."]
    empty = Workbook()
    with pytest.raises(targets_io.TargetsFileError) as refused:
        targets_io.import_workbook(data=_bytes(empty), reason="x", **setup)
    assert refused.value.errors[0].startswith("B1: tệp là chỉ tiêu của đơn vị “”")


def test_upload_page_round_trip_and_refusal(setup):
    client = Client()
    client.force_login(setup["user"])
    download = client.get(reverse("indicators:target_xlsx", args=["200", 2025]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="chi-tieu-200-2025.xlsx"'
    book = load_workbook(io.BytesIO(download.content))
    comparison, value = _find(book["chi_tieu"], "MT_BAT_XLHS", "200")
    comparison.value, value.value = "≥", 6
    url = reverse("indicators:target_upload", args=["200", 2025])
    bad = load_workbook(io.BytesIO(_bytes(book)))
    _find(bad["chi_tieu"], "MT_TUDIEM", "06916")[0].value = "≤"
    _find(bad["chi_tieu"], "MT_TUDIEM", "06916")[1].value = -1  # S14
    response = client.post(
        url, {"plan": setup["plan"].pk, "reason": "Nhập", "file": SimpleUploadedFile("ct.xlsx", _bytes(bad))}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Không nhập: tệp có 1 lỗi; chưa ghi chỉ tiêu nào." in html
    assert "<li>S14: Chỉ tiêu không được âm.</li>" in html
    assert _targets() == []
    response = client.post(
        url, {"plan": setup["plan"].pk, "reason": "Nhập", "file": SimpleUploadedFile("ct.xlsx", _bytes(book))}
    )
    assert response.status_code == 302
    assert _targets() == [("MT_BAT_XLHS", "200", "at_least", Decimal(6))]


# --- The outside probe's files against the targets upload (issue 17, findings 1 and 10) -----


class _StillReading(BaseException):
    """Not an Exception: the reader's "damaged file" handler must not swallow it."""


@contextmanager
def _deadline(seconds):
    """Fail instead of hanging: on the code before this check the far-down file below ran
    for hours (every one of 1,048,575 rows walked as 16,384 empty cells)."""

    def expired(*_args):
        raise _StillReading(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _refused(setup, data):
    """(errors, peak bytes, seconds) of uploading ``data`` as the targets file."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        with _deadline(SECONDS), pytest.raises(targets_io.TargetsFileError) as refused:
            targets_io.import_workbook(data=data, reason="x", **setup)
        seconds = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return refused.value.errors, peak, seconds


HEAD = (
    '<row r="1">'
    + _cell("A1", "Mã đơn vị")
    + _cell("B1", "200")
    + _cell("C1", "Năm")
    + '<c r="D1"><v>2025</v></c></row>'
)


def test_a_declared_full_sheet_with_a_far_down_cell_is_refused_in_bounded_time_and_memory(setup):
    data = _xlsx(HEAD + '<row r="1048576">' + _cell("XFD1048576", "x") + "</row>", dimension="A1:XFD1048576")
    assert len(data) < 2000
    errors, peak, seconds = _refused(setup, data)
    assert errors == [f"Không nhập tệp Excel này: bảng tính có hơn 1.000 dòng ({LIMITS_TEXT})."]
    assert peak < PEAK_BYTES and seconds < SECONDS
    assert _targets() == []


def test_a_value_beyond_the_column_limit_is_refused_and_the_declared_dimension_ignored(setup):
    data = _xlsx(HEAD + '<row r="3">' + _cell("XFD3", "far") + "</row>", dimension="A1:XFD1048576")
    errors, peak, _seconds = _refused(setup, data)
    assert errors == [
        f"Không nhập tệp Excel này: dòng 3 có dữ liệu ở cột thứ 16.384, vượt quá 1000 cột ({LIMITS_TEXT})."
    ]
    assert peak < PEAK_BYTES
    # Declared but empty: read as the cells it has.
    assert targets_io.read_sheet(_xlsx(HEAD, dimension="A1:XFD1048576")) == {
        (1, 1): "Mã đơn vị",
        (1, 2): "200",
        (1, 3): "Năm",
        (1, 4): 2025,
    }


def test_twenty_megabytes_of_empty_rows_are_refused(setup):
    errors, peak, seconds = _refused(setup, _xlsx(HEAD + "<row/>" * (20 * 1024 * 1024 // len("<row/>"))))
    assert errors == [f"Không nhập tệp Excel này: bảng tính có hơn 1.000 dòng ({LIMITS_TEXT})."]
    assert peak < PEAK_BYTES and seconds < SECONDS


def test_the_upload_page_lists_200_problems_and_counts_the_rest(setup):
    book = _download(setup)
    sheet = book["chi_tieu"]
    grid_cells = [
        sheet.cell(row, column) for row in range(5, sheet.max_row + 1) for column in range(4, sheet.max_column + 1)
    ][:250]
    assert len(grid_cells) == 250
    for cell in grid_cells:
        cell.value = "=1+1"
    client = Client()
    client.force_login(setup["user"])
    response = client.post(
        reverse("indicators:target_upload", args=["200", 2025]),
        {"plan": setup["plan"].pk, "reason": "Nhập", "file": SimpleUploadedFile("ct.xlsx", _bytes(book))},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Không nhập: tệp có 250 lỗi; chưa ghi chỉ tiêu nào." in html
    assert html.count("không nhận công thức") == 200
    assert '<li id="upload-errors-more">… và 50 lỗi khác (chỉ liệt kê 200 lỗi đầu tiên).</li>' in html
    assert _targets() == []
