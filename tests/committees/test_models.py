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
