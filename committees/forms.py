from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import Level
from .services import ChangeKind, NewUnit


class UnitChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại thay đổi"), choices=ChangeKind.CHOICES)
    effective_on = forms.DateField(
        label=_("Ngày có hiệu lực"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Các đơn vị cũ kết thúc vào ngày hôm trước; đơn vị mới bắt đầu từ ngày này."),
    )
    basis = forms.CharField(
        label=_("Căn cứ pháp lý"), max_length=300, help_text=_("Ví dụ: Nghị quyết số 1679/NQ-UBTVQH15 ngày 16/6/2025")
    )
    predecessors = forms.CharField(
        label=_("Mã các đơn vị cũ"), help_text=_("Cách nhau bằng dấu phẩy, ví dụ: 06901, 06910, 06898, 06913")
    )
    successors = forms.CharField(
        label=_("Đơn vị mới"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một đơn vị: mã | tên | mã đơn vị cấp trên. Ví dụ: 06913-2025 | Xã Quảng Tân | 22"),
    )
    existing_successor = forms.CharField(
        label=_("Hoặc: mã đơn vị kế thừa đã có"),
        required=False,
        help_text=_("Khi sáp nhập vào một đơn vị tiếp tục tồn tại."),
    )
    level = forms.ChoiceField(label=_("Cấp của đơn vị mới"), choices=[("", "—"), *Level.choices], required=False)
    kind_label = forms.CharField(label=_("Loại đơn vị mới (xã, phường, thị trấn…)"), required=False, max_length=30)
    new_name = forms.CharField(label=_("Tên mới (khi đổi tên)"), required=False, max_length=200)

    def clean_predecessors(self):
        return [code.strip() for code in self.cleaned_data["predecessors"].split(",") if code.strip()]

    def clean_successors(self):
        units = []
        for number, line in enumerate(self.cleaned_data["successors"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) not in (2, 3) or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    _("Dòng %(line)d: cần 'mã | tên | mã cấp trên' (mã cấp trên có thể bỏ trống).") % {"line": number}
                )
            units.append(
                NewUnit(code=parts[0], name=parts[1], parent_code=parts[2] if len(parts) == 3 and parts[2] else None)
            )
        return units

    def change_arguments(self):
        data = self.cleaned_data
        for unit in data["successors"]:
            unit.level = data["level"] or None
            unit.kind = data["kind_label"] or None
        return {
            "kind": data["kind"],
            "effective_on": data["effective_on"],
            "basis": data["basis"],
            "predecessor_codes": data["predecessors"],
            "successors": data["successors"],
            "existing_successor_code": data["existing_successor"] or None,
            "new_name": data["new_name"] or None,
        }


class _BoundedUsername:
    """Django's login forms set the username's max_length without its validator, so a
    100,000-character "username" reached authenticate() and django-axes, whose
    AccessAttempt column (255 characters) made PostgreSQL answer 500 (issue 17): the length
    is checked first, and such a form never authenticates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length or 150))


class LoginForm(_BoundedUsername, AuthenticationForm):
    pass


class AdminLoginForm(_BoundedUsername, AdminAuthenticationForm):
    pass
