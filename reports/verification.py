"""/verify/: is this an issued report of this system, and is it intact?

Anyone who receives a report checks it by its verification code ("Mã xác thực", printed
below "Nơi nhận" with a QR code) or by uploading the PDF. The answer names the document
(number and symbol, date, issuer), says whether a later correction replaced it and
whether its digital signature is intact, and shows nothing of its content.
"""

import dataclasses
import re

from django.core.cache import caches

from . import documents, signing
from .models import ReportDocument, ReportStatus

# The code as WeasyPrint writes it into the document information: "/verificationcode
# (ME36\055S54Q\05552PN)" (its dashes as octal escapes).
CODE_IN_PDF = re.compile(rb"/VerificationCode\s*\((?P<code>(?:[0-9A-Z]|-|\\055){14,20})\)", re.IGNORECASE)
RATE_CACHE = "ratelimit"


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What /verify/ answers. ``issued``: the code or the file is one of ours as issued."""

    issued: bool
    report: ReportDocument | None = None
    # For an uploaded file: True when its bytes are exactly the issued PDF's.
    same_file: bool | None = None
    signature: signing.SignatureCheck | None = None
    replaced_by: ReportDocument | None = None
    # Why a file was refused: "unknown" (no report of ours), "changed" (names one of ours but
    # its bytes differ from the issued file).
    reason: str = ""


def _final_reports():
    return ReportDocument.objects.filter(status=ReportStatus.FINAL).select_related("unit", "committee")


def replacement_of(report):
    """The latest final correction that replaced ``report``, if any (corrections of corrections too)."""
    latest, frontier = None, [report.pk]
    while frontier:
        found = list(
            ReportDocument.objects.filter(corrects__in=frontier, status=ReportStatus.FINAL).order_by("version", "pk")
        )
        if found:
            latest = found[-1]
        frontier = [r.pk for r in ReportDocument.objects.filter(corrects__in=frontier)]
    return latest


def _issued_signature(report):
    if not report.pdf:
        return None
    return signing.check_signature(bytes(report.pdf))


def by_code(text):
    code = documents.normalise_code(text)
    report = _final_reports().filter(verification_code=code).first() if code else None
    if report is None:
        return Verdict(issued=False, reason="unknown")
    return Verdict(issued=True, report=report, signature=_issued_signature(report), replaced_by=replacement_of(report))


def by_file(data):
    """An uploaded PDF: ours when its bytes are exactly an issued PDF's."""
    signature = signing.check_signature(data)
    report = _final_reports().filter(pdf_sha256=signing.sha256(data)).first()
    if report is not None:
        return Verdict(
            issued=True, report=report, same_file=True, signature=signature, replaced_by=replacement_of(report)
        )
    match = CODE_IN_PDF.search(data)
    code = documents.normalise_code(match["code"].replace(b"\\055", b"-").decode()) if match else ""
    claimed = _final_reports().filter(verification_code=code).first() if code else None
    if claimed is None:
        return Verdict(issued=False, same_file=False, reason="unknown", signature=signature)
    return Verdict(
        issued=False,
        report=claimed,
        same_file=False,
        signature=signature,
        replaced_by=replacement_of(claimed),
        reason="changed",
    )


def allow(address, *, limit, window=60):
    """A small fixed-window limiter: True while ``address`` made at most ``limit`` checks in
    the current ``window`` seconds (the "ratelimit" cache, kept even when DAMHA_CACHE=off)."""
    cache = caches[RATE_CACHE]
    key = f"verify:{address}"
    if cache.add(key, 1, timeout=window):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window)
        return True
    return count <= limit
