"""Report sentences, table-driven: every indicator kind × comparison × coverage state.

Rows are built by hand (no database): the roll-up's numbers are given, only the words
are tested. H1 rows are judged on the period itself; H2 rows under a year target on the
year to date, with the period's own figures in a sentence of their own.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from committees.models import AdministrativeUnit, Plan
from indicators import rollup
from indicators.models import Indicator, Period, Target
from reports import wording

YEAR = Period(
    pk=1, code="2024", year=2024, half=None, start=datetime.date(2023, 12, 15), end=datetime.date(2024, 12, 14)
)
H1 = Period(pk=2, code="2024-H1", year=2024, half=1, start=datetime.date(2023, 12, 15), end=datetime.date(2024, 6, 14))
H2 = Period(pk=3, code="2024-H2", year=2024, half=2, start=datetime.date(2024, 6, 15), end=datetime.date(2024, 12, 14))
DISTRICT = AdministrativeUnit(pk=10, code="200", name="Huyện Đầm Hà", level="district", kind="huyện")
COMMUNES = [
    AdministrativeUnit(pk=11 + i, code=f"0{i}", name=f"Xã {i}", level="commune", kind="thị trấn" if i == 0 else "xã")
    for i in range(9)
]


def _indicator(pk, code, name, measure, over_time, kind="count", entry_level="commune", **parts):
    return Indicator(
        pk=pk,
        code=code,
        name=name,
        measure=measure,
        kind=kind,
        entry_level=entry_level,
        over_time=over_time,
        **parts,
    )


CASES = _indicator(1, "VU", "Số vụ phạm tội về TTXH", "vụ", "sum")
MODELS = _indicator(2, "MH", "Mô hình tự quản về ANTT", "mô hình", "last")
HOTSPOTS = _indicator(3, "TD", "Điểm, tụ điểm về ma túy", "điểm", "last")
SOLVED = _indicator(4, "LR", "Số vụ đã làm rõ", "vụ", "sum")
RATE = _indicator(
    5, "TL", "Tỷ lệ làm rõ", "%", "sum", kind="rate", entry_level="district", numerator=SOLVED, denominator=CASES
)
MANAGED = _indicator(6, "QL", "Quản lý đầy đủ người SDTPCMT", "có/không", "last", kind="yes_no")
CLEAN = _indicator(7, "XS", 'Xã đạt tiêu chí "sạch ma túy"', "xã", "last", kind="status")

FULL = rollup.Coverage(9, 9, 9)
PART = rollup.Coverage(9, 6, 1)  # three communes missing
FULL_YTD = rollup.Coverage(18, 18, 18)
PART_YTD = rollup.Coverage(18, 15, 10)


def target(indicator, comparison, value, period=YEAR):
    return Target(pk=indicator.pk, indicator=indicator, period=period, comparison=comparison, value=Decimal(value))


# What a row holds unless a case says otherwise.
ROW_DEFAULTS = {"status": rollup.NO_TARGET, "coverage": FULL, "percent": None, "numerator": None, "denominator": None}


def row(indicator, *, actual, cumulative=None, last=None, last_cumulative=None, tgt=None, **given):
    """A roll-up row; ``cumulative`` is ``actual`` and ``last_cumulative`` is ``last`` unless given."""
    return rollup.Row(
        indicator=indicator,
        actual=actual,
        cumulative=actual if cumulative is None else cumulative,
        same_period_last_year=last,
        cumulative_last_year=last if last_cumulative is None else last_cumulative,
        target=tgt,
        **(ROW_DEFAULTS | given),
    )


# (id, period, row, sentence)
SENTENCES = [
    # count, at_least --------------------------------------------------------------
    (
        "quota met, complete",
        H1,
        row(CASES, actual=5, last=4, tgt=target(CASES, "at_least", 5), status=rollup.ACHIEVED, percent=100),
        "Số vụ phạm tội về TTXH 5/5 vụ, đạt 100% chỉ tiêu năm 2024",
    ),
    (
        "quota exceeded reads 10 (chỉ tiêu 9), never 10/9",
        H1,
        row(MODELS, actual=10, last=9, tgt=target(MODELS, "at_least", 9), status=rollup.ACHIEVED, percent=1000 / 9),
        "Mô hình tự quản về ANTT 10 mô hình (chỉ tiêu năm 2024: 9), đạt 111,1%",
    ),
    (
        "quota under way, complete",
        H1,
        row(CASES, actual=3, last=4, tgt=target(CASES, "at_least", 5), status=rollup.IN_PROGRESS, percent=60),
        "Số vụ phạm tội về TTXH 3/5 vụ, đạt 60% chỉ tiêu năm 2024",
    ),
    (
        "quota missed at the year's end",
        H2,
        row(
            MODELS, actual=7, last=9, tgt=target(MODELS, "at_least", 9, H2), status=rollup.NOT_ACHIEVED, percent=700 / 9
        ),
        "Mô hình tự quản về ANTT 7/9 mô hình, đạt 77,8% chỉ tiêu",
    ),
    (
        "quota already met with reports missing: settled, figures provisional",
        H1,
        row(
            MODELS,
            actual=10,
            last=9,
            tgt=target(MODELS, "at_least", 9),
            status=rollup.ACHIEVED,
            percent=1000 / 9,
            coverage=PART,
        ),
        "Mô hình tự quản về ANTT 10 mô hình (chỉ tiêu năm 2024: 9), đạt 111,1% (số liệu tạm tính)",
    ),
    (
        "quota not yet met with reports missing: no verdict",
        H2,
        row(
            MODELS,
            actual=7,
            last=10,
            tgt=target(MODELS, "at_least", 9),
            status=rollup.INCOMPLETE,
            percent=700 / 9,
            coverage=PART,
        ),
        "Mô hình tự quản về ANTT: 7 mô hình (chỉ tiêu năm 2024: 9), chưa đủ số liệu để đánh giá",
    ),
    (
        "year quota in H2: year to date judged, the period apart",
        H2,
        row(
            CASES,
            actual=5,
            cumulative=12,
            last=6,
            last_cumulative=12,
            tgt=target(CASES, "at_least", 12),
            status=rollup.ACHIEVED,
            percent=100,
            coverage=FULL_YTD,
        ),
        "Lũy kế năm 2024, số vụ phạm tội về TTXH 12/12 vụ, đạt 100% chỉ tiêu năm 2024. "
        "Riêng 6 tháng cuối năm 2024: 5 vụ (cùng kỳ 6 vụ)",
    ),
    (
        "year quota in H2, reports missing",
        H2,
        row(
            CASES,
            actual=None,
            cumulative=5,
            last=3,
            last_cumulative=7,
            tgt=target(CASES, "at_least", 5),
            status=rollup.ACHIEVED,
            percent=100,
            coverage=rollup.Coverage(2, 1, 1),
        ),
        "Lũy kế năm 2024, số vụ phạm tội về TTXH 5/5 vụ, đạt 100% chỉ tiêu năm 2024 (số liệu tạm tính). "
        "Riêng 6 tháng cuối năm 2024 chưa có số liệu",
    ),
    # count, at_most 0 -------------------------------------------------------------
    (
        "must be zero, none found",
        H1,
        row(HOTSPOTS, actual=0, last=1, tgt=target(HOTSPOTS, "at_most", 0), status=rollup.ACHIEVED),
        "Không phát hiện điểm, tụ điểm về ma túy",
    ),
    (
        "must be zero, found",
        H1,
        row(HOTSPOTS, actual=2, last=1, tgt=target(HOTSPOTS, "at_most", 0), status=rollup.NOT_ACHIEVED),
        "Điểm, tụ điểm về ma túy: phát hiện 2 điểm, chưa đạt chỉ tiêu năm 2024 (không để phát sinh)",
    ),
    (
        "must be zero, none found so far: only those who reported",
        H2,
        row(HOTSPOTS, actual=0, last=0, tgt=target(HOTSPOTS, "at_most", 0), status=rollup.INCOMPLETE, coverage=PART),
        "Các đơn vị đã báo cáo không phát hiện điểm, tụ điểm về ma túy (số liệu tạm tính)",
    ),
    (
        "must be zero, already found with reports missing: settled",
        H2,
        row(HOTSPOTS, actual=1, last=0, tgt=target(HOTSPOTS, "at_most", 0), status=rollup.NOT_ACHIEVED, coverage=PART),
        "Điểm, tụ điểm về ma túy: phát hiện 1 điểm, chưa đạt chỉ tiêu năm 2024 (không để phát sinh) (số liệu tạm tính)",
    ),
    (
        "at most a positive number",
        H1,
        row(HOTSPOTS, actual=2, last=1, tgt=target(HOTSPOTS, "at_most", 3), status=rollup.ACHIEVED),
        "Điểm, tụ điểm về ma túy: 2 điểm, đạt chỉ tiêu năm 2024 (tối đa 3 điểm)",
    ),
    # count, reduce_by / reduce_by_percent ------------------------------------------
    (
        "reduced as required",
        H1,
        row(CASES, actual=8, last=9, tgt=target(CASES, "reduce_by", 1), status=rollup.ACHIEVED),
        "Số vụ phạm tội về TTXH giảm 1 vụ so với cùng kỳ (8 vụ so với 9 vụ), đạt chỉ tiêu năm 2024 (giảm ít nhất 1 vụ)",
    ),
    (
        "rose instead",
        H1,
        row(CASES, actual=11, last=9, tgt=target(CASES, "reduce_by", 1), status=rollup.NOT_ACHIEVED),
        "Số vụ phạm tội về TTXH tăng 2 vụ so với cùng kỳ (11 vụ so với 9 vụ), chưa đạt chỉ tiêu năm 2024 (giảm ít nhất 1 vụ)",
    ),
    (
        "reduced so far, reports missing: no verdict; the period apart",
        H2,
        row(
            CASES,
            actual=4,
            cumulative=12,
            last=10,
            last_cumulative=19,
            tgt=target(CASES, "reduce_by", 1),
            status=rollup.INCOMPLETE,
            coverage=PART_YTD,
        ),
        "Lũy kế năm 2024, số vụ phạm tội về TTXH giảm 7 vụ so với cùng kỳ (12 vụ so với 19 vụ), chưa đủ số liệu để đánh "
        "giá chỉ tiêu năm 2024 (giảm ít nhất 1 vụ). Riêng 6 tháng cuối năm 2024: 4 vụ (cùng kỳ 10 vụ)",
    ),
    (
        "reduced by a percentage",
        H1,
        row(CASES, actual=8, last=10, tgt=target(CASES, "reduce_by_percent", 10), status=rollup.ACHIEVED),
        "Số vụ phạm tội về TTXH giảm 20% so với cùng kỳ (8 vụ so với 10 vụ), đạt chỉ tiêu năm 2024 (giảm ít nhất 10%)",
    ),
    (
        "no figure last year",
        H1,
        row(CASES, actual=8, last=None, tgt=target(CASES, "reduce_by", 1), status=rollup.NO_DATA),
        "Số vụ phạm tội về TTXH: 8 vụ, chưa có số liệu cùng kỳ để so sánh",
    ),
    # rate ---------------------------------------------------------------------------
    (
        "rate met, complete",
        H1,
        row(
            RATE,
            actual=87.5,
            last=77.8,
            tgt=target(RATE, "at_least", 75),
            status=rollup.ACHIEVED,
            numerator=7,
            denominator=8,
        ),
        "Tỷ lệ làm rõ đạt 87,5% (7/8 vụ), đạt chỉ tiêu năm 2024 (≥ 75%)",
    ),
    (
        "rate missed, complete",
        H1,
        row(
            RATE,
            actual=50,
            last=77.8,
            tgt=target(RATE, "at_least", 75),
            status=rollup.NOT_ACHIEVED,
            numerator=4,
            denominator=8,
        ),
        "Tỷ lệ làm rõ đạt 50% (4/8 vụ), chưa đạt chỉ tiêu năm 2024 (≥ 75%)",
    ),
    (
        "rate in H2 with reports missing: the appendix's period value and the year to date, apart",
        H2,
        row(
            RATE,
            actual=100,
            cumulative=1100 / 12,
            last=90,
            tgt=target(RATE, "at_least", 75),
            status=rollup.INCOMPLETE,
            numerator=4,
            denominator=4,
            coverage=PART_YTD,
        ),
        "Lũy kế năm 2024, tỷ lệ làm rõ đạt 91,7%, chưa đủ số liệu để đánh giá chỉ tiêu năm 2024 (≥ 75%). "
        "Riêng 6 tháng cuối năm 2024 đạt 100% (4/4 vụ)",
    ),
    # yes/no and status: counts of communes ----------------------------------------
    (
        "yes/no without target: 8/9 communes",
        H1,
        row(MANAGED, actual=8, last=7),
        "Quản lý đầy đủ người SDTPCMT: 8/9 xã, thị trấn, tăng 1 đơn vị so với cùng kỳ (7/9 xã, thị trấn)",
    ),
    (
        "yes/no without target, reports missing",
        H2,
        row(MANAGED, actual=6, last=8, coverage=PART),
        "Quản lý đầy đủ người SDTPCMT: 6/9 xã, thị trấn, giảm 2 đơn vị so với cùng kỳ (8/9 xã, thị trấn) (số liệu tạm tính)",
    ),
    (
        "status, at least 6 communes",
        H1,
        row(CLEAN, actual=8, last=7, tgt=target(CLEAN, "at_least", 6), status=rollup.ACHIEVED, percent=800 / 6),
        'Xã đạt tiêu chí "sạch ma túy": 8/9 xã, thị trấn (chỉ tiêu năm 2024: 6), đạt 133,3%',
    ),
    (
        "status, below the quota with reports missing",
        H2,
        row(
            CLEAN,
            actual=5,
            last=8,
            tgt=target(CLEAN, "at_least", 6),
            status=rollup.INCOMPLETE,
            percent=500 / 6,
            coverage=PART,
        ),
        'Xã đạt tiêu chí "sạch ma túy": 5/9 xã, thị trấn (chỉ tiêu năm 2024: 6), chưa đủ số liệu để đánh giá',
    ),
    # count without a target -------------------------------------------------------
    (
        "no target: value and change",
        H1,
        row(SOLVED, actual=30, last=34),
        "Số vụ đã làm rõ: 30 vụ, giảm 4 vụ so với cùng kỳ (34 vụ)",
    ),
    (
        "no target, same as last year, provisional",
        H2,
        row(SOLVED, actual=7, last=7, coverage=PART),
        "Số vụ đã làm rõ: 7 vụ, bằng cùng kỳ (số liệu tạm tính)",
    ),
    (
        "no figure at all",
        H2,
        row(SOLVED, actual=None, last=7, coverage=rollup.Coverage(9, 0, 0)),
        "Số vụ đã làm rõ: chưa có số liệu",
    ),
]


@pytest.mark.parametrize(("period", "the_row", "expected"), [c[1:] for c in SENTENCES], ids=[c[0] for c in SENTENCES])
def test_sentence(period, the_row, expected):
    with translation.override("vi"):
        assert wording.sentence(the_row, period, DISTRICT, COMMUNES) == expected


def _progress(rows, submitted=10, approved=10, missing=()):
    return rollup.Progress(
        unit=DISTRICT,
        period=H2,
        rows=rows,
        completeness=rollup.Completeness(10, submitted, approved, list(missing)),
        children=COMMUNES,
    )


def test_result_lines_coverage_plan_abbreviations_and_quotes():
    plan = Plan(
        pk=1,
        number="111/KH-UBND",
        issued_on=datetime.date(2024, 4, 19),
        issuer="UBND huyện Đầm Hà",
        title='Kế hoạch xây dựng xã, thị trấn "sạch ma túy", huyện "sạch ma túy"',
    )
    quota = target(CLEAN, "at_least", 6)
    quota.plan = plan
    zero = target(HOTSPOTS, "at_most", 0)
    zero.plan = plan
    CLEAN.section = HOTSPOTS.section = MODELS.section = ""
    rows = [
        row(HOTSPOTS, actual=0, last=0, tgt=zero, status=rollup.INCOMPLETE, coverage=PART),
        row(CLEAN, actual=6, last=8, tgt=quota, status=rollup.ACHIEVED, percent=100, coverage=PART),
        row(MODELS, actual=7, last=10),
    ]
    missing = [COMMUNES[5], COMMUNES[6], COMMUNES[7]]
    with translation.override("vi"):
        lines = wording.result_lines(_progress(rows, submitted=7, approved=2, missing=missing))
    assert lines == [
        "Số liệu tạm tính: 7/10 đơn vị đã báo cáo, 2 đơn vị đã được duyệt (chưa báo cáo: Xã 5, Xã 6, Xã 7).",
        # The plan cited once, in full, with its subject.
        "Kết quả thực hiện các chỉ tiêu theo Kế hoạch số 111/KH-UBND ngày 19/4/2024 của UBND huyện Đầm Hà về "
        "xây dựng xã, thị trấn “sạch ma túy”, huyện “sạch ma túy”:",
        "- Các đơn vị đã báo cáo không phát hiện điểm, tụ điểm về ma túy (số liệu tạm tính).",
        "- Xã đạt tiêu chí “sạch ma túy”: 6/9 xã, thị trấn (chỉ tiêu năm 2024: 6), đạt 100% (số liệu tạm tính).",
        # ANTT spelled out at its first use.
        "- Mô hình tự quản về an ninh, trật tự (ANTT): 7 mô hình, giảm 3 mô hình so với cùng kỳ (10 mô hình).",
    ]


def test_result_lines_without_missing_reports_have_no_coverage_sentence():
    with translation.override("vi"):
        lines = wording.result_lines(_progress([row(SOLVED, actual=30, last=34)]))
    assert lines == ["- Số vụ đã làm rõ: 30 vụ, giảm 4 vụ so với cùng kỳ (34 vụ)."]


def test_abbreviations_spelled_out_once_and_never_inside_document_numbers():
    lines = wording.spell_out(["Số vụ về TTXH theo 25/KH-TTXH", "Tỷ lệ TTXH và SDTPCMT", "TTATXH, TTXH"])
    assert lines == [
        "Số vụ về trật tự xã hội (TTXH) theo 25/KH-TTXH",
        "Tỷ lệ TTXH và sử dụng trái phép chất ma túy (SDTPCMT)",
        "trật tự, an toàn xã hội (TTATXH), TTXH",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Xã đạt tiêu chí "sạch ma túy"', "Xã đạt tiêu chí “sạch ma túy”"),
        ('"a", "b"', "“a”, “b”"),
        ('một dấu " lẻ', 'một dấu " lẻ'),
    ],
)
def test_typographic_quotes(text, expected):
    assert wording.typographic_quotes(text) == expected
