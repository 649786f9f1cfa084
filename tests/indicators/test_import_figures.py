import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import ManagementUtility, call_command
from django.core.management import base as base_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators import figures_io
from indicators.models import Figure, Submission, SubmissionStatus
from tests import factories as f

S = SubmissionStatus
HEADER = "unit_code,indicator_code,period,value,note"


def _write(tmp_path, text, name="so-lieu.csv", bom=False):
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def _xlsx(tmp_path, rows, name="so-lieu.xlsx"):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    path = tmp_path / name
    workbook.save(path)
    return path


def _run(path, user="reviewer"):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_figures", str(path), "--user", user, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _state():
    """Everything an import could write: rows and history rows."""
    return (
        Submission.objects.count(),
        Figure.objects.count(),
        Submission.history.count(),
        Figure.history.count(),
        sorted(Figure.objects.values_list("submission__unit__code", "indicator__code", "value", "note")),
    )


# --- Accepted files ---------------------------------------------------------------------------------


def test_csv_import_creates_submitted_reports_with_history(world, tmp_path):
    path = _write(
        tmp_path,
        f"{HEADER}\n06913,VU,2024-H2,3,Sổ theo dõi\n06913,QL,2024-H2,1,\n06916,VU,2024-H2,0,\n200,XLHS,2024-H2,5,\n",
    )
    out, err = _run(path)
    assert "Đã nhập 4 số liệu vào 3 báo cáo (trạng thái: đã gửi)." in out
    assert err == ""
    assert sorted(Submission.objects.values_list("unit__code", "status", "submitted_by__username")) == [
        ("06913", S.SUBMITTED, "reviewer"),
        ("06916", S.SUBMITTED, "reviewer"),
        ("200", S.SUBMITTED, "reviewer"),
    ]
    assert sorted(Figure.objects.values_list("submission__unit__code", "indicator__code", "value", "note")) == [
        ("06913", "QL", 1, ""),
        ("06913", "VU", 3, "Sổ theo dõi"),
        ("06916", "VU", 0, ""),
        ("200", "XLHS", 5, ""),
    ]
    records = Figure.history.all()
    assert {(r.history_user.username, r.history_change_reason) for r in records} == {
        ("reviewer", "Nhập từ tệp so-lieu.csv")
    }


def test_import_updates_a_draft_or_returned_report_and_keeps_notes_when_empty(world, tmp_path):
    draft = f.submission(world.a, world.h2, status=S.RETURNED, VU=1, LAMRO=1)
    Figure.objects.filter(indicator__code="VU").update(note="ghi chú cũ")
    _run(_write(tmp_path, f"{HEADER}\n06913,VU,2024-H2,2,\n"))
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (S.SUBMITTED, 2)
    assert sorted(draft.figures.values_list("indicator__code", "value", "note")) == [
        ("LAMRO", 1, ""),
        ("VU", 2, "ghi chú cũ"),
    ]


def test_csv_with_bom_without_note_column_and_by_the_officer(world, tmp_path):
    path = _write(tmp_path, "unit_code,indicator_code,period,value\r\n06913,VU,2024-H2,2\r\n", bom=True)
    _run(path, user="officer_a")
    assert list(Figure.objects.values_list("value", "submission__submitted_by__username")) == [(2, "officer_a")]


def test_xlsx_import(world, tmp_path):
    path = _xlsx(tmp_path, [HEADER.split(","), ["06913", "VU", "2024-H2", 4, "x"], ["06913", "QL", "2024-H2", 0, None]])
    _run(path, user="office")
    assert sorted(Figure.objects.values_list("indicator__code", "value")) == [("QL", 0), ("VU", 4)]


def test_a_superuser_imports_anywhere(world, tmp_path):
    _run(_write(tmp_path, f"{HEADER}\n06916,VU,2024-H2,2,\n"), user="admin")
    assert Figure.objects.get().value == 2


def test_review_users_import_into_a_closed_period_entry_users_do_not(world, tmp_path):
    world.h2.is_open = False
    world.h2.save()
    path = _write(tmp_path, f"{HEADER}\n06913,VU,2024-H2,2,\n")
    with pytest.raises(CommandError):
        _run(path, user="officer_a")
    assert Figure.objects.count() == 0
    _run(path, user="reviewer")
    assert Figure.objects.get().value == 2


# --- Refused files: every reason, its row number, and nothing written -------------------------------

REFUSALS = [
    ("06913,VU,2024-H2,abc,", "Dòng 2: giá trị “abc” không phải là số."),
    ("06913,VU,2024-H2,-1,", "Dòng 2: giá trị -1 là số âm; số liệu không được âm."),
    ("06913,VU,2024-H2,2.5,", "Dòng 2: giá trị 2.5 có phần lẻ; chỉ tiêu đếm chỉ nhận số nguyên."),
    ("06913,VU,2024-H2,1.000,", "Dòng 2: giá trị “1.000” không rõ ràng"),
    ("06913,VU,2024-H2,,", "Dòng 2: thiếu giá trị"),
    ("06913,QL,2024-H2,2,", "Dòng 2: chỉ tiêu có/không chỉ nhận 1 (có) hoặc 0 (không), không nhận 2."),
    ("99999,VU,2024-H2,1,", "Dòng 2: không có đơn vị mã “99999”."),
    ("06913,NOPE,2024-H2,1,", "Dòng 2: không có chỉ tiêu mã “NOPE”."),
    ("06913,VU,2031-H1,1,", "Dòng 2: không có kỳ báo cáo “2031-H1” (tệp không tạo kỳ mới)."),
    ("06913,VU,2024,1,", "Dòng 2: kỳ 2024 là kỳ năm; chỉ nhập số liệu kỳ 6 tháng"),
    ("06913,XLHS,2024-H2,1,", "Dòng 2: chỉ tiêu XLHS nhập ở cấp huyện, còn Xã Quảng Tân là cấp xã."),
    ("06913,TYLE,2024-H2,50,", "Dòng 2: chỉ tiêu TYLE là tỷ lệ, được tính tự động, không nhập."),
    ("06913,SACH,2024-H2,1,", "Dòng 2: chỉ tiêu SACH là trạng thái (theo tiêu chí), được tính tự động, không nhập."),
]


@pytest.mark.parametrize(("row", "message"), REFUSALS)
def test_each_refusal_is_reported_with_its_row_and_nothing_is_written(world, tmp_path, row, message):
    path = _write(tmp_path, f"{HEADER}\n{row}\n06916,VU,2024-H2,1,\n")
    before = _state()
    err = io.StringIO()
    with pytest.raises(CommandError, match="Không nhập: tệp có 1 lỗi; chưa ghi số liệu nào."):
        call_command("import_figures", str(path), "--user", "reviewer", stderr=err)
    assert err.getvalue().startswith(message)
    assert _state() == before


def _errors(world, tmp_path, text, user="reviewer"):
    before = _state()
    with pytest.raises(figures_io.FiguresFileError) as caught:
        figures_io.import_file(text.encode("utf-8"), "tep.csv", world.users[user])
    assert _state() == before
    return [str(error) for error in caught.value.errors]


@pytest.mark.parametrize(("row", "message"), REFUSALS)
def test_refusal_messages(world, tmp_path, row, message):
    errors = _errors(world, tmp_path, f"{HEADER}\n06916,VU,2024-H2,1,\n{row}\n")
    assert len(errors) == 1
    assert errors[0].startswith(message.replace("Dòng 2", "Dòng 3"))


def test_unit_not_valid_at_the_end_of_the_period(world, tmp_path):
    gone = f.unit("06907", parent=world.district, name="Xã Quảng Lợi", valid_to=datetime.date(2019, 12, 31))
    assert gone.level == "commune"
    errors = _errors(world, tmp_path, f"{HEADER}\n06907,VU,2024-H2,1,\n")
    assert errors == ["Dòng 2: Xã Quảng Lợi không tồn tại vào cuối kỳ 2024-H2 (14/12/2024)."]


def test_duplicate_rows(world, tmp_path):
    errors = _errors(world, tmp_path, f"{HEADER}\n06913,VU,2024-H2,1,\n06916,VU,2024-H2,1,\n06913,VU,2024-H2,2,\n")
    assert errors == ["Dòng 4: trùng đơn vị, chỉ tiêu và kỳ với dòng 2; mỗi số liệu chỉ ghi một lần."]


def test_outside_the_users_scope(world, tmp_path):
    errors = _errors(world, tmp_path, f"{HEADER}\n06913,VU,2024-H2,1,\n06916,VU,2024-H2,1,\n", user="officer_a")
    assert errors == ["Dòng 3: Xã Đầm Hà không thuộc phạm vi của tài khoản officer_a."]


def test_a_view_role_cannot_import(world, tmp_path):
    errors = _errors(world, tmp_path, f"{HEADER}\n06913,VU,2024-H2,1,\n", user="leader")
    assert errors == ["Dòng 2: Xã Quảng Tân không thuộc phạm vi của tài khoản leader."]


def test_approved_submission(world, tmp_path):
    """The lock rule's own message, as on the entry page (services.lock_blocker)."""
    submission = f.submission(world.a, world.h2, status=S.APPROVED, VU=1)
    submission.approved_by = world.reviewer
    submission.approved_at = datetime.datetime(2024, 12, 20, 2, 30, tzinfo=datetime.UTC)
    submission.save()
    errors = _errors(world, tmp_path, f"{HEADER}\n06913,VU,2024-H2,5,\n")
    assert errors == [
        "Dòng 2: Báo cáo kỳ 2024-H2 của Xã Quảng Tân đã được Công an huyện duyệt lúc 09:30 20/12/2024 nên đã khóa. "
        "Muốn sửa, đề nghị office, Công an huyện mở lại (cần nêu lý do)."
    ]
    assert Figure.objects.get().value == 1


@pytest.mark.parametrize(
    "header",
    [
        "unit,indicator,period,value,note",
        "unit_code,indicator_code,period,note",
        "unit_code,indicator_code,period,value,note,extra",
        "unit_code,indicator_code,period,value,value",
    ],
)
def test_wrong_header(world, tmp_path, header):
    errors = _errors(world, tmp_path, f"{header}\n06913,VU,2024-H2,1,\n")
    assert len(errors) == 1
    assert errors[0].startswith("Dòng 1: Dòng tiêu đề phải là unit_code,indicator_code,period,value,note")


def test_every_bad_row_is_reported_not_just_the_first(world, tmp_path):
    errors = _errors(
        world,
        tmp_path,
        f"{HEADER}\n06913,VU,2024-H2,1,\n06913,LAMRO,2024-H2,-3,\n\n06916,TYLE,2024-H2,5,\n06916,VU,2024-H2,x,\n",
    )
    assert [re.match(r"Dòng (\d+)", error).group(1) for error in errors] == ["3", "5", "6"]


def test_empty_file_and_wrong_type_and_bad_encoding(world, tmp_path):
    assert _errors(world, tmp_path, "") == [
        "Dòng 1: Tệp trống hoặc thiếu dòng tiêu đề unit_code,indicator_code,period,value,note."
    ]
    assert _errors(world, tmp_path, f"{HEADER}\n") == ["Dòng 1: Tệp không có dòng số liệu nào."]
    with pytest.raises(figures_io.FiguresFileError, match="Chỉ nhận tệp .csv hoặc .xlsx."):
        figures_io.import_file(b"x", "so-lieu.ods", world.reviewer)
    with pytest.raises(figures_io.FiguresFileError, match="UTF-8"):
        figures_io.import_file(f"{HEADER}\n06913,VU,2024-H2,1,Đầm Hà\n".encode("utf-16"), "a.csv", world.reviewer)
    with pytest.raises(figures_io.FiguresFileError, match="Không đọc được tệp Excel"):
        figures_io.import_file(b"not a zip", "a.xlsx", world.reviewer)


def test_xlsx_rows_are_numbered_as_the_spreadsheet_shows_them(world, tmp_path):
    path = _xlsx(
        tmp_path, [HEADER.split(","), ["06913", "VU", "2024-H2", 1, None], ["06913", "QL", "2024-H2", 0.5, None]]
    )
    with pytest.raises(figures_io.FiguresFileError) as caught:
        figures_io.import_file(path.read_bytes(), path.name, world.reviewer)
    assert [str(error) for error in caught.value.errors] == [
        "Dòng 3: giá trị 0.5 có phần lẻ; chỉ tiêu đếm chỉ nhận số nguyên."
    ]


def test_the_command_exits_non_zero_and_prints_every_error(world, tmp_path, capsys, monkeypatch):
    # run_from_argv closes every connection when it ends, the test database's included.
    monkeypatch.setattr(base_command.connections, "close_all", lambda: None)
    path = _write(tmp_path, f"{HEADER}\n06913,VU,2024-H2,-1,\n06913,QL,2024-H2,3,\n")
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "import_figures", str(path), "--user", "reviewer"]).execute()
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert "Dòng 2: giá trị -1 là số âm" in err and "Dòng 3: chỉ tiêu có/không" in err
    assert "Không nhập: tệp có 2 lỗi; chưa ghi số liệu nào." in err
    assert Figure.objects.count() == 0


def test_the_command_refuses_an_unknown_user(world, tmp_path):
    with pytest.raises(CommandError, match="Không có tài khoản đang hoạt động tên “ai”"):
        _run(_write(tmp_path, f"{HEADER}\n06913,VU,2024-H2,1,\n"), user="ai")


# --- Upload page and template ---------------------------------------------------------------------------

PAGE_EXPECTED = {"officer_a": 403, "officer_b": 403, "reviewer": 200, "leader": 403, "office": 200, "anonymous": 302}


def _upload(client, text, name="so-lieu.csv"):
    return client.post(reverse("indicators:import"), {"file": SimpleUploadedFile(name, text.encode("utf-8"))})


@pytest.mark.parametrize("who", PAGE_EXPECTED)
def test_upload_page_permissions(client_for, who):
    assert client_for(who).get(reverse("indicators:import")).status_code == PAGE_EXPECTED[who]
    response = _upload(client_for(who), f"{HEADER}\n06913,VU,2024-H2,1,\n")
    assert response.status_code == (302 if PAGE_EXPECTED[who] == 200 else PAGE_EXPECTED[who])
    assert Figure.objects.count() == (1 if PAGE_EXPECTED[who] == 200 else 0)


def test_upload_page_lists_errors_and_writes_nothing(client_for):
    response = _upload(client_for("office"), f"{HEADER}\n06913,VU,2024-H2,-1,\n06913,XX,2024-H2,1,\n")
    assert response.status_code == 400
    text = re.sub(r"\s+", " ", response.content.decode())
    assert "Không nhập: tệp có 2 lỗi; chưa ghi số liệu nào." in text
    assert "Dòng 2: giá trị -1 là số âm; số liệu không được âm." in text
    assert "Dòng 3: không có chỉ tiêu mã “XX”." in text
    assert Figure.objects.count() == 0


def test_upload_page_success_message(client_for):
    response = _upload(client_for("reviewer"), f"{HEADER}\n06913,VU,2024-H2,1,\n06916,VU,2024-H2,2,\n")
    assert response.status_code == 302
    text = client_for("reviewer").get(reverse("indicators:import")).content.decode()
    assert "Mẫu số liệu Huyện Đầm Hà kỳ 2024-H2 (.xlsx)" in text


def test_upload_refuses_other_file_types(client_for):
    response = _upload(client_for("reviewer"), "x", name="so-lieu.pdf")
    assert response.status_code == 400
    assert "Chỉ nhận tệp .csv hoặc .xlsx." in response.content.decode()


TEMPLATE_EXPECTED = {
    "officer_a": 200,
    "officer_b": 403,
    "reviewer": 200,
    "leader": 403,
    "office": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("who", TEMPLATE_EXPECTED)
def test_template_download_permissions(client_for, who):
    response = client_for(who).get(reverse("indicators:import_template", args=["06913", "2024-H2"]))
    assert response.status_code == TEMPLATE_EXPECTED[who]


def test_template_has_codes_names_and_current_values_and_imports_back(world, client_for, tmp_path):
    f.submission(world.a, world.h2, status=S.DRAFT, VU=2)
    response = client_for("reviewer").get(reverse("indicators:import_template", args=["200", "2024-H2"]))
    assert response["Content-Disposition"] == 'attachment; filename="mau-so-lieu-200-2024-H2.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (*HEADER.split(","), "unit_name", "indicator_name", "measure")
    assert [(r[0], r[1], r[2], r[3]) for r in rows[1:]] == [
        ("200", "XLHS", "2024-H2", None),
        ("06913", "VU", "2024-H2", 2),
        ("06913", "LAMRO", "2024-H2", None),
        ("06913", "QL", "2024-H2", None),
        ("06916", "VU", "2024-H2", None),
        ("06916", "LAMRO", "2024-H2", None),
        ("06916", "QL", "2024-H2", None),
    ]
    assert rows[2][5:] == ("Xã Quảng Tân", "Số vụ phạm tội", "vụ")
    # Filled in, the template imports as it is.
    workbook = load_workbook(io.BytesIO(response.content))
    for row in workbook.worksheets[0].iter_rows(min_row=2):
        row[3].value = 1
    path = tmp_path / "mau.xlsx"
    workbook.save(path)
    _run(path)
    assert Figure.objects.count() == 7
    assert set(Submission.objects.values_list("status", flat=True)) == {S.SUBMITTED}


def test_one_lock_rule_for_the_form_and_the_import(world, tmp_path):
    """A closed period and a passed deadline refuse the import with the entry page's own words."""
    from indicators import services

    world.h2.is_open = False
    world.h2.save()
    page = services.edit_blocker(user=world.officer_a, unit=world.a, period=world.h2)
    assert page == "Kỳ 2024-H2 đã khóa nhập liệu. Muốn nhập hoặc sửa, đề nghị office, Công an huyện mở lại kỳ."
    assert _errors(world, tmp_path, f"{HEADER}\n06913,VU,2024-H2,5,\n", user="officer_a") == [f"Dòng 2: {page}"]

    world.h2.is_open = True
    world.h2.deadline = datetime.date(2024, 12, 20)
    world.h2.save()
    page = services.edit_blocker(user=world.officer_a, unit=world.a, period=world.h2)
    assert page.startswith("Đã quá hạn nhập số liệu kỳ 2024-H2 (hạn 20/12/2024).")
    assert _errors(world, tmp_path, f"{HEADER}\n06913,VU,2024-H2,5,\n", user="officer_a") == [f"Dòng 2: {page}"]
    # Review users, who may reopen, are held to neither, on the page or in a file.
    assert services.edit_blocker(user=world.reviewer, unit=world.district, period=world.h2) is None
    assert Figure.objects.count() == 0
