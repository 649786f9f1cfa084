"""Digital signatures on issued reports (PAdES, with pyHanko) and their verification.

Finalising a report renders its PDF once and, when a certificate is available, signs it
with an incremental update: the signed bytes are stored with the report and are what
every later download returns (reports/services.py: finalise).

The certificate: ``DAMHA_SIGNING_CERT`` (a PKCS#12 file) and ``DAMHA_SIGNING_PASSWORD``
(damha/settings.py checks both at start-up). Without them a deployment issues unsigned
PDFs and says so on the report page. Demo reports (``sample_data``) are signed with the
self-signed demo certificate that ``load_demo`` makes under the data directory
(``DAMHA_DATA_DIR``); it is never used for real data and names itself a demo certificate.
"""

import asyncio
import concurrent.futures
import dataclasses
import datetime
import functools
import hashlib
import io
import logging
import os
import textwrap
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("damha.signing")

DEMO_PASSWORD = "damha-demo"  # noqa: S105 - the demo certificate's, documented; demo data only
DEMO_COMMON_NAME = "CHỨNG THƯ DEMO - BAN CHỈ ĐẠO 138 HUYỆN ĐẦM HÀ"  # at most 64 characters
DEMO_ORGANISATION = "Dữ liệu mẫu - không có giá trị pháp lý"
FIELD_NAME = "ChuKySo"
STAMP_FONT = "LiberationSerif-Regular.ttf"
FONT_DIRS = ["/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation"]


def demo_certificate_path():
    return Path(settings.DAMHA_DATA_DIR) / "demo-signing-certificate.p12"


def make_demo_certificate(path=None, *, password=DEMO_PASSWORD):
    """A self-signed certificate clearly named as a demo one (PKCS#12), unless one exists."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    path = Path(path or demo_certificate_path())
    if path.exists():
        return path
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEMO_ORGANISATION),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Chứng thư tự ký để thử nghiệm"),
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_COMMON_NAME),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"demo-signing",
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(password.encode()),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_bytes(data)
    partial.chmod(0o600)
    os.replace(partial, path)  # whole or not at all, even with two loaders at once
    return path


@dataclasses.dataclass(frozen=True)
class Credentials:
    path: str
    password: str
    demo: bool


def credentials_for(report):
    """The certificate that signs ``report``: the committee's, or the demo one for demo data."""
    if settings.DAMHA_SIGNING_CERT:
        return Credentials(str(settings.DAMHA_SIGNING_CERT), settings.DAMHA_SIGNING_PASSWORD, demo=False)
    if report.sample_data and demo_certificate_path().exists():
        return Credentials(str(demo_certificate_path()), DEMO_PASSWORD, demo=True)
    return None


def can_sign(report):
    return credentials_for(report) is not None


@functools.lru_cache(maxsize=4)
def _signer(path, password, mtime):
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() if password else None)


def load_signer(credentials):
    path = Path(credentials.path)
    return _signer(str(path), credentials.password, path.stat().st_mtime)


def signer_name(credentials):
    """The certificate holder's name (its common name), as the stamp and the report page show it."""
    subject = load_signer(credentials).signing_cert.subject.native
    return subject.get("common_name") or subject.get("organization_name") or ""


def _stamp_font():
    """Liberation Serif (every Vietnamese letter) rescaled to 1000 units per em, or None.

    pyHanko's OpenType engine writes glyph widths in the font's own units while PDF wants
    thousandths of an em; Liberation Serif has 2048 units, which spaced the stamp's letters
    twice too wide. A copy with 1000 units (subset to Latin and Vietnamese, made once and
    kept in the data directory) is drawn correctly.
    """
    source = next((Path(folder) / STAMP_FONT for folder in FONT_DIRS if (Path(folder) / STAMP_FONT).exists()), None)
    if source is None:
        return None
    target = Path(settings.DAMHA_DATA_DIR) / "fonts" / f"stamp-{source.stem}-1000.ttf"
    if not target.exists():
        from fontTools import subset
        from fontTools.ttLib import TTFont
        from fontTools.ttLib.scaleUpem import scale_upem

        font = TTFont(str(source))
        options = subset.Options()
        options.hinting = False
        options.layout_features = ["*"]
        subsetter = subset.Subsetter(options=options)
        subsetter.populate(unicodes=[*range(0x20, 0x250), *range(0x300, 0x324), *range(0x1E00, 0x1F00), 0x2013])
        subsetter.subset(font)
        scale_upem(font, 1000)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.{os.getpid()}")
        font.save(str(partial))
        os.replace(partial, target)
    return target


def outside_event_loop(func):
    """Run ``func`` in a worker thread when this thread already runs an asyncio event loop.

    pyHanko's synchronous API calls asyncio.run(), which refuses to start inside a running
    loop (an ASGI server, or Playwright's sync API in the browser tests)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return func(*args, **kwargs)
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(func, *args, **kwargs).result()

    return wrapper


@outside_event_loop
def sign_pdf(pdf, credentials, *, box, page, signer_label, location=""):
    """``pdf`` signed (PAdES B-B, incremental update) with a visible stamp in ``box``.

    ``box`` is (x1, y1, x2, y2) in PDF points on page ``page`` (0-based).
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko.stamp import TextStampStyle

    signer = load_signer(credentials)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    fields.append_signature_field(writer, fields.SigFieldSpec(FIELD_NAME, on_page=page, box=box))
    font = _stamp_font()
    text_style = {"font_size": 9, "leading": 11}
    if font is not None:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

        text_style["font"] = GlyphAccumulatorFactory(str(font))
    stamp_style = TextStampStyle(
        stamp_text="Ký bởi: %(signer)s\nThời gian ký: %(ts)s",
        timestamp_format="%d/%m/%Y %H:%M:%S",
        text_box_style=TextBoxStyle(**text_style),
        border_width=0,
        background=None,
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        location=location or None,
        reason="Ban hành văn bản",
        name=signer_label,
    )
    pdf_signer = signers.PdfSigner(metadata, signer=signer, stamp_style=stamp_style, new_field_spec=None)
    wrapped = "\n".join(textwrap.wrap(signer_label, width=34)) or signer_label
    output = pdf_signer.sign_pdf(writer, output=io.BytesIO(), appearance_text_params={"signer": wrapped})
    return output.getvalue()


@dataclasses.dataclass(frozen=True)
class SignatureCheck:
    """What a recipient needs to know about a PDF's signatures."""

    count: int = 0
    intact: bool = False  # every signature's hash and cryptography hold
    covers_whole_file: bool = False  # nothing was appended after the last signature
    signer: str = ""
    signed_at: datetime.datetime | None = None
    error: str = ""


@outside_event_loop
def check_signature(pdf):
    """Validate the signatures of ``pdf`` (integrity and cryptography; trust is not judged here)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError, IndexError) as error:
        return SignatureCheck(error=str(error) or error.__class__.__name__)
    if not signatures:
        return SignatureCheck()
    from pyhanko_certvalidator import ValidationContext

    # Integrity and cryptography only: no trust anchors, and never a network fetch (CRL, OCSP,
    # AIA) from a public page; whether the signer is the committee is the report's own record.
    context = ValidationContext(trust_roots=[], allow_fetching=False)
    intact, whole, signer, signed_at = True, False, "", None
    for signature in signatures:
        try:
            status = validate_pdf_signature(signature, context)
        except (SignatureValidationError, PdfReadError, ValueError, KeyError, TypeError) as error:
            return SignatureCheck(count=len(signatures), error=str(error) or error.__class__.__name__)
        intact = intact and bool(status.intact and status.valid)
        whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        signer = status.signing_cert.subject.native.get("common_name", "")
        signed_at = status.signer_reported_dt
    return SignatureCheck(
        count=len(signatures), intact=intact, covers_whole_file=whole, signer=signer, signed_at=signed_at
    )


def sha256(data):
    return hashlib.sha256(data).hexdigest()
