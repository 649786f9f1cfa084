import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import Figure, Submission, SubmissionStatus
from tests import factories as f

S = SubmissionStatus


def _url(unit="06913", period="2024-H2"):
    return reverse("indicators:entry", args=[unit, period])


def _post(client, version=0, action="draft", url=None, **values):
    data = {"version": version, "action": action}
    for code, value in values.items():
        if code.startswith("n_"):
            data[code] = value
        else:
            data["v_" + code] = "" if value is None else value
    return client.post(url or _url(), data)


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- Permission matrix --------------------------------------------------------------------

GET_EXPECTED = {
    "officer_a": (200, "Gửi báo cáo"),
    "officer_b": (403, "không thuộc phạm vi được phân công"),
    "reviewer": (200, "chỉ được xem hoặc duyệt số liệu của Xã Quảng Tân"),
    "leader": (200, "chỉ được xem hoặc duyệt số liệu của Xã Quảng Tân"),
    "office": (200, "chỉ được xem hoặc duyệt số liệu của Xã Quảng Tân"),
    "anonymous": (302, ""),
}


@pytest.mark.parametrize("who", GET_EXPECTED)
def test_entry_page_permissions(client_for, who):
    response = client_for(who).get(_url())
    status, text = GET_EXPECTED[who]
    assert response.status_code == status
    assert text in _text(response)
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    has_inputs = 'name="v_VU"' in _text(response)
    assert has_inputs is (who == "officer_a")


POST_EXPECTED = {"officer_a": 302, "officer_b": 403, "reviewer": 403, "leader": 403, "office": 403, "anonymous": 302}


@pytest.mark.parametrize("who", POST_EXPECTED)
def test_only_the_communes_officer_can_save(client_for, who):
    response = _post(client_for(who), VU=3)
    assert response.status_code == POST_EXPECTED[who]
    saved = list(Figure.objects.values_list("submission__unit__code", "indicator__code", "value"))
    assert saved == ([("06913", "VU", 3)] if who == "officer_a" else [])


def test_unknown_unit_and_period_answer_404(client_for):
    client = client_for("officer_a")
    assert client.get(_url(unit="99999")).status_code == 404
    assert client.get(_url(period="2030-H1")).status_code == 404
    assert client.get(_url(period="2024")).status_code == 404


# --- The form --------------------------------------------------------------------------------


def test_form_has_every_entered_indicator_by_section_and_computed_ones_without_inputs(client_for):
    text = _text(client_for("officer_a").get(_url()))
    assert text.index("1. Tội phạm") < text.index("Số vụ phạm tội") < text.index("2. Ma túy")
    assert 'name="v_VU"' in text and 'name="v_LAMRO"' in text and 'name="v_QL"' in text
    assert 'name="n_VU"' in text
    assert 'inputmode="numeric"' in text
    assert 'name="v_TYLE"' not in text and 'name="v_SACH"' not in text and 'name="v_XLHS"' not in text
    assert "Tỷ lệ làm rõ" in text and "Xã sạch ma túy" in text
    assert 'name="version" value="0"' in text
    assert "Lưu nháp" in text and "Gửi báo cáo" in text


def test_previous_period_and_same_period_last_year_are_shown(world, client_for):
    f.submission(world.a, world.periods["2024-H1"], status=S.APPROVED, VU=2)
    f.submission(world.a, world.periods["2023-H2"], status=S.APPROVED, VU=4)
    text = _text(client_for("officer_a").get(_url()))
    assert "Kỳ trước (2024-H1): <strong>2</strong>" in text
    assert "Cùng kỳ năm trước (2023-H2): <strong>4</strong>" in text


def test_save_draft_then_rates_and_status_are_computed(world, client_for):
    client = client_for("officer_a")
    response = _post(client, VU=4, LAMRO=1, QL=1)
    assert response.status_code == 302
    text = _text(client.get(_url()))
    assert "Đã lưu nháp. Báo cáo chưa được gửi." in text
    assert "25,0%" in text
    assert re.search(r"Xã sạch ma túy.*?Đạt", text)
    submission = Submission.objects.get()
    assert (submission.status, submission.version) == (S.DRAFT, 1)
    assert 'name="version" value="1"' in text


def test_submit_needs_every_figure_and_writes_nothing_otherwise(client_for):
    response = _post(client_for("officer_a"), action="submit", VU=4, LAMRO=None, QL=1)
    assert response.status_code == 400
    text = _text(response)
    assert "Cần nhập số liệu này trước khi gửi báo cáo." in text
    assert Submission.objects.count() == 0


def test_submit(client_for):
    client = client_for("officer_a")
    response = _post(client, action="submit", VU=4, LAMRO=1, QL=0)
    assert response.status_code == 302
    assert "Đã gửi báo cáo 2024-H2" in _text(client.get(_url()))
    assert Submission.objects.get().status == S.SUBMITTED


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("VU", "-1", "Giá trị -1 là số âm; số liệu không được âm."),
        ("VU", "2.5", "Giá trị 2.5 có phần lẻ; chỉ tiêu đếm chỉ nhận số nguyên."),
        ("VU", "ba", "Giá trị “ba” không phải là số."),
        ("QL", "2", "Chọn Có hoặc Không."),
    ],
)
def test_bad_input_is_refused_beside_the_field(client_for, field, value, message):
    response = _post(client_for("officer_a"), **{field: value})
    assert response.status_code == 400
    text = _text(response)
    assert message in text
    # The message sits beside its own field (crispy's invalid-feedback right after the input).
    assert re.search(rf'name="v_{field}".*?{re.escape(message)}', text)
    assert Submission.objects.count() == 0 and Figure.objects.count() == 0


def test_a_large_jump_asks_for_a_note(world, client_for):
    f.submission(world.a, world.periods["2024-H1"], status=S.APPROVED, VU=2)
    client = client_for("officer_a")
    response = _post(client, VU=20)
    assert response.status_code == 400
    assert "Số liệu tăng mạnh so với kỳ trước (2 → 20" in _text(response)
    assert not Submission.objects.filter(period=world.h2).exists()
    response = _post(client, VU=20, n_VU="Triệt phá đường dây đánh bạc 12 đối tượng")
    assert response.status_code == 302
    figure = Figure.objects.get(submission__period=world.h2)
    assert (figure.value, figure.note) == (20, "Triệt phá đường dây đánh bạc 12 đối tượng")


def test_a_small_rise_needs_no_note(world, client_for):
    f.submission(world.a, world.periods["2024-H1"], status=S.APPROVED, VU=2)
    assert _post(client_for("officer_a"), VU=7).status_code == 302


# --- Two people, one submission -----------------------------------------------------------------


def test_optimistic_locking_with_two_clients(world):
    first, second = Client(), Client()
    first.force_login(world.officer_a)
    second.force_login(world.officer_a)
    assert 'name="version" value="0"' in _text(first.get(_url()))
    assert 'name="version" value="0"' in _text(second.get(_url()))

    assert _post(first, VU=3, LAMRO=1).status_code == 302
    response = _post(second, VU=7, LAMRO=2)

    assert response.status_code == 409
    text = _text(response)
    assert "chưa lưu gì" in text
    assert "Số vụ phạm tội: bạn thấy <strong>—</strong>, hiện tại <strong>3</strong>" in text
    assert "Số vụ đã làm rõ: bạn thấy <strong>—</strong>, hiện tại <strong>1</strong>" in text
    assert re.search(r'name="v_VU" value="7"', text)  # the second person's typing is kept
    assert dict(Figure.objects.values_list("indicator__code", "value")) == {"VU": 3, "LAMRO": 1}
    # Having seen the changes, saving again is deliberate and goes through.
    assert 'name="version" value="1"' in text
    assert _post(second, version=1, VU=7, LAMRO=2).status_code == 302
    assert dict(Figure.objects.values_list("indicator__code", "value")) == {"VU": 7, "LAMRO": 2}


# --- Why you cannot edit ---------------------------------------------------------------------------


def test_closed_period_says_so_and_refuses_a_post(world, client_for):
    f.submission(world.a, world.h2, status=S.DRAFT, VU=1)
    world.h2.is_open = False
    world.h2.save()
    client = client_for("officer_a")
    text = _text(client.get(_url()))
    assert "Kỳ 2024-H2 đã khóa nhập liệu (quản trị viên khóa cho toàn hệ thống)." in text
    assert 'name="v_VU"' not in text
    response = _post(client, version=1, VU=5)
    assert response.status_code == 403
    assert "Kỳ 2024-H2 đã khóa nhập liệu (quản trị viên khóa cho toàn hệ thống)." in _text(response)
    assert Figure.objects.get().value == 1


@pytest.mark.parametrize("typed", [{"VU": 5}, {"VU": "-3"}, {"VU": "abc"}])
def test_a_post_to_a_submitted_report_is_refused_with_the_way_to_edit_it(world, client_for, typed):
    """A stale tab saving a report submitted meanwhile: the same refusal, valid input or not."""
    f.submission(world.a, world.h2, status=S.SUBMITTED, VU=1)
    response = _post(client_for("officer_a"), version=1, **typed)
    assert response.status_code == 400
    text = _text(response)
    assert "Báo cáo đã gửi, đang chờ duyệt nên không sửa được. Muốn sửa, bấm “Rút lại để sửa”" in text
    assert 'name="v_VU"' not in text
    assert Figure.objects.get().value == 1
    assert Submission.objects.get().status == S.SUBMITTED


def test_approved_report_says_by_whom(world, client_for):
    submission = f.submission(world.a, world.h2, status=S.APPROVED, VU=1)
    submission.approved_by = world.reviewer
    submission.approved_at = timezone.now()
    submission.save()
    text = _text(client_for("officer_a").get(_url()))
    assert "đã được Công an huyện duyệt lúc" in text
    assert "Đã duyệt" in text
    assert 'name="v_VU"' not in text


def test_deadline_passed_says_who_can_extend(world, client_for):
    world.h2.deadline = timezone.localdate() - datetime.timedelta(days=2)
    world.h2.save()
    text = _text(client_for("officer_a").get(_url()))
    assert "Đã quá hạn nhập số liệu kỳ 2024-H2" in text
    assert "office, Công an huyện gia hạn" in text


def test_unit_not_valid_in_the_period_says_so(world, client_for):
    world.a.valid_to = datetime.date(2024, 6, 30)
    world.a.save()
    assert "không còn tồn tại vào cuối kỳ 2024-H2" in _text(client_for("officer_a").get(_url()))


def test_returned_report_shows_the_reason_to_the_officer(world, client_for):
    submission = f.submission(world.a, world.h2, status=S.RETURNED, VU=1)
    submission.return_reason = "Thiếu số vụ tháng 11"
    submission.save()
    text = _text(client_for("officer_a").get(_url()))
    assert "Báo cáo bị trả lại, lý do: Thiếu số vụ tháng 11" in text.replace("</strong>", "")
    assert 'name="v_VU"' in text


def test_the_reviewer_enters_district_level_figures_on_the_district_page(world, client_for):
    client = client_for("reviewer")
    url = _url(unit="200")
    text = _text(client.get(url))
    assert 'name="v_XLHS"' in text and 'name="v_VU"' not in text
    assert _post(client, url=url, XLHS=5).status_code == 302
    assert list(Figure.objects.values_list("submission__unit__code", "value")) == [("200", 5)]


def test_entry_page_queries_do_not_grow_with_figures(world, client_for):
    client = client_for("officer_a")
    f.submission(world.a, world.h2, status=S.DRAFT, VU=1)
    client.get(_url())  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(_url()).status_code == 200
    Figure.objects.create(submission=Submission.objects.get(), indicator=world.indicators["LAMRO"], value=1)
    Figure.objects.create(submission=Submission.objects.get(), indicator=world.indicators["QL"], value=1)
    f.submission(world.a, world.periods["2024-H1"], status=S.APPROVED, VU=1, LAMRO=1, QL=1)
    f.submission(world.a, world.periods["2023-H2"], status=S.APPROVED, VU=1, LAMRO=1, QL=1)
    with CaptureQueriesContext(connection) as many:
        assert client.get(_url()).status_code == 200
    assert len(many) == len(few)
