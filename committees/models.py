"""Administrative units (a dated tree), plans, steering committees and who may do what."""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Collate
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def acting_user(verbose_name, **options):
    """Who did something to a row (created, changed, approved it…): optional, kept as an empty
    reference when the account is deleted, never followed back from the user."""
    options = {"null": True, "blank": True, "on_delete": models.SET_NULL, "related_name": "+", **options}
    return models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=verbose_name, **options)


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    DISTRICT = "district", _("Huyện")
    COMMUNE = "commune", _("Xã")


class UnitQuerySet(models.QuerySet):
    def valid_on(self, day):
        """Units that exist on ``day`` (validity bounds are inclusive)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def valid_during(self, start, end):
        """Units that exist on some day of [start, end] (a year's targets bind them)."""
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=start)
        )

    def ordered(self):
        return self.order_by("level_rank", "code")

    def by_name(self):
        """Level, then name in Vietnamese order (An, Ánh, Ba, …, D, Đ) on PostgreSQL.

        The cluster's collation is C.UTF-8, which puts "Đ" and accented letters after "Z";
        ICU's Vietnamese collation does not. SQLite has no ICU: plain ordering there.
        """
        name = Collate("name", "vi-x-icu") if connection.vendor == "postgresql" else "name"
        return self.order_by("level_rank", name, "code")


class AdministrativeUnit(models.Model):
    code = models.CharField(
        _("mã đơn vị"),
        max_length=20,
        unique=True,
        help_text=_("Mã đơn vị hành chính theo Tổng cục Thống kê; thêm hậu tố năm khi đơn vị mới dùng lại mã cũ."),
    )
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    level_rank = models.PositiveSmallIntegerField(editable=False, default=0)
    kind = models.CharField(_("loại"), max_length=30, help_text=_("Ví dụ: tỉnh, huyện, xã, thị trấn, phường, đặc khu."))
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level_rank", "code"]
        constraints = [
            models.CheckConstraint(
                name="unit_valid_range",
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                violation_error_message=_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."),
            ),
            models.CheckConstraint(name="unit_level_known", condition=Q(level__in=Level.values)),
        ]

    LEVEL_RANKS = {Level.PROVINCE: 1, Level.DISTRICT: 2, Level.COMMUNE: 3}

    def __str__(self):
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.level_rank = self.LEVEL_RANKS.get(self.level, 0)
        super().save(*args, **kwargs)

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")})
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("Một đơn vị không thể là cấp trên của chính nó.")})
            if self.LEVEL_RANKS.get(self.parent.level, 0) >= self.LEVEL_RANKS.get(self.level, 0):
                raise ValidationError({"parent": _("Đơn vị cấp trên phải ở cấp cao hơn.")})

    def is_valid_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)

    def ancestors(self):
        """This unit's parents, nearest first (the tree is at most a few levels deep)."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class UnitSuccession(models.Model):
    predecessor = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị trước"), on_delete=models.PROTECT, related_name="successions_out"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị kế thừa"), on_delete=models.PROTECT, related_name="successions_in"
    )
    effective_on = models.DateField(_("ngày có hiệu lực"))
    basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        ordering = ["effective_on", "successor__code", "predecessor__code"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
            models.CheckConstraint(name="succession_not_self", condition=~Q(predecessor=models.F("successor"))),
        ]

    def __str__(self):
        return f"{self.predecessor.code} → {self.successor.code} ({self.effective_on:%d/%m/%Y})"


DOCUMENT_TYPES = {
    "KH": _("Kế hoạch"),
    "BC": _("Báo cáo"),
    "QĐ": _("Quyết định"),
    "NQ": _("Nghị quyết"),
    "CT": _("Chỉ thị"),
    "TB": _("Thông báo"),
    "HD": _("Hướng dẫn"),
    "KL": _("Kết luận"),
    "BB": _("Biên bản"),
}

_NUMBER_RE = re.compile(r"^\s*[0-9]+\s*/\s*(?:[0-9]{4}\s*/\s*)?([^-\s/]+)")


class Plan(models.Model):
    """A legal document that sets targets, cited as e.g. "Kế hoạch số 111/KH-UBND ngày 19/4/2024"."""

    number = models.CharField(_("số, ký hiệu"), max_length=60, unique=True, help_text=_("Ví dụ: 111/KH-UBND"))
    issued_on = models.DateField(_("ngày ban hành"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200)
    title = models.CharField(_("trích yếu"), max_length=500)
    # Whose plan it is: its office manages it and the targets citing it; users with a role
    # on this unit, above or below it may read it and download its scan. Empty for
    # national documents (laws, resolutions), which only superusers manage.
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị ban hành, quản lý"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-issued_on", "number"]

    def __str__(self):
        return self.citation

    @property
    def doc_type(self):
        match = _NUMBER_RE.match(self.number)
        if not match:
            return ""
        symbol = match.group(1).upper()
        # Resolutions of the National Assembly and its Standing Committee are numbered
        # "96/2019/QH14", "1679/NQ-UBTVQH15": the bare "QH…" symbol means a resolution.
        return "NQ" if symbol.startswith("QH") else symbol

    @property
    def citation(self):
        type_name = DOCUMENT_TYPES.get(self.doc_type, _("Văn bản"))
        day = self.issued_on
        return _("%(type)s số %(number)s ngày %(day)s") % {
            "type": type_name,
            "number": self.number,
            "day": f"{day.day}/{day.month}/{day.year}",
        }


class PlanScan(models.Model):
    """The scan of a signed plan (PDF), kept in the database, never under a public URL.

    In the database rather than on disk: every app server sees it (no shared volume),
    backups include it, and it is served only by a view that checks the reader's scope.
    """

    plan = models.OneToOneField(Plan, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="scan")
    filename = models.CharField(_("tên tệp"), max_length=200)
    content = models.BinaryField(_("nội dung"))
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now=True)
    uploaded_by = acting_user(_("người tải lên"))

    class Meta:
        verbose_name = _("bản scan văn bản")
        verbose_name_plural = _("bản scan văn bản")

    def __str__(self):
        return self.filename


class SteeringCommittee(models.Model):
    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=400)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="committees"
    )
    standing_agency = models.CharField(_("cơ quan thường trực"), max_length=200, blank=True)
    takes_over = models.ForeignKey(
        "self",
        verbose_name=_("tiếp nhận nhiệm vụ của"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="taken_over_by",
        help_text=_(
            "Ban chỉ đạo của đơn vị đã kết thúc mà ban này tiếp tục theo dõi, "
            "ví dụ ban chỉ đạo huyện khi không còn cấp huyện từ 1/7/2025."
        ),
    )

    class Meta:
        verbose_name = _("ban chỉ đạo")
        verbose_name_plural = _("ban chỉ đạo")
        ordering = ["code"]

    def __str__(self):
        return self.short_name or self.name


class MemberRole(models.TextChoices):
    HEAD = "head", _("Trưởng ban")
    STANDING_DEPUTY = "standing_deputy", _("Phó Trưởng ban thường trực")
    DEPUTY = "deputy", _("Phó Trưởng ban")
    MEMBER = "member", _("Thành viên")


class Member(models.Model):
    committee = models.ForeignKey(
        SteeringCommittee, verbose_name=_("ban chỉ đạo"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("họ và tên"), max_length=200)
    position = models.CharField(_("chức vụ"), max_length=300, blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành viên")
        verbose_name_plural = _("thành viên")
        ordering = ["committee", "order", "id"]

    def __str__(self):
        return f"{self.name} — {self.get_role_display()}"


class Role(models.TextChoices):
    ENTRY = "entry", _("Nhập số liệu")
    REVIEW = "review", _("Duyệt số liệu")
    VIEW = "view", _("Xem")
    OFFICE = "office", _("Văn phòng")


class UnitRole(models.Model):
    """A user's role on a unit; it covers the unit's whole subtree (committees/access.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="unit_roles"
    )
    unit = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="user_roles"
    )
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)

    # Who gave or took which role, and when (the people pages, docs/people.md).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân quyền theo đơn vị")
        verbose_name_plural = _("phân quyền theo đơn vị")
        ordering = ["user__username", "unit__code", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="unitrole_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit.code}"


class Account(models.Model):
    """What Django's user lacks: the unit an account belongs to and a forced password change.

    The people pages (committees/people.py) save it with a change reason on every change
    they make to an account, so its history says who created, edited, locked or reset
    which account and when; role changes are in UnitRole's own history.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="account"
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị công tác"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    must_change_password = models.BooleanField(_("phải đổi mật khẩu khi đăng nhập"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self):
        return str(self.user)


class Meeting(models.Model):
    """A committee meeting or conference; a joint conference has several committees.

    The period reviewed is kept as its code ("2024-H1") rather than a foreign key to
    indicators.Period, because committees must not depend on indicators (DESIGN.md,
    dependency direction); reports resolves the code.
    """

    committees = models.ManyToManyField(SteeringCommittee, verbose_name=_("ban chỉ đạo"), related_name="meetings")
    title = models.CharField(
        _("tên hội nghị"),
        max_length=400,
        help_text=_("Ví dụ: Hội nghị sơ kết công tác 6 tháng đầu năm, triển khai nhiệm vụ 6 tháng cuối năm 2024"),
    )
    held_on = models.DateField(_("ngày họp"))
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)
    chair_member = models.ForeignKey(
        Member,
        verbose_name=_("chủ trì (thành viên)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_meetings",
    )
    chair = models.CharField(
        _("chủ trì"),
        max_length=300,
        blank=True,
        help_text=_(
            "Họ tên, chức vụ người chủ trì khi không chọn thành viên, ví dụ: Tô Xuân Lợi, Phó Chủ tịch UBND huyện"
        ),
    )
    attendees = models.TextField(_("thành phần tham dự"), blank=True)
    period_code = models.CharField(
        _("kỳ sơ kết"), max_length=10, blank=True, help_text=_("Mã kỳ được sơ kết: 2024-H1, 2024-H2 hoặc 2024")
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("hội nghị, cuộc họp")
        verbose_name_plural = _("hội nghị, cuộc họp")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.title} ({self.held_on:%d/%m/%Y})"

    def clean(self):
        if self.period_code and not re.match(r"^[0-9]{4}(-H[12])?$", self.period_code):
            raise ValidationError({"period_code": _("Mã kỳ phải có dạng 2024-H1, 2024-H2 hoặc 2024.")})

    @property
    def chair_text(self):
        if self.chair:
            return self.chair
        if self.chair_member_id:
            member = self.chair_member
            return f"{member.name}, {member.position}" if member.position else member.name
        return ""


class ConclusionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")


OVERDUE_LABEL = _("Quá hạn")


class ConclusionQuerySet(models.QuerySet):
    def overdue(self, today=None):
        """Not done and past the due date: "quá hạn" is computed, never stored."""
        today = today or datetime.date.today()
        return self.exclude(status=ConclusionStatus.DONE).filter(due_on__lt=today)


class Conclusion(models.Model):
    """A conclusion of a meeting, followed up as a task until the next meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("hội nghị"), on_delete=models.CASCADE, related_name="conclusions"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung kết luận"))
    owner = models.CharField(
        _("cơ quan, người chủ trì thực hiện"),
        max_length=300,
        help_text=_("Ví dụ: Công an huyện; UBND các xã, thị trấn"),
    )
    due_on = models.DateField(_("thời hạn"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=ConclusionStatus.choices, default=ConclusionStatus.NOT_STARTED
    )
    follow_up = models.TextField(_("theo dõi, đôn đốc"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ConclusionQuerySet.as_manager()

    class Meta:
        verbose_name = _("kết luận")
        verbose_name_plural = _("kết luận")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.CheckConstraint(name="conclusion_status_known", condition=Q(status__in=ConclusionStatus.values)),
        ]

    def __str__(self):
        return self.text[:80]

    def is_overdue(self, today=None):
        today = today or datetime.date.today()
        return self.status != ConclusionStatus.DONE and self.due_on is not None and self.due_on < today

    def status_label(self, today=None):
        """Chưa thực hiện / Đang thực hiện / Hoàn thành, or Quá hạn when late and not done."""
        return str(OVERDUE_LABEL) if self.is_overdue(today) else str(self.get_status_display())

    def status_key(self, today=None):
        return "overdue" if self.is_overdue(today) else self.status
