import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from reports import wording


def test_vietnamese_numbers_group_thousands_with_a_dot_and_use_a_decimal_comma():
    with translation.override("vi"):
        assert wording.num(1234) == "1.234"
        assert wording.num(Decimal("1234567")) == "1.234.567"
        assert wording.pct(Decimal("66.666")) == "66,7%"
    with translation.override("en"):
        assert wording.num(1234) == "1,234"
        assert wording.pct(Decimal("66.666")) == "66.7%"


def test_vietnamese_short_dates_read_dd_mm_yyyy():
    with translation.override("vi"):
        text = Template("{{ day|date:'SHORT_DATE_FORMAT' }}").render(Context({"day": datetime.date(2024, 7, 8)}))
    assert text == "08/07/2024"


def test_entered_values_are_shown_grouped_on_the_entry_pages():
    class Indicator:
        kind = "count"

    with translation.override("vi"):
        text = Template('{% include "indicators/_value.html" %}').render(
            Context({"value": Decimal("1234"), "indicator": Indicator()})
        )
    assert text == "1.234"
