"""Report documents: the half-year report in the Decree 30/2020 format.

A draft is rendered from the live roll-up; finalising stores everything the document
says (texts and tables) as a JSON ``snapshot`` with the SHA-256 of its canonical JSON, so
a printed report never changes afterwards (reports/documents.py, reports/services.py).
"""

import re
import unicodedata

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees.models import AdministrativeUnit, Meeting, SteeringCommittee, acting_user
from indicators.models import Period


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    FINAL = "final", _("Đã ban hành")


# The five narrative sections of a half-year report (DOMAIN.md §5), in print order.
SECTION_FIELDS = ["situation", "results", "assessment", "directions", "proposals"]


class ReportDocumentQuerySet(models.QuerySet):
    def for_list(self):
        """What the /reports/ list shows, in a fixed number of queries."""
        return self.select_related("unit", "period", "committee", "meeting", "corrects").order_by(
            "-period__year", "-period__half", "-issued_on", "-version", "-id"
        )


class ReportDocument(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="report_documents"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("kỳ báo cáo"), on_delete=models.PROTECT, related_name="report_documents"
    )
    committee = models.ForeignKey(
        SteeringCommittee, verbose_name=_("ban chỉ đạo"), on_delete=models.PROTECT, related_name="report_documents"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("hội nghị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="report_documents",
    )
    parent_body = models.CharField(_("cơ quan chủ quản"), max_length=200, help_text=_("Ví dụ: UBND HUYỆN ĐẦM HÀ"))
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=400, help_text=_("Ví dụ: BAN CHỈ ĐẠO 138"))
    number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True, help_text=_("Ví dụ: 15/BC-BCĐ"))
    place = models.CharField(_("địa danh"), max_length=100, help_text=_("Ví dụ: Đầm Hà"))
    issued_on = models.DateField(_("ngày ban hành"))
    subject = models.CharField(_("trích yếu"), max_length=500)
    situation = models.TextField(_("I. Tình hình"), blank=True)
    results = models.TextField(_("II. Kết quả thực hiện"), blank=True)
    assessment = models.TextField(_("III. Đánh giá"), blank=True)
    directions = models.TextField(_("IV. Phương hướng, nhiệm vụ"), blank=True)
    proposals = models.TextField(_("V. Đề xuất, kiến nghị"), blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận, ví dụ: - Lưu: VT."))
    signature_authority = models.TextField(
        _("thẩm quyền ký"), blank=True, help_text=_("Mỗi dòng một dòng, ví dụ: TM. BAN CHỈ ĐẠO / KT. TRƯỞNG BAN")
    )
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    version = models.PositiveSmallIntegerField(_("lần ban hành"), default=1)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("đính chính cho bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    snapshot = models.JSONField(_("nội dung đã chốt"), null=True, blank=True, editable=False)
    content_hash = models.CharField(_("mã kiểm tra SHA-256"), max_length=64, blank=True, editable=False)
    # Shown on the page with its QR code; derived from content_hash (documents.verification_code).
    verification_code = models.CharField(_("mã xác thực"), max_length=20, blank=True, editable=False, db_index=True)
    # The PDF as issued (signed when a certificate was available): every later download
    # returns these bytes, and /verify/ recognises an uploaded copy by their SHA-256.
    pdf = models.BinaryField(_("bản PDF đã ban hành"), null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 của bản PDF"), max_length=64, blank=True, editable=False, db_index=True)
    signed_by = models.CharField(_("ký số bởi"), max_length=300, blank=True, editable=False)
    sample_data = models.BooleanField(
        _("dữ liệu mẫu"), default=False, help_text=_('Báo cáo minh họa: in dấu chìm "DỮ LIỆU MẪU" trên mọi trang.')
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = acting_user(_("người tạo"))
    finalised_at = models.DateTimeField(_("ban hành lúc"), null=True, blank=True, editable=False)
    finalised_by = acting_user(_("người chốt"), editable=False)

    # The issued PDF is kept once, on the report: not copied into every history row.
    history = HistoricalRecords(excluded_fields=["pdf"])
    objects = ReportDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("văn bản báo cáo")
        verbose_name_plural = _("văn bản báo cáo")
        ordering = ["-issued_on", "-version", "-id"]
        constraints = [
            models.CheckConstraint(name="report_status_known", condition=Q(status__in=ReportStatus.values)),
            # A final report carries its frozen content; a draft never does.
            models.CheckConstraint(
                name="report_final_has_snapshot",
                condition=(Q(status="final") & Q(snapshot__isnull=False) & ~Q(content_hash=""))
                | (Q(status="draft") & Q(snapshot__isnull=True)),
            ),
            # At most one draft correction of a final report at a time.
            models.UniqueConstraint(
                fields=["corrects"], condition=Q(status="draft"), name="report_one_open_correction"
            ),
        ]

    def __str__(self):
        number = self.number or _("(chưa có số)")
        return f"{number} — {self.subject}"

    @property
    def is_final(self):
        return self.status == ReportStatus.FINAL

    def filename(self, extension):
        """An ASCII file name ("bao-cao-15-BC-BCD-v1.pdf") that every browser and mail client keeps."""
        number = (self.number or f"du-thao-{self.pk}").replace("Đ", "D").replace("đ", "d")
        ascii_number = unicodedata.normalize("NFKD", number).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_number).strip("-")
        return f"bao-cao-{slug}-v{self.version}.{extension}"
