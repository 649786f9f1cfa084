"""The one reader of a figure typed or imported: the entry form and the figures file both
call :func:`parse_figure`, so a spelling accepted by one is accepted by the other, with the
same value, and a refused one gets the same message (tests/indicators/test_numbers.py
checks the two against each other with hypothesis).

Accepted: ASCII digits, with spaces around them (" 7 "); from a spreadsheet, a number
cell holding a whole number (7 or 7.0). Refused, each with a message naming the problem:
an empty value (the caller decides whether that is allowed), a sign ("+3"; "-3" is
negative), digits other than 0–9 ("٣", "３"), a dot or comma ("1.000" and "12,500" are
ambiguous in Vietnamese writing, "1,5" and "1.5" have a fraction), an exponent ("1e3"),
infinity or NaN, a formula, a TRUE/FALSE cell, a date, and anything too long or too large.
"""

import datetime
import math
import re
from decimal import Decimal

from django.utils.translation import gettext as _

# No count of a district comes near this; larger numbers are typing errors (and would
# not fit the database's bigint).
FIGURE_MAX = 999_999_999_999
TEXT_MAX = 30

_DIGITS = re.compile(r"[0-9]+")
# "1.000" or "12,500": in Vietnamese writing the dot groups thousands, so such a value is
# ambiguous (one or a thousand?) and is refused rather than guessed.
_GROUPED = re.compile(r"-?[0-9]{1,3}(?:[.,][0-9]{3})+")
_DECIMAL = re.compile(r"-?[0-9]*[.,][0-9]+|-?[0-9]+[.,]")
_EXPONENT = re.compile(r"[-+]?[0-9]*[.,]?[0-9]+[eE][-+]?[0-9]+")
_INFINITE = re.compile(r"[-+]?(inf|infinity|nan|snan)", re.IGNORECASE)


class FigureValueError(ValueError):
    """A refused figure; ``message`` is meant for the user (without the row or the field)."""

    def __init__(self, message, code):
        super().__init__(message)
        self.message = message
        self.code = code


class Formula(str):
    """A spreadsheet cell holding a formula (its text, starting with "="), as the figures
    file reader returns it: a formula is never taken as a value."""


def _refuse(code, message, **params):
    raise FigureValueError(message % params if params else message, code)


def parse_figure(raw):
    """``raw`` (text, or a spreadsheet cell's value) → an int ≥ 0, or None when empty.

    Raises :class:`FigureValueError` with a Vietnamese message otherwise.
    """
    if raw is None:
        return None
    if isinstance(raw, Formula):
        _refuse(
            "formula",
            _("ô có công thức (%(formula)s), không phải một số; hãy dán giá trị (Paste Special → Values)."),
            formula=str(raw)[:TEXT_MAX],
        )
    if isinstance(raw, bool):
        _refuse("boolean", _("ô kiểu đúng/sai (TRUE/FALSE); ghi 1 (có) hoặc 0 (không)."))
    if isinstance(raw, datetime.date | datetime.time | datetime.timedelta):
        _refuse("date", _("ô kiểu ngày giờ, không phải một số."))
    if isinstance(raw, float):
        if math.isnan(raw) or math.isinf(raw):
            _refuse("infinite", _("giá trị “%(value)s” không phải là số hữu hạn (vô cực hoặc NaN)."), value=str(raw))
        if not raw.is_integer():
            _refuse(
                "fraction",
                _("giá trị %(value)s có phần lẻ; chỉ tiêu đếm chỉ nhận số nguyên."),
                value=repr(raw)[:TEXT_MAX],
            )
        raw = int(raw)
    if isinstance(raw, int):
        return _checked(raw, str(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            _refuse("infinite", _("giá trị “%(value)s” không phải là số hữu hạn (vô cực hoặc NaN)."), value=str(raw))
        if raw != raw.to_integral_value():
            _refuse(
                "fraction",
                _("giá trị %(value)s có phần lẻ; chỉ tiêu đếm chỉ nhận số nguyên."),
                value=str(raw)[:TEXT_MAX],
            )
        return _checked(int(raw), str(raw))
    text = str(raw).strip()
    if text == "":
        return None
    shown = text[:TEXT_MAX]
    if len(text) > TEXT_MAX:
        _refuse("too_long", _("giá trị “%(value)s…” quá dài, không phải một số liệu."), value=shown)
    if _DIGITS.fullmatch(text):
        return _checked(int(text), text)
    if text.startswith("-") and _DIGITS.fullmatch(text[1:]):
        _refuse("negative", _("giá trị %(value)s là số âm; số liệu không được âm."), value=shown)
    if text.startswith("+"):
        _refuse("sign", _("giá trị “%(value)s” có dấu +; chỉ ghi chữ số (ví dụ 3)."), value=shown)
    if _GROUPED.fullmatch(text):
        _refuse(
            "grouped",
            _("giá trị “%(value)s” không rõ ràng: ghi số nguyên không dùng dấu chấm, dấu phẩy (ví dụ 1000)."),
            value=shown,
        )
    if _DECIMAL.fullmatch(text):
        _refuse("fraction", _("giá trị %(value)s có phần lẻ; chỉ tiêu đếm chỉ nhận số nguyên."), value=shown)
    if _EXPONENT.fullmatch(text):
        _refuse("exponent", _("giá trị “%(value)s” viết dạng số mũ; ghi đủ các chữ số (ví dụ 1000)."), value=shown)
    if _INFINITE.fullmatch(text):
        _refuse("infinite", _("giá trị “%(value)s” không phải là số hữu hạn (vô cực hoặc NaN)."), value=shown)
    if text.startswith("="):
        _refuse("formula", _("giá trị “%(value)s” là công thức, không phải một số."), value=shown)
    if re.fullmatch(r"-?\d+", text):  # digits of another script: "٣", "３"
        _refuse("script", _("giá trị “%(value)s” dùng chữ số không phải 0–9; ghi bằng chữ số 0–9."), value=shown)
    _refuse("invalid", _("giá trị “%(value)s” không phải là số."), value=shown)


def _checked(value, shown):
    if value < 0:
        _refuse("negative", _("giá trị %(value)s là số âm; số liệu không được âm."), value=shown[:TEXT_MAX])
    if value > FIGURE_MAX:
        _refuse("too_large", _("giá trị %(value)s quá lớn (tối đa %(max)s)."), value=shown[:20], max=FIGURE_MAX)
    return value
