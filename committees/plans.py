"""Plans (the legal documents that set targets) and the scans of the signed originals.

Services are keyword-only and take ``user``; access is decided in ``committees.access``.
A scan is a PDF checked by its content, not by its name or the browser's content type,
kept in the database (models.PlanScan) and served only by a view that checks scope.
"""

import hashlib

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from . import access
from .errors import ServiceError
from .models import Plan, PlanScan

SCAN_MAX_BYTES = 10 * 1024 * 1024
# Active content a scan of a signed paper never needs; a PDF carrying it is refused.
# (A check of the raw bytes: names hidden inside compressed object streams escape it,
# which is why scans are also served as attachments, never shown inline.)
_ACTIVE = (b"/JavaScript", b"/JS ", b"/JS(", b"/JS<", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")


class PlanError(ServiceError):
    """A plan or scan that cannot be saved; ``message`` says why."""


def check_pdf(data, filename):
    """A Vietnamese message when ``data`` is not an acceptable scan, else None."""
    if not (filename or "").lower().endswith(".pdf"):
        return _("Bản scan phải là tệp PDF (.pdf).")
    if len(data) == 0:
        return _("Tệp trống.")
    if len(data) > SCAN_MAX_BYTES:
        return _("Tệp lớn quá %(mb)d MB; hãy scan với độ phân giải thấp hơn (200 dpi là đủ).") % {
            "mb": SCAN_MAX_BYTES // (1024 * 1024)
        }
    if not data.startswith(b"%PDF-"):
        return _("Tệp không phải là PDF (nội dung không bắt đầu bằng %PDF-), dù tên tệp là .pdf.")
    if b"%%EOF" not in data[-2048:] or b"startxref" not in data[-4096:]:
        return _("Tệp PDF không đầy đủ (thiếu phần kết thúc); có thể tệp bị hỏng hoặc tải lên chưa xong.")
    if any(marker in data for marker in _ACTIVE):
        return _("Tệp PDF có mã chạy tự động hoặc tệp đính kèm; chỉ nhận bản scan văn bản.")
    return None


def _safe_name(filename):
    name = (filename or "ban-scan.pdf").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isalnum() or ch in "-_. ").strip() or "ban-scan.pdf"
    return name[-150:]


def save_plan(*, user, plan=None, fields, scan=None, remove_scan=False):
    """Create (``plan`` None) or edit a plan; attach, replace or remove its scan.

    ``fields``: number, issued_on, issuer, title, unit. ``scan``: (bytes, filename) or None.
    The user must manage the plan's unit (office there or above; superusers for national
    plans) both before and after the change. Returns the plan.
    """
    candidate = plan if plan is not None else Plan()
    for name, value in fields.items():
        setattr(candidate, name, value)
    if not access.can_manage_plan(user, candidate):
        raise PermissionDenied(_("Bạn không quản lý văn bản của đơn vị này."))
    if scan is not None:
        problem = check_pdf(*scan)
        if problem:
            raise PlanError(problem)
    with transaction.atomic():
        if plan is not None:
            current = Plan.objects.select_related("unit__parent__parent").get(pk=plan.pk)
            if not access.can_manage_plan(user, current):
                raise PermissionDenied(_("Bạn không quản lý văn bản của đơn vị này."))
        candidate._history_user = user
        candidate.save()
        if scan is not None:
            data, filename = scan
            PlanScan.objects.update_or_create(
                plan=candidate,
                defaults={
                    "filename": _safe_name(filename),
                    "content": data,
                    "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "uploaded_by": user,
                },
            )
        elif remove_scan:
            PlanScan.objects.filter(plan=candidate).delete()
    return candidate
