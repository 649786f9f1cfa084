"""Targets grid services: which comparisons fit which kind, save, copy, split, history.

On the Đầm Hà demo: the grid of district 200 for 2025 holds the district and its nine
communes (Quảng Lợi ended in 2019); 2024 has 27 targets (9 district, 2 × 9 communes).
"""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from committees.models import AdministrativeUnit, Plan
from indicators import targets
from indicators.fixtures.demo import COMMUNE_CODES
from indicators.models import Comparison, Indicator, IndicatorKind, Period, Target

C = Comparison
CellInput = targets.CellInput


def _user(name):
    return get_user_model().objects.get(username=name)


@pytest.fixture
def setup(demo):
    plan = Plan.objects.create(
        number="30/KH-BCĐ",
        issued_on=datetime.date(2025, 1, 10),
        issuer="Ban Chỉ đạo 138 huyện Đầm Hà",
        title="Kế hoạch năm 2025",
        unit=AdministrativeUnit.objects.get(code="200"),
    )
    district = AdministrativeUnit.objects.select_related("parent").get(code="200")
    return {
        "office": _user("vanphong"),
        "district": district,
        "year": Period.objects.get(code="2025"),
        "plan": plan,
    }


@pytest.fixture
def args(setup):
    """What every write to the 2025 grid names: the office, the district, the year, the plan."""
    return {"user": setup["office"], "unit": setup["district"], "period": setup["year"], "plan": setup["plan"]}


def _targets(period="2025"):
    """The targets of the district-200 grid (the demo's 2025 targets of the new communes are not in it)."""
    return {
        (t.indicator.code, t.unit.code): (t.comparison, t.value, t.plan.number if t.plan else None)
        for t in Target.objects.filter(period__code=period, unit__code__in=["200", *COMMUNE_CODES]).select_related(
            "indicator", "unit", "plan"
        )
    }


def test_comparisons_allowed_for_each_kind():
    assert targets.COMPARISONS_BY_KIND == {
        IndicatorKind.COUNT: (C.AT_LEAST, C.AT_MOST, C.REDUCE_BY, C.REDUCE_BY_PERCENT),
        IndicatorKind.YES_NO: (C.AT_LEAST, C.AT_MOST),
        IndicatorKind.STATUS: (C.AT_LEAST, C.AT_MOST),
        IndicatorKind.RATE: (C.AT_LEAST, C.AT_MOST),
    }


def test_check_target_rules(demo):
    commune = AdministrativeUnit.objects.get(code="06916")
    district = AdministrativeUnit.objects.get(code="200")
    yes_no = Indicator.objects.get(code="MT_QL_DAYDU")
    rate = Indicator.objects.get(code="TTXH_TYLE")
    count = Indicator.objects.get(code="TTXH_VU")
    assert "không đặt được" in targets.check_target(yes_no, commune, C.REDUCE_BY_PERCENT, Decimal(1))
    assert "không đặt được" in targets.check_target(rate, district, C.REDUCE_BY, Decimal(1))
    assert targets.check_target(yes_no, commune, C.AT_LEAST, Decimal(2)) == (
        "Ở cấp nhập liệu, chỉ tiêu này chỉ nhận 1 (có, đạt) hoặc 0 (không)."
    )
    assert targets.check_target(yes_no, commune, C.AT_LEAST, Decimal(1)) is None
    assert targets.check_target(yes_no, district, C.AT_LEAST, Decimal(7)) is None  # 7 communes answering yes
    assert targets.check_target(rate, district, C.AT_LEAST, Decimal("100.5")) == "Tỷ lệ phần trăm không quá 100."
    assert targets.check_target(count, district, C.REDUCE_BY_PERCENT, Decimal("10.5")) is None


@pytest.mark.parametrize(
    ("raw", "decimals", "expected"),
    [
        ("12", False, Decimal(12)),
        (12, False, Decimal(12)),
        (12.0, False, Decimal(12)),
        ("75,5", True, Decimal("75.5")),
        ("75.25", True, Decimal("75.25")),
        ("1.000", False, "không rõ ràng"),
        ("2.5", False, "chỉ nhận số nguyên"),
        ("-1", False, "không được âm"),
        ("abc", False, "không phải là số"),
        ("=1+1", False, "không phải là số"),
        ("75.125", True, "hai chữ số thập phân"),
    ],
)
def test_parse_value(raw, decimals, expected):
    if isinstance(expected, Decimal):
        assert targets.parse_value(raw, decimals=decimals) == expected
    else:
        with pytest.raises(ValueError, match=expected):
            targets.parse_value(raw, decimals=decimals)


def test_grid_holds_the_unit_and_its_communes_valid_that_year(setup):
    grid = targets.target_grid(unit=setup["district"], period=setup["year"])
    assert [unit.code for unit in grid.units] == ["200", *COMMUNE_CODES]
    assert len(grid.rows) == 15
    applicable = {row.indicator.code: sum(cell.applicable for cell in row.cells) for row in grid.rows}
    # Entered at the district only: one cell; entered at communes (or derived from them): ten.
    assert {code for code, count in applicable.items() if count == 1} == {
        "TG_TIEPNHAN",
        "TG_GIAIQUYET",
        "TG_TYLE",
        "MT_BAT_XLHS",
        "MT_MUABAN_2DT",
    }
    assert set(applicable.values()) == {1, 10}
    assert grid.count == 0
    # 2024's grid: the 27 demo targets.
    assert targets.target_grid(unit=setup["district"], period=Period.objects.get(code="2024")).count == 27


def test_save_grid_creates_changes_and_removes_with_history(setup, args):
    result = targets.save_grid(
        **args,
        reason="Giao chỉ tiêu năm 2025",
        inputs={
            ("MT_BAT_XLHS", "200"): CellInput(C.AT_LEAST, "6"),
            ("ANTT_MOHINH", "06895"): CellInput(C.AT_LEAST, "2"),
            ("TTXH_TYLE", "200"): CellInput(C.AT_LEAST, "80,5"),
            ("MT_QL_DAYDU", "06916"): CellInput(C.AT_LEAST, "1"),
        },
    )
    assert (result.created, result.updated, result.deleted) == (4, 0, 0)
    assert _targets() == {
        ("MT_BAT_XLHS", "200"): ("at_least", Decimal(6), "30/KH-BCĐ"),
        ("ANTT_MOHINH", "06895"): ("at_least", Decimal(2), "30/KH-BCĐ"),
        ("TTXH_TYLE", "200"): ("at_least", Decimal("80.5"), "30/KH-BCĐ"),
        ("MT_QL_DAYDU", "06916"): ("at_least", Decimal(1), "30/KH-BCĐ"),
    }
    result = targets.save_grid(
        **args,
        reason="Điều chỉnh theo góp ý",
        inputs={
            ("MT_BAT_XLHS", "200"): CellInput(C.AT_LEAST, "7"),
            ("ANTT_MOHINH", "06895"): CellInput(C.AT_LEAST, ""),
            ("TTXH_TYLE", "200"): CellInput(C.AT_LEAST, "80.5"),  # unchanged
        },
    )
    assert (result.created, result.updated, result.deleted) == (0, 1, 1)
    assert _targets() == {
        ("MT_BAT_XLHS", "200"): ("at_least", Decimal(7), "30/KH-BCĐ"),
        ("TTXH_TYLE", "200"): ("at_least", Decimal("80.5"), "30/KH-BCĐ"),
        ("MT_QL_DAYDU", "06916"): ("at_least", Decimal(1), "30/KH-BCĐ"),
    }
    history = Target.history.filter(period_id=setup["year"].pk, unit__code__in=["200", *COMMUNE_CODES]).order_by(
        "history_id"
    )
    assert [
        (h.history_type, h.indicator.code, h.unit.code, h.value, h.history_user.username, h.history_change_reason)
        for h in history
    ] == [
        ("+", "MT_BAT_XLHS", "200", Decimal(6), "vanphong", "Giao chỉ tiêu năm 2025"),
        ("+", "ANTT_MOHINH", "06895", Decimal(2), "vanphong", "Giao chỉ tiêu năm 2025"),
        ("+", "TTXH_TYLE", "200", Decimal("80.5"), "vanphong", "Giao chỉ tiêu năm 2025"),
        ("+", "MT_QL_DAYDU", "06916", Decimal(1), "vanphong", "Giao chỉ tiêu năm 2025"),
        ("~", "MT_BAT_XLHS", "200", Decimal(7), "vanphong", "Điều chỉnh theo góp ý"),
        ("-", "ANTT_MOHINH", "06895", Decimal(2), "vanphong", "Điều chỉnh theo góp ý"),
    ]


def test_save_grid_refuses_every_bad_cell_and_writes_nothing(args):
    before = (_targets("2024"), Target.history.count())
    with pytest.raises(targets.TargetError) as refused:
        targets.save_grid(
            **args,
            reason="Thử",
            inputs={
                ("MT_BAT_XLHS", "200"): CellInput(C.AT_LEAST, "6"),  # valid, yet not written
                ("TTXH_VU", "06895"): CellInput(C.AT_LEAST, "abc"),
                ("MT_HOSO_CAI", "06898"): CellInput(C.AT_LEAST, "1.000"),
                ("MT_QL_DAYDU", "06901"): CellInput(C.REDUCE_BY_PERCENT, "1"),
                ("MT_BAT_XLHS", "06904"): CellInput(C.AT_LEAST, "1"),  # district-only indicator
                ("MT_TUDIEM", "06910"): CellInput("", "0"),
                ("TG_TYLE", "200"): CellInput(C.AT_LEAST, "120"),
            },
        )
    assert refused.value.message == "Chưa lưu gì: 6 ô chưa hợp lệ, hãy sửa các ô được đánh dấu."
    assert refused.value.cells == {
        ("TTXH_VU", "06895", "value"): "“abc” không phải là số.",
        ("MT_HOSO_CAI", "06898", "value"): (
            "“1.000” không rõ ràng: ghi số nguyên không dùng dấu chấm, dấu phẩy (ví dụ 1000)."
        ),
        ("MT_QL_DAYDU", "06901", "comparison"): (
            "Chỉ tiêu loại “Có/Không” không đặt được theo cách “Giảm ít nhất % (so với cùng kỳ)”."
        ),
        ("MT_BAT_XLHS", "06904", "value"): (
            "Bắt, xử lý hình sự tội phạm về ma túy không có số liệu ở cấp của Xã Tân Bình; để trống ô này."
        ),
        ("MT_TUDIEM", "06910", "comparison"): "Chọn cách so sánh.",
        ("TG_TYLE", "200", "value"): "Tỷ lệ phần trăm không quá 100.",
    }
    assert _targets() == {}
    assert (_targets("2024"), Target.history.count()) == before


def test_save_grid_refuses_a_stale_page_a_missing_reason_or_plan_and_other_scopes(setup, args):
    seen = targets.target_grid(unit=setup["district"], period=setup["year"]).fingerprint
    one = {("MT_BAT_XLHS", "200"): CellInput(C.AT_LEAST, "6")}
    targets.save_grid(inputs=one, reason="Lần 1", seen=seen, **args)
    with pytest.raises(targets.TargetError, match="vừa được người khác thay đổi"):
        targets.save_grid(
            inputs={("MT_BAT_XLHS", "200"): CellInput(C.AT_LEAST, "9")}, reason="Lần 2", seen=seen, **args
        )
    with pytest.raises(targets.TargetError, match="Cần ghi lý do"):
        targets.save_grid(inputs=one, reason="  ", **args)
    with pytest.raises(targets.TargetError, match="Chọn văn bản"):
        targets.save_grid(inputs=one, reason="x", **{**args, "plan": None})
    for name in ("lanhdao", "duyet", "congan.quangtan"):
        with pytest.raises(PermissionDenied, match="không thuộc phạm vi giao chỉ tiêu"):
            targets.save_grid(inputs=one, reason="x", **{**args, "user": _user(name)})
    assert _targets() == {("MT_BAT_XLHS", "200"): ("at_least", Decimal(6), "30/KH-BCĐ")}


def test_copy_from_last_year_fills_empty_cells_only(setup, args):
    targets.save_grid(inputs={("MT_BAT_XLHS", "200"): CellInput(C.AT_LEAST, "6")}, reason="Đặt trước một ô", **args)
    result = targets.copy_from_last_year(**args)
    assert (result.copied, result.kept, result.skipped) == (26, 1, 0)
    last_year = {key: (comparison, value) for key, (comparison, value, _plan) in _targets("2024").items()}
    this_year = {key: (comparison, value) for key, (comparison, value, _plan) in _targets().items()}
    assert this_year == {**last_year, ("MT_BAT_XLHS", "200"): ("at_least", Decimal(6))}
    assert {plan for _c, _v, plan in _targets().values()} == {"30/KH-BCĐ"}
    assert set(
        Target.history.filter(period_id=setup["year"].pk, history_type="+", history_user__isnull=False).values_list(
            "history_change_reason", flat=True
        )
    ) == {"Đặt trước một ô", "Sao chép chỉ tiêu năm 2024"}
    again = targets.copy_from_last_year(**args)
    assert (again.copied, again.kept, again.skipped) == (0, 27, 0)


def test_split_a_district_target_across_communes(setup, args):
    hoso = Indicator.objects.get(code="MT_HOSO_CAI")
    targets.copy_from_last_year(**args)  # the district's "at least 12" files
    shares = dict(zip(COMMUNE_CODES, ["2", "1", "1", "1", "1", "2", "2", "1", "1"], strict=True))
    split, _grid = targets.split_view(unit=setup["district"], period=setup["year"], indicator=hoso)
    assert split.problem is None
    assert split.suggestion == [2, 2, 2, 1, 1, 1, 1, 1, 1]

    wrong = {**shares, "06919": "0"}  # adds up to 11
    with pytest.raises(targets.TargetError) as refused:
        targets.split_target(indicator=hoso, values=wrong, reason="Chia chỉ tiêu", **args)
    assert refused.value.message == (
        "Tổng các đơn vị là 11, khác chỉ tiêu của Huyện Đầm Hà (12): chênh lệch -1. Chưa lưu gì."
    )
    missing = {code: value for code, value in shares.items() if code != "06895"}
    with pytest.raises(targets.TargetError) as refused:
        targets.split_target(indicator=hoso, values=missing, reason="Chia chỉ tiêu", **args)
    assert refused.value.cells == {("MT_HOSO_CAI", "06895", "value"): "Cần nhập phần của Thị trấn Đầm Hà."}
    assert not Target.objects.filter(period=setup["year"], indicator=hoso, unit__level="commune").exists()

    result = targets.split_target(indicator=hoso, values=shares, reason="Chia chỉ tiêu hồ sơ cai nghiện", **args)
    assert (result.created, result.updated, result.deleted) == (9, 0, 0)
    written = {
        code: (comparison, value)
        for (indicator, code), (comparison, value, _plan) in _targets().items()
        if indicator == "MT_HOSO_CAI" and code != "200"
    }
    assert written == {code: ("at_least", Decimal(value)) for code, value in shares.items()}
    assert (
        Target.history.filter(
            indicator_id=hoso.pk, period_id=setup["year"].pk, history_change_reason="Chia chỉ tiêu hồ sơ cai nghiện"
        ).count()
        == 9
    )


def test_split_is_refused_where_shares_cannot_add_up(setup, args):
    targets.save_grid(
        inputs={
            ("TTXH_VU", "200"): CellInput(C.REDUCE_BY_PERCENT, "10"),
            ("TTXH_TYLE", "200"): CellInput(C.AT_LEAST, "75"),
        },
        reason="Đặt",
        **args,
    )
    cases = {
        "TTXH_VU": "phần trăm không cộng lại được",
        "TTXH_TYLE": "Chỉ chia được chỉ tiêu đếm",
        "MT_HOSO_CAI": "chưa có chỉ tiêu “Hồ sơ đưa người nghiện đi cai nghiện bắt buộc” năm 2025",
        "MT_BAT_XLHS": "chưa có chỉ tiêu",
    }
    for code, message in cases.items():
        with pytest.raises(targets.TargetError, match=message):
            targets.split_target(indicator=Indicator.objects.get(code=code), values={}, reason="Chia", **args)


def test_own_targets_for_the_entry_page(demo):
    commune = AdministrativeUnit.objects.get(code="06916")
    rows = targets.own_targets(commune, Period.objects.get(code="2024-H2"))
    assert [(row["target"].indicator.code, row["text"], row["target"].period.code) for row in rows] == [
        ("ANTT_MOHINH", "≥ 1 mô hình", "2024"),
        ("MT_TUDIEM", "≤ 0 điểm", "2024"),
    ]


def test_target_clean_applies_the_grid_rule_in_the_admin(demo):
    from django.core.exceptions import ValidationError

    target = Target(
        indicator=Indicator.objects.get(code="MT_QL_DAYDU"),
        unit=AdministrativeUnit.objects.get(code="06916"),
        period=Period.objects.get(code="2025"),
        comparison=C.REDUCE_BY_PERCENT,
        value=Decimal(1),
    )
    with pytest.raises(ValidationError) as refused:
        target.clean()
    assert refused.value.message_dict == {
        "comparison": ["Chỉ tiêu loại “Có/Không” không đặt được theo cách “Giảm ít nhất % (so với cùng kỳ)”."]
    }
    target.comparison = C.AT_LEAST
    target.clean()
