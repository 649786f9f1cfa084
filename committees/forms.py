from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import AdministrativeUnit, Level, Role
from .services import ChangeKind, NewUnit


def _unit_choice(unit):
    parent = f" — {unit.parent.name}" if unit.parent_id else ""
    return (unit.code, f"{unit.name} ({unit.code}){parent}")


class UnitChangeForm(forms.Form):
    """The guided unit change: units picked from lists, then a preview, then confirm."""

    kind = forms.ChoiceField(label=_("Loại thay đổi"), choices=ChangeKind.CHOICES)
    effective_on = forms.DateField(
        label=_("Ngày có hiệu lực"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Các đơn vị cũ kết thúc vào ngày hôm trước; đơn vị mới bắt đầu từ ngày này."),
    )
    basis = forms.CharField(
        label=_("Căn cứ pháp lý"), max_length=300, help_text=_("Ví dụ: Nghị quyết số 1679/NQ-UBTVQH15 ngày 16/6/2025")
    )
    predecessors = forms.MultipleChoiceField(
        label=_("Các đơn vị cũ"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Gõ tên hoặc mã vào ô lọc để tìm nhanh."),
    )
    new_code = forms.CharField(
        label=_("Mã đơn vị mới"),
        required=False,
        max_length=20,
        help_text=_("Dùng lại mã chính thức của đơn vị cũ thì thêm hậu tố năm, ví dụ 06913-2025."),
    )
    new_unit_name = forms.CharField(label=_("Tên đơn vị mới"), required=False, max_length=200)
    new_code_2 = forms.CharField(label=_("Mã đơn vị mới thứ hai (chia tách)"), required=False, max_length=20)
    new_unit_name_2 = forms.CharField(label=_("Tên đơn vị mới thứ hai"), required=False, max_length=200)
    parent = forms.ChoiceField(
        label=_("Đơn vị cấp trên của đơn vị mới"),
        required=False,
        help_text=_("Để trống: giữ đơn vị cấp trên của đơn vị cũ."),
    )
    level = forms.ChoiceField(label=_("Cấp của đơn vị mới"), choices=[("", "—"), *Level.choices], required=False)
    kind_label = forms.CharField(label=_("Loại đơn vị mới (xã, phường, thị trấn…)"), required=False, max_length=30)
    existing_successor = forms.ChoiceField(
        label=_("Hoặc: sáp nhập vào đơn vị đã có"),
        required=False,
        help_text=_("Khi sáp nhập vào một đơn vị tiếp tục tồn tại."),
    )
    new_name = forms.CharField(label=_("Tên mới (khi đổi tên)"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        in_force = list(AdministrativeUnit.objects.filter(valid_to__isnull=True).select_related("parent").by_name())
        self.fields["predecessors"].choices = [_unit_choice(u) for u in in_force]
        self.fields["existing_successor"].choices = [("", "—"), *[_unit_choice(u) for u in in_force]]
        self.fields["parent"].choices = [
            ("", "—"),
            *[_unit_choice(u) for u in in_force if u.level != Level.COMMUNE],
        ]

    def change_arguments(self):
        data = self.cleaned_data
        successors = [
            NewUnit(
                code=code.strip(),
                name=name.strip(),
                parent_code=data["parent"] or None,
                level=data["level"] or None,
                kind=data["kind_label"] or None,
            )
            for code, name in ((data["new_code"], data["new_unit_name"]), (data["new_code_2"], data["new_unit_name_2"]))
            if code.strip() or name.strip()
        ]
        return {
            "kind": data["kind"],
            "effective_on": data["effective_on"],
            "basis": data["basis"],
            "predecessor_codes": data["predecessors"],
            "successors": successors,
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
    """Shown on the account page beside AccountEditForm: its own ids (no duplicate ``id_unit``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "grant_%s")
        super().__init__(*args, **kwargs)

    def set_units(self, units, list_id="grant-unit-list"):
        super().set_units(units, list_id)

    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    unit = UnitCodeField(label=_("Tại đơn vị"), help_text=_("Quyền tại một đơn vị bao gồm các đơn vị trực thuộc."))


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
