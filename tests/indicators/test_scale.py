"""The synthetic data generator (manage.py generate_scale_data)."""

import io

import pytest
from django.core.management import CommandError, call_command

from committees.models import AdministrativeUnit, Level, Role, SteeringCommittee
from indicators.fixtures import scale
from indicators.models import (
    Comparison,
    Criterion,
    Figure,
    Indicator,
    Period,
    Submission,
    SubmissionStatus,
    Target,
    UnitVersion,
)
from tests import factories


def generate(*args):
    out = io.StringIO()
    call_command("generate_scale_data", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_generates_exactly_the_requested_sizes():
    out = generate("--communes", "25", "--indicators", "20", "--years", "2")

    units = AdministrativeUnit.objects.filter(note=scale.MARKER)
    assert units.filter(level=Level.COMMUNE).count() == 25
    assert units.filter(level=Level.DISTRICT).count() == 2  # ceil(25 / 13)
    assert units.filter(level=Level.PROVINCE).count() == 1
    assert Indicator.objects.filter(code__startswith="GEN").count() == 20
    assert sorted(Period.objects.values_list("code", flat=True)) == [
        "2024",
        "2024-H1",
        "2024-H2",
        "2025",
        "2025-H1",
        "2025-H2",
    ]
    # Every commune and district reports every half: (25 + 2) × 4.
    assert Submission.objects.count() == 108
    # Of the 20 indicators 15 are entered by communes and 2 by districts: (25 × 15 + 2 × 2) × 4.
    assert Figure.objects.count() == 1516
    assert "1516 số liệu" in out
    for district in units.filter(level=Level.DISTRICT):
        assert 10 <= district.children.count() <= 16


@pytest.mark.django_db
def test_catalogue_has_every_kind_level_rule_and_comparison():
    generate("--communes", "12", "--indicators", "20", "--years", "2")

    indicators = Indicator.objects.filter(code__startswith="GEN")
    assert set(indicators.values_list("kind", flat=True)) == {"count", "yes_no", "rate", "status"}
    assert set(indicators.values_list("entry_level", flat=True)) == {"commune", "district"}
    assert set(indicators.values_list("over_time", flat=True)) == {"sum", "last"}
    for rate in indicators.filter(kind="rate"):
        assert rate.numerator.entry_level == rate.denominator.entry_level == rate.entry_level
    status = indicators.get(kind="status")
    assert [(c.indicator.code, c.comparison, c.value) for c in Criterion.objects.filter(status=status)] == [
        ("GEN01_TUDIEM", "at_most", 0),
        ("GEN01_SACH", "at_least", 1),
    ]
    assert set(Target.objects.values_list("comparison", flat=True)) == set(Comparison.values)
    assert Target.objects.filter(period__half__isnull=True).exists()
    assert Target.objects.filter(period__half__isnull=False).exists()
    # Closed halves are approved; the latest half is still partly in review.
    assert set(Submission.objects.filter(period__code="2025-H1").values_list("status", flat=True)) == {"approved"}
    assert set(Submission.objects.filter(period__code="2025-H2").values_list("status", flat=True)) == set(
        SubmissionStatus.values
    ) - {"returned"}
    # A share never exceeds its whole ("cases solved" ≤ "cases").
    for sub in Submission.objects.filter(unit__level=Level.COMMUNE):
        values = dict(sub.figures.values_list("indicator__code", "value"))
        assert values["GEN01_LAMRO"] <= values["GEN01_VU"]


@pytest.mark.django_db
def test_second_run_replaces_its_own_data():
    generate("--communes", "12", "--indicators", "7", "--years", "1")
    generate("--communes", "11", "--indicators", "7", "--years", "1")

    assert AdministrativeUnit.objects.filter(level=Level.COMMUNE).count() == 11
    # 7 indicators: 4 entered by communes, 1 by the district; (11 × 4 + 1 × 1) × 2 halves.
    assert Figure.objects.count() == 90
    # The cache's versions: one per unit with data and year (11 communes, 1 district), none
    # left of the first run's units.
    assert set(UnitVersion.objects.values_list("unit_id", flat=True)) == set(
        Submission.objects.values_list("unit_id", flat=True)
    )
    assert UnitVersion.objects.count() == 12


@pytest.mark.django_db
def test_second_run_replaces_report_documents_made_on_generated_units():
    from reports import services as reports_services  # the reports app, made on generated data
    from reports.models import ReportDocument

    generate("--communes", "12", "--indicators", "7", "--years", "1")
    committee = SteeringCommittee.objects.get(code=scale.COMMITTEE_CODE)
    district = AdministrativeUnit.objects.get(level=Level.DISTRICT)
    user = factories.user("vanphong", (Role.OFFICE, district))
    reports_services.create_report(
        user=user, committee=committee, unit=district, period=Period.objects.get(code="2025-H2")
    )

    generate("--communes", "11", "--indicators", "7", "--years", "1")

    assert not ReportDocument.objects.exists()
    assert AdministrativeUnit.objects.filter(level=Level.COMMUNE).count() == 11


@pytest.mark.django_db
def test_refuses_a_database_with_real_units_and_writes_nothing():
    real = factories.unit("06913")

    with pytest.raises(CommandError, match="--force"):
        generate("--communes", "12", "--indicators", "7", "--years", "1")

    assert list(AdministrativeUnit.objects.all()) == [real]
    assert not Indicator.objects.exists()
    assert not Period.objects.exists()


@pytest.mark.django_db
def test_force_generates_next_to_real_data_and_leaves_it_alone():
    _province, _district, (commune,) = factories.tree(communes=("06913",))
    period = factories.period("2025-H1")
    count = factories.indicator("TTXH_VU")
    factories.submission(commune, period, TTXH_VU=3)

    generate("--communes", "12", "--indicators", "7", "--years", "1", "--force")

    assert AdministrativeUnit.objects.filter(note=scale.MARKER).count() == 14
    assert AdministrativeUnit.objects.exclude(note=scale.MARKER).count() == 3
    assert Figure.objects.get(submission__unit=commune, indicator=count).value == 3
    assert Figure.objects.count() == 1 + (12 * 4 + 1) * 2


@pytest.mark.django_db
def test_rejects_sizes_below_one():
    with pytest.raises(CommandError, match="từ 1 trở lên"):
        generate("--communes", "0", "--indicators", "7", "--years", "1")
    assert not AdministrativeUnit.objects.exists()
