"""Validation rules and outlier flags (DESIGN.md "Validation rules", indicators/validation.py).

The world (tests/indicators/cast.py): commune 06913 enters VU (cases), LAMRO (cases
cleared) and QL (yes/no); TYLE = LAMRO / VU is a rate, so the built-in error rule
"LAMRO ≤ VU" applies to every commune.
"""

import copy
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators import figures_io, services, validation
from indicators.metadata import MetadataError, export_metadata, import_metadata
from indicators.models import Figure, Submission, SubmissionStatus, ValidationRule
from tests import factories as f

S = SubmissionStatus
RATE_MESSAGE = (
    "Quy tắc “Số vụ đã làm rõ không vượt quá số vụ phạm tội” không thỏa: Số vụ đã làm rõ (5) phải ≤ Số vụ phạm tội (2)."
)


def _post(client, version=0, action="draft", **values):
    data = {"version": version, "action": action}
    for code, value in values.items():
        data[code if code.startswith("n_") else "v_" + code] = "" if value is None else value
    return client.post(reverse("indicators:entry", args=["06913", "2024-H2"]), data)


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def _rule(code, left, operator, right, severity="error", name=None):
    return validation.Rule(code, name or code, left, operator, right, severity)


# --- Evaluating rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "broken"),
    [("<=", True), ("<", True), ("==", True), ("!=", False), (">=", False), (">", False)],
)
def test_each_operator_on_sums_of_figures(operator, broken):
    # left: A + B = 2 + 3 = 5; right: C = 4.
    rule = _rule("R", ["A", "B"], operator, ["C"])
    result = validation.evaluate([rule], {"A": 2, "B": 3, "C": 4})
    assert [(v.left, v.right) for v in result] == ([(5, 4)] if broken else [])


def test_a_rule_naming_a_missing_figure_is_skipped_and_numbers_stand_alone():
    rules = [_rule("SUM", ["A", "B"], "<=", 3), _rule("ZERO", ["C"], "==", 0)]
    # B is blank (missing, not 0): SUM is skipped; C = 1 ≠ 0 breaks ZERO.
    broken = validation.evaluate(rules, {"A": 9, "B": None, "C": 1})
    assert [(v.rule.code, v.left, v.right) for v in broken] == [("ZERO", 1, 0)]
    assert broken[0].message({"C": "Số điểm"}) == "Quy tắc “ZERO” không thỏa: Số điểm (1) phải = 0."
    many = validation.evaluate(rules, {"A": 2, "B": 2})
    assert many[0].message({"A": "Một", "B": "Hai"}) == "Quy tắc “SUM” không thỏa: (Một + Hai) = 4 phải ≤ 3."


def test_every_rate_carries_the_built_in_rule(world):
    rules = validation.rules_for(list(services.entered_indicators("commune")))
    assert [(r.code, r.left, r.operator, r.right, r.severity, r.builtin) for r in rules] == [
        ("TYLE:TYLE", ["LAMRO"], "<=", ["VU"], "error", True)
    ]
    assert rules[0].name == "Số vụ đã làm rõ không vượt quá số vụ phạm tội"
    # A stored rule saying the same thing, in the officers' words, takes its place.
    ValidationRule.objects.create(
        code="LAMRO_LE_VU", name="Làm rõ ≤ xảy ra", left=["LAMRO"], operator="<=", right=["VU"]
    )
    ValidationRule.objects.create(code="XLHS", name="Cấp huyện", left=["XLHS"], operator="<=", right=10)
    rules = validation.rules_for(list(services.entered_indicators("commune")))
    # XLHS is entered by the district: not a commune's rule.
    assert [r.code for r in rules] == ["LAMRO_LE_VU"]


# --- The entry form: error rules -----------------------------------------------------------


def test_a_rate_whose_numerator_exceeds_its_denominator_cannot_be_saved(client_for, world):
    response = _post(client_for("officer_a"), VU=2, LAMRO=5, QL=1)
    assert response.status_code == 400
    text = _text(response)
    assert RATE_MESSAGE in text
    # The typed values are kept in the form; nothing was written.
    assert 'name="v_VU" value="2"' in text and 'name="v_LAMRO" value="5"' in text
    assert not Submission.objects.exists()


def test_nor_submitted(client_for, world):
    response = _post(client_for("officer_a"), action="submit", VU=2, LAMRO=5, QL=1)
    assert response.status_code == 400
    assert RATE_MESSAGE in _text(response)
    assert not Submission.objects.exists()


def test_a_draft_written_before_the_rule_cannot_be_submitted_as_it_stands(world):
    draft = f.submission(world.a, world.h2, S.DRAFT, VU=2, LAMRO=5, QL=1)
    with pytest.raises(services.RuleError) as refused:
        services.submit(user=world.officer_a, submission=draft)
    assert refused.value.messages == [RATE_MESSAGE]
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_a_blank_figure_is_missing_so_the_rule_is_skipped(client_for, world):
    response = _post(client_for("officer_a"), VU=None, LAMRO=5, QL=1)
    assert response.status_code == 302
    assert dict(Figure.objects.values_list("indicator__code", "value")) == {"LAMRO": 5, "QL": 1}


def test_equal_parts_are_accepted(client_for, world):
    assert _post(client_for("officer_a"), action="submit", VU=5, LAMRO=5, QL=1).status_code == 302
    assert Submission.objects.get().status == S.SUBMITTED


# --- The entry form: warning rules ---------------------------------------------------------


@pytest.fixture
def warning_rule(world):
    return ValidationRule.objects.create(
        code="VU_TOI_DA",
        name="Số vụ một kỳ thường không quá 10",
        left=["VU"],
        operator="<=",
        right=10,
        severity="warning",
    )


def test_a_warning_rule_lets_a_draft_be_saved_but_needs_a_note_to_submit(client_for, world, warning_rule):
    client = client_for("officer_a")
    assert _post(client, VU=12, LAMRO=3, QL=1).status_code == 302  # a draft: saved
    version = Submission.objects.get().version
    response = _post(client, version=version, action="submit", VU=12, LAMRO=3, QL=1)
    assert response.status_code == 400
    assert (
        "Quy tắc “Số vụ một kỳ thường không quá 10” không thỏa: Số vụ phạm tội (12) phải ≤ 10. "
        "Cần ghi chú ở một trong các số liệu này." in _text(response)
    )
    assert Submission.objects.get().status == S.DRAFT
    response = _post(client, version=version, action="submit", VU=12, LAMRO=3, QL=1, n_VU="Vụ án băng nhóm, 12 vụ")
    assert response.status_code == 302
    assert Submission.objects.get().status == S.SUBMITTED


# --- Import: all or nothing, rule and rows named ------------------------------------------------


def _csv(*rows):
    return ("unit_code,indicator_code,period,value,note\n" + "\n".join(rows) + "\n").encode()


def test_an_import_breaking_the_rate_rule_is_refused_naming_rule_and_rows(world):
    data = _csv("06913,VU,2024-H2,2,", "06916,VU,2024-H2,1,", "06913,LAMRO,2024-H2,5,")
    with pytest.raises(figures_io.FiguresFileError) as refused:
        figures_io.import_file(data, "so-lieu.csv", world.reviewer)
    assert [str(error) for error in refused.value.errors] == [
        "Dòng 2: Xã Quảng Tân, kỳ 2024-H2 (dòng 2, 4): " + RATE_MESSAGE
    ]
    assert not Submission.objects.exists() and not Figure.objects.exists()


def test_an_import_is_checked_with_the_figures_already_saved(world):
    f.submission(world.a, world.h2, S.DRAFT, VU=2)
    with pytest.raises(figures_io.FiguresFileError) as refused:
        figures_io.import_file(_csv("06913,LAMRO,2024-H2,5,"), "so-lieu.csv", world.reviewer)
    # Only the file's row is numbered; VU = 2 was saved before.
    assert [str(error) for error in refused.value.errors] == [
        "Dòng 2: Xã Quảng Tân, kỳ 2024-H2 (dòng 2): " + RATE_MESSAGE
    ]
    assert dict(Figure.objects.values_list("indicator__code", "value")) == {"VU": 2}


def test_an_import_with_a_warning_needs_a_note_in_the_file(world, warning_rule):
    with pytest.raises(figures_io.FiguresFileError) as refused:
        figures_io.import_file(_csv("06913,VU,2024-H2,12,"), "so-lieu.csv", world.reviewer)
    assert [str(error) for error in refused.value.errors] == [
        "Dòng 2: Xã Quảng Tân, kỳ 2024-H2 (dòng 2): Quy tắc “Số vụ một kỳ thường không quá 10” không thỏa: "
        "Số vụ phạm tội (12) phải ≤ 10. Ghi lý do vào cột note của một trong các dòng này."
    ]
    result = figures_io.import_file(_csv("06913,VU,2024-H2,12,Vụ án băng nhóm"), "so-lieu.csv", world.reviewer)
    assert result.figures == 1
    assert Submission.objects.get().status == S.SUBMITTED


def test_the_upload_page_shows_the_rule(client_for, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("so-lieu.csv", _csv("06913,VU,2024-H2,2,", "06913,LAMRO,2024-H2,5,"))
    response = client_for("reviewer").post(reverse("indicators:import"), {"file": upload})
    assert response.status_code == 400
    assert "Dòng 2: Xã Quảng Tân, kỳ 2024-H2 (dòng 2, 3): " + RATE_MESSAGE in _text(response)
    assert not Figure.objects.exists()


# --- Outliers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "limits"),
    [
        # spread = max(max − min, ⌈max / 2⌉, 2); limits [max(0, min − spread), max + spread]
        ([1, 2, 1, 0], (0, 4)),  # spread max(2, 1, 2) = 2
        ([8, 9, 10], (3, 15)),  # spread max(2, 5, 2) = 5
        ([0, 0], (0, 2)),  # spread 2
        ([40, 60], (10, 90)),  # spread max(20, 30, 2) = 30
        ([5], None),  # fewer than two past values: no limits
        ([None, 3], None),
    ],
)
def test_outlier_limits(history, limits):
    assert validation.outlier_limits(history) == limits


@pytest.fixture
def history(world):
    # Quảng Tân's two previous halves: VU 1 then 2 → limits [0, 4]; nothing for LAMRO.
    f.submission(world.a, world.periods["2023-H2"], S.APPROVED, VU=1, QL=1)
    f.submission(world.a, world.periods["2024-H1"], S.APPROVED, VU=2, QL=1)


def test_an_outlier_is_saved_but_needs_a_note_before_submit(client_for, world, history):
    client = client_for("officer_a")
    # 6 is above the limits but not a "large jump" from 2 (that older check needs > 7).
    assert _post(client, VU=6, LAMRO=1, QL=1).status_code == 302  # saved as a draft
    version = Submission.objects.get(period=world.h2).version
    response = _post(client, version=version, action="submit", VU=6, LAMRO=1, QL=1)
    assert response.status_code == 400
    assert (
        "Số vụ phạm tội: 6 nằm ngoài khoảng thường gặp của đơn vị (0–4, theo các kỳ trước: 1, 2); "
        "cần ghi chú giải thích." in _text(response)
    )
    response = _post(client, version=version, action="submit", VU=6, LAMRO=1, QL=1, n_VU="Nhóm trộm cắp 4 vụ")
    assert response.status_code == 302
    assert Submission.objects.get(period=world.h2).status == S.SUBMITTED


def test_a_figure_inside_its_limits_needs_no_note(client_for, world, history):
    assert _post(client_for("officer_a"), action="submit", VU=4, LAMRO=1, QL=1).status_code == 302


# --- Metadata ------------------------------------------------------------------------------------


RULES = [
    {"code": "Z_LAST", "name": "Số vụ tối đa", "left": ["VU"], "operator": "<=", "right": 50, "severity": "warning"},
    {
        "code": "A_FIRST",
        "name": "Làm rõ không quá xảy ra",
        "left": ["LAMRO"],
        "operator": "<=",
        "right": ["VU"],
        "severity": "error",
    },
]


def test_rules_round_trip_in_code_order_with_history(world):
    data = export_metadata()
    assert data["validation_rules"] == []
    data["validation_rules"] = copy.deepcopy(RULES)
    stats = import_metadata(data)
    assert stats["validation_rules"]["created"] == 2
    exported = export_metadata()
    assert [rule["code"] for rule in exported["validation_rules"]] == ["A_FIRST", "Z_LAST"]
    assert exported["validation_rules"] == [RULES[1], RULES[0]]
    # export → import → export is identical, and a second import changes nothing.
    assert import_metadata(copy.deepcopy(exported))["validation_rules"]["unchanged"] == 2
    assert export_metadata() == exported
    changed = copy.deepcopy(exported)
    changed["validation_rules"][1]["right"] = 40
    import_metadata(changed)
    rule = ValidationRule.objects.get(code="Z_LAST")
    assert rule.right == 40
    assert [record.right for record in rule.history.order_by("history_date")] == [50, 40]


def test_a_file_without_rules_is_valid_and_keeps_them(world):
    ValidationRule.objects.create(code="KEEP", name="Giữ", left=["VU"], operator=">=", right=0)
    data = export_metadata()
    del data["validation_rules"]
    import_metadata(data)
    assert list(ValidationRule.objects.values_list("code", flat=True)) == ["KEEP"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"left": ["NOPE"]}, 'validation_rules[0] (code "R1"): chỉ tiêu "NOPE" không tồn tại.'),
        (
            {"left": ["TYLE"]},
            'validation_rules[0] (code "R1"): chỉ tiêu "TYLE" phải là chỉ tiêu nhập số liệu (count hoặc yes_no).\n'
            'validation_rules[0] (code "R1"): các chỉ tiêu của một quy tắc phải được nhập ở cùng một cấp.',
        ),
        (
            {"right": ["XLHS"]},
            'validation_rules[0] (code "R1"): các chỉ tiêu của một quy tắc phải được nhập ở cùng một cấp.',
        ),
        (
            {"operator": "=<"},
            'validation_rules[0] (code "R1"): phép so sánh "=<" không hợp lệ (trường "operator" nhận một trong: '
            "<=, <, ==, !=, >=, >).",
        ),
        (
            {"right": "10"},
            'validation_rules[0] (code "R1"): trường "right" phải là danh sách mã chỉ tiêu (ví dụ ["TTXH_VU"]) '
            'hoặc một số, không phải "10".',
        ),
        (
            {"severity": "info"},
            'validation_rules[0] (code "R1"): mức độ "info" không hợp lệ (trường "severity" nhận một trong: '
            "error, warning).",
        ),
    ],
)
def test_a_bad_rule_is_refused_with_its_entry_named(world, rule, message):
    data = export_metadata()
    data["validation_rules"] = [
        {"code": "R1", "name": "Quy tắc", "left": ["LAMRO"], "operator": "<=", "right": ["VU"], "severity": "error"}
        | rule
    ]
    with pytest.raises(MetadataError) as refused:
        import_metadata(data)
    assert refused.value.errors == message.split("\n")
    assert not ValidationRule.objects.exists()


# --- The demo ----------------------------------------------------------------------------------


def test_the_demo_rules_hold_on_every_demo_figure(demo):
    assert list(ValidationRule.objects.values_list("code", "severity")) == [
        ("MT_2DT_LE_BAT", "error"),
        ("MT_HOSO_LE_NGHIEN", "warning"),
        ("TG_GIAIQUYET_LE_TIEPNHAN", "error"),
        ("TTXH_LAMRO_LE_VU", "error"),
    ]
    checked = 0
    for submission in Submission.objects.select_related("unit"):
        indicators = list(services.entered_indicators(submission.unit.level))
        values = dict(submission.figures.values_list("indicator__code", "value"))
        broken = validation.evaluate(validation.rules_for(indicators), values)
        assert broken == [], (submission.unit.code, submission.period.code)
        checked += 1
    assert checked == Submission.objects.count() == 50


# --- Review and submission pages: comparisons, flags, follow-up list -----------------------------


@pytest.fixture
def flagged(world, history):
    # Quảng Tân (history VU 1, 2 → limits [0, 4]) reports 6 cases with a note: an outlier.
    a = f.submission(world.a, world.h2, S.SUBMITTED, VU=6, LAMRO=1, QL=1)
    a.figures.filter(indicator__code="VU").update(note="Nhóm trộm cắp 4 vụ")
    # Đầm Hà's figures were written before the rate rule could refuse them (an old import).
    f.submission(world.b, world.h2, S.SUBMITTED, VU=2, LAMRO=5, QL=1)


def test_the_submission_page_shows_previous_and_last_year_values_with_flags(client_for, world, flagged):
    response = client_for("reviewer").get(reverse("indicators:submission", args=["06913", "2024-H2"]))
    assert response.status_code == 200
    text = _text(response)
    assert "Kỳ trước (2024-H1)" in text and "Cùng kỳ năm trước (2023-H2)" in text
    row = re.search(r'<tr data-indicator="VU">(.*?)</tr>', text).group(1)
    cells = [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    # value 6, previous half 2, same half last year 1, the note; the flag under the name.
    assert cells[1:] == ["6", "2", "1", "Nhóm trộm cắp 4 vụ"]
    assert (
        "◆ Bất thường Số vụ phạm tội: 6 nằm ngoài khoảng thường gặp của đơn vị (0–4, theo các kỳ trước: 1, 2)"
        in cells[0]
    )
    lamro = re.search(r'<tr data-indicator="LAMRO">(.*?)</tr>', text).group(1)
    assert "figure-flag" not in lamro  # 1 ≤ 6 and no history: nothing to flag


def test_the_review_page_lists_flags_for_follow_up(client_for, world, flagged):
    text = _text(client_for("reviewer").get(reverse("indicators:review", args=["200", "2024-H2"])))
    section = re.search(r'<section[^>]*id="follow-ups"(.*?)</section>', text).group(1)
    items = [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r'<li class="[^"]*follow-up[^"]*"[^>]*>(.*?)</li>', section)
    ]
    assert "Cần xem lại: 2 số liệu" in section
    assert items == [
        "Xã Quảng Tân: ◆ Bất thường Số vụ phạm tội: 6 nằm ngoài khoảng thường gặp của đơn vị (0–4, theo các kỳ "
        "trước: 1, 2); cần ghi chú giải thích. Ghi chú của đơn vị: Nhóm trộm cắp 4 vụ",
        "Xã Đầm Hà: ✗ Lỗi " + RATE_MESSAGE + " Đơn vị chưa ghi chú.",
    ]


def test_the_submission_page_query_count_does_not_grow_with_indicators(client_for, world, flagged):
    client = client_for("reviewer")
    url = reverse("indicators:submission", args=["06913", "2024-H2"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(10):
        f.indicator(f"K{number}", section="1. Tội phạm", order=10 + number)
        f.submission(world.a, world.h2, S.SUBMITTED, **{f"K{number}": number})
        f.submission(world.a, world.periods["2024-H1"], S.APPROVED, **{f"K{number}": number})
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
