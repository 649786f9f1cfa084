"""Issued reports are signed (PAdES, pyHanko), the signed bytes are what every download
returns, and anyone can check them at /verify/ (issue 16)."""

import io
import subprocess

import pytest
from django.core.cache import caches
from django.test import override_settings

from committees.models import SteeringCommittee
from indicators.models import Period
from reports import services, signing

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    caches["ratelimit"].clear()


def _pdfsig(data, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60).stdout


def _changed(data):
    """The same file with one byte changed, inside the signed range (in a page's content)."""
    position = data.index(b"stream", len(data) // 4) + 40
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def test_the_downloaded_pdf_is_the_signed_issued_one(client, report, office, tmp_path):
    client.force_login(office)
    first = client.get(f"/reports/{report.pk}.pdf").content
    assert first == bytes(report.pdf)  # the stored bytes, not a new rendering
    assert client.get(f"/reports/{report.pk}.pdf").content == first
    assert report.pdf_sha256 == signing.sha256(first)
    assert report.signed_by == signing.DEMO_COMMON_NAME

    output = _pdfsig(first, tmp_path)
    assert output.count("Signature #") == 1, output
    assert "Signature Validation: Signature is Valid." in output
    assert "Total document signed" in output
    assert f"Signer Certificate Common Name: {signing.DEMO_COMMON_NAME}" in output
    assert "Signature Type: ETSI.CAdES.detached" in output  # PAdES

    check = signing.check_signature(first)
    assert (check.count, check.intact, check.covers_whole_file) == (1, True, True)
    assert check.signer == signing.DEMO_COMMON_NAME


def test_the_signature_is_trusted_with_the_demo_certificate_as_root(report):
    """pyHanko's validator with the certificate as trust anchor: intact, valid and trusted."""
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    _key, certificate, _chain = pkcs12.load_key_and_certificates(
        signing.demo_certificate_path().read_bytes(), signing.DEMO_PASSWORD.encode()
    )
    path = signing.demo_certificate_path().with_suffix(".pem")
    path.write_bytes(certificate.public_bytes(Encoding.PEM))
    root = load_cert_from_pemder(str(path))
    signature = PdfFileReader(io.BytesIO(bytes(report.pdf))).embedded_signatures[0]
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root], allow_fetching=False))
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line


def test_one_changed_byte_breaks_the_signature(report, tmp_path):
    changed = _changed(bytes(report.pdf))
    check = signing.check_signature(changed)
    assert not (check.intact and check.covers_whole_file)
    output = _pdfsig(changed, tmp_path)
    assert "Signature is Valid." not in output


def test_the_stamp_sits_in_the_signature_block(report):
    import pdfplumber

    pdf = pdfplumber.open(io.BytesIO(bytes(report.pdf)))
    page = next(p for p in pdf.pages if p.annots)
    (widget,) = page.annots
    assert widget["title"] == "ChuKySo"
    words = {w["text"]: w for w in page.extract_words()}
    # Between "PHÓ TRƯỞNG BAN" and the signer's name, in the signer's (right) column.
    authority_bottom = max(w["bottom"] for w in page.extract_words() if w["text"] == "TRƯỞNG")
    name_top = words["Lợi"]["top"]
    assert authority_bottom <= widget["top"] < widget["bottom"] <= name_top
    assert widget["x0"] > page.width * 0.45
    appearance = widget["data"]["AP"]["N"].get_data().decode("latin-1")
    assert "ActualText" in appearance  # the stamp's text: "Ký bởi: …" and the signing time
    assert signing.FIELD_NAME == "ChuKySo"


def test_without_a_certificate_reports_are_issued_unsigned_and_the_page_says_so(client, report_demo_data, office):
    committee = SteeringCommittee.objects.get(code="BCD138-200")
    draft = services.create_report(
        user=office, committee=committee, unit=committee.unit, period=Period.objects.get(code="2024-H2"), number="20/BC"
    )
    client.force_login(office)
    page = client.get(f"/reports/{draft.pk}/").content.decode()
    assert "bản PDF sẽ được ban hành không có chữ ký số" in page
    final = services.finalise(report=draft, user=office)
    assert final.signed_by == "" and final.pdf and final.pdf.startswith(b"%PDF-")
    assert signing.check_signature(bytes(final.pdf)).count == 0
    page = client.get(f"/reports/{final.pk}/").content.decode()
    assert "Bản PDF được ban hành không có chữ ký số" in page
    assert client.get(f"/reports/{final.pk}.pdf").content == bytes(final.pdf)


def test_with_the_committee_certificate_every_report_is_signed(client, report_demo_data, office, tmp_path):
    path = signing.make_demo_certificate(tmp_path / "committee.p12", password="s3cret")
    committee = SteeringCommittee.objects.get(code="BCD138-200")
    draft = services.create_report(
        user=office, committee=committee, unit=committee.unit, period=Period.objects.get(code="2024-H2"), number="21/BC"
    )
    with override_settings(DAMHA_SIGNING_CERT=path, DAMHA_SIGNING_PASSWORD="s3cret"):
        client.force_login(office)
        assert "Khi ban hành, bản PDF sẽ được ký số." in client.get(f"/reports/{draft.pk}/").content.decode()
        final = services.finalise(report=draft, user=office)
    check = signing.check_signature(bytes(final.pdf))
    assert (check.count, check.intact) == (1, True)
    page = client.get(f"/reports/{final.pk}/").content.decode()
    assert f"Bản PDF đã được ký số bởi: {signing.DEMO_COMMON_NAME}." in page


# ---------------------------------------------------------------------- /verify/


def _text(response):
    import re

    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_verify_is_public_and_confirms_a_code(client, report):
    assert client.get("/verify/").status_code == 200
    response = client.get("/verify/", {"code": report.verification_code.lower().replace("-", " ")})
    text = _text(response)
    assert response.status_code == 200
    assert "Mã xác thực hợp lệ: đây là văn bản do hệ thống ban hành." in text
    assert "15/BC-BCĐ" in text and "08/07/2024" in text and "BAN CHỈ ĐẠO 138 — UBND HUYỆN ĐẦM HÀ" in text
    assert "Không: chưa có bản đính chính nào thay thế." in text
    assert f"Còn nguyên vẹn — ký bởi {signing.DEMO_COMMON_NAME}." in text
    # Metadata only: no figures, no texts of the report.
    for secret in ("87,5", "Thực hiện Kế hoạch số 111", "Tô Xuân Lợi", report.subject, "Đạt"):
        assert secret not in text, secret


def test_verify_confirms_the_untouched_file_and_rejects_a_changed_byte(client, report):
    from django.core.files.uploadedfile import SimpleUploadedFile

    issued = bytes(report.pdf)
    ok = _text(client.post("/verify/", {"document": SimpleUploadedFile("bc.pdf", issued, "application/pdf")}))
    assert "Tệp này đúng là văn bản do hệ thống ban hành, không bị thay đổi." in ok
    assert "15/BC-BCĐ" in ok and "Còn nguyên vẹn" in ok
    changed = _changed(issued)
    response = client.post("/verify/", {"document": SimpleUploadedFile("bc.pdf", changed, "application/pdf")})
    text = _text(response)
    assert "Tệp này KHÔNG khớp với văn bản đã ban hành" in text
    assert "KHÔNG còn nguyên vẹn: tệp đã bị sửa sau khi ký." in text
    assert "Tệp này đúng là văn bản" not in text


def test_verify_says_when_a_correction_replaced_the_report(client, report, office):
    correction = services.correct(report=report, user=office)
    services.finalise(report=correction, user=office)
    text = _text(client.get("/verify/", {"code": report.verification_code}))
    assert "Có: đã được thay thế bằng bản đính chính 15/BC-BCĐ (lần 2) ngày 08/07/2024." in text


def test_verify_refuses_unknown_codes_bad_files_and_too_many_requests(client, report):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert "Không tìm thấy văn bản nào" in _text(client.get("/verify/", {"code": "0000-0000-0000"}))
    assert "Hãy nhập mã xác thực hoặc chọn tệp PDF" in _text(client.post("/verify/", {"code": ""}))
    response = client.post("/verify/", {"document": SimpleUploadedFile("a.pdf", b"hello", "application/pdf")})
    assert response.status_code == 400 and "không phải là tệp PDF" in _text(response)
    with override_settings(DAMHA_VERIFY_MAX_BYTES=1024):
        big = SimpleUploadedFile("a.pdf", b"%PDF-" + b"0" * 2000, "application/pdf")
        assert "Tệp quá lớn" in _text(client.post("/verify/", {"document": big}))
    caches["ratelimit"].clear()
    with override_settings(DAMHA_VERIFY_PER_MINUTE=3):
        statuses = [client.get("/verify/", {"code": report.verification_code}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/verify/").status_code == 200  # the empty form is never limited


def test_a_wrong_signing_setting_stops_the_server(tmp_path):
    from tests.test_settings import start_django

    missing = start_django(DJANGO_DEBUG="1", DAMHA_SIGNING_CERT=str(tmp_path / "none.p12"))
    assert missing.returncode == 1 and "DAMHA_SIGNING_CERT: cannot read" in missing.stderr
    path = signing.make_demo_certificate(tmp_path / "c.p12", password="right")
    wrong = start_django(DJANGO_DEBUG="1", DAMHA_SIGNING_CERT=str(path), DAMHA_SIGNING_PASSWORD="wrong")
    assert wrong.returncode == 1 and "DAMHA_SIGNING_PASSWORD does not open it" in wrong.stderr
    right = start_django(DJANGO_DEBUG="1", DAMHA_SIGNING_CERT=str(path), DAMHA_SIGNING_PASSWORD="right")
    assert right.returncode == 0, right.stderr
