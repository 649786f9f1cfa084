import datetime

from django.utils import translation

from tests import factories as f


def test_plan_citation_reads_in_the_active_language(db):
    plan = f.plan("111/KH-UBND", datetime.date(2024, 4, 19))
    with translation.override("vi"):
        assert plan.citation == "Kế hoạch số 111/KH-UBND ngày 19/4/2024"
    with translation.override("en"):
        assert plan.citation == "Plan No. 111/KH-UBND of 19/4/2024"
    resolution = f.plan("96/2019/QH14", datetime.date(2019, 11, 27))
    with translation.override("en"):
        assert resolution.citation == "Resolution No. 96/2019/QH14 of 27/11/2019"


def test_units_by_name_sort_the_vietnamese_way_on_postgresql(db):
    from django.db import connection

    from committees.models import AdministrativeUnit, Level

    district = f.unit("200", level=Level.DISTRICT, name="Huyện Đầm Hà")
    for code, name in [("C1", "Em"), ("C2", "Đông"), ("C3", "Ba"), ("C4", "Ánh"), ("C5", "Dung"), ("C6", "An")]:
        f.unit(code, parent=district, name=name)
    names = list(AdministrativeUnit.objects.filter(level=Level.COMMUNE).by_name().values_list("name", flat=True))
    if connection.vendor == "postgresql":
        assert names == ["An", "Ánh", "Ba", "Dung", "Đông", "Em"]
    else:  # SQLite compares code points: accented letters and Đ after Z
        assert names == ["An", "Ba", "Dung", "Em", "Ánh", "Đông"]
    assert list(AdministrativeUnit.objects.by_name().values_list("code", flat=True))[0] == "200"
