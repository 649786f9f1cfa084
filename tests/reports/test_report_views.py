"""Report and meeting pages: who may do what (the fixed cast), exact results, query counts."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import AdministrativeUnit, Conclusion, ConclusionStatus, Meeting, Role, SteeringCommittee
from indicators.models import Period
from reports import services
from reports.models import ReportDocument, ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db

READERS = ["vanphong", "lanhdao", "duyet", "admin"]
COMMUNE_OFFICERS = ["congan.quangtan", "congan.damha"]


@pytest.fixture
def cast(report_demo_data):
    users = {u.username: u for u in get_user_model().objects.all()}
    return users


def _client(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("username", READERS)
def test_readers_see_the_demo_report_with_three_download_links(client, cast, report, username):
    response = _client(client, cast[username]).get("/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    for extension in ("pdf", "docx", "xlsx"):
        assert f'href="/reports/{report.pk}.{extension}"' in html
    assert "15/BC-BCĐ" in html
    assert [item["report"].pk for item in response.context["items"]] == [report.pk]


@pytest.mark.parametrize("username", COMMUNE_OFFICERS)
@pytest.mark.parametrize(
    "url",
    ["/reports/", "/reports/{pk}/", "/reports/{pk}.pdf", "/reports/{pk}.docx", "/reports/{pk}.xlsx", "/meetings/"],
)
def test_commune_officers_get_403(client, cast, report, username, url):
    response = _client(client, cast[username]).get(url.format(pk=report.pk))
    assert response.status_code == 403


def test_anonymous_is_sent_to_login(client, report):
    response = client.get("/reports/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("username", "status"), [("vanphong", 200), ("admin", 200), ("lanhdao", 403), ("duyet", 403)])
def test_only_office_staff_may_create(client, cast, username, status):
    response = _client(client, cast[username]).get(reverse("reports:document_create"))
    assert response.status_code == status


def test_office_creates_a_draft_prefilled_from_the_rollup(client, cast):
    committee = SteeringCommittee.objects.get(code="BCD138-200")
    response = _client(client, cast["vanphong"]).post(
        reverse("reports:document_create"),
        {"committee": committee.pk, "period": Period.objects.get(code="2024-H2").pk, "number": "40/BC-BCĐ"},
        follow=True,
    )
    created = ReportDocument.objects.get(number="40/BC-BCĐ")
    assert response.redirect_chain[-1][0] == reverse("reports:document_detail", args=[created.pk])
    assert (created.status, created.unit.code, created.period.code) == (ReportStatus.DRAFT, "200", "2024-H2")
    assert created.created_by == cast["vanphong"]
    assert "Đã tạo dự thảo báo cáo" in response.content.decode()
    lines = created.results.splitlines()
    # 2024-H2 is incomplete: the coverage sentence first, then the plans, then the rows.
    assert lines[0].startswith("Số liệu tạm tính: 6/10 đơn vị đã báo cáo, 1 đơn vị đã được duyệt")
    assert lines[1].startswith("Kết quả thực hiện các chỉ tiêu theo Kế hoạch số 25/KH-BCĐ")
    assert lines[2:4] == ["1. Phòng, chống tội phạm", lines[3]]
    assert lines[3].startswith("- Lũy kế năm 2024, số vụ phạm tội về trật tự xã hội")


def test_create_refuses_a_meeting_of_another_committee(client, cast, report_demo_data):
    other = factories.committee(AdministrativeUnit.objects.get(code="200"), code="BCD-KHAC")
    response = _client(client, cast["vanphong"]).post(
        reverse("reports:document_create"),
        {"committee": other.pk, "period": Period.objects.get(code="2024-H2").pk, "meeting": Meeting.objects.get().pk},
    )
    assert response.status_code == 200
    assert "Hội nghị này không phải của ban chỉ đạo đã chọn." in response.content.decode()
    assert ReportDocument.objects.count() == 1


def test_office_of_a_commune_cannot_create_for_the_district(client, report_demo_data):
    commune_office = factories.user("vanphong.xa", (Role.OFFICE, AdministrativeUnit.objects.get(code="06913")))
    committee = SteeringCommittee.objects.get(code="BCD138-200")
    response = _client(client, commune_office).post(
        reverse("reports:document_create"), {"committee": committee.pk, "period": Period.objects.get(code="2024-H2").pk}
    )
    assert response.status_code == 200
    # The district committee is not offered to a commune's office (a Vietnamese "choose a valid option").
    assert list(response.context["form"].errors) == ["committee"]
    assert "invalid-feedback" in response.content.decode()
    assert ReportDocument.objects.count() == 1


def test_office_of_a_commune_does_not_see_the_district_report(client, report):
    commune_office = factories.user("vanphong.xa", (Role.OFFICE, AdministrativeUnit.objects.get(code="06913")))
    c = _client(client, commune_office)
    response = c.get("/reports/")
    assert response.status_code == 200
    assert response.context["items"] == []
    assert "Chưa có văn bản báo cáo nào" in response.content.decode()
    assert c.get(f"/reports/{report.pk}/").status_code == 403


@pytest.fixture
def draft(cast):
    committee = SteeringCommittee.objects.get(code="BCD138-200")
    return services.create_report(
        user=cast["vanphong"], committee=committee, unit=committee.unit, period=Period.objects.get(code="2024-H2")
    )


@pytest.mark.parametrize(("username", "status"), [("vanphong", 302), ("lanhdao", 403), ("duyet", 403)])
def test_only_office_edits_a_draft(client, cast, draft, username, status):
    data = {
        "parent_body": "UBND HUYỆN ĐẦM HÀ",
        "issuing_body": "BAN CHỈ ĐẠO 138",
        "number": "41/BC-BCĐ",
        "place": "Đầm Hà",
        "issued_on": "2024-12-20",
        "subject": draft.subject,
        "situation": "Tình hình ổn định.",
        "results": draft.results,
        "recipients": "- Lưu: VT.",
        "signature_authority": "TM. BAN CHỈ ĐẠO\nTRƯỞNG BAN",
        "signer_name": "Nguyễn Văn A",
    }
    response = _client(client, cast[username]).post(reverse("reports:document_edit", args=[draft.pk]), data)
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.situation == ("Tình hình ổn định." if status == 302 else "")


def test_edit_shows_vietnamese_errors_and_saves_nothing(client, cast, draft):
    response = _client(client, cast["vanphong"]).post(
        reverse("reports:document_edit", args=[draft.pk]), {"subject": "", "place": "", "issued_on": "31/02/2024"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Trường này là bắt buộc." in html
    draft.refresh_from_db()
    assert draft.subject and draft.place == "Đầm Hà"


@pytest.mark.parametrize(("username", "status"), [("lanhdao", 403), ("duyet", 403), ("congan.quangtan", 403)])
def test_readers_cannot_finalise(client, cast, draft, username, status):
    draft.number = "42/BC-BCĐ"
    draft.save()
    response = _client(client, cast[username]).post(reverse("reports:document_finalise", args=[draft.pk]))
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT


def test_office_finalises_and_then_cannot_edit(client, cast, draft):
    draft.number = "43/BC-BCĐ"
    draft.save()
    c = _client(client, cast["vanphong"])
    response = c.post(reverse("reports:document_finalise", args=[draft.pk]), follow=True)
    draft.refresh_from_db()
    assert draft.status == ReportStatus.FINAL and len(draft.content_hash) == 64
    assert "Đã ban hành báo cáo" in response.content.decode()
    response = c.get(reverse("reports:document_edit", args=[draft.pk]), follow=True)
    assert "Báo cáo đã ban hành, không sửa được" in response.content.decode()


def test_finalise_without_number_shows_a_message(client, cast, draft):
    response = _client(client, cast["vanphong"]).post(
        reverse("reports:document_finalise", args=[draft.pk]), follow=True
    )
    assert "Chưa thể ban hành: còn thiếu số, ký hiệu." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT


def test_office_corrects_a_final_report(client, cast, report):
    response = _client(client, cast["vanphong"]).post(reverse("reports:document_correct", args=[report.pk]))
    copy = ReportDocument.objects.get(corrects=report)
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:document_edit", args=[copy.pk])
    assert (copy.version, copy.status) == (2, ReportStatus.DRAFT)


def test_reports_list_query_count_is_constant(client, cast, report, django_assert_num_queries):
    c = _client(client, cast["vanphong"])
    with CaptureQueriesContext(connection) as one:
        assert len(c.get("/reports/").context["items"]) == 1
    committee = SteeringCommittee.objects.get(code="BCD138-200")
    for _ in range(9):
        services.create_report(
            user=cast["vanphong"], committee=committee, unit=committee.unit, period=Period.objects.get(code="2024-H2")
        )
    cast["vanphong"].refresh_from_db()
    c = _client(client, get_user_model().objects.get(username="vanphong"))
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(c.get("/reports/").context["items"]) == 10


# ------------------------------------------------------------------- meetings


def test_meeting_detail_shows_chair_and_conclusions(client, cast, report_demo_data):
    meeting = Meeting.objects.get()
    response = _client(client, cast["lanhdao"]).get(reverse("reports:meeting_detail", args=[meeting.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tô Xuân Lợi, Phó Chủ tịch UBND huyện" in html
    assert len(response.context["rows"]) == 7
    assert all(row["form"] is None for row in response.context["rows"])  # leaders read only


def test_office_updates_a_conclusion_status_and_note(client, cast, report_demo_data):
    conclusion = Conclusion.objects.get(order=7)
    prefix = f"c{conclusion.pk}"
    response = _client(client, cast["vanphong"]).post(
        reverse("reports:conclusion_update", args=[conclusion.pk]),
        {f"{prefix}-status": "in_progress", f"{prefix}-follow_up": "Đã giao Công an xã rà soát."},
        follow=True,
    )
    conclusion.refresh_from_db()
    assert (conclusion.status, conclusion.follow_up) == (ConclusionStatus.IN_PROGRESS, "Đã giao Công an xã rà soát.")
    assert "Đã cập nhật tình trạng kết luận số 7." in response.content.decode()
    assert conclusion.history.first().history_user == cast["vanphong"]


@pytest.mark.parametrize("username", ["lanhdao", "duyet", "congan.quangtan"])
def test_non_office_cannot_update_a_conclusion(client, cast, report_demo_data, username):
    conclusion = Conclusion.objects.get(order=7)
    prefix = f"c{conclusion.pk}"
    response = _client(client, cast[username]).post(
        reverse("reports:conclusion_update", args=[conclusion.pk]), {f"{prefix}-status": "done"}
    )
    assert response.status_code == 403
    conclusion.refresh_from_db()
    assert conclusion.status == ConclusionStatus.NOT_STARTED


def test_office_adds_a_conclusion_and_leaders_cannot(client, cast, report_demo_data):
    meeting = Meeting.objects.get()
    url = reverse("reports:meeting_detail", args=[meeting.pk])
    data = {"text": "Tổng kết mô hình tự quản", "owner": "Công an huyện", "due_on": "2024-12-31"}
    assert _client(client, cast["lanhdao"]).post(url, data).status_code == 403
    response = _client(client, cast["vanphong"]).post(url, data, follow=True)
    added = meeting.conclusions.get(text="Tổng kết mô hình tự quản")
    assert (added.order, added.due_on) == (8, datetime.date(2024, 12, 31))
    assert "Đã thêm kết luận." in response.content.decode()


def test_office_creates_a_joint_meeting(client, cast, report_demo_data):
    # The district's two committees (the province's, since 1/7/2025, are outside vanphong's scope).
    committees = list(SteeringCommittee.objects.filter(unit__code="200").order_by("code"))
    response = _client(client, cast["vanphong"]).post(
        reverse("reports:meeting_create"),
        {
            "committees": [c.pk for c in committees],
            "title": "Hội nghị tổng kết năm 2024",
            "held_on": "2025-01-10",
            "chair": "Tô Xuân Lợi, Phó Chủ tịch UBND huyện",
            "period_code": "2024",
        },
    )
    meeting = Meeting.objects.get(title="Hội nghị tổng kết năm 2024")
    assert response["Location"] == reverse("reports:meeting_detail", args=[meeting.pk])
    assert meeting.committees.count() == 2 and meeting.period_code == "2024"


def test_meeting_needs_a_chair(client, cast, report_demo_data):
    response = _client(client, cast["vanphong"]).post(
        reverse("reports:meeting_create"),
        {"committees": [SteeringCommittee.objects.first().pk], "title": "Họp", "held_on": "2025-01-10"},
    )
    assert response.status_code == 200
    assert "Cần chọn thành viên chủ trì hoặc nhập họ tên, chức vụ người chủ trì." in response.content.decode()
    assert Meeting.objects.count() == 1


def test_meeting_list_query_count_is_constant(client, cast, report_demo_data, django_assert_num_queries):
    c = _client(client, cast["lanhdao"])
    with CaptureQueriesContext(connection) as one:
        assert len(c.get("/meetings/").context["meetings"]) == 1
    committee = SteeringCommittee.objects.get(code="BCD138-200")
    for day in range(1, 10):
        meeting = Meeting.objects.create(title=f"Họp {day}", held_on=datetime.date(2024, 9, day), chair="Chủ trì")
        meeting.committees.set([committee])
    c = _client(client, get_user_model().objects.get(username="lanhdao"))
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(c.get("/meetings/").context["meetings"]) == 10


def test_admin_shows_a_final_report_read_only(client, cast, report):
    response = _client(client, cast["admin"]).get(f"/admin/reports/reportdocument/{report.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="subject"' not in html and 'name="results"' not in html
    assert report.content_hash in html


def test_admin_edits_a_draft(client, cast, draft):
    response = _client(client, cast["admin"]).get(f"/admin/reports/reportdocument/{draft.pk}/change/")
    assert response.status_code == 200
    assert 'name="subject"' in response.content.decode()
