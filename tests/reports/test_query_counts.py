"""Dashboard, API and national overview: a fixed number of queries whatever the size.

Sizes come from the benchmark generator (indicators/fixtures/scale.py): a small and a larger set
differ in communes per district, districts per province, indicators and years.
"""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.models import AdministrativeUnit, Level, Role
from indicators import rollup
from indicators.models import Period
from tests import factories

LIMIT = 15


def generate(communes, indicators, years):
    call_command(
        "generate_scale_data",
        "--communes",
        str(communes),
        "--indicators",
        str(indicators),
        "--years",
        str(years),
        stdout=io.StringIO(),
    )


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def counts(client):
    province = AdministrativeUnit.objects.filter(level=Level.PROVINCE).order_by("code").first()
    district = province.children.order_by("code").first()
    viewer = factories.user(f"xem{AdministrativeUnit.objects.count()}", (Role.VIEW, province))
    client.force_login(viewer)
    period = Period.objects.halves().order_by("-end").first().code
    year = period[:4]
    result = {}
    for unit in (district, province):
        for code in (period, year):
            result[f"dashboard {unit.level} {code[4:] or 'year'}"] = queries(client, f"/dashboard/{unit.code}/{code}/")
            result[f"api {unit.level} {code[4:] or 'year'}"] = queries(client, f"/api/v1/progress/{unit.code}/{code}/")
    provinces = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE))
    with CaptureQueriesContext(connection) as captured:
        rollup.overview(provinces, Period.objects.get(code=period))
    result["national overview"] = len(captured.captured_queries)
    return result


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_units_indicators_or_periods(client):
    generate(communes=11, indicators=7, years=1)
    small = counts(client)
    # 30 communes → 3 districts (one province); 20 indicators; 3 years.
    generate(communes=30, indicators=20, years=3)
    large = counts(client)

    assert large == small
    assert max(small.values()) <= LIMIT, small


@pytest.mark.django_db
def test_national_overview_query_count_does_not_grow_with_provinces():
    generate(communes=11, indicators=20, years=2)
    period = Period.objects.get(code="2025-H2")
    one = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE))
    with CaptureQueriesContext(connection) as captured:
        rollup.overview(one, period)
    single = len(captured.captured_queries)

    # 170 communes → 14 districts → 2 provinces.
    generate(communes=170, indicators=20, years=2)
    provinces = list(AdministrativeUnit.objects.filter(level=Level.PROVINCE))
    assert len(provinces) == 2
    with CaptureQueriesContext(connection) as captured:
        rollup.overview(provinces, period)

    # Periods, indicators, predecessors, the roll-up statement, targets.
    assert len(captured.captured_queries) == single == 5
