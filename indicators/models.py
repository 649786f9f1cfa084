"""Periods, indicators, targets, submissions and figures."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committees.models import AdministrativeUnit, Level, Plan, SteeringCommittee, acting_user

PERIOD_CODE_RE = re.compile(r"^(?P<year>[0-9]{4})(?:-H(?P<half>[12]))?$")


def decree09_window(year, half=None):
    """Data window of a report under Decree 09/2019/NĐ-CP (DOMAIN.md §4).

    H1: 15/12 of the previous year → 14/6; H2: 15/6 → 14/12; year: 15/12 → 14/12.
    """
    if half == 2:
        return datetime.date(year, 6, 15), datetime.date(year, 12, 14)
    start = datetime.date(year - 1, 12, 15)
    end = datetime.date(year, 6, 14) if half == 1 else datetime.date(year, 12, 14)
    return start, end


def parse_period_code(code):
    """``"2024-H1"`` → ``(2024, 1)``; ``"2024"`` → ``(2024, None)``; else ValueError."""
    match = PERIOD_CODE_RE.match(code or "")
    if not match:
        raise ValueError(code)
    half = match.group("half")
    return int(match.group("year")), int(half) if half else None


def period_code(year, half=None):
    return f"{year}-H{half}" if half else str(year)


class PeriodQuerySet(models.QuerySet):
    def halves(self):
        return self.filter(half__isnull=False)

    def newest_first(self):
        """Half-years, newest first (the order of every period menu)."""
        return self.halves().order_by("-year", "-half")

    def latest_half(self):
        """The newest half-year period, or None."""
        return self.newest_first().first()

    def current_half(self):
        """The half-year people are working on: the newest open one, else the newest one."""
        return self.newest_first().filter(is_open=True).first() or self.latest_half()


class Period(models.Model):
    code = models.CharField(_("mã kỳ"), max_length=10, unique=True, help_text=_("2024-H1, 2024-H2 hoặc 2024"))
    year = models.PositiveSmallIntegerField(_("năm"), editable=False)
    half = models.PositiveSmallIntegerField(_("nửa năm"), null=True, blank=True, editable=False)
    start = models.DateField(_("từ ngày"), blank=True)
    end = models.DateField(_("đến ngày"), blank=True)
    deadline = models.DateField(_("hạn nhập số liệu"), null=True, blank=True)
    is_open = models.BooleanField(_("đang mở nhập liệu"), default=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["year", models.F("half").asc(nulls_last=True)]
        constraints = [
            models.CheckConstraint(name="period_dates_ordered", condition=Q(start__lte=models.F("end"))),
        ]

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.year, self.half = parse_period_code(self.code)
        default_start, default_end = decree09_window(self.year, self.half)
        self.start = self.start or default_start
        self.end = self.end or default_end
        super().save(*args, **kwargs)

    def clean(self):
        try:
            parse_period_code(self.code)
        except ValueError:
            raise ValidationError({"code": _("Mã kỳ phải có dạng 2024-H1, 2024-H2 hoặc 2024.")}) from None
        if self.start and self.end and self.start > self.end:
            raise ValidationError({"end": _("Ngày kết thúc phải sau ngày bắt đầu.")})

    @property
    def is_half(self):
        return self.half is not None

    @property
    def label(self):
        if self.half == 1:
            return _("6 tháng đầu năm %(year)s") % {"year": self.year}
        if self.half == 2:
            return _("6 tháng cuối năm %(year)s") % {"year": self.year}
        return _("Năm %(year)s") % {"year": self.year}

    def same_period_last_year_code(self):
        return period_code(self.year - 1, self.half)

    def previous_half_code(self):
        """The half-year before this one (2024-H1 for 2024-H2, 2023-H2 for 2024-H1)."""
        return period_code(self.year, 1) if self.half == 2 else period_code(self.year - 1, 2)

    def contains(self, other):
        return self.start <= other.start and other.end <= self.end

    def deadline_passed(self, today=None):
        today = today or datetime.date.today()
        return self.deadline is not None and today > self.deadline


class PeriodSetting(models.Model):
    """Entry open or closed, and its deadline, for one unit's subtree in one half-year.

    Set by the review or office users of that unit (a district closes its own communes, a
    province its districts and communes); the period's own ``is_open`` and ``deadline`` are
    the default for everyone, set by superusers. Effective rule: services.entry_window.
    """

    period = models.ForeignKey(Period, verbose_name=_("kỳ"), on_delete=models.CASCADE, related_name="settings")
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="period_settings"
    )
    is_open = models.BooleanField(_("đang mở nhập liệu"), default=True)
    deadline = models.DateField(_("hạn nhập số liệu"), null=True, blank=True)
    changed_by = acting_user(_("người thay đổi"))
    changed_at = models.DateTimeField(_("thay đổi lúc"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("khóa/mở kỳ theo đơn vị")
        verbose_name_plural = _("khóa/mở kỳ theo đơn vị")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="period_setting_unique")]

    def __str__(self):
        return f"{self.period.code} · {self.unit.code}"


class LockException(models.Model):
    """Entry reopened for exactly one unit in one period, whatever the period's closing or
    deadline above it says (as DHIS2's lock exceptions)."""

    period = models.ForeignKey(Period, verbose_name=_("kỳ"), on_delete=models.CASCADE, related_name="lock_exceptions")
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="lock_exceptions"
    )
    reason = models.CharField(_("lý do"), max_length=300)
    granted_by = acting_user(_("người mở"))
    granted_at = models.DateTimeField(_("mở lúc"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ngoại lệ mở khóa")
        verbose_name_plural = _("ngoại lệ mở khóa")
        constraints = [models.UniqueConstraint(fields=["period", "unit"], name="lock_exception_unique")]

    def __str__(self):
        return f"{self.period.code} · {self.unit.code}"


class IndicatorKind(models.TextChoices):
    COUNT = "count", _("Số lượng")
    RATE = "rate", _("Tỷ lệ")
    YES_NO = "yes_no", _("Có/Không")
    STATUS = "status", _("Trạng thái (theo tiêu chí)")


class OverTime(models.TextChoices):
    SUM = "sum", _("Cộng dồn các kỳ")
    LAST = "last", _("Lấy kỳ gần nhất")


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("Tối thiểu")
    AT_MOST = "at_most", _("Tối đa")
    REDUCE_BY = "reduce_by", _("Giảm ít nhất (so với cùng kỳ)")
    REDUCE_BY_PERCENT = "reduce_by_percent", _("Giảm ít nhất % (so với cùng kỳ)")


ENTERED_KINDS = (IndicatorKind.COUNT, IndicatorKind.YES_NO)


class IndicatorQuerySet(models.QuerySet):
    def entered(self):
        return self.filter(kind__in=ENTERED_KINDS)

    def reporting_levels(self):
        """The levels whose units report: where at least one count or yes/no indicator is entered."""
        return set(self.entered().values_list("entry_level", flat=True))

    def for_display(self, *, parts=True):
        """In display order, with what the pages show; ``parts=False``: without a rate's
        numerator and denominator (for a caller that has the whole catalogue at hand)."""
        related = ("committee", "plan", "numerator", "denominator") if parts else ("committee", "plan")
        return self.select_related(*related).order_by("committee__code", "section", "order", "code")


class Indicator(models.Model):
    code = models.CharField(_("mã chỉ tiêu"), max_length=40, unique=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=400)
    measure = models.CharField(_("đơn vị tính"), max_length=40, help_text=_("Ví dụ: vụ, người, điểm, %"))
    kind = models.CharField(_("loại"), max_length=10, choices=IndicatorKind.choices)
    entry_level = models.CharField(_("cấp nhập liệu"), max_length=10, choices=Level.choices)
    over_time = models.CharField(_("cộng theo thời gian"), max_length=4, choices=OverTime.choices, default=OverTime.SUM)
    committee = models.ForeignKey(
        SteeringCommittee,
        verbose_name=_("ban chỉ đạo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="indicators",
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("văn bản"), null=True, blank=True, on_delete=models.PROTECT, related_name="indicators"
    )
    numerator = models.ForeignKey(
        "self", verbose_name=_("tử số"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", verbose_name=_("mẫu số"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    section = models.CharField(_("mục báo cáo"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["section", "order", "code"]
        constraints = [
            models.CheckConstraint(
                name="indicator_rate_has_parts",
                condition=~Q(kind="rate") | (Q(numerator__isnull=False) & Q(denominator__isnull=False)),
                violation_error_message=_("Chỉ tiêu tỷ lệ phải có tử số và mẫu số."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def is_entered(self):
        return self.kind in ENTERED_KINDS

    def clean(self):
        if self.kind == IndicatorKind.RATE:
            errors = {}
            if not self.numerator_id:
                errors["numerator"] = _("Chỉ tiêu tỷ lệ phải có tử số.")
            if not self.denominator_id:
                errors["denominator"] = _("Chỉ tiêu tỷ lệ phải có mẫu số.")
            if errors:
                raise ValidationError(errors)


class Criterion(models.Model):
    """One condition of a status indicator, e.g. "hotspots at most 0"."""

    status = models.ForeignKey(
        Indicator,
        verbose_name=_("chỉ tiêu trạng thái"),
        on_delete=models.CASCADE,
        related_name="criteria",
        limit_choices_to={"kind": IndicatorKind.STATUS},
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("chỉ tiêu điều kiện"),
        on_delete=models.PROTECT,
        related_name="used_in_criteria",
        limit_choices_to={"kind__in": ENTERED_KINDS},
    )
    comparison = models.CharField(
        _("so sánh"),
        max_length=10,
        choices=[(Comparison.AT_LEAST, Comparison.AT_LEAST.label), (Comparison.AT_MOST, Comparison.AT_MOST.label)],
    )
    value = models.DecimalField(_("ngưỡng"), max_digits=14, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["status", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["status", "indicator"], name="criterion_unique"),
            models.CheckConstraint(name="criterion_comparison", condition=Q(comparison__in=["at_least", "at_most"])),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.get_comparison_display()} {self.value:g}"

    # The rule, written once: a criterion holds when its figure is there and meets the
    # threshold (a missing figure does not hold). ``holds`` judges one value in Python;
    # ``sql_holds`` is the same rule as an SQL condition, for the roll-up's statement.

    def holds(self, value):
        if value is None:
            return False
        return value >= self.value if self.comparison == Comparison.AT_LEAST else value <= self.value

    @staticmethod
    def all_hold(criteria, values):
        """A unit's status: True when every criterion holds on ``values`` ({indicator_id: value})."""
        return all(criterion.holds(values.get(criterion.indicator_id)) for criterion in criteria)

    @staticmethod
    def sql_holds(value, criterion):
        """``holds`` as an SQL condition on the column ``value`` and the criterion table alias ``criterion``."""
        return (
            f"({value} IS NOT NULL AND (({criterion}.comparison = '{Comparison.AT_LEAST.value}' AND {value} >= {criterion}.value)"
            f" OR ({criterion}.comparison = '{Comparison.AT_MOST.value}' AND {value} <= {criterion}.value)))"
        )


class Target(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.CASCADE, related_name="targets"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="targets"
    )
    period = models.ForeignKey(Period, verbose_name=_("kỳ"), on_delete=models.PROTECT, related_name="targets")
    comparison = models.CharField(_("so sánh"), max_length=20, choices=Comparison.choices)
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=2)
    plan = models.ForeignKey(
        Plan, verbose_name=_("văn bản giao"), null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )

    # Who set it, when and why (the reason asked on the targets grid): indicators/targets.py.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu được giao")
        verbose_name_plural = _("chỉ tiêu được giao")
        ordering = ["period__year", "unit__code", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit", "period"], name="target_unique"),
            models.CheckConstraint(name="target_value_nonnegative", condition=Q(value__gte=0)),
        ]
        indexes = [
            # The roll-up fetches the targets of a unit and its children for the periods
            # containing P (rollup._applicable_targets): by unit, then period. Without it
            # PostgreSQL intersected the unit index with the period index (every target
            # of the year nationally: 215,000 entries) — 95 of the query's 110 ms.
            models.Index(fields=["unit", "period"], name="target_rollup_idx"),
        ]

    def __str__(self):
        return f"{self.indicator.code} · {self.unit.code} · {self.period.code}: {self.get_comparison_display()} {self.value:g}"

    def clean(self):
        """The grid's rule (indicators/targets.check_target) for the admin's form too."""
        if not (self.indicator_id and self.unit_id and self.comparison and self.value is not None):
            return
        from .targets import check_target, comparisons_for  # targets imports this module

        problem = check_target(self.indicator, self.unit, self.comparison, self.value)
        if problem:
            field = "comparison" if self.comparison not in comparisons_for(self.indicator) else "value"
            raise ValidationError({field: problem})


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã gửi")
    APPROVED = "approved", _("Đã duyệt")
    RETURNED = "returned", _("Bị trả lại")


COUNTED_STATUSES = (SubmissionStatus.SUBMITTED, SubmissionStatus.APPROVED)


class SubmissionQuerySet(models.QuerySet):
    def counted(self):
        """Submissions whose figures count in the roll-up (submitted or approved)."""
        return self.filter(status__in=COUNTED_STATUSES)


class Submission(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="submissions"
    )
    period = models.ForeignKey(Period, verbose_name=_("kỳ"), on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    updated_by = acting_user(_("người cập nhật"))
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = acting_user(_("người gửi"))
    approved_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    approved_by = acting_user(_("người duyệt"))

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("báo cáo số liệu")
        verbose_name_plural = _("báo cáo số liệu")
        ordering = ["period__year", "period__half", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="submission_unique_unit_period"),
            models.CheckConstraint(name="submission_status_known", condition=Q(status__in=SubmissionStatus.values)),
        ]
        indexes = [
            # The roll-up joins submissions by period and status, then by unit.
            models.Index(fields=["period", "status", "unit"], name="submission_rollup_idx"),
        ]

    def __str__(self):
        return f"{self.unit.code} · {self.period.code} · {self.get_status_display()}"

    @property
    def is_locked(self):
        return self.status == SubmissionStatus.APPROVED


class Figure(models.Model):
    """One entered value. Only counts and yes/no are entered, so values are whole numbers."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="figures"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("chỉ tiêu"), on_delete=models.PROTECT, related_name="figures"
    )
    value = models.BigIntegerField(_("giá trị"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("số liệu")
        verbose_name_plural = _("số liệu")
        ordering = ["submission", "indicator__order"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "indicator"], name="figure_unique"),
            models.CheckConstraint(
                name="figure_value_nonnegative",
                condition=Q(value__isnull=True) | Q(value__gte=0),
                violation_error_message=_("Số liệu không được âm."),
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} = {self.value}"

    def clean(self):
        is_yes_no = self.indicator_id and self.indicator.kind == IndicatorKind.YES_NO
        if is_yes_no and self.value not in (None, 0, 1):
            raise ValidationError({"value": _("Chỉ tiêu có/không chỉ nhận 0 (không) hoặc 1 (có).")})


def attachment_path(instance, filename):
    """A random name under the submission's folder: the officer's file name is only shown."""
    import uuid

    return f"attachments/{instance.submission_id}/{uuid.uuid4().hex}{instance.extension}"


class AttachmentKind(models.TextChoices):
    PDF = "application/pdf", "PDF"
    JPEG = "image/jpeg", "JPEG"
    PNG = "image/png", "PNG"


class Attachment(models.Model):
    """Evidence for a submission: the signed paper report or photos (PDF, JPEG, PNG).

    Stored outside any public URL (``MEDIA_ROOT`` is never served); read through
    ``indicators.views.attachment``, which checks the reader's scope.
    """

    submission = models.ForeignKey(
        Submission, verbose_name=_("báo cáo"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=200)
    name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(_("loại tệp"), max_length=40, choices=AttachmentKind.choices)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_by = acting_user(_("người tải lên"), blank=False)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(name="attachment_type_known", condition=Q(content_type__in=AttachmentKind.values)),
        ]

    def __str__(self):
        return self.name

    @property
    def extension(self):
        return {AttachmentKind.PDF: ".pdf", AttachmentKind.JPEG: ".jpg", AttachmentKind.PNG: ".png"}.get(
            self.content_type, ""
        )

    @property
    def is_image(self):
        return self.content_type in (AttachmentKind.JPEG, AttachmentKind.PNG)


class DataVersion(models.Model):
    """One row whose token changes with every write to the metadata every page reads
    (units, successions, plans, committees, periods, indicators, criteria, targets) and
    on a TRUNCATE of submissions or figures; a unit's own data renews its
    :class:`UnitVersion` instead.

    Written only by database triggers (migrations 0003 and 0008, indicators/datacache.py),
    in the writer's own transaction; read by the roll-up cache. Never edited by hand.
    """

    token = models.CharField(_("mã phiên bản dữ liệu"), max_length=64)

    class Meta:
        verbose_name = _("phiên bản dữ liệu")
        verbose_name_plural = _("phiên bản dữ liệu")

    def __str__(self):
        return self.token


class UnitVersion(models.Model):
    """The version of one unit's data (submissions, figures) for the periods of one year.

    Written only by database triggers (migration 0008, indicators/datacache.py) in the
    writer's own transaction: each write renews the rows of the units and years it
    touches, and no other. Read by the roll-up cache, which keys a page by the versions of
    the units and years it reads. ``unit_id`` is a plain number, not a foreign key: a row
    of a deleted unit is harmless, and the data generator's COPY checks nothing extra.
    """

    pk = models.CompositePrimaryKey("unit_id", "year")
    unit_id = models.BigIntegerField()
    year = models.SmallIntegerField()
    token = models.BigIntegerField()

    class Meta:
        # A page over every top-level unit reads the rows of its years without walking
        # the tree (indicators/datacache.py).
        indexes = [models.Index(fields=["year"], name="unitversion_year")]
        verbose_name = _("phiên bản dữ liệu của đơn vị")
        verbose_name_plural = _("phiên bản dữ liệu của đơn vị")

    def __str__(self):
        return f"{self.unit_id}/{self.year}: {self.token}"


class RuleOperator(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    EQ = "==", "="
    NE = "!=", "≠"
    GE = ">=", "≥"
    GT = ">", ">"


class RuleSeverity(models.TextChoices):
    ERROR = "error", _("Lỗi (không cho lưu, gửi)")
    WARNING = "warning", _("Cảnh báo (cần ghi chú)")


def rule_codes(left, right):
    """The indicator codes a validation rule's sides name, in order, without repeats."""
    found = []
    for side in (left, right):
        if isinstance(side, list):
            found += [code for code in side if code not in found]
    return found


class ValidationRule(models.Model):
    """A check on one unit's own figures for one half (DESIGN.md "Validation rules").

    ``left`` and ``right`` are each a list of indicator codes whose figures are added, or a
    number. Checked by indicators/validation.py, the one place rules are evaluated.
    """

    code = models.CharField(_("mã quy tắc"), max_length=40, unique=True)
    name = models.CharField(_("tên quy tắc"), max_length=300)
    left = models.JSONField(
        _("vế trái"), help_text=_('Danh sách mã chỉ tiêu được cộng, ví dụ ["TTXH_LAMRO"], hoặc một số.')
    )
    operator = models.CharField(_("phép so sánh"), max_length=2, choices=RuleOperator.choices)
    right = models.JSONField(
        _("vế phải"), help_text=_('Danh sách mã chỉ tiêu được cộng, ví dụ ["TTXH_VU"], hoặc một số.')
    )
    severity = models.CharField(_("mức độ"), max_length=10, choices=RuleSeverity.choices, default=RuleSeverity.ERROR)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quy tắc kiểm tra số liệu")
        verbose_name_plural = _("quy tắc kiểm tra số liệu")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="rule_operator_known", condition=Q(operator__in=RuleOperator.values)),
            models.CheckConstraint(name="rule_severity_known", condition=Q(severity__in=RuleSeverity.values)),
        ]

    def __str__(self):
        return f"{self.code}: {self.name}"

    def codes(self):
        """Indicator codes named on either side, in order, without repeats."""
        return rule_codes(self.left, self.right)

    def clean(self):
        from .validation import side_problem  # the rule's shape is validation's to define

        errors = {}
        for name in ("left", "right"):
            problem = side_problem(getattr(self, name))
            if problem:
                errors[name] = problem
        if errors:
            raise ValidationError(errors)
