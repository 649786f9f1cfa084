"""Forms of the entry, review, import and periods pages."""

import re

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from .models import IndicatorKind, Period
from .services import FIGURE_MAX, NOTE_JUMP_FACTOR, NOTE_JUMP_MIN, is_large_jump

_WHOLE = re.compile(r"-?\d+")
# "5.000" or "12,500": in Vietnamese writing the dot groups thousands (the figures file
# refuses such values for the same reason); Django's IntegerField would read "5.000" as 5.
_GROUPED = re.compile(r"-?\d{1,3}(?:[.,]\d{3})+")


class FigureField(forms.IntegerField):
    """A whole number typed by a person: digits only, no separators, no decimals."""

    def to_python(self, value):
        text = "" if value is None else str(value).strip()
        if text in self.empty_values:
            return None
        if _GROUPED.fullmatch(text):
            raise forms.ValidationError(
                _("“%(value)s” không rõ ràng: ghi số nguyên không dùng dấu chấm, dấu phẩy (ví dụ 1000)."),
                code="grouped",
                params={"value": text[:20]},
            )
        if not _WHOLE.fullmatch(text) or len(text) > 30:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


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


class ImportForm(forms.Form):
    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(
        label=_("Tệp số liệu (.csv hoặc .xlsx)"),
        error_messages={"required": _("Chọn tệp cần nhập."), "empty": _("Tệp trống.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn quá 5 MB."))
        return upload


class PeriodForm(forms.ModelForm):
    class Meta:
        model = Period
        fields = ["is_open", "deadline"]
        widgets = {"deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        labels = {"is_open": _("Đang mở nhập liệu"), "deadline": _("Hạn nhập số liệu")}


class AttachmentForm(forms.Form):
    """One file for a submission; its type and size are judged by services.attach_file."""

    file = forms.FileField(
        label=_("Báo cáo giấy đã ký hoặc ảnh chụp (PDF, JPEG, PNG)"),
        error_messages={"required": _("Chọn tệp cần đính kèm."), "empty": _("Tệp trống.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )
