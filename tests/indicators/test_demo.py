"""The demo: idempotent, and the four statements of the July 2024 article from the stored
figures (plain sums over approved submissions, deliberately not the roll-up)."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Sum

from committees.models import AdministrativeUnit, Level, Member, UnitRole
from indicators.models import Figure, Period, Submission, SubmissionStatus, Target

pytestmark = pytest.mark.django_db

COMMUNES = ["06895", "06898", "06901", "06904", "06910", "06913", "06916", "06917", "06919"]


def table_counts():
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def approved_sum(indicator, period, units):
    return Figure.objects.filter(
        indicator__code=indicator,
        submission__period__code=period,
        submission__unit__code__in=units,
        submission__status=SubmissionStatus.APPROVED,
    ).aggregate(total=Sum("value"))["total"]


def test_load_demo_twice_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    before = table_counts()
    # Every kind of row is there, history included, so "unchanged" cannot hold vacuously.
    empty = [
        label
        for label in (
            "committees.AdministrativeUnit",
            "committees.UnitSuccession",
            "committees.Plan",
            "committees.SteeringCommittee",
            "committees.Member",
            "committees.UnitRole",
            "committees.HistoricalUnitRole",
            "indicators.Period",
            "indicators.Indicator",
            "indicators.Criterion",
            "indicators.Target",
            "indicators.Submission",
            "indicators.HistoricalSubmission",
            "indicators.Figure",
            "indicators.HistoricalFigure",
            "auth.User",
        )
        if not before[label]
    ]
    assert empty == []
    assert before["indicators.Figure"] == before["indicators.HistoricalFigure"] > 0

    out = io.StringIO()
    call_command("load_demo", stdout=out)

    assert table_counts() == before
    assert "(0 số liệu mới)" in out.getvalue()


def test_drug_cases_5_of_5_against_the_2024_quota(demo):
    assert approved_sum("MT_BAT_XLHS", "2024-H1", ["200"]) == 5
    target = Target.objects.select_related("plan").get(
        indicator__code="MT_BAT_XLHS", unit__code="200", period__code="2024"
    )
    assert (target.comparison, target.value, target.plan.number) == ("at_least", 5, "111/KH-UBND")
    assert target.plan.citation == "Kế hoạch số 111/KH-UBND ngày 19/4/2024"


def test_trafficking_with_two_defendants_at_100_percent_of_the_annual_quota(demo):
    assert approved_sum("MT_MUABAN_2DT", "2024-H1", ["200"]) == 2
    target = Target.objects.get(indicator__code="MT_MUABAN_2DT", unit__code="200", period__code="2024")
    assert (target.comparison, target.value) == ("at_least", 2)
    assert not Target.objects.filter(indicator__code="MT_MUABAN_2DT", period__code="2024-H1").exists()


def test_social_order_crimes_down_1_against_2023_h1(demo):
    this_half = approved_sum("TTXH_VU", "2024-H1", COMMUNES)
    same_half_last_year = approved_sum("TTXH_VU", "2023-H1", COMMUNES)
    assert (this_half, same_half_last_year) == (8, 9)
    assert same_half_last_year - this_half == 1
    target = Target.objects.get(indicator__code="TTXH_VU", unit__code="200", period__code="2024")
    assert (target.comparison, target.value) == ("reduce_by", 1)


def test_no_drug_hotspots_in_any_commune_in_2024_h1(demo):
    values = dict(
        Figure.objects.filter(
            indicator__code="MT_TUDIEM",
            submission__period__code="2024-H1",
            submission__status=SubmissionStatus.APPROVED,
        ).values_list("submission__unit__code", "value")
    )
    assert values == dict.fromkeys(COMMUNES, 0)


def test_the_district_and_its_nine_communes(demo):
    district = AdministrativeUnit.objects.get(code="200")
    assert (district.name, district.level, district.parent.code, district.parent.name) == (
        "Huyện Đầm Hà",
        Level.DISTRICT,
        "22",
        "Tỉnh Quảng Ninh",
    )
    assert sorted(
        district.children.valid_on(Period.objects.get(code="2024-H1").end).values_list("code", flat=True)
    ) == (COMMUNES)
    quang_loi = AdministrativeUnit.objects.get(code="06907")
    assert [s.successor.code for s in quang_loi.successions_out.all()] == ["06913"]
    chair = Member.objects.get(committee__code="BCDMT-200")
    assert (chair.name, chair.position) == ("Tô Xuân Lợi", "Phó Chủ tịch UBND huyện")


def test_every_figure_is_labelled_sample_data(demo):
    assert Figure.objects.exclude(note="Dữ liệu mẫu (minh họa)").count() == 0


def test_open_period_2024_h2(demo):
    states = dict(Submission.objects.filter(period__code="2024-H2").values_list("unit__code", "status"))
    assert states == {
        "06895": "submitted",
        "06898": "submitted",
        "06901": "submitted",
        "06904": "approved",
        "06910": "submitted",
        "06916": "draft",
        "06917": "draft",
        "06919": "submitted",
    }  # 06913 (Quảng Tân) not started
    assert set(Submission.objects.exclude(period__code="2024-H2").values_list("status", flat=True)) == {"approved"}
    assert Period.objects.get(code="2024-H2").is_open
    assert not Period.objects.get(code="2024-H1").is_open


def test_demo_users_and_their_roles(demo):
    User = get_user_model()
    roles = {
        (username, role, code)
        for username, role, code in UnitRole.objects.values_list("user__username", "role", "unit__code")
    }
    assert roles == {
        ("lanhdao", "view", "200"),
        ("duyet", "review", "200"),
        ("duyet2", "review", "200"),
        ("vanphong", "office", "200"),
        ("congan.quangtan", "entry", "06913"),
        ("congan.damha", "entry", "06916"),
        ("lanhdao.tinh", "view", "22"),
        ("duyet.tinh", "review", "22"),
    }
    admin = User.objects.get(username="admin")
    assert (admin.is_superuser, admin.is_staff) == (True, True)
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == ["admin"]
    for username in (
        "admin",
        "lanhdao",
        "duyet",
        "duyet2",
        "vanphong",
        "congan.quangtan",
        "congan.damha",
        "lanhdao.tinh",
        "duyet.tinh",
    ):
        assert authenticate(username=username, password="damha2024") == User.objects.get(username=username)
    assert authenticate(username="lanhdao", password="sai-mat-khau") is None
