"""Forms of the entry, review, import and periods pages."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from committees import access
from committees.models import AdministrativeUnit, Plan

from .models import IndicatorKind, Period
from .numbers import FigureValueError, parse_figure
from .services import FIGURE_MAX, NOTE_JUMP_FACTOR, NOTE_JUMP_MIN, is_large_jump


class FigureField(forms.IntegerField):
    """A whole number typed by a person, read by the same parser as the figures file
    (indicators/numbers.py): digits 0–9 only, no separators, signs, decimals or exponents."""

    def to_python(self, value):
        try:
            return parse_figure(value)
        except FigureValueError as exc:
            raise forms.ValidationError(capfirst(exc.message), code=exc.code) from None


VALUE_PREFIX = "v_"
NOTE_PREFIX = "n_"


class EntryForm(forms.Form):
    """Every indicator entered at a unit's level: a value and a note each, plus the version."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, indicators, previous=None, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.previous = previous or {}
        self.submitting = submitting
        for indicator in self.indicators:
            label = f"{indicator.name} ({indicator.measure})"
            if indicator.kind == IndicatorKind.YES_NO:
                field = forms.TypedChoiceField(
                    label=label,
                    required=False,
                    choices=[("", _("— chưa nhập —")), ("1", _("Có")), ("0", _("Không"))],
                    coerce=int,
                    empty_value=None,
                    error_messages={"invalid_choice": _("Chọn Có hoặc Không.")},
                )
            else:
                field = FigureField(
                    label=label,
                    required=False,
                    min_value=0,
                    max_value=FIGURE_MAX,
                    widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "0", "step": "1"}),
                    error_messages={
                        "invalid": _("Nhập số nguyên từ 0 trở lên, không có phần lẻ."),
                        "min_value": _("Số liệu không được âm."),
                        "max_value": _("Số liệu quá lớn (tối đa %(limit_value)s)."),
                    },
                )
            self.fields[VALUE_PREFIX + indicator.code] = field
            note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)
            # Django's own message for this one is not translated into Vietnamese.
            note.validators = [v for v in note.validators if not isinstance(v, ProhibitNullCharactersValidator)]
            note.validators.append(ProhibitNullCharactersValidator(message=_("Ghi chú có ký tự không hợp lệ (NUL).")))
            self.fields[NOTE_PREFIX + indicator.code] = note

    def value_field(self, indicator):
        return self[VALUE_PREFIX + indicator.code]

    def note_field(self, indicator):
        return self[NOTE_PREFIX + indicator.code]

    def clean(self):
        cleaned = super().clean()
        for indicator in self.indicators:
            value_name, note_name = VALUE_PREFIX + indicator.code, NOTE_PREFIX + indicator.code
            if value_name in self.errors:
                continue
            value = cleaned.get(value_name)
            note = (cleaned.get(note_name) or "").strip()
            if value is None and self.submitting:
                self.add_error(value_name, _("Cần nhập số liệu này trước khi gửi báo cáo."))
            previous = self.previous.get(indicator.pk)
            if is_large_jump(previous, value) and not note and note_name not in self.errors:
                self.add_error(
                    note_name,
                    _(
                        "Số liệu tăng mạnh so với kỳ trước (%(before)s → %(now)s, hơn %(factor)d lần và hơn "
                        "%(min)d đơn vị): cần ghi chú giải thích."
                    )
                    % {"before": previous, "now": value, "factor": NOTE_JUMP_FACTOR, "min": NOTE_JUMP_MIN},
                )
        return cleaned

    def values(self):
        """{indicator code: (value, note)} for services.save_figures."""
        return {
            indicator.code: (
                self.cleaned_data.get(VALUE_PREFIX + indicator.code),
                self.cleaned_data.get(NOTE_PREFIX + indicator.code, ""),
            )
            for indicator in self.indicators
        }


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ReasonForm(VersionForm):
    reason = forms.CharField(
        label=_("Lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Cần ghi lý do.")},
    )


def _upload_field(label, endings):
    return forms.FileField(
        label=label,
        error_messages={"required": _("Chọn tệp cần nhập."), "empty": _("Tệp trống.")},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(endings)}),
    )


class UploadForm(forms.Form):
    """A file to import (figures, targets): one of ``ENDINGS`` (else ``WRONG_ENDING``), at most 5 MB."""

    MAX_BYTES = 5 * 1024 * 1024
    ENDINGS = ()
    WRONG_ENDING = ""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(self.ENDINGS):
            raise forms.ValidationError(self.WRONG_ENDING)
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn quá 5 MB."))
        return upload


class ImportForm(UploadForm):
    ENDINGS = (".csv", ".xlsx")
    WRONG_ENDING = _("Chỉ nhận tệp .csv hoặc .xlsx.")
    file = _upload_field(_("Tệp số liệu (.csv hoặc .xlsx)"), ENDINGS)


class PeriodForm(forms.Form):
    """A period's opening and deadline, for everyone (superusers) or for one unit's subtree."""

    is_open = forms.BooleanField(label=_("Đang mở nhập liệu"), required=False)
    deadline = forms.DateField(
        label=_("Hạn nhập số liệu"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class LockExceptionForm(forms.Form):
    """Reopen one unit for one half-year (a lock exception): the units of the user's scope."""

    period = forms.ModelChoiceField(label=_("Kỳ"), queryset=Period.objects.none(), to_field_name="code")
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=AdministrativeUnit.objects.none(), to_field_name="code")
    reason = forms.CharField(label=_("Lý do"), max_length=300, error_messages={"required": _("Cần ghi lý do.")})

    def __init__(self, *args, scope, periods, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = Period.objects.filter(pk__in=[period.pk for period in periods]).order_by(
            "-year", "-half"
        )
        # Units that no longer exist still have their past periods to correct.
        units = AdministrativeUnit.objects.all()
        if scope is not None:
            units = units.filter(Q(pk=scope.pk) | Q(parent=scope) | Q(parent__parent=scope))
        else:
            units = units.filter(access.subtree_q(user, access.REOPEN_ROLES, field=None))
        self.fields["unit"].queryset = units.order_by("level_rank", "code")


# --- Plans and targets (issue 14) ----------------------------------------------------------


class PlanForm(forms.ModelForm):
    """A plan's particulars, its unit (whose office keeps it) and an optional scan."""

    scan = forms.FileField(
        label=_("Bản scan văn bản đã ký (PDF, tối đa 10 MB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
    )
    remove_scan = forms.BooleanField(label=_("Xóa bản scan hiện có"), required=False)

    class Meta:
        model = Plan
        fields = ["number", "issued_on", "issuer", "title", "unit"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = access.unit_query().filter(access.subtree_q(user, access.TARGET_ROLES, field=None)).ordered()
        self.fields["unit"].queryset = units
        self.fields["unit"].required = not user.is_superuser
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.name} ({unit.code})"
        if not user.is_superuser:
            self.fields["unit"].empty_label = None
        self.fields["unit"].help_text = _("Văn phòng của đơn vị này quản lý văn bản và các chỉ tiêu văn bản giao.")

    def scan_upload(self):
        upload = self.cleaned_data.get("scan")
        return (upload.read(), upload.name) if upload else None


class TargetReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do thay đổi"),
        max_length=100,
        help_text=_("Ví dụ: Giao chỉ tiêu năm 2025 theo Kế hoạch số 30/KH-BCĐ."),
        error_messages={
            "required": _("Cần ghi lý do thay đổi."),
            "max_length": _("Lý do dài quá %(limit_value)d ký tự."),
        },
    )


class TargetUploadForm(TargetReasonForm, UploadForm):
    ENDINGS = (".xlsx",)
    WRONG_ENDING = _("Chỉ nhận tệp Excel .xlsx tải về từ trang chỉ tiêu.")
    file = _upload_field(_("Tệp chỉ tiêu (.xlsx)"), ENDINGS)


class AttachmentForm(forms.Form):
    """One file for a submission; its type and size are judged by services.attach_file."""

    file = forms.FileField(
        label=_("Báo cáo giấy đã ký hoặc ảnh chụp (PDF, JPEG, PNG)"),
        error_messages={"required": _("Chọn tệp cần đính kèm."), "empty": _("Tệp trống.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )
