import copy
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from committees.models import (
    AdministrativeUnit,
    Level,
    Member,
    Plan,
    SteeringCommittee,
    UnitRole,
    UnitSuccession,
)
from indicators.fixtures import demo as demo_data
from indicators.metadata import MetadataError, dumps, export_metadata, import_metadata, loads
from indicators.models import Criterion, Figure, Indicator, Period, Submission, Target, ValidationRule

# The models behind each section of the file, in the file's order.
EXPORTED = [AdministrativeUnit, UnitSuccession, Plan, SteeringCommittee, Period, Indicator, Target, ValidationRule]


def table_counts():
    """Rows in every table of the project (history tables included)."""
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def empty_database():
    """Delete everything the demo wrote, in an order the PROTECT foreign keys allow."""
    Submission.objects.all().delete()  # and their figures
    for model in (Submission, Figure):
        model.history.all().delete()
    Target.objects.all().delete()
    ValidationRule.objects.all().delete()
    ValidationRule.history.all().delete()
    Criterion.objects.all().delete()
    Indicator.objects.filter(kind="rate").delete()
    Indicator.objects.all().delete()
    Period.objects.all().delete()
    SteeringCommittee.objects.all().delete()  # and their members
    UnitRole.objects.all().delete()
    UnitRole.history.all().delete()
    UnitSuccession.objects.all().delete()
    Plan.objects.all().delete()  # before the units: a plan names the unit that keeps it
    for model in (Target, Plan):
        model.history.all().delete()
    for level in (Level.COMMUNE, Level.DISTRICT, Level.PROVINCE):
        AdministrativeUnit.objects.filter(level=level).delete()
    get_user_model().objects.all().delete()
    left = {label: count for label, count in table_counts().items() if count and label.split(".")[0] != "contenttypes"}
    left.pop("auth.Permission", None)
    left.pop("indicators.DataVersion", None)  # the roll-up cache's version rows: not data
    left.pop("indicators.UnitVersion", None)
    assert left == {}


def test_round_trip_into_an_empty_database_gives_the_same_bytes(demo):
    first = dumps(export_metadata())
    data = json.loads(first)
    # The file carries what the roll-up needs, successions and criteria included.
    successions = {(row["predecessor"], row["successor"]): row for row in data["successions"]}
    assert successions[("06907", "06913")] == {
        "predecessor": "06907",
        "successor": "06913",
        "effective_on": "2020-01-01",
        "basis": "Sáp nhập xã Quảng Lợi vào xã Quảng Tân",
    }
    assert sorted(pred for pred, succ in successions if succ == "06913-2025") == ["06898", "06901", "06910", "06913"]
    status = next(row for row in data["indicators"] if row["code"] == "MT_XA_SACH")
    assert status["criteria"] == [
        {"indicator": "MT_TUDIEM", "comparison": "at_most", "value": 0},
        {"indicator": "MT_QL_DAYDU", "comparison": "at_least", "value": 1},
    ]
    assert [len(data[key]) for key in data] == [model.objects.count() for model in EXPORTED]
    assert Target.objects.count() > 0 and Criterion.objects.count() == 2

    empty_database()
    import_metadata(loads(first))

    assert dumps(export_metadata()) == first


def test_round_trip_through_the_commands(demo, tmp_path):
    exported = tmp_path / "metadata.json"
    units, targets = AdministrativeUnit.objects.count(), Target.objects.count()
    call_command("export_metadata", output=str(exported), stderr=io.StringIO())
    first = exported.read_bytes()
    empty_database()

    out = io.StringIO()
    call_command("import_metadata", str(exported), stdout=out)
    stdout = io.StringIO()
    call_command("export_metadata", stdout=stdout)

    assert stdout.getvalue().encode("utf-8") == first
    assert f"đơn vị: {units} mới, 0 cập nhật, 0 không đổi" in out.getvalue()
    assert f"chỉ tiêu giao: {targets} mới, 0 cập nhật, 0 không đổi" in out.getvalue()


def test_export_format(demo):
    text = dumps(export_metadata())
    data = json.loads(text)

    assert list(data) == [
        "units",
        "successions",
        "plans",
        "committees",
        "periods",
        "indicators",
        "targets",
        "validation_rules",
    ]
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert '"name": "Xã Đầm Hà"' in text  # letters as they are, not \u escapes
    assert text.startswith('{\n  "units": [\n    {\n      "code": "22",')
    # Parents before children: by level, then code.
    assert [row["code"] for row in data["units"]][:3] == ["22", "200", "06895"]
    assert data["units"][2] == {
        "code": "06895",
        "name": "Thị trấn Đầm Hà",
        "level": "commune",
        "kind": "thị trấn",
        "parent": "200",
        "valid_from": None,
        "valid_to": "2025-06-30",
    }
    assert data["units"][3]["code"] == "06895-2025"  # the 2025 commune reusing the code, right after it
    assert next(row for row in data["units"] if row["code"] == "06907")["valid_to"] == "2019-12-31"
    assert data["plans"][0] == {
        "number": "111/KH-UBND",
        "issued_on": "2024-04-19",
        "issuer": "UBND huyện Đầm Hà",
        "title": 'Kế hoạch xây dựng xã, thị trấn "sạch ma túy", huyện "sạch ma túy"',
    }
    assert data["committees"][0]["members"] == [
        {"name": "Tô Xuân Lợi", "position": "Phó Chủ tịch UBND huyện", "role": "deputy"}
    ]
    assert [row["code"] for row in data["periods"]][:6] == ["2023", "2023-H1", "2023-H2", "2024", "2024-H1", "2024-H2"]
    assert data["periods"][4] == {"code": "2024-H1", "start": "2023-12-15", "end": "2024-06-14", "deadline": None}
    rate = next(row for row in data["indicators"] if row["code"] == "TTXH_TYLE")
    assert list(rate) == [
        *("code", "name", "measure", "kind", "entry_level", "over_time"),
        *("committee", "plan", "numerator", "denominator", "criteria", "section"),
    ]
    assert (rate["numerator"], rate["denominator"], rate["plan"]) == ("TTXH_LAMRO", "TTXH_VU", "96/2019/QH14")
    assert data["targets"][0] == {
        "indicator": "ANTT_MOHINH",
        "unit": "06895",
        "period": "2024",
        "comparison": "at_least",
        "value": 1,
        "plan": "25/KH-BCĐ",
    }
    assert '"value": 5,' in text and "5.0" not in text and '"5' not in text


def test_fractional_values_stay_exact(demo):
    Target.objects.filter(indicator__code="TTXH_TYLE").update(value=Decimal("75.50"))
    text = dumps(export_metadata())
    assert '"value": 75.5,' in text

    Target.objects.filter(indicator__code="TTXH_TYLE").update(value=Decimal("1"))
    import_metadata(loads(text))
    assert Target.objects.get(indicator__code="TTXH_TYLE", unit__code="200").value == Decimal("75.50")


def test_import_twice_changes_nothing(demo):
    text = dumps(export_metadata())
    before = table_counts()

    stats = import_metadata(loads(text))

    assert table_counts() == before
    assert {section: counts["created"] + counts["updated"] for section, counts in stats.items()} == dict.fromkeys(
        stats, 0
    )
    assert stats["targets"]["unchanged"] == Target.objects.count()
    assert dumps(export_metadata()) == text


@pytest.fixture(scope="session")
def demo_metadata_text(django_db_setup, django_db_blocker):
    """The demo's metadata file, made once (the demo's figures are not needed here)."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_data.load()
        text = dumps(export_metadata())
        transaction.set_rollback(True)
    return text


@pytest.fixture
def demo_metadata(db, demo_metadata_text):
    """The demo's units, plans, committees, periods, indicators and targets (no figures)."""
    import_metadata(loads(demo_metadata_text))


def valid_file():
    """A small file that adds to the demo; the refusal cases each break one thing."""
    return {
        "units": [
            {
                "code": "06999",
                "name": "Xã Thử Nghiệm",
                "level": "commune",
                "kind": "xã",
                "parent": "200",
                "valid_from": "2025-01-01",
                "valid_to": None,
            }
        ],
        "successions": [
            {"predecessor": "06907", "successor": "06999", "effective_on": "2025-01-01", "basis": "Thử nghiệm"}
        ],
        "plans": [
            {"number": "7/KH-UBND", "issued_on": "2025-02-01", "issuer": "UBND huyện Đầm Hà", "title": "Kế hoạch thử"}
        ],
        "committees": [
            {
                "code": "BCD-THU",
                "name": "Ban Chỉ đạo thử",
                "unit": "200",
                "members": [
                    {"name": "Nguyễn Văn An", "position": "Chủ tịch UBND huyện", "role": "head"},
                    {"name": "Trần Thị Bình", "position": "Trưởng Công an huyện", "role": "standing_deputy"},
                ],
            }
        ],
        "periods": [{"code": "2026-H1", "deadline": "2026-06-20"}],
        "indicators": [
            {
                "code": "X_COUNT",
                "name": "Chỉ tiêu đếm thử",
                "measure": "vụ",
                "kind": "count",
                "entry_level": "commune",
                "over_time": "sum",
                "committee": "BCD-THU",
                "plan": "7/KH-UBND",
                "numerator": None,
                "denominator": None,
                "criteria": [],
                "section": "1. Thử",
            },
            {
                "code": "X_RATE",
                "name": "Tỷ lệ thử",
                "measure": "%",
                "kind": "rate",
                "entry_level": "district",
                "over_time": "sum",
                "committee": "BCD-THU",
                "plan": None,
                "numerator": "X_COUNT",
                "denominator": "TTXH_VU",
                "criteria": [],
                "section": "1. Thử",
            },
            {
                "code": "X_STATUS",
                "name": "Xã đạt tiêu chí thử",
                "measure": "xã",
                "kind": "status",
                "entry_level": "commune",
                "over_time": "last",
                "committee": None,
                "plan": None,
                "numerator": None,
                "denominator": None,
                "criteria": [{"indicator": "X_COUNT", "comparison": "at_most", "value": 0}],
                "section": "",
            },
        ],
        "targets": [
            {
                "indicator": "X_COUNT",
                "unit": "06999",
                "period": "2026-H1",
                "comparison": "at_most",
                "value": 0,
                "plan": "7/KH-UBND",
            },
            {
                "indicator": "X_RATE",
                "unit": "200",
                "period": "2024",
                "comparison": "at_least",
                "value": 80.5,
                "plan": None,
            },
        ],
    }


def test_import_writes_every_section(demo_metadata):
    before = table_counts()

    stats = import_metadata(valid_file())

    unit = AdministrativeUnit.objects.get(code="06999")
    assert (unit.parent.code, unit.level, unit.level_rank, unit.valid_from) == (
        "200",
        "commune",
        3,
        datetime.date(2025, 1, 1),
    )
    assert UnitSuccession.objects.filter(predecessor__code="06907", successor=unit).exists()
    assert Plan.objects.get(number="7/KH-UBND").citation == "Kế hoạch số 7/KH-UBND ngày 1/2/2025"
    committee = SteeringCommittee.objects.get(code="BCD-THU")
    assert list(committee.members.values_list("order", "name", "role")) == [
        (1, "Nguyễn Văn An", "head"),
        (2, "Trần Thị Bình", "standing_deputy"),
    ]
    period = Period.objects.get(code="2026-H1")  # dates omitted: Decree 09 cut-offs
    assert (period.start, period.end, period.deadline, period.year, period.half) == (
        datetime.date(2025, 12, 15),
        datetime.date(2026, 6, 14),
        datetime.date(2026, 6, 20),
        2026,
        1,
    )
    rate = Indicator.objects.get(code="X_RATE")
    assert (rate.numerator.code, rate.denominator.code, rate.committee.code) == ("X_COUNT", "TTXH_VU", "BCD-THU")
    assert list(
        Criterion.objects.filter(status__code="X_STATUS").values_list("indicator__code", "comparison", "value")
    ) == [("X_COUNT", "at_most", Decimal("0"))]
    assert Target.objects.get(indicator=rate).value == Decimal("80.50")
    after = table_counts()
    changed = {label: after[label] - before[label] for label in after if after[label] != before[label]}
    assert changed == {
        "committees.AdministrativeUnit": 1,
        "committees.UnitSuccession": 1,
        "committees.Plan": 1,
        "committees.HistoricalPlan": 1,  # plans keep their history (issue 14)
        "committees.SteeringCommittee": 1,
        "committees.Member": 2,
        "indicators.Period": 1,
        "indicators.Indicator": 3,
        "indicators.Criterion": 1,
        "indicators.Target": 2,
    }
    assert stats["members"]["created"] == 2

    stats = import_metadata(valid_file())
    assert table_counts() == after
    assert sum(counts["created"] + counts["updated"] for counts in stats.values()) == 0


def test_import_updates_by_natural_key(demo_metadata):
    data = valid_file()
    import_metadata(data)
    data["units"][0]["name"] = "Xã Thử Nghiệm Mới"
    data["targets"][0]["value"] = 2
    data["committees"][0]["members"][0]["position"] = "Phó Chủ tịch UBND huyện"
    count = table_counts()

    stats = import_metadata(data)

    assert table_counts() == count
    assert AdministrativeUnit.objects.get(code="06999").name == "Xã Thử Nghiệm Mới"
    assert Target.objects.get(indicator__code="X_COUNT").value == 2
    assert Member.objects.get(name="Nguyễn Văn An").position == "Phó Chủ tịch UBND huyện"
    assert (stats["units"]["updated"], stats["targets"]["updated"], stats["members"]["updated"]) == (1, 1, 1)


def _set(path, value):
    """A mutation of valid_file(): set data[a][b]... = value (a value of DELETE removes the key)."""

    def mutate(data):
        *parents, last = path
        node = data
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value

    return mutate


DELETE = object()


def _add(section, entry):
    def mutate(data):
        data[section].append(entry)

    return mutate


def _unit(code, level, parent, **extra):
    return {"code": code, "name": f"Đơn vị {code}", "level": level, "kind": "huyện", "parent": parent} | {
        "valid_from": None,
        "valid_to": None,
        **extra,
    }


REFUSALS = [
    (
        "unknown top-level key",
        _set(["figures"], []),
        'Mục "figures" ở cấp ngoài cùng không có trong định dạng (các mục: units, successions, plans, committees, '
        "periods, indicators, targets, validation_rules).",
    ),
    ("missing field", _set(["units", 0, "name"], DELETE), 'units[0] (code "06999"): thiếu trường bắt buộc "name".'),
    (
        "unknown field",
        _set(["plans", 0, "symbol"], "KH"),
        'plans[0] (number "7/KH-UBND"): trường "symbol" không có trong định dạng (các trường: number, issued_on, '
        "issuer, title).",
    ),
    ("empty name", _set(["units", 0, "name"], " "), 'units[0] (code "06999"): trường "name" không được để trống.'),
    (
        "bad date",
        _set(["units", 0, "valid_from"], "1/1/2025"),
        'units[0] (code "06999"): trường "valid_from" phải là ngày dạng YYYY-MM-DD (ví dụ 2024-04-19), '
        'không phải "1/1/2025".',
    ),
    (
        "impossible date",
        _set(["plans", 0, "issued_on"], "2025-02-30"),
        'plans[0] (number "7/KH-UBND"): trường "issued_on" phải là ngày dạng YYYY-MM-DD (ví dụ 2024-04-19), '
        'không phải "2025-02-30".',
    ),
    (
        "unknown level",
        _set(["units", 0, "level"], "village"),
        'units[0] (code "06999"): cấp "village" không hợp lệ (trường "level" nhận một trong: province, district, '
        "commune).",
    ),
    (
        "unknown indicator kind",
        _set(["indicators", 0, "kind"], "ratio"),
        'indicators[0] (code "X_COUNT"): loại chỉ tiêu "ratio" không hợp lệ (trường "kind" nhận một trong: count, '
        "rate, yes_no, status).",
    ),
    (
        "unknown comparison",
        _set(["targets", 0, "comparison"], "more_than"),
        'targets[0] (X_COUNT · 06999 · 2026-H1): phép so sánh "more_than" không hợp lệ (trường "comparison" nhận '
        "một trong: at_least, at_most, reduce_by, reduce_by_percent).",
    ),
    (
        "criterion comparison",
        _set(["indicators", 2, "criteria", 0, "comparison"], "reduce_by"),
        'indicators[2] (code "X_STATUS").criteria[0] (indicator "X_COUNT"): phép so sánh "reduce_by" không hợp lệ '
        '(trường "comparison" nhận một trong: at_least, at_most).',
    ),
    (
        "unknown over_time",
        _set(["indicators", 0, "over_time"], "average"),
        'indicators[0] (code "X_COUNT"): cách cộng theo thời gian "average" không hợp lệ (trường "over_time" nhận '
        "một trong: sum, last).",
    ),
    (
        "unknown member role",
        _set(["committees", 0, "members", 1, "role"], "secretary"),
        'committees[0] (code "BCD-THU").members[1] (name "Trần Thị Bình"): vai trò "secretary" không hợp lệ '
        '(trường "role" nhận một trong: head, standing_deputy, deputy, member).',
    ),
    (
        "duplicate unit code",
        _add("units", _unit("06999", "commune", "200")),
        'units[1] (code "06999"): mã đơn vị "06999" bị trùng với units[0] (code "06999").',
    ),
    (
        "duplicate plan",
        _add("plans", {"number": "7/KH-UBND", "issued_on": "2025-03-01", "issuer": "UBND", "title": "Khác"}),
        'plans[1] (number "7/KH-UBND"): số văn bản "7/KH-UBND" bị trùng với plans[0] (number "7/KH-UBND").',
    ),
    (
        "duplicate target",
        _add(
            "targets",
            {
                "indicator": "X_COUNT",
                "unit": "06999",
                "period": "2026-H1",
                "comparison": "at_most",
                "value": 1,
                "plan": None,
            },
        ),
        "targets[2] (X_COUNT · 06999 · 2026-H1): chỉ tiêu giao X_COUNT · 06999 · 2026-H1 bị trùng với "
        "targets[0] (X_COUNT · 06999 · 2026-H1).",
    ),
    (
        "unknown parent",
        _set(["units", 0, "parent"], "99999"),
        'units[0] (code "06999"): đơn vị cấp trên "99999" không tồn tại.',
    ),
    (
        "parent at the same level",
        _set(["units", 0, "parent"], "06895"),
        'units[0] (code "06999"): đơn vị cấp trên "06895" (cấp xã) phải ở cấp cao hơn cấp xã.',
    ),
    (
        "parent at a lower level",
        _add("units", _unit("299", "district", "06999")),
        'units[1] (code "299"): đơn vị cấp trên "06999" (cấp xã) phải ở cấp cao hơn cấp huyện.',
    ),
    (
        "level change below existing children",
        _add("units", _unit("200", "commune", "22")),
        'units[1] (code "200"): cấp xã không được vì đơn vị cấp dưới "06895" (cấp xã) đã có.',
    ),
    (
        "cycle",
        lambda data: data["units"].extend([_unit("297", "district", "298"), _unit("298", "district", "297")]),
        'units[1] (code "297"): các đơn vị cấp trên tạo thành vòng lặp: 297 → 298 → 297.',
    ),
    (
        "valid_from after valid_to",
        _set(["units", 0, "valid_to"], "2024-12-31"),
        'units[0] (code "06999"): ngày hiệu lực từ (2025-01-01) sau ngày hiệu lực đến (2024-12-31).',
    ),
    (
        "succession of itself",
        _set(["successions", 0, "predecessor"], "06999"),
        "successions[0] (06999 → 06999): một đơn vị không thể kế thừa chính nó.",
    ),
    (
        "succession from an unknown unit",
        _set(["successions", 0, "predecessor"], "06000"),
        'successions[0] (06000 → 06999): đơn vị trước "06000" không tồn tại.',
    ),
    (
        "committee of an unknown unit",
        _set(["committees", 0, "unit"], "201"),
        'committees[0] (code "BCD-THU"): đơn vị "201" không tồn tại.',
    ),
    (
        "rate without denominator",
        _set(["indicators", 1, "denominator"], None),
        'indicators[1] (code "X_RATE"): chỉ tiêu tỷ lệ phải có mẫu số (trường "denominator").',
    ),
    (
        "rate without numerator",
        _set(["indicators", 1, "numerator"], None),
        'indicators[1] (code "X_RATE"): chỉ tiêu tỷ lệ phải có tử số (trường "numerator").',
    ),
    (
        "rate of an unknown indicator",
        _set(["indicators", 1, "denominator"], "KHONG_CO"),
        'indicators[1] (code "X_RATE"): mẫu số "KHONG_CO" không tồn tại.',
    ),
    (
        "criterion on an unknown indicator",
        _set(["indicators", 2, "criteria", 0, "indicator"], "KHONG_CO"),
        'indicators[2] (code "X_STATUS").criteria[0] (indicator "KHONG_CO"): chỉ tiêu điều kiện "KHONG_CO" không tồn tại.',
    ),
    (
        "criteria on a count indicator",
        _set(["indicators", 0, "criteria"], [{"indicator": "TTXH_VU", "comparison": "at_most", "value": 0}]),
        'indicators[0] (code "X_COUNT"): chỉ chỉ tiêu trạng thái (kind "status") mới có tiêu chí; chỉ tiêu này là "count".',
    ),
    (
        "criterion on a rate",
        _set(["indicators", 2, "criteria", 0, "indicator"], "TTXH_TYLE"),
        'indicators[2] (code "X_STATUS").criteria[0] (indicator "TTXH_TYLE"): chỉ tiêu điều kiện "TTXH_TYLE" phải '
        "là chỉ tiêu nhập số liệu (count hoặc yes_no).",
    ),
    (
        "target for an unknown indicator",
        _set(["targets", 0, "indicator"], "KHONG_CO"),
        'targets[0] (KHONG_CO · 06999 · 2026-H1): chỉ tiêu "KHONG_CO" không tồn tại.',
    ),
    (
        "target for an unknown unit",
        _set(["targets", 0, "unit"], "06000"),
        'targets[0] (X_COUNT · 06000 · 2026-H1): đơn vị "06000" không tồn tại.',
    ),
    (
        "target for an unknown period",
        _set(["targets", 0, "period"], "2027-H1"),
        'targets[0] (X_COUNT · 06999 · 2027-H1): kỳ "2027-H1" không tồn tại.',
    ),
    (
        "target citing an unknown plan",
        _set(["targets", 0, "plan"], "8/KH-UBND"),
        'targets[0] (X_COUNT · 06999 · 2026-H1): văn bản "8/KH-UBND" không tồn tại.',
    ),
    (
        "target value as a string",
        _set(["targets", 0, "value"], "5"),
        'targets[0] (X_COUNT · 06999 · 2026-H1): trường "value" phải là một số JSON (ví dụ 5 hoặc 75.5), '
        'không phải "5".',
    ),
    (
        "negative target",
        _set(["targets", 0, "value"], -1),
        'targets[0] (X_COUNT · 06999 · 2026-H1): trường "value" phải là một số từ 0 đến dưới 1000 tỷ, không phải -1.',
    ),
    (
        "more than two decimals",
        _set(["indicators", 2, "criteria", 0, "value"], 0.125),
        'indicators[2] (code "X_STATUS").criteria[0] (indicator "X_COUNT"): trường "value" có nhiều nhất 2 chữ số '
        "thập phân, không phải 0.125.",
    ),
    (
        "period code",
        _set(["periods", 0, "code"], "2026-Q1"),
        'periods[0] (code "2026-Q1"): mã kỳ "2026-Q1" phải có dạng 2024-H1, 2024-H2 hoặc 2024.',
    ),
    (
        "period ends before it starts",
        _set(["periods", 0, "end"], "2025-12-01"),
        'periods[0] (code "2026-H1"): ngày bắt đầu (2025-12-15) sau ngày kết thúc (2025-12-01).',
    ),
    (
        "section not a list",
        _set(["targets"], {"indicator": "X_COUNT"}),
        '"targets" phải là một danh sách [...].',
    ),
    (
        "text too long",
        _set(["units", 0, "kind"], "x" * 31),
        'units[0] (code "06999"): trường "kind" dài 31 ký tự, tối đa 30.',
    ),
]


@pytest.mark.parametrize(("mutate", "message"), [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS])
def test_import_refuses_with_a_message_naming_the_entry_and_writes_nothing(demo_metadata, mutate, message):
    data = copy.deepcopy(valid_file())
    mutate(data)
    before = table_counts()
    exported = dumps(export_metadata())

    with pytest.raises(MetadataError) as refused:
        import_metadata(data)

    assert message in refused.value.errors
    assert table_counts() == before
    assert dumps(export_metadata()) == exported


def test_every_problem_is_listed_at_once(demo_metadata):
    data = valid_file()
    data["units"][0]["parent"] = "99999"
    data["indicators"][1]["denominator"] = None
    data["targets"][0]["period"] = "2031"

    with pytest.raises(MetadataError) as refused:
        import_metadata(data)

    assert refused.value.errors == [
        'units[0] (code "06999"): đơn vị cấp trên "99999" không tồn tại.',
        'indicators[1] (code "X_RATE"): chỉ tiêu tỷ lệ phải có mẫu số (trường "denominator").',
        'targets[0] (X_COUNT · 06999 · 2031): kỳ "2031" không tồn tại.',
    ]


def test_invalid_json_is_refused(db):
    with pytest.raises(MetadataError) as refused:
        loads('{"units": [}')
    assert refused.value.errors == ["Tệp không phải JSON hợp lệ: dòng 1, cột 12 (Expecting value)."]

    with pytest.raises(MetadataError) as refused:
        import_metadata(loads('{"periods": [{"code": "2026", "deadline": null}], "bogus": 1.005}'))
    assert refused.value.errors == [
        'Mục "bogus" ở cấp ngoài cùng không có trong định dạng (các mục: units, successions, plans, committees, '
        "periods, indicators, targets, validation_rules)."
    ]
    assert not Period.objects.filter(code="2026").exists()

    with pytest.raises(MetadataError) as refused:
        loads('{"targets": [{"value": NaN}]}')
    assert refused.value.errors == ["Tệp không phải JSON hợp lệ: giá trị NaN không được dùng."]

    with pytest.raises(MetadataError) as refused:
        import_metadata([])
    assert refused.value.errors[0].startswith("Tệp metadata phải là một đối tượng JSON {...}")


def test_a_nul_character_is_refused(demo_metadata):
    data = copy.deepcopy(valid_file())
    data["units"][0]["name"] = "Xã\u0000Mới"  # PostgreSQL refuses NUL in text: a 500 before
    before = table_counts()
    with pytest.raises(MetadataError) as refused:
        import_metadata(loads(dumps(data)))
    assert refused.value.errors == ["Tệp có ký tự không hợp lệ (ký tự NUL, \\u0000)."]
    assert table_counts() == before


def test_import_command_refuses_a_broken_file_and_writes_nothing(demo_metadata, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"units": [', encoding="utf-8")
    inconsistent = tmp_path / "inconsistent.json"
    data = valid_file()
    data["targets"][0]["period"] = "2030"
    inconsistent.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = table_counts()

    with pytest.raises(CommandError) as refused:
        call_command("import_metadata", str(broken))
    assert str(refused.value) == (
        f"Tệp {broken} bị từ chối, không ghi gì (1 lỗi):\n"
        "  - Tệp không phải JSON hợp lệ: dòng 1, cột 12 (Expecting value)."
    )

    with pytest.raises(CommandError) as refused:
        call_command("import_metadata", str(inconsistent))
    assert str(refused.value) == (
        f"Tệp {inconsistent} bị từ chối, không ghi gì (1 lỗi):\n"
        '  - targets[0] (X_COUNT · 06999 · 2030): kỳ "2030" không tồn tại.'
    )

    with pytest.raises(CommandError) as refused:
        call_command("import_metadata", str(tmp_path / "missing.json"))
    assert str(refused.value).startswith(f"Không đọc được tệp {tmp_path / 'missing.json'}")

    assert table_counts() == before


def test_import_accepts_a_byte_order_mark(db, tmp_path):
    path = tmp_path / "bom.json"
    data = {"plans": [{"number": "7/KH-UBND", "issued_on": "2025-02-01", "issuer": "UBND", "title": "Thử"}]}
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data, ensure_ascii=False).encode("utf-8"))

    call_command("import_metadata", str(path), stdout=io.StringIO())

    assert list(Plan.objects.values_list("number", "issued_on")) == [("7/KH-UBND", datetime.date(2025, 2, 1))]


def test_the_documented_example_imports(db):
    doc = (Path(__file__).resolve().parents[2] / "docs" / "metadata-format.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", doc, re.DOTALL).group(1)

    stats = import_metadata(loads(example))

    assert {section: counts["created"] for section, counts in stats.items()} == {
        "units": 4,
        "successions": 1,
        "plans": 1,
        "committees": 1,
        "members": 1,
        "periods": 2,
        "indicators": 5,
        "criteria": 1,
        "targets": 2,
        "validation_rules": 1,
    }
    assert (Period.objects.get(code="2024-H1").start, Period.objects.get(code="2024-H1").end) == (
        datetime.date(2023, 12, 15),
        datetime.date(2024, 6, 14),
    )


def test_export_query_count_does_not_grow_with_the_data(demo_metadata):
    with CaptureQueriesContext(connection) as demo_only:
        export_metadata()
    import_metadata(valid_file())  # more units, members, indicators, criteria and targets
    with CaptureQueriesContext(connection) as more:
        data = export_metadata()

    assert len(data["units"]) == AdministrativeUnit.objects.count()
    assert len(demo_only) == len(more) == 11


def test_a_refused_file_lists_200_problems_and_counts_the_rest(db, tmp_path):
    """Issue 17, finding 10: error lists are capped in commands too."""
    units = [
        {"code": f"U{n}", "name": f"Đơn vị {n}", "level": "bogus", "kind": "xã", "parent": None}
        | {"valid_from": None, "valid_to": None}
        for n in range(300)
    ]
    path = tmp_path / "metadata.json"
    path.write_text(json.dumps({"units": units}), encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_metadata", str(path))
    lines = str(refused.value).splitlines()
    assert lines[0] == f"Tệp {path} bị từ chối, không ghi gì (300 lỗi):"
    assert len(lines) == 1 + 200 + 1
    assert lines[200].startswith('  - units[199] (code "U199")')
    assert lines[-1] == "  … và 100 lỗi khác (chỉ liệt kê 200 lỗi đầu tiên)."
