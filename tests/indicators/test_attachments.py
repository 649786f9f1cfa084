"""Attachments on a submission (issue 15): type judged by content, size limit, scope."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators import services
from indicators.models import Attachment, Submission, SubmissionStatus

S = SubmissionStatus
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


def _upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def _attach_url(unit="06913", period="2024-H2"):
    return reverse("indicators:attach", args=[unit, period])


def _messages(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("bao-cao-da-ky.pdf", PDF, "application/pdf"), ("anh.png", PNG, "image/png"), ("anh.jpg", JPEG, "image/jpeg")],
)
def test_an_officer_attaches_a_pdf_png_or_jpeg(world, name, content, kind):
    attachment = services.attach_file(
        user=world.officer_a, unit=world.a, period=world.h2, upload=_upload(name, content)
    )

    assert (attachment.name, attachment.content_type, attachment.size) == (name, kind, len(content))
    assert attachment.uploaded_by == world.officer_a
    with attachment.file.open("rb") as stored:
        assert stored.read() == content
    # No report yet: a draft was created to hold it.
    assert Submission.objects.get().status == S.DRAFT


def test_the_type_is_judged_by_content_not_by_name_or_declared_type(world):
    disguised = _upload("bao-cao.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(services.WorkflowError) as refused:
        services.attach_file(user=world.officer_a, unit=world.a, period=world.h2, upload=disguised)
    assert refused.value.message == (
        "Tệp “bao-cao.pdf” không phải PDF, JPEG hay PNG; chỉ nhận báo cáo giấy đã ký (PDF) hoặc ảnh chụp."
    )
    assert (Attachment.objects.count(), Submission.objects.count()) == (0, 0)


def test_a_file_over_the_size_limit_is_refused(world, settings):
    settings.DAMHA_ATTACHMENT_MAX_MB = 1
    big = _upload("anh-lon.png", PNG + b"\x00" * (1024 * 1024))
    with pytest.raises(services.WorkflowError) as refused:
        services.attach_file(user=world.officer_a, unit=world.a, period=world.h2, upload=big)
    assert refused.value.message == (
        "Tệp “anh-lon.png” lớn quá 1 MB; hãy chụp ảnh nhỏ hơn hoặc quét với độ phân giải thấp hơn."
    )
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("officer_b", "Đơn vị Xã Quảng Tân không thuộc phạm vi nhập liệu của tài khoản của bạn."),
        (
            "reviewer",
            "Tài khoản của bạn chỉ được xem hoặc duyệt số liệu của Xã Quảng Tân, không được nhập: "
            "số liệu do tài khoản nhập liệu của đơn vị này nhập.",
        ),
    ],
)
def test_only_the_units_entry_users_attach(world, who, message):
    with pytest.raises(services.WorkflowError) as refused:
        services.attach_file(user=getattr(world, who), unit=world.a, period=world.h2, upload=_upload("a.pdf", PDF))
    assert refused.value.message == message
    assert Attachment.objects.count() == 0


def test_a_submitted_report_takes_no_attachment_until_withdrawn(world):
    services.save_figures(
        user=world.officer_a, unit=world.a, period=world.h2, values={"VU": (1, "")}, version=0, submit=True
    )
    with pytest.raises(services.WorkflowError, match="Rút lại để sửa"):
        services.attach_file(user=world.officer_a, unit=world.a, period=world.h2, upload=_upload("a.pdf", PDF))


def test_upload_page_says_what_was_refused(client_for, world):
    client = client_for("officer_a")
    response = client.post(_attach_url(), {"file": _upload("ghi-chu.txt", b"chi la van ban")}, follow=True)
    assert _messages(response) == [
        "Tệp “ghi-chu.txt” không phải PDF, JPEG hay PNG; chỉ nhận báo cáo giấy đã ký (PDF) hoặc ảnh chụp."
    ]
    response = client.post(_attach_url(), {"file": _upload("bao-cao.pdf", PDF)}, follow=True)
    assert _messages(response) == ["Đã đính kèm tệp “bao-cao.pdf”."]
    assert "bao-cao.pdf" in response.content.decode()
    # The queued offline upload asks for JSON.
    answer = client.post(_attach_url(), {"file": _upload("x.gif", b"GIF89a")}, headers={"Accept": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["message"].startswith("Tệp “x.gif” không phải PDF")


SERVE_EXPECTED = {"officer_a": 200, "officer_b": 403, "reviewer": 200, "leader": 200, "office": 200, "anonymous": 302}


@pytest.mark.parametrize("who", SERVE_EXPECTED)
def test_an_attachment_is_served_only_to_users_in_scope(client_for, world, who):
    attachment = services.attach_file(
        user=world.officer_a, unit=world.a, period=world.h2, upload=_upload("bao-cao-da-ky.pdf", PDF)
    )
    response = client_for(who).get(reverse("indicators:attachment", args=[attachment.pk]))
    assert response.status_code == SERVE_EXPECTED[who]
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
        assert "bao-cao-da-ky.pdf" in response["Content-Disposition"]
    else:
        assert not hasattr(response, "streaming_content")


def test_no_public_url_serves_the_stored_file(client_for, world):
    attachment = services.attach_file(user=world.officer_a, unit=world.a, period=world.h2, upload=_upload("a.pdf", PDF))
    for path in ("/media/" + attachment.file.name, "/" + attachment.file.name, "/static/" + attachment.file.name):
        assert client_for("officer_a").get(path).status_code == 404


def test_the_reviewer_sees_the_attachment_on_the_submission_page(client_for, world):
    services.attach_file(user=world.officer_a, unit=world.a, period=world.h2, upload=_upload("anh-so-sach.png", PNG))
    response = client_for("reviewer").get(reverse("indicators:submission", args=["06913", "2024-H2"]))
    text = re.sub(r"\s+", " ", response.content.decode())
    assert "anh-so-sach.png" in text
    assert "Tải tệp lên" not in text and "Xóa tệp" not in text  # the reviewer reads, never changes


def test_removing_an_attachment_deletes_the_row_and_the_file(client_for, world, django_capture_on_commit_callbacks):
    attachment = services.attach_file(user=world.officer_a, unit=world.a, period=world.h2, upload=_upload("a.pdf", PDF))
    storage, stored = attachment.file.storage, attachment.file.name
    refused = client_for("officer_b").post(reverse("indicators:remove_attachment", args=[attachment.pk]))
    assert refused.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for("officer_a").post(
            reverse("indicators:remove_attachment", args=[attachment.pk]), follow=True
        )
    assert _messages(response) == ["Đã xóa tệp đính kèm “a.pdf”."]
    assert Attachment.objects.count() == 0
    assert not storage.exists(stored)
