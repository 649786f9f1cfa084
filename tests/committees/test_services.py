import datetime

import pytest
from django.core.management import CommandError, call_command

from committees.models import AdministrativeUnit, Level, Role, SteeringCommittee, UnitSuccession
from committees.services import ChangeKind, NewUnit, UnitChangeError, record_change
from indicators import rollup
from tests import factories as f

JULY = datetime.date(2025, 7, 1)


@pytest.fixture
def district(db):
    province, district, communes = f.tree(communes=("A", "B", "C"))
    return province, district, communes


def test_merge_ends_predecessors_and_creates_successor(district):
    province, _district, (a, b, c) = district
    result = record_change(
        kind=ChangeKind.MERGE,
        effective_on=JULY,
        basis="NQ 1679",
        predecessor_codes=["A", "B"],
        successors=[NewUnit(code="A-2025", name="Xã mới", parent_code="22")],
    )
    a.refresh_from_db()
    b.refresh_from_db()
    new = AdministrativeUnit.objects.get(code="A-2025")
    assert (a.valid_to, b.valid_to) == (datetime.date(2025, 6, 30), datetime.date(2025, 6, 30))
    assert (new.valid_from, new.valid_to, new.parent, new.level, new.kind) == (JULY, None, province, "commune", "xã")
    assert sorted((s.predecessor.code, s.successor.code) for s in UnitSuccession.objects.all()) == [
        ("A", "A-2025"),
        ("B", "A-2025"),
    ]
    assert [u.code for u in result.successors] == ["A-2025"]
    c.refresh_from_db()
    assert c.valid_to is None


def test_merge_into_existing_unit(district):
    _province, _district, (a, b, _c) = district
    record_change(
        kind=ChangeKind.MERGE,
        effective_on=datetime.date(2020, 1, 1),
        basis="",
        predecessor_codes=["A"],
        existing_successor_code="B",
    )
    a.refresh_from_db()
    assert a.valid_to == datetime.date(2019, 12, 31)
    assert UnitSuccession.objects.get().successor == b


def test_split_creates_two_units(district):
    _province, dist, (a, _b, _c) = district
    record_change(
        kind=ChangeKind.SPLIT,
        effective_on=JULY,
        basis="NQ",
        predecessor_codes=["A"],
        successors=[NewUnit(code="A1", name="Xã A1"), NewUnit(code="A2", name="Xã A2")],
    )
    assert set(AdministrativeUnit.objects.filter(parent=dist).valid_on(JULY).values_list("code", flat=True)) == {
        "A1",
        "A2",
        "B",
        "C",
    }
    assert UnitSuccession.objects.filter(predecessor=a).count() == 2


def test_move_to_another_parent(district):
    province, _district, (a, _b, _c) = district
    other = f.unit("201", level=Level.DISTRICT, parent=province)
    record_change(
        kind=ChangeKind.MOVE,
        effective_on=JULY,
        basis="NQ",
        predecessor_codes=["A"],
        successors=[NewUnit(code="A-2025", name=a.name, parent_code="201")],
    )
    assert AdministrativeUnit.objects.get(code="A-2025").parent == other


def test_move_to_same_parent_is_refused(district):
    with pytest.raises(UnitChangeError) as error:
        record_change(
            kind=ChangeKind.MOVE,
            effective_on=JULY,
            basis="",
            predecessor_codes=["A"],
            successors=[NewUnit(code="A-2025", name="x", parent_code="200")],
        )
    assert error.value.messages == ["Đơn vị mới phải thuộc đơn vị cấp trên khác."]


def test_rename_keeps_code_and_notes_old_name(district):
    record_change(kind=ChangeKind.RENAME, effective_on=JULY, basis="QĐ 1", predecessor_codes=["A"], new_name="Phường A")
    unit = AdministrativeUnit.objects.get(code="A")
    assert unit.name == "Phường A"
    assert "Đơn vị A" in unit.note and unit.valid_to is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"predecessor_codes": ["ZZZ"], "successors": [NewUnit("N", "n")]}, "Không có đơn vị mã ZZZ."),
        ({"predecessor_codes": ["A"], "successors": [NewUnit("B", "n")]}, "Mã B đã được dùng."),
        (
            {"predecessor_codes": ["A"], "successors": []},
            "Sáp nhập cần ít nhất một đơn vị cũ và đúng một đơn vị kế thừa.",
        ),
        (
            {"predecessor_codes": ["A"], "successors": [NewUnit("N", "n", parent_code="999")]},
            "Không có đơn vị cấp trên mã 999.",
        ),
        ({"predecessor_codes": ["A"], "existing_successor_code": "A"}, "vòng lặp"),
    ],
)
def test_incoherent_merges_are_refused_and_nothing_written(district, arguments, message):
    before = (AdministrativeUnit.objects.count(), UnitSuccession.objects.count())
    with pytest.raises(UnitChangeError) as error:
        record_change(kind=ChangeKind.MERGE, effective_on=JULY, basis="", **arguments)
    assert any(message in m for m in error.value.messages), error.value.messages
    assert (AdministrativeUnit.objects.count(), UnitSuccession.objects.count()) == before
    assert AdministrativeUnit.objects.get(code="A").valid_to is None


def test_cycle_through_earlier_succession_is_refused(district):
    record_change(
        kind=ChangeKind.MERGE, effective_on=JULY, basis="", predecessor_codes=["A"], successors=[NewUnit("N", "n")]
    )
    with pytest.raises(UnitChangeError) as error:
        record_change(
            kind=ChangeKind.MERGE,
            effective_on=datetime.date(2026, 1, 1),
            basis="",
            predecessor_codes=["N"],
            existing_successor_code="A",
        )
    assert any("không có hiệu lực" in m or "vòng lặp" in m for m in error.value.messages)


@pytest.mark.parametrize(
    ("effective_on", "message"),
    [
        # A gap: A ended on 30/06/2025, months before the merger.
        (datetime.date(2026, 1, 1), "Đơn vị A (A) đã hết hiệu lực từ 30/06/2025, trước ngày thay đổi 01/01/2026."),
        # An overlap: A is still in force after the merger's day.
        (datetime.date(2025, 1, 1), "Đơn vị A (A) đang có hiệu lực đến 30/06/2025, trùng với giai đoạn sau thay đổi."),
    ],
    ids=["gap", "overlap"],
)
def test_gap_and_overlap_are_refused(district, effective_on, message):
    record_change(kind=ChangeKind.DISSOLVE, effective_on=JULY, basis="", predecessor_codes=["A"])
    with pytest.raises(UnitChangeError) as error:
        record_change(
            kind=ChangeKind.MERGE,
            effective_on=effective_on,
            basis="",
            predecessor_codes=["A"],
            successors=[NewUnit("N", "n")],
        )
    assert error.value.messages == [message]


def test_dissolving_a_parent_with_living_children_is_refused(district):
    with pytest.raises(UnitChangeError) as error:
        record_change(kind=ChangeKind.DISSOLVE, effective_on=JULY, basis="", predecessor_codes=["200"])
    assert len(error.value.messages) == 3
    assert "Đơn vị A (A) vẫn còn hiệu lực sau ngày 01/07/2025" in error.value.messages[0]


def test_roles_and_committees_of_ended_units_are_listed(district):
    _province, dist, (a, _b, _c) = district
    officer = f.user("officer", (Role.ENTRY, a))
    SteeringCommittee.objects.create(code="BCD-A", name="BCĐ xã A", unit=a)
    result = record_change(
        kind=ChangeKind.MERGE, effective_on=JULY, basis="", predecessor_codes=["A"], successors=[NewUnit("N", "n")]
    )
    assert [(r.user, r.unit.code) for r in result.roles_to_move] == [(officer, "A")]
    assert [c.code for c in result.committees_to_move] == ["BCD-A"]


def test_expected_reporters_before_and_after_merger(district):
    _province, dist, _communes = district
    f.indicator("VU")
    before, after = f.period("2025-H1"), f.period("2025-H2")
    record_change(
        kind=ChangeKind.MERGE,
        effective_on=JULY,
        basis="",
        predecessor_codes=["A", "B"],
        successors=[NewUnit("AB", "Xã AB")],
    )
    assert rollup.progress(dist, before).completeness.expected == 3  # A, B, C valid on 14/6/2025
    progress_after = rollup.progress(dist, after)
    assert progress_after.completeness.expected == 2  # AB and C on 14/12/2025
    assert sorted(u.code for u in progress_after.children) == ["AB", "C"]


def test_same_period_last_year_of_merged_unit_is_sum_of_predecessors(district):
    _province, dist, (a, b, c) = district
    f.indicator("VU")
    f.submission(a, f.period("2024-H2"), VU=3)
    f.submission(b, f.period("2024-H2"), VU=4)
    f.submission(c, f.period("2024-H2"), VU=10)
    record_change(
        kind=ChangeKind.MERGE,
        effective_on=JULY,
        basis="",
        predecessor_codes=["A", "B"],
        successors=[NewUnit("AB", "x")],
    )
    new = AdministrativeUnit.objects.get(code="AB")
    f.submission(new, f.period("2025-H2"), VU=5)
    progress = rollup.progress(new, f.period("2025-H2"))
    row = progress.rows[0]
    assert (row.actual, row.same_period_last_year, row.change) == (5, 7, -2)
    assert [u.code for u in progress.last_year_predecessors] == ["A", "B"]


def test_command_records_change_and_reports_errors(district):
    call_command("record_unit_change", "merge", "--date", "2025-07-01", "--from", "A", "B", "--new", "AB|Xã AB|200")
    assert AdministrativeUnit.objects.get(code="AB").valid_from == JULY
    with pytest.raises(CommandError, match="Không có đơn vị mã QQ."):
        call_command("record_unit_change", "merge", "--date", "2025-07-01", "--from", "QQ", "--new", "X|x")
