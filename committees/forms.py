from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeUnit, Level, Role
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


class UnitCodeField(forms.CharField):
    """A unit typed or picked from a list (``<datalist>``: search by name or code).

    The list offers the units the manager may use; any existing unit is accepted here,
    and the service refuses those outside the manager's scope with a clear message.
    """

    def __init__(self, *args, choices=(), **kwargs):
        kwargs.setdefault("max_length", 250)
        super().__init__(*args, **kwargs)
        self.unit_choices = list(choices)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        code = value.split("—")[0].strip()
        unit = AdministrativeUnit.objects.filter(code=code).first()
        if unit is None:
            raise forms.ValidationError(_("Không có đơn vị mã %(code)s.") % {"code": code})
        return unit


def unit_label(unit):
    return f"{unit.code} — {unit.name}"


class _UnitListMixin:
    def set_units(self, units, list_id="unit-list"):
        self.unit_list = [unit_label(unit) for unit in units]
        self.unit_list_id = list_id
        for field in self.fields.values():
            if isinstance(field, UnitCodeField):
                field.widget.attrs.update({"list": list_id, "autocomplete": "off"})


class AccountCreateForm(_UnitListMixin, forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        help_text=_("Chữ không dấu, số và các ký tự . _ - @ ; ví dụ: congan.quanglam"),
    )
    full_name = forms.CharField(label=_("Họ tên hoặc tên đơn vị"), max_length=150)
    email = forms.EmailField(
        label=_("Thư điện tử"), required=False, help_text=_("Để người dùng tự lấy lại mật khẩu khi quên.")
    )
    unit = UnitCodeField(label=_("Đơn vị"), help_text=_("Gõ tên hoặc mã đơn vị rồi chọn trong danh sách."))
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)


class AccountEditForm(_UnitListMixin, forms.Form):
    full_name = forms.CharField(label=_("Họ tên hoặc tên đơn vị"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    unit = UnitCodeField(label=_("Đơn vị"))


class RoleGrantForm(_UnitListMixin, forms.Form):
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    unit = UnitCodeField(label=_("Tại đơn vị"), help_text=_("Quyền tại một đơn vị bao gồm các đơn vị trực thuộc."))
