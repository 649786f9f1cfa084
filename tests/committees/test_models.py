import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from committees.models import AdministrativeUnit, Level, Plan, Role, UnitRole, UnitSuccession
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date


def test_unit_code_is_unique():
    factories.unit("06913")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.unit("06913", name="Một xã khác")
    assert AdministrativeUnit.objects.filter(code="06913").count() == 1


def test_unit_valid_range_is_checked_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.unit("06913", valid_from=D(2025, 7, 1), valid_to=D(2025, 6, 30))
    # One day of validity is a valid range.
    unit = factories.unit("06913", valid_from=D(2025, 7, 1), valid_to=D(2025, 7, 1))
    assert unit.is_valid_on(D(2025, 7, 1))


def test_unit_valid_range_is_repeated_by_clean():
    unit = AdministrativeUnit(code="06913", name="Xã Quảng Tân", level=Level.COMMUNE, kind="xã")
    unit.valid_from, unit.valid_to = D(2025, 7, 1), D(2025, 6, 30)
    with pytest.raises(ValidationError) as refused:
        unit.clean()
    assert refused.value.message_dict == {"valid_to": ["Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."]}


def test_unit_level_is_checked_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        AdministrativeUnit.objects.create(code="X", name="X", level="village", kind="thôn")


def test_unit_parent_must_be_at_a_higher_level():
    _province, district, (commune,) = factories.tree(communes=["06913"])
    other = AdministrativeUnit(code="06916", name="Xã Đầm Hà", level=Level.COMMUNE, kind="xã", parent=commune)
    with pytest.raises(ValidationError) as refused:
        other.clean()
    assert refused.value.message_dict == {"parent": ["Đơn vị cấp trên phải ở cấp cao hơn."]}
    other.parent = district
    other.clean()  # accepted
    assert (district.level_rank, commune.level_rank) == (2, 3)


def test_valid_on_includes_both_bounds():
    factories.unit("OPEN")
    factories.unit("OLD", valid_to=D(2025, 6, 30))
    factories.unit("NEW", valid_from=D(2025, 7, 1))
    factories.unit("SHORT", valid_from=D(2025, 1, 1), valid_to=D(2025, 1, 31))

    def codes(day):
        return sorted(AdministrativeUnit.objects.valid_on(day).values_list("code", flat=True))

    assert codes(D(2024, 12, 31)) == ["OLD", "OPEN"]
    assert codes(D(2025, 1, 1)) == ["OLD", "OPEN", "SHORT"]
    assert codes(D(2025, 1, 31)) == ["OLD", "OPEN", "SHORT"]
    assert codes(D(2025, 6, 30)) == ["OLD", "OPEN"]
    assert codes(D(2025, 7, 1)) == ["NEW", "OPEN"]


def test_succession_cannot_point_to_itself():
    unit = factories.unit("06913")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.succession(unit, unit, D(2025, 7, 1))
    assert UnitSuccession.objects.count() == 0


def test_succession_pair_is_unique():
    old, new = factories.unit("06913"), factories.unit("06913-2025")
    factories.succession(old, new, D(2025, 7, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.succession(old, new, D(2025, 8, 1))
    # The reverse direction is another pair.
    factories.succession(new, old, D(2026, 1, 1))
    assert UnitSuccession.objects.count() == 2


def test_unit_role_is_unique_per_user_unit_and_role():
    unit = factories.unit("06913")
    user = factories.user("congan", (Role.ENTRY, unit))
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitRole.objects.create(user=user, unit=unit, role=Role.ENTRY)
    UnitRole.objects.create(user=user, unit=unit, role=Role.VIEW)  # another role on the same unit
    assert sorted(user.unit_roles.values_list("role", flat=True)) == ["entry", "view"]


def test_plan_citation_of_a_plan():
    plan = Plan(number="111/KH-UBND", issued_on=D(2024, 4, 19), issuer="UBND huyện Đầm Hà", title="…")
    assert plan.doc_type == "KH"
    assert plan.citation == "Kế hoạch số 111/KH-UBND ngày 19/4/2024"
    assert str(plan) == "Kế hoạch số 111/KH-UBND ngày 19/4/2024"


def test_plan_citation_of_a_national_assembly_resolution():
    plan = Plan(number="96/2019/QH14", issued_on=D(2019, 11, 27), issuer="Quốc hội", title="…")
    assert plan.doc_type == "NQ"
    assert plan.citation == "Nghị quyết số 96/2019/QH14 ngày 27/11/2019"


def test_plan_citation_of_other_documents():
    assert Plan(number="15/BC-BCĐ", issued_on=D(2024, 7, 8)).citation == "Báo cáo số 15/BC-BCĐ ngày 8/7/2024"
    assert Plan(number="1679/NQ-UBTVQH15", issued_on=D(2025, 6, 16)).citation == (
        "Nghị quyết số 1679/NQ-UBTVQH15 ngày 16/6/2025"
    )
    assert Plan(number="không số", issued_on=D(2024, 1, 2)).citation == "Văn bản số không số ngày 2/1/2024"


def test_plan_number_is_unique():
    factories.plan("111/KH-UBND")
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(number="111/KH-UBND", issued_on=D(2024, 5, 1), issuer="UBND", title="Trùng số")


def test_plan_citation_reads_in_the_active_language(db):
    plan = factories.plan("111/KH-UBND", datetime.date(2024, 4, 19))
    with translation.override("vi"):
        assert plan.citation == "Kế hoạch số 111/KH-UBND ngày 19/4/2024"
    with translation.override("en"):
        assert plan.citation == "Plan No. 111/KH-UBND of 19/4/2024"
    resolution = factories.plan("96/2019/QH14", datetime.date(2019, 11, 27))
    with translation.override("en"):
        assert resolution.citation == "Resolution No. 96/2019/QH14 of 27/11/2019"


def test_units_by_name_sort_the_vietnamese_way_on_postgresql(db):
    from django.db import connection

    district = factories.unit("200", level=Level.DISTRICT, name="Huyện Đầm Hà")
    for code, name in [("C1", "Em"), ("C2", "Đông"), ("C3", "Ba"), ("C4", "Ánh"), ("C5", "Dung"), ("C6", "An")]:
        factories.unit(code, parent=district, name=name)
    names = list(AdministrativeUnit.objects.filter(level=Level.COMMUNE).by_name().values_list("name", flat=True))
    if connection.vendor == "postgresql":
        assert names == ["An", "Ánh", "Ba", "Dung", "Đông", "Em"]
    else:  # SQLite compares code points: accented letters and Đ after Z
        assert names == ["An", "Ba", "Dung", "Em", "Ánh", "Đông"]
    assert list(AdministrativeUnit.objects.by_name().values_list("code", flat=True))[0] == "200"
