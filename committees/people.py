"""Accounts and roles managed by office staff (the /people/ pages, docs/people.md).

Every function takes the acting ``user`` and asks committees/access.py whether they may
act; nothing is written when they may not (PeopleError, inside a transaction). Every
change to an account is saved on its Account with a change reason (django-simple-history
keeps who and when); roles have their own history.
"""

import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import access
from .errors import ServiceError
from .models import Account, AdministrativeUnit, Role, UnitRole

# Letters and digits that cannot be mistaken for one another when read out on the phone.
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
# The session flag that PasswordChangeRequiredMiddleware reads (set at login).
MUST_CHANGE_KEY = "_damha_must_change_password"


class PeopleError(ServiceError):
    """A change to an account or a role that is refused; ``messages`` say why. Views show
    refusals of scope (the manager's own rights) as 403 with the reason."""


def temporary_password():
    """Four groups of four characters (19 in all): long enough for every validator."""
    return "-".join("".join(secrets.choice(_ALPHABET) for _i in range(4)) for _g in range(4))


def _account(target):
    """The target's Account, unsaved when it has none yet (_record saves it once)."""
    return Account.objects.filter(user=target).first() or Account(user=target)


def _record(account, manager, reason):
    """One history row on the account: who did what (the change reason)."""
    account._history_user = manager if manager is not None and manager.is_authenticated else None
    account._change_reason = reason[:100]
    account.save()


def _require_manageable(manager, target):
    home = Account.objects.filter(user=target).select_related("unit__parent__parent__parent").first()
    refusal = access.manage_refusal(manager, target, home_unit=home.unit if home else None)
    if refusal:
        raise PeopleError(refusal)


def _require_grantable(manager, unit, role):
    if role not in Role.values:
        raise PeopleError(_("Vai trò không hợp lệ."))
    unit = access.unit_query().get(pk=unit.pk)
    if not access.can_grant(manager, unit):
        raise PeopleError(
            _("Không thể giao quyền tại %(unit)s: đơn vị này ngoài phạm vi quản lý của bạn.") % {"unit": unit.name}
        )
    return unit


@transaction.atomic
def create_account(*, user, username, full_name, email, unit, role):
    """A new account of ``unit`` with ``role`` on it and a temporary password to change at first login.

    Returns (the new user, the temporary password) — the password is shown once to the
    manager and never stored in clear.
    """
    access.require_people_manager(user)
    unit = _require_grantable(user, unit, role)
    User = get_user_model()
    username = (username or "").strip()
    errors = []
    try:
        User.username_validator(username)
    except ValidationError as error:
        errors += error.messages
    if User.objects.filter(username__iexact=username).exists():
        errors.append(_("Tên đăng nhập %(username)s đã có người dùng.") % {"username": username})
    if errors:
        raise PeopleError(errors)
    password = temporary_password()
    target = User(username=username, first_name=(full_name or "").strip()[:150], email=(email or "").strip())
    target.set_password(password)
    target.save()
    account = Account(user=target, unit=unit, must_change_password=True)
    _record(account, user, _("Tạo tài khoản"))
    _grant(user, target, unit, role)
    return target, password


@transaction.atomic
def update_account(*, user, target, full_name, email, unit):
    _require_manageable(user, target)
    unit = _require_grantable(user, unit, Role.VIEW)
    changes = []
    full_name, email = (full_name or "").strip()[:150], (email or "").strip()
    if target.first_name != full_name:
        changes.append(_("họ tên"))
    if target.email != email:
        changes.append(_("thư điện tử"))
    account = _account(target)
    if account.unit_id != unit.pk:
        changes.append(_("đơn vị"))
        account.unit = unit
    if not changes:
        return False
    target.first_name, target.email = full_name, email
    target.save(update_fields=["first_name", "email"])
    _record(account, user, _("Sửa thông tin: %(fields)s") % {"fields": ", ".join(changes)})
    return True


@transaction.atomic
def set_active(*, user, target, active):
    _require_manageable(user, target)
    if target.is_active == active:
        return
    target.is_active = active
    target.save(update_fields=["is_active"])
    _record(_account(target), user, _("Mở khóa tài khoản") if active else _("Khóa tài khoản"))


@transaction.atomic
def reset_password(*, user, target):
    """A new temporary password (returned once); the owner must change it at next login."""
    _require_manageable(user, target)
    password = temporary_password()
    try:
        password_validation.validate_password(password, target)
    except ValidationError:  # pragma: no cover - 19 random characters pass every validator
        password = temporary_password()
    target.set_password(password)
    target.save(update_fields=["password"])
    account = _account(target)
    account.must_change_password = True
    _record(account, user, _("Đặt lại mật khẩu (mật khẩu tạm thời)"))
    return password


def _grant(manager, target, unit, role):
    role_row = UnitRole(user=target, unit=unit, role=role)
    role_row._history_user = manager if manager.is_authenticated else None
    role_row._change_reason = _("Giao quyền")
    role_row.save()
    return role_row


@transaction.atomic
def grant_role(*, user, target, unit, role):
    _require_manageable(user, target)
    unit = _require_grantable(user, unit, role)
    if UnitRole.objects.filter(user=target, unit=unit, role=role).exists():
        raise PeopleError(_("Tài khoản đã có quyền này tại đơn vị đó."))
    return _grant(user, target, unit, role)


@transaction.atomic
def revoke_role(*, user, target, role_id):
    _require_manageable(user, target)
    role_row = UnitRole.objects.filter(pk=role_id, user=target).first()
    if role_row is None:
        raise PeopleError(_("Không có quyền này."))
    _require_grantable(user, role_row.unit, role_row.role)
    role_row._history_user = user
    role_row._change_reason = _("Thu hồi quyền")
    role_row.delete()


@transaction.atomic
def move_roles(*, user, role_ids, successor):
    """Move roles held on units that ended to their successor (after a unit change).

    Each role's user must be manageable and both units inside the manager's scope; a
    role the user already holds on the successor is simply removed from the old unit.
    """
    successor = access.unit_query().get(pk=successor.pk)
    roles = list(UnitRole.objects.filter(pk__in=role_ids).select_related("user", "unit__parent__parent__parent"))
    if not roles:
        raise PeopleError(_("Chưa chọn quyền nào để chuyển."))
    errors = []
    for role_row in roles:
        refusal = access.manage_refusal(user, role_row.user)
        if refusal is None and not (access.can_grant(user, role_row.unit) and access.can_grant(user, successor)):
            refusal = _("Không thể giao quyền tại %(unit)s: đơn vị này ngoài phạm vi quản lý của bạn.") % {
                "unit": successor.name
            }
        if refusal:
            errors.append(f"{role_row.user}: {refusal}")
    if errors:
        raise PeopleError(errors)
    moved = 0
    for role_row in roles:
        if not UnitRole.objects.filter(user=role_row.user, unit=successor, role=role_row.role).exists():
            new_row = UnitRole(user=role_row.user, unit=successor, role=role_row.role)
            new_row._history_user = user
            new_row._change_reason = _("Chuyển quyền từ %(code)s") % {"code": role_row.unit.code}
            new_row.save()
            moved += 1
        role_row._history_user = user
        role_row._change_reason = _("Chuyển quyền sang %(code)s") % {"code": successor.code}
        role_row.delete()
    return moved


def manageable_units(user, day):
    """Units where ``user`` may give roles, valid on ``day``, in Vietnamese order."""
    return (
        AdministrativeUnit.objects.filter(access.subtree_q(user, access.PEOPLE_ROLES, field=None))
        .valid_on(day)
        .by_name()
    )


def flag_forced_change(sender, request, user, **kwargs):
    """On login (``user_logged_in``): remember in the session that the password must change."""
    if request is None or not hasattr(request, "session"):
        return
    if Account.objects.filter(user=user, must_change_password=True).exists():
        request.session[MUST_CHANGE_KEY] = True
    else:
        request.session.pop(MUST_CHANGE_KEY, None)


def password_changed(*, user, reason, request=None):
    """The owner chose their own password (``reason`` says how): recorded in the account's
    history, and a forced change is done."""
    account = _account(user)
    account.must_change_password = False
    _record(account, user, reason)
    if request is not None and hasattr(request, "session"):
        request.session.pop(MUST_CHANGE_KEY, None)
