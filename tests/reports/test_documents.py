"""Report documents: generated sentences, the snapshot and its hash, finalise and correct."""

import datetime
import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import translation

from committees.models import Conclusion, ConclusionStatus, Meeting, SteeringCommittee
from indicators import rollup
from indicators.models import Figure, Period
from reports import documents, services, wording
from reports.models import ReportDocument, ReportStatus

pytestmark = pytest.mark.django_db


def _sentences(unit_code="200", period_code="2024-H1"):
    from committees.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.get(code=unit_code)
    period = Period.objects.get(code=period_code)
    progress = rollup.progress(unit, period)
    return {row.indicator.code: wording.sentence(row, period, unit) for row in progress.rows}


def _set_figure(unit_code, period_code, indicator_code, value):
    updated = Figure.objects.filter(
        submission__unit__code=unit_code, submission__period__code=period_code, indicator__code=indicator_code
    ).update(value=value)
    assert updated == 1


# ------------------------------------------------------------------ sentences


# (figure changed before, or None; indicator; its sentence for 200 / 2024-H1)
SENTENCES = [
    pytest.param(
        None,
        "MT_BAT_XLHS",
        "Bắt, xử lý hình sự tội phạm về ma túy 5/5 vụ, đạt 100% chỉ tiêu năm 2024",
        id="quota_at_least",
    ),
    pytest.param(
        ("200", "2024-H1", "MT_BAT_XLHS", 3),
        "MT_BAT_XLHS",
        "Bắt, xử lý hình sự tội phạm về ma túy 3/5 vụ, đạt 60% chỉ tiêu năm 2024",
        id="quota_at_least_not_yet_reached",
    ),
    pytest.param(
        None,
        "MT_TUDIEM",
        "Không phát hiện điểm, tụ điểm, điểm có nguy cơ phức tạp về ma túy",
        id="must_be_zero_when_zero",
    ),
    pytest.param(
        ("06913", "2024-H1", "MT_TUDIEM", 2),
        "MT_TUDIEM",
        "Điểm, tụ điểm, điểm có nguy cơ phức tạp về ma túy: phát hiện 2 điểm, chưa đạt chỉ tiêu năm 2024 "
        "(không để phát sinh)",
        id="must_be_zero_when_found",
    ),
    pytest.param(
        None,
        "TTXH_VU",
        "Số vụ phạm tội về trật tự xã hội giảm 1 vụ so với cùng kỳ (8 vụ so với 9 vụ), đạt chỉ tiêu năm 2024 "
        "(giảm ít nhất 1 vụ)",
        id="reduce_by",
    ),
    # 8 → 11 cases against 9
    pytest.param(
        ("06913", "2024-H1", "TTXH_VU", 4),
        "TTXH_VU",
        "Số vụ phạm tội về trật tự xã hội tăng 2 vụ so với cùng kỳ (11 vụ so với 9 vụ), chưa đạt chỉ tiêu năm 2024 "
        "(giảm ít nhất 1 vụ)",
        id="reduce_by_when_crime_rose",
    ),
    pytest.param(
        None,
        "TTXH_TYLE",
        "Tỷ lệ điều tra, khám phá án về TTXH đạt 87,5% (7/8 vụ), đạt chỉ tiêu năm 2024 (≥ 75%)",
        id="rate_from_numerator_and_denominator",
    ),
    pytest.param(
        None,
        "MT_NGHIEN_QL",
        "Người nghiện, người SDTPCMT có hồ sơ quản lý: 30 người, giảm 4 người so với cùng kỳ (34 người)",
        id="without_target_states_value_and_change",
    ),
]


@pytest.mark.parametrize(("change", "code", "sentence"), SENTENCES)
def test_sentence(demo, change, code, sentence):
    if change:
        _set_figure(*change)
    assert _sentences()[code] == sentence


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2024, 7, 8), "Đầm Hà, ngày 08 tháng 7 năm 2024"),
        (datetime.date(2025, 2, 5), "Đầm Hà, ngày 05 tháng 02 năm 2025"),
        (datetime.date(2024, 1, 31), "Đầm Hà, ngày 31 tháng 01 năm 2024"),
        (datetime.date(2024, 11, 15), "Đầm Hà, ngày 15 tháng 11 năm 2024"),
    ],
)
def test_place_date_line_follows_decree_30(day, expected):
    assert wording.place_date_line("Đầm Hà", day) == expected


# ------------------------------------------------------------ the demo report


def test_demo_report_is_final_and_states_the_articles_results(report_demo_data):
    report = ReportDocument.objects.get(number="15/BC-BCĐ")
    assert report.status == ReportStatus.FINAL
    assert report.version == 1
    assert report.meeting.held_on == datetime.date(2024, 7, 8)
    assert report.meeting.chair_text == "Tô Xuân Lợi, Phó Chủ tịch UBND huyện"
    assert sorted(c.code for c in report.meeting.committees.all()) == ["BCD138-200", "BCDMT-200"]
    results = report.snapshot["sections"][1]["paragraphs"]
    assert "- Bắt, xử lý hình sự tội phạm về ma túy 5/5 vụ, đạt 100% chỉ tiêu năm 2024." in results
    assert "- Không phát hiện điểm, tụ điểm, điểm có nguy cơ phức tạp về ma túy." in results
    assert any(line.startswith("- Số vụ phạm tội về trật tự xã hội giảm 1 vụ so với cùng kỳ") for line in results)
    assert (
        "- Vụ mua bán trái phép chất ma túy khởi tố từ 02 đối tượng trở lên 2/2 vụ, đạt 100% chỉ tiêu năm 2024."
        in results
    )
    assert report.snapshot["header"]["place_date"] == "Đầm Hà, ngày 08 tháng 7 năm 2024"
    assert report.snapshot["signature"] == {
        "authority": ["TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"],
        "name": "Tô Xuân Lợi",
    }
    # Both committees' indicators are in the appendix of the joint conference's report.
    codes = [row["indicator"] for row in report.snapshot["table"]["rows"]]
    assert "TTXH_VU" in codes and "MT_BAT_XLHS" in codes and len(codes) == 15
    row = next(r for r in report.snapshot["table"]["rows"] if r["indicator"] == "MT_BAT_XLHS")
    assert (row["target"], row["actual"], row["last_year"], row["change"], row["percent"]) == (5, 5, 4, 1, 100)


def test_demo_conclusions_are_tasks_with_owners_and_due_dates(report_demo_data):
    meeting = Meeting.objects.get(held_on=datetime.date(2024, 7, 8))
    conclusions = list(meeting.conclusions.all())
    assert len(conclusions) == 7
    assert all(c.owner and c.due_on for c in conclusions)
    assert all("minh họa" in c.follow_up for c in conclusions)


def test_demo_load_is_idempotent(report_demo_data):
    assert report_demo_data.load() == 0
    assert ReportDocument.objects.count() == 1
    assert Conclusion.objects.count() == 7


def test_hash_is_sha256_of_canonical_snapshot(report_demo_data):
    report = ReportDocument.objects.get(number="15/BC-BCĐ")
    canonical = documents.canonical_bytes(report.snapshot)
    assert report.content_hash == hashlib.sha256(canonical).hexdigest()
    assert len(report.content_hash) == 64


def test_final_report_never_changes_when_figures_change(report_demo_data):
    report = ReportDocument.objects.get(number="15/BC-BCĐ")
    before_bytes, before_hash = documents.canonical_bytes(report.snapshot), report.content_hash

    _set_figure("200", "2024-H1", "MT_BAT_XLHS", 3)

    report = ReportDocument.objects.get(pk=report.pk)
    assert documents.canonical_bytes(documents.content_for(report)) == before_bytes
    assert report.content_hash == before_hash
    # ...while a draft built now reads the new figure (so the comparison above can fail).
    live = documents.build_content(report)
    row = next(r for r in live["table"]["rows"] if r["indicator"] == "MT_BAT_XLHS")
    assert row["actual"] == 3


# ----------------------------------------------------------------- workflows


@pytest.fixture
def h2_draft(office):
    return services.create_report(
        user=office,
        committee=SteeringCommittee.objects.get(code="BCD138-200"),
        unit=SteeringCommittee.objects.get(code="BCD138-200").unit,
        period=Period.objects.get(code="2024-H2"),
        issued_on=datetime.date(2024, 12, 20),
    )


def test_create_prefills_results_and_previous_conclusions(h2_draft):
    assert h2_draft.status == ReportStatus.DRAFT
    assert h2_draft.snapshot is None
    assert h2_draft.place == "Đầm Hà"
    assert h2_draft.parent_body == "UBND HUYỆN ĐẦM HÀ"
    assert h2_draft.subject == "Kết quả thực hiện nhiệm vụ năm 2024, phương hướng nhiệm vụ năm 2025"
    lines = h2_draft.results.splitlines()
    # Three communes and the district have not reported: said first, and on every row it touches.
    assert lines[0] == (
        "Số liệu tạm tính: 6/10 đơn vị đã báo cáo, 1 đơn vị đã được duyệt (chưa báo cáo: Huyện Đầm Hà, "
        "Xã Quảng Tân, Xã Đầm Hà, Xã Tân Lập)."
    )
    # The year's cumulative 8 + 4 submitted cases against 9 + 10 in 2023, not judged while
    # the missing communes could still overturn it; the period's own figures in their own sentence.
    assert (
        "- Lũy kế năm 2024, số vụ phạm tội về trật tự xã hội giảm 7 vụ so với cùng kỳ (12 vụ so với 19 vụ), "
        "chưa đủ số liệu để đánh giá chỉ tiêu năm 2024 (giảm ít nhất 1 vụ). "
        "Riêng 6 tháng cuối năm 2024: 4 vụ (cùng kỳ 10 vụ)." in lines
    )
    # The rate: the appendix's 6-month 100% and the year to date 91,7%, each labelled.
    assert (
        "- Lũy kế năm 2024, tỷ lệ điều tra, khám phá án về TTXH đạt 91,7%, chưa đủ số liệu để đánh giá chỉ tiêu "
        "năm 2024 (≥ 75%). Riêng 6 tháng cuối năm 2024 đạt 100% (4/4 vụ)." in lines
    )
    # The previous meeting's conclusions and their status (illustrative demo statuses; today
    # is long after every due date, so the ones not done are overdue).
    assert lines[-1] == (
        "- Thực hiện kết luận của hội nghị sơ kết công tác 6 tháng đầu năm, triển khai nhiệm vụ 6 tháng cuối "
        "năm 2024 của Ban Chỉ đạo phòng chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân bảo vệ an "
        'ninh Tổ quốc và Ban Chỉ đạo xây dựng "Xã, thị trấn sạch ma túy", "Huyện sạch ma túy" huyện Đầm Hà ngày '
        "08/07/2024: 3/7 kết luận đã hoàn thành, 4 quá hạn (chi tiết tại phụ lục)."
    )
    content = documents.build_content(h2_draft, today=datetime.date(2024, 12, 1))
    statuses = [row["status_label"] for row in content["previous_conclusions"]["rows"]]
    assert statuses == [
        "Hoàn thành",
        "Đang thực hiện",
        "Hoàn thành",
        "Đang thực hiện",
        "Đang thực hiện",
        "Hoàn thành",
        "Quá hạn",  # not started, due 30/09/2024
    ]


def test_report_stays_vietnamese_when_the_user_reads_english(report_demo_data, office):
    """The report is an official Vietnamese document: an English UI changes none of its words
    (nor its hash), while the refusals shown to the user are in English."""
    committee = SteeringCommittee.objects.get(code="BCD138-200")
    period = Period.objects.get(code="2024-H2")
    with translation.override("en"):
        report = services.create_report(
            user=office, committee=committee, unit=committee.unit, period=period, issued_on=datetime.date(2024, 12, 20)
        )
        english = documents.build_content(report, today=datetime.date(2024, 12, 1))
        final = ReportDocument.objects.get(status=ReportStatus.FINAL)
        with pytest.raises(services.ReportError) as refused:
            services.update_report(report=final, user=office, data={"subject": "x"})
    assert refused.value.messages == ["This report has been issued and cannot be edited. Create a correction instead."]
    assert report.subject == "Kết quả thực hiện nhiệm vụ năm 2024, phương hướng nhiệm vụ năm 2025"
    assert report.issuing_body == "BAN CHỈ ĐẠO"
    assert report.signature_authority.splitlines()[0] == "TM. BAN CHỈ ĐẠO"
    assert report.results.splitlines()[0].startswith("Số liệu tạm tính: 6/10 đơn vị đã báo cáo")
    assert "chưa đủ số liệu để đánh giá chỉ tiêu năm 2024" in report.results
    assert "3/7 kết luận đã hoàn thành" in report.results
    assert english["doc_type"] == "BÁO CÁO"
    assert english["sections"][1]["title"] == "II. KẾT QUẢ THỰC HIỆN"
    assert english["table"]["columns"][0] == "Chỉ tiêu"
    with translation.override("vi"):
        vietnamese = documents.build_content(report, today=datetime.date(2024, 12, 1))
    assert documents.content_hash(english) == documents.content_hash(vietnamese)


def test_finalise_requires_a_number_and_writes_nothing_otherwise(h2_draft, office):
    with pytest.raises(services.ReportError) as refused:
        services.finalise(report=h2_draft, user=office)
    assert "số, ký hiệu" in refused.value.messages[0]
    h2_draft.refresh_from_db()
    assert (h2_draft.status, h2_draft.snapshot, h2_draft.content_hash) == (ReportStatus.DRAFT, None, "")


def test_finalise_then_edit_is_refused(h2_draft, office):
    services.update_report(report=h2_draft, user=office, data={"number": "30/BC-BCĐ"})
    final = services.finalise(report=h2_draft, user=office)
    assert final.status == ReportStatus.FINAL
    assert final.finalised_by == office
    with pytest.raises(services.ReportError):
        services.update_report(report=final, user=office, data={"situation": "Sửa sau khi ban hành"})
    with pytest.raises(services.ReportError):
        services.finalise(report=final, user=office)
    final.refresh_from_db()
    assert final.situation == ""


def test_correct_makes_a_new_draft_version_and_keeps_the_final(report_demo_data, office):
    original = ReportDocument.objects.get(number="15/BC-BCĐ")
    snapshot_before = documents.canonical_bytes(original.snapshot)
    copy = services.correct(report=original, user=office)
    assert (copy.status, copy.version, copy.corrects_id) == (ReportStatus.DRAFT, 2, original.pk)
    assert copy.results == original.results and copy.number == original.number
    with pytest.raises(services.ReportError):
        services.correct(report=original, user=office)  # one open correction at a time
    services.update_report(report=copy, user=office, data={"proposals": "Đề xuất đã sửa."})
    corrected = services.finalise(report=copy, user=office)
    assert corrected.snapshot["document"]["corrects"] == "15/BC-BCĐ"
    assert corrected.snapshot["sections"][4]["paragraphs"] == ["Đề xuất đã sửa."]
    original.refresh_from_db()
    assert original.status == ReportStatus.FINAL
    assert documents.canonical_bytes(original.snapshot) == snapshot_before
    third = services.correct(report=corrected, user=office)
    assert third.version == 3


def test_correcting_a_draft_is_refused(h2_draft, office):
    with pytest.raises(services.ReportError):
        services.correct(report=h2_draft, user=office)
    assert ReportDocument.objects.filter(corrects=h2_draft).count() == 0


def test_report_history_records_who_finalised(h2_draft, office):
    services.update_report(report=h2_draft, user=office, data={"number": "31/BC-BCĐ"})
    services.finalise(report=h2_draft, user=office)
    latest = h2_draft.history.order_by("-history_date").first()
    assert (latest.status, latest.history_user) == (ReportStatus.FINAL, office)


# ---------------------------------------------------------------- conclusions


def test_conclusion_overdue_is_computed_from_the_due_date(report_demo_data):
    conclusion = Conclusion.objects.get(text__startswith="Quản lý, giáo dục")
    assert conclusion.status == ConclusionStatus.NOT_STARTED
    assert conclusion.status_label(today=datetime.date(2024, 9, 30)) == "Chưa thực hiện"
    assert conclusion.status_label(today=datetime.date(2024, 10, 1)) == "Quá hạn"
    conclusion.status = ConclusionStatus.DONE
    assert conclusion.status_label(today=datetime.date(2024, 10, 1)) == "Hoàn thành"
    assert set(Conclusion.objects.overdue(datetime.date(2024, 10, 1)).values_list("pk", flat=True)) == {conclusion.pk}


def test_add_conclusion_requires_text_and_owner(report_demo_data, office):
    meeting = Meeting.objects.get()
    with pytest.raises(services.ReportError):
        services.add_conclusion(meeting=meeting, user=office, text="  ", owner="Công an huyện")
    added = services.add_conclusion(meeting=meeting, user=office, text="Rà soát mô hình", owner="Công an huyện")
    assert (added.order, added.status) == (8, ConclusionStatus.NOT_STARTED)


def test_services_refuse_users_outside_their_scope(h2_draft, office):
    """The services check access themselves (committees/access.py), whatever the caller."""
    reader = get_user_model().objects.get(username="lanhdao")  # view role: reads reports, does not write them
    officer = get_user_model().objects.get(username="congan.quangtan")
    meeting = Meeting.objects.get()
    committee = SteeringCommittee.objects.get(code="BCD138-200")
    refused = [
        lambda user: services.create_report(
            user=user, committee=committee, unit=committee.unit, period=Period.objects.get(code="2024-H2")
        ),
        lambda user: services.update_report(report=h2_draft, user=user, data={"number": "99/BC-BCĐ"}),
        lambda user: services.finalise(report=h2_draft, user=user),
        lambda user: services.add_conclusion(meeting=meeting, user=user, text="Việc mới", owner="Công an huyện"),
        lambda user: services.update_conclusion(
            conclusion=meeting.conclusions.first(), user=user, status="done", follow_up="x"
        ),
    ]
    reports_before = ReportDocument.objects.count()
    for user in (reader, officer):
        for call in refused:
            with pytest.raises(PermissionDenied):
                call(user)
    assert ReportDocument.objects.count() == reports_before
    h2_draft.refresh_from_db()
    assert h2_draft.number == "" and h2_draft.status == "draft"
    assert meeting.conclusions.filter(text="Việc mới").count() == 0
