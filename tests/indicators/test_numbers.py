"""One number parser for the entry form and the figures file (issue 17, finding 8).

On main the import took "1e3" as 1000 and "٣" as 3 while the form refused the first, and an
infinite, NaN or formula cell was reported as "thiếu giá trị". Here every spelling gets the
same answer from both, and the message names the real problem.
"""

import datetime
import math

import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import figures_io
from indicators.forms import FigureField
from indicators.models import Indicator, IndicatorKind
from indicators.numbers import FIGURE_MAX, Formula, parse_figure

COUNT = Indicator(code="VU", kind=IndicatorKind.COUNT)


def _form(raw):
    """(value, None) or (None, message) from the entry form's field."""
    field = FigureField(required=False, min_value=0, max_value=FIGURE_MAX)
    try:
        return field.clean(raw), None
    except forms.ValidationError as exc:
        return None, exc.messages[0]


def _import(raw):
    value, message = figures_io._parse_value(raw, COUNT)
    if message and message.startswith("thiếu giá trị"):
        return None, None  # empty: the file requires a value, the form allows a blank
    return value, message


@pytest.mark.parametrize(
    ("raw", "value"),
    [("7", 7), (" 7 ", 7), ("0", 0), ("007", 7), (7, 7), (7.0, 7), ("999999999999", 999_999_999_999)],
)
def test_accepted_spellings(raw, value):
    assert parse_figure(raw) == value
    assert _form(str(raw) if not isinstance(raw, float) else "7") == (value, None)
    assert _import(raw) == (value, None)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1e3", "giá trị “1e3” viết dạng số mũ; ghi đủ các chữ số (ví dụ 1000)."),
        ("1E+3", "giá trị “1E+3” viết dạng số mũ; ghi đủ các chữ số (ví dụ 1000)."),
        ("1.000", "giá trị “1.000” không rõ ràng: ghi số nguyên không dùng dấu chấm, dấu phẩy (ví dụ 1000)."),
        ("12,500", "giá trị “12,500” không rõ ràng: ghi số nguyên không dùng dấu chấm, dấu phẩy (ví dụ 1000)."),
        ("1,5", "giá trị 1,5 có phần lẻ; chỉ tiêu đếm chỉ nhận số nguyên."),
        ("2.5", "giá trị 2.5 có phần lẻ; chỉ tiêu đếm chỉ nhận số nguyên."),
        ("5.0", "giá trị 5.0 có phần lẻ; chỉ tiêu đếm chỉ nhận số nguyên."),
        ("+3", "giá trị “+3” có dấu +; chỉ ghi chữ số (ví dụ 3)."),
        ("-1", "giá trị -1 là số âm; số liệu không được âm."),
        ("٣", "giá trị “٣” dùng chữ số không phải 0–9; ghi bằng chữ số 0–9."),
        ("３", "giá trị “３” dùng chữ số không phải 0–9; ghi bằng chữ số 0–9."),
        ("inf", "giá trị “inf” không phải là số hữu hạn (vô cực hoặc NaN)."),
        ("-Infinity", "giá trị “-Infinity” không phải là số hữu hạn (vô cực hoặc NaN)."),
        ("NaN", "giá trị “NaN” không phải là số hữu hạn (vô cực hoặc NaN)."),
        ("=1+2", "giá trị “=1+2” là công thức, không phải một số."),
        ("ba", "giá trị “ba” không phải là số."),
        ("1000000000000", "giá trị 1000000000000 quá lớn (tối đa 999999999999)."),
        ("1" * 40, "giá trị “111111111111111111111111111111…” quá dài, không phải một số liệu."),
    ],
)
def test_refused_spellings_get_the_same_message_from_form_and_import(raw, message):
    assert _import(raw) == (None, message)
    assert _form(raw) == (None, message[0].upper() + message[1:])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (math.inf, "giá trị “inf” không phải là số hữu hạn (vô cực hoặc NaN)."),
        (math.nan, "giá trị “nan” không phải là số hữu hạn (vô cực hoặc NaN)."),
        (2.5, "giá trị 2.5 có phần lẻ; chỉ tiêu đếm chỉ nhận số nguyên."),
        (-3, "giá trị -3 là số âm; số liệu không được âm."),
        (True, "ô kiểu đúng/sai (TRUE/FALSE); ghi 1 (có) hoặc 0 (không)."),
        (datetime.datetime(2024, 7, 1), "ô kiểu ngày giờ, không phải một số."),
        (
            Formula("=SUM(A1:A3)"),
            "ô có công thức (=SUM(A1:A3)), không phải một số; hãy dán giá trị (Paste Special → Values).",
        ),
    ],
)
def test_spreadsheet_cells_are_refused_naming_the_problem(raw, message):
    """What only a spreadsheet cell can hold: never "thiếu giá trị"."""
    assert _import(raw) == (None, message)


def test_an_empty_value_is_missing_in_the_file_and_blank_in_the_form():
    assert figures_io._parse_value("  ", COUNT) == (
        None,
        "thiếu giá trị (cột value để trống; bỏ dòng này nếu không nhập).",
    )
    assert _form("  ") == (None, None)


NUMBERISH = st.one_of(
    st.text(max_size=12),
    st.text(alphabet="0123456789+-.,eE ٣３infaINFAN=", max_size=12),
    st.integers(min_value=-(10**14), max_value=10**14).map(str),
    st.from_regex(r"\s*[+-]?[0-9]{1,4}([.,][0-9]{1,4})?([eE][+-]?[0-9])?\s*", fullmatch=True),
)


@settings(max_examples=600, deadline=None)
@given(NUMBERISH)
def test_the_form_and_the_import_accept_and_refuse_the_same_text(text):
    if "\x00" in text:
        return  # the form refuses NUL before the field; the file reader refuses it per row
    assert _form(text)[0] == _import(text)[0]
    form_message, import_message = _form(text)[1], _import(text)[1]
    assert (form_message is None) == (import_message is None)
    if form_message:
        assert form_message[1:] == import_message[1:]
