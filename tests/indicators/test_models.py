import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from committees.models import Level
from indicators.models import Criterion, Figure, Indicator, Period, Submission, Target, decree09_window
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("code", "start", "end", "year", "half"),
    [
        ("2024-H1", D(2023, 12, 15), D(2024, 6, 14), 2024, 1),
        ("2024-H2", D(2024, 6, 15), D(2024, 12, 14), 2024, 2),
        ("2024", D(2023, 12, 15), D(2024, 12, 14), 2024, None),
        ("2025-H1", D(2024, 12, 15), D(2025, 6, 14), 2025, 1),
    ],
)
def test_period_default_dates_follow_decree_09(code, start, end, year, half):
    period = Period.objects.create(code=code)
    period.refresh_from_db()
    assert (period.start, period.end, period.year, period.half) == (start, end, year, half)
    assert period.is_half == (half is not None)


def test_period_labels_and_last_year():
    assert [str(factories.period(code)) for code in ("2024-H1", "2024-H2", "2024")] == [
        "6 tháng đầu năm 2024",
        "6 tháng cuối năm 2024",
        "Năm 2024",
    ]
    assert Period.objects.get(code="2024-H1").same_period_last_year_code() == "2023-H1"
    assert Period.objects.get(code="2024").same_period_last_year_code() == "2023"
    year, half = Period.objects.get(code="2024"), Period.objects.get(code="2024-H2")
    assert year.contains(half) and not half.contains(year)


def test_period_keeps_dates_given_explicitly():
    period = Period.objects.create(code="2024-H1", start=D(2024, 1, 1), end=D(2024, 6, 30))
    period.refresh_from_db()
    assert (period.start, period.end) == (D(2024, 1, 1), D(2024, 6, 30))


def test_decree09_window_of_the_year_and_halves_join_up():
    h1_start, h1_end = decree09_window(2024, 1)
    h2_start, h2_end = decree09_window(2024, 2)
    assert h2_start - h1_end == datetime.timedelta(days=1)
    assert decree09_window(2024) == (h1_start, h2_end)


@pytest.mark.parametrize("code", ["2024-H3", "2024H1", "24-H1", "2024-h1", "2024-Q1", ""])
def test_bad_period_code_is_refused_by_clean(code):
    with pytest.raises(ValidationError) as refused:
        Period(code=code).clean()
    assert refused.value.message_dict == {"code": ["Mã kỳ phải có dạng 2024-H1, 2024-H2 hoặc 2024."]}


def test_period_end_before_start_is_refused():
    period = Period(code="2024-H1", start=D(2024, 6, 1), end=D(2024, 1, 1))
    with pytest.raises(ValidationError) as refused:
        period.clean()
    assert refused.value.message_dict == {"end": ["Ngày kết thúc phải sau ngày bắt đầu."]}
    with pytest.raises(IntegrityError), transaction.atomic():
        period.save()


@pytest.fixture
def setup():
    _province, district, (commune,) = factories.tree(communes=["06913"])
    count = factories.indicator("TTXH_VU")
    return district, commune, count, factories.period("2024")


def test_one_target_per_indicator_unit_and_period(setup):
    district, commune, count, year = setup
    factories.target(count, district, year, "at_least", 5)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.target(count, district, year, "at_most", 3)
    factories.target(count, commune, year, "at_most", 3)  # another unit: allowed
    assert list(Target.objects.order_by("unit__code").values_list("unit__code", "value")) == [
        ("06913", 3),
        ("200", 5),
    ]


def test_negative_target_is_refused_by_the_database(setup):
    district, _commune, count, year = setup
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.target(count, district, year, "at_least", -1)


def test_one_figure_per_submission_and_indicator(setup):
    _district, commune, count, _year = setup
    submission = Submission.objects.create(unit=commune, period=factories.period("2024-H1"))
    Figure.objects.create(submission=submission, indicator=count, value=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.create(submission=submission, indicator=count, value=3)
    assert list(submission.figures.values_list("value", flat=True)) == [2]


def test_one_submission_per_unit_and_period(setup):
    _district, commune, _count, _year = setup
    half = factories.period("2024-H1")
    Submission.objects.create(unit=commune, period=half)
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(unit=commune, period=half)


def test_negative_figure_is_refused_by_the_database(setup):
    _district, commune, count, _year = setup
    submission = Submission.objects.create(unit=commune, period=factories.period("2024-H1"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.create(submission=submission, indicator=count, value=-1)
    Figure.objects.create(submission=submission, indicator=count, value=None)  # missing is not negative
    Figure.objects.create(submission=submission, indicator=factories.indicator("ZERO"), value=0)
    assert sorted(submission.figures.values_list("indicator__code", "value")) == [("TTXH_VU", None), ("ZERO", 0)]


def test_yes_no_figure_is_zero_or_one_in_forms(setup):
    _district, commune, _count, _year = setup
    yes_no = factories.indicator("MT_QL_DAYDU", kind="yes_no")
    submission = Submission.objects.create(unit=commune, period=factories.period("2024-H1"))
    with pytest.raises(ValidationError) as refused:
        Figure(submission=submission, indicator=yes_no, value=2).clean()
    assert refused.value.message_dict == {"value": ["Chỉ tiêu có/không chỉ nhận 0 (không) hoặc 1 (có)."]}
    Figure(submission=submission, indicator=yes_no, value=1).clean()


def test_rate_without_numerator_is_refused_by_the_database(setup):
    _district, _commune, count, _year = setup
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.indicator("RATE", kind="rate", entry_level=Level.DISTRICT, denominator=count)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.indicator("RATE", kind="rate", entry_level=Level.DISTRICT, numerator=count)
    rate = factories.indicator("RATE", kind="rate", entry_level=Level.DISTRICT, numerator=count, denominator=count)
    assert Indicator.objects.get(code="RATE").numerator == rate.numerator


def test_rate_without_parts_is_repeated_by_clean():
    with pytest.raises(ValidationError) as refused:
        Indicator(code="RATE", name="Tỷ lệ", measure="%", kind="rate", entry_level=Level.DISTRICT).clean()
    assert refused.value.message_dict == {
        "numerator": ["Chỉ tiêu tỷ lệ phải có tử số."],
        "denominator": ["Chỉ tiêu tỷ lệ phải có mẫu số."],
    }


def test_indicator_code_is_unique(setup):
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.indicator("TTXH_VU")


def test_criterion_unique_and_holds(setup):
    _district, _commune, count, _year = setup
    status = factories.indicator("XA_SACH", kind="status")
    criterion = factories.criterion(status, count, "at_most", 0)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.criterion(status, count, "at_least", 1)
    assert (criterion.holds(0), criterion.holds(1), criterion.holds(None)) == (True, False, False)
    assert Criterion.objects.count() == 1
