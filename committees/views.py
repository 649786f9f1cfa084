import datetime

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, people, selectors
from .access import navigation_for
from .forms import AccountCreateForm, AccountEditForm, RoleGrantForm, UnitChangeForm
from .models import UnitRole
from .services import UnitChangeError, preview_change, record_change


@staff_member_required
def unit_change(request):
    """Administrators record a merger, split, move, rename or dissolution of units in
    three steps: pick the units from lists, preview the tree after the change and what it
    leaves behind (roles, targets, open submissions), confirm."""
    result = preview = None
    form = UnitChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        arguments = form.change_arguments()
        try:
            if request.POST.get("action") == "confirm":
                result = record_change(**arguments)
            else:
                preview = preview_change(**arguments)
        except UnitChangeError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if result is not None:
                messages.success(request, _("Đã ghi nhận thay đổi đơn vị hành chính."))
                form = UnitChangeForm()
    ended_with_roles = sorted({role.unit for role in result.roles_to_move}, key=lambda u: u.code) if result else []
    return render(
        request,
        "committees/unit_change.html",
        {"form": form, "result": result, "preview": preview, "ended_with_roles": ended_with_roles},
    )


# ------------------------------------------------------------------ people and roles


def _manager(request):
    access.require_people_manager(request.user)
    return request.user


def _with_units(form, user):
    form.set_units(people.manageable_units(user, datetime.date.today()))
    return form


@login_required
def people_list(request):
    user = _manager(request)
    query = request.GET.get("q", "")
    rows = selectors.people_for(user, query)
    return render(request, "committees/people_list.html", {"rows": rows, "query": query})


@login_required
def person_create(request):
    user = _manager(request)
    form = _with_units(AccountCreateForm(request.POST or None), user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person, password = people.create_account(
                user=user,
                username=data["username"],
                full_name=data["full_name"],
                email=data["email"],
                unit=data["unit"],
                role=data["role"],
            )
        except people.PeopleError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã tạo tài khoản %(username)s.") % {"username": person.username})
            return _person_page(request, person.pk, temporary_password=password)
    return render(request, "committees/person_create.html", {"form": form})


def _person_page(request, pk, *, form=None, role_form=None, temporary_password=None, status=200):
    user = request.user
    row = selectors.person_for(user, pk)
    person = row.user
    if form is None:
        initial = {
            "full_name": person.first_name,
            "email": person.email,
            "unit": f"{row.unit.code} — {row.unit.name}" if row.unit else "",
        }
        form = AccountEditForm(initial=initial)
    context = {
        "row": row,
        "person": person,
        "form": _with_units(form, user),
        "role_form": _with_units(role_form or RoleGrantForm(), user),
        "history": selectors.account_history(person),
        "temporary_password": temporary_password,
    }
    return render(request, "committees/person_detail.html", context, status=status)


@login_required
def person_detail(request, pk):
    user = _manager(request)
    if request.method != "POST":
        return _person_page(request, pk)
    row = selectors.person_for(user, pk)
    form = AccountEditForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            changed = people.update_account(
                user=user, target=row.user, full_name=data["full_name"], email=data["email"], unit=data["unit"]
            )
        except people.PeopleError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Đã lưu.") if changed else _("Không có gì thay đổi."))
            return redirect("committees:person_detail", pk=pk)
    return _person_page(request, pk, form=form, status=400)


def _act(request, pk, action, success):
    """Run one people service on the account; a refusal is a 403 with the reason."""
    user = _manager(request)
    row = selectors.person_for(user, pk)
    try:
        result = action(user, row.user)
    except people.PeopleError as error:
        raise PermissionDenied(" ".join(error.messages)) from None
    if success:
        messages.success(request, success)
    return result


@login_required
@require_POST
def person_password(request, pk):
    password = _act(request, pk, lambda user, target: people.reset_password(user=user, target=target), None)
    messages.success(
        request,
        _("Đã đặt mật khẩu tạm thời. Hãy báo cho người dùng; họ phải đổi mật khẩu ngay khi đăng nhập."),
    )
    return _person_page(request, pk, temporary_password=password)


@login_required
@require_POST
def person_active(request, pk):
    active = request.POST.get("active") == "1"
    _act(
        request,
        pk,
        lambda user, target: people.set_active(user=user, target=target, active=active),
        _("Đã mở khóa tài khoản.") if active else _("Đã khóa tài khoản: người dùng không đăng nhập được nữa."),
    )
    return redirect("committees:person_detail", pk=pk)


@login_required
@require_POST
def person_role_add(request, pk):
    user = _manager(request)
    row = selectors.person_for(user, pk)
    form = RoleGrantForm(request.POST)
    if form.is_valid():
        try:
            people.grant_role(
                user=user, target=row.user, unit=form.cleaned_data["unit"], role=form.cleaned_data["role"]
            )
        except people.PeopleError as error:
            for message in error.messages:
                form.add_error(None, message)
            return _person_page(request, pk, role_form=form, status=403)
        messages.success(request, _("Đã giao quyền."))
        return redirect("committees:person_detail", pk=pk)
    return _person_page(request, pk, role_form=form, status=400)


@login_required
@require_POST
def person_role_remove(request, pk, role_pk):
    _act(
        request,
        pk,
        lambda user, target: people.revoke_role(user=user, target=target, role_id=role_pk),
        _("Đã thu hồi quyền."),
    )
    return redirect("committees:person_detail", pk=pk)


# ------------------------------------------------------------------ own password


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own page; a forced change (temporary password) ends here."""

    success_url = reverse_lazy("password_change_done")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["must_change"] = bool(self.request.session.get(people.MUST_CHANGE_KEY))
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        people.password_changed(user=form.user, request=self.request, reason=_("Tự đổi mật khẩu"))
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The e-mailed link: the owner chooses a password, so no forced change is left."""

    def form_valid(self, form):
        response = super().form_valid(form)
        people.password_changed(user=form.user, reason=_("Đặt lại mật khẩu qua thư điện tử"))
        return response


@login_required
def unit_roles_move(request, unit_code):
    """Offered after a unit change: move the roles still held on an ended unit to its successor."""
    user = _manager(request)
    unit = get_object_or_404(access.unit_query(), code=unit_code)
    if not access.can_grant(user, unit):
        # Who holds which role on a unit is not shown outside the manager's scope.
        raise PermissionDenied(
            _("Không thể giao quyền tại %(unit)s: đơn vị này ngoài phạm vi quản lý của bạn.") % {"unit": unit.name}
        )
    roles = list(UnitRole.objects.filter(unit=unit).select_related("user").order_by("user__username", "role"))
    targets = selectors.move_targets(unit)
    error = None
    if request.method == "POST":
        successor = next((t for t in targets if t.code == request.POST.get("successor")), None)
        chosen = [int(pk) for pk in request.POST.getlist("roles") if pk.isdigit()]
        if successor is None:
            error = _("Hãy chọn đơn vị nhận quyền.")
        else:
            try:
                moved = people.move_roles(
                    user=user, role_ids=[r.pk for r in roles if r.pk in chosen], successor=successor
                )
            except people.PeopleError as refusal:
                error = " ".join(refusal.messages)
            else:
                messages.success(
                    request, _("Đã chuyển %(count)d quyền sang %(unit)s.") % {"count": moved, "unit": successor.name}
                )
                return redirect("committees:unit_roles_move", unit_code=unit.code)
    return render(
        request,
        "committees/unit_roles_move.html",
        {"unit": unit, "roles": roles, "targets": targets, "error": error},
        status=403 if error and request.method == "POST" and "phạm vi" in error else 200,
    )


@login_required
def help_page(request):
    """ "Hướng dẫn sử dụng": a short guide per role, the user's own roles first."""
    return render(request, "help.html", {"nav": navigation_for(request.user)})
