"""Forms for report documents, meetings and conclusions (crispy, Vietnamese labels)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from committees.access import REPORT_EDIT_ROLES, subtree_q
from committees.models import AdministrativeUnit, Conclusion, ConclusionStatus, Meeting, Member, SteeringCommittee
from indicators.models import Period

from .models import ReportDocument
from .services import EDITABLE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def office_committees(user):
    return SteeringCommittee.objects.filter(subtree_q(user, REPORT_EDIT_ROLES)).select_related("unit")


def office_meetings(user):
    return (
        Meeting.objects.filter(subtree_q(user, REPORT_EDIT_ROLES, field="committees__unit"))
        .distinct()
        .order_by("-held_on")
    )


class ReportCreateForm(forms.Form):
    committee = forms.ModelChoiceField(
        label=_("Ban chỉ đạo"), queryset=SteeringCommittee.objects.none(), empty_label=_("— Chọn ban chỉ đạo —")
    )
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"),
        queryset=AdministrativeUnit.objects.none(),
        required=False,
        empty_label=_("— Đơn vị của ban chỉ đạo —"),
        help_text=_("Để trống: số liệu của đơn vị mà ban chỉ đạo phụ trách."),
    )
    period = forms.ModelChoiceField(
        label=_("Kỳ báo cáo"), queryset=Period.objects.order_by("-year", "half"), empty_label=_("— Chọn kỳ —")
    )
    meeting = forms.ModelChoiceField(
        label=_("Hội nghị"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=_("— Không gắn với hội nghị —"),
        help_text=_("Các kết luận của hội nghị được đưa vào mục IV (phương hướng, nhiệm vụ)."),
    )
    number = forms.CharField(
        label=_("Số, ký hiệu"), max_length=60, required=False, help_text=_("Ví dụ: 15/BC-BCĐ; có thể nhập sau.")
    )
    issued_on = forms.DateField(
        label=_("Ngày ban hành"),
        required=False,
        widget=DateInput(),
        help_text=_("Để trống: ngày họp, hoặc hôm nay nếu không gắn với hội nghị."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = office_committees(user)
        self.fields["unit"].queryset = AdministrativeUnit.objects.filter(
            subtree_q(user, REPORT_EDIT_ROLES, field=None)
        ).by_name()
        self.fields["meeting"].queryset = office_meetings(user)

    def clean(self):
        data = super().clean()
        committee, meeting = data.get("committee"), data.get("meeting")
        if committee and meeting and not meeting.committees.filter(pk=committee.pk).exists():
            self.add_error("meeting", _("Hội nghị này không phải của ban chỉ đạo đã chọn."))
        return data


class ReportEditForm(forms.ModelForm):
    class Meta:
        model = ReportDocument
        fields = EDITABLE_FIELDS
        widgets = {
            "issued_on": DateInput(),
            "situation": forms.Textarea(attrs={"rows": 6}),
            "results": forms.Textarea(attrs={"rows": 14}),
            "assessment": forms.Textarea(attrs={"rows": 6}),
            "directions": forms.Textarea(attrs={"rows": 8}),
            "proposals": forms.Textarea(attrs={"rows": 4}),
            "recipients": forms.Textarea(attrs={"rows": 5}),
            "signature_authority": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "situation": _("Mỗi dòng là một đoạn văn."),
            "results": _("Được điền sẵn từ số liệu; mỗi dòng là một đoạn văn."),
        }


class MeetingForm(forms.ModelForm):
    period_code = forms.ChoiceField(label=_("Kỳ sơ kết"), required=False)

    class Meta:
        model = Meeting
        fields = ["committees", "title", "held_on", "place", "chair_member", "chair", "attendees", "period_code"]
        widgets = {
            "held_on": DateInput(),
            "committees": forms.CheckboxSelectMultiple,
            "attendees": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        committees = office_committees(user)
        self.fields["committees"].queryset = committees
        self.fields["committees"].help_text = _("Hội nghị liên tịch: chọn nhiều ban chỉ đạo.")
        self.fields["chair_member"].queryset = Member.objects.filter(committee__in=committees).select_related(
            "committee"
        )
        self.fields["period_code"].choices = [("", _("— Không —"))] + [
            (p.code, p.label) for p in Period.objects.order_by("-year", "half")
        ]

    def clean(self):
        data = super().clean()
        if not data.get("chair_member") and not (data.get("chair") or "").strip():
            self.add_error("chair", _("Cần chọn thành viên chủ trì hoặc nhập họ tên, chức vụ người chủ trì."))
        return data


class ConclusionForm(forms.ModelForm):
    class Meta:
        model = Conclusion
        fields = ["text", "owner", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "due_on": DateInput()}


class ConclusionUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=ConclusionStatus.choices)
    follow_up = forms.CharField(label=_("Theo dõi, đôn đốc"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(forms.Form):
    """/verify/: a verification code, or the PDF itself (form field ``document``)."""

    code = forms.CharField(
        label=_("Mã xác thực"),
        required=False,
        max_length=40,
        help_text=_('In dưới mục "Nơi nhận" của văn bản, ví dụ: K3QF-9T2M-XW4A.'),
    )
    document = forms.FileField(
        label=_("Hoặc tải lên tệp PDF đã nhận"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )

    def __init__(self, *args, max_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if not upload:
            return None
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                _("Tệp quá lớn: tối đa %(size)d MB.") % {"size": self.max_bytes // (1024 * 1024)}
            )
        data = upload.read()
        if not data.startswith(b"%PDF-"):
            raise forms.ValidationError(_("Tệp tải lên không phải là tệp PDF."))
        return data

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("code", "").strip() and not cleaned.get("document"):
            raise forms.ValidationError(_("Hãy nhập mã xác thực hoặc chọn tệp PDF cần kiểm tra."))
        return cleaned
