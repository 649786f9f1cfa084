"""The one place that decides who may see or change what.

A role held on a unit covers the unit's whole subtree. Superusers see and may do
everything. Every view, the API and the importers ask here; nothing else checks roles.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import AdministrativeUnit, Role, UnitRole

# Roles that allow reading a unit's figures and dashboards.
READ_ROLES = (Role.ENTRY, Role.REVIEW, Role.VIEW, Role.OFFICE)
# Roles that allow loading figures from a file (DESIGN.md, figures file).
IMPORT_ROLES = (Role.ENTRY, Role.REVIEW, Role.OFFICE)
# Report documents and meetings: office staff prepare them; leaders and the standing
# agency read them; commune entry users have no access (issue 5).
REPORT_READ_ROLES = (Role.REVIEW, Role.VIEW, Role.OFFICE)
REPORT_EDIT_ROLES = (Role.OFFICE,)
# The dated tree is at most province → district → commune (plus one spare level).
_TREE_DEPTH = 4

_CACHE_ATTR = "_damha_unit_roles"


def _roles(user):
    """{unit_id: {role, ...}} for the user, memoised on the user object (one query)."""
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = {}
        for unit_id, role in UnitRole.objects.filter(user=user).values_list("unit_id", "role"):
            cached.setdefault(unit_id, set()).add(role)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def lineage_ids(unit):
    """The unit's id and its ancestors' ids (walks ``parent``; fetch with select_related)."""
    ids, node = [], unit
    while node is not None:
        ids.append(node.pk)
        node = node.parent
    return ids


def has_role(user, unit, roles=READ_ROLES):
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    held = _roles(user)
    wanted = set(roles)
    return any(held.get(unit_id, set()) & wanted for unit_id in lineage_ids(unit))


def scope_roots(user, roles=READ_ROLES):
    """Units on which the user holds one of ``roles`` directly (the tops of their scope)."""
    if user.is_superuser:
        return list(AdministrativeUnit.objects.filter(parent__isnull=True))
    wanted = set(roles)
    ids = [unit_id for unit_id, held in _roles(user).items() if held & wanted]
    return list(AdministrativeUnit.objects.filter(pk__in=ids))


def unit_query():
    """Units with enough ancestors loaded for :func:`has_role` to need no more queries."""
    return AdministrativeUnit.objects.select_related("parent__parent__parent")


def get_unit_for(user, code, roles=READ_ROLES):
    """Fetch a unit by code: 404 when unknown, 403 when outside the user's scope."""
    return require_role(user, get_object_or_404(unit_query(), code=code), roles)


def require_role(user, unit, roles=READ_ROLES):
    """The unit, or 403 when it is outside the user's scope (``unit`` from :func:`unit_query`)."""
    if not has_role(user, unit, roles):
        raise PermissionDenied(
            _("Đơn vị %(unit)s không thuộc phạm vi được phân công cho tài khoản của bạn.") % {"unit": unit.name}
        )
    return unit


def holds_any(user, roles):
    """Whether the user holds one of ``roles`` anywhere (superusers always do)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    wanted = set(roles)
    return any(held & wanted for held in _roles(user).values())


def require_any(user, roles):
    """403 for a page that needs one of ``roles`` somewhere (e.g. /reports/ for entry users)."""
    if not holds_any(user, roles):
        raise PermissionDenied(_("Tài khoản của bạn không có quyền xem trang này."))


def subtree_q(user, roles, field="unit"):
    """A filter for objects whose ``field`` unit lies in the user's scope for ``roles``.

    ``field=None`` filters AdministrativeUnit itself. For list pages: one query whatever
    the number of objects. Superusers see all.
    """
    if user.is_superuser:
        return Q()
    wanted = set(roles)
    ids = [unit_id for unit_id, held in _roles(user).items() if held & wanted]
    if not ids:
        return Q(pk__in=[])
    condition = Q(**{f"{field or 'pk'}__in": ids})
    for depth in range(1, _TREE_DEPTH):
        path = "__".join([*([field] if field else []), *["parent"] * depth])
        condition |= Q(**{f"{path}__in": ids})
    return condition


def get_object_for(user, queryset, pk, roles, units_of):
    """Fetch an object: 404 when unknown, 403 unless the user holds ``roles`` on one of its units.

    ``units_of(obj)`` gives the units the object belongs to (a report: its unit; a
    meeting: its committees' units), each with its parents loaded.
    """
    obj = get_object_or_404(queryset, pk=pk)
    if not any(has_role(user, unit, roles) for unit in units_of(obj)):
        raise PermissionDenied(_("Tài khoản của bạn không có quyền với mục này."))
    return obj


def navigation_for(user):
    """What the base layout offers this user."""
    if user.is_superuser:
        held_roles = set(Role.values)
    else:
        held_roles = set().union(*_roles(user).values()) if _roles(user) else set()
    return {
        "roles": held_roles,
        "can_enter": Role.ENTRY in held_roles,
        "can_review": Role.REVIEW in held_roles,
        "is_office": Role.OFFICE in held_roles,
        "can_read_reports": bool(held_roles & set(REPORT_READ_ROLES)),
        "is_admin": user.is_staff,
    }


def landing_for(user):
    """Where the home page sends ``user``: ("entry" | "review" | "dashboard", unit), or None.

    - an entry user with no other read role and one unit: its entry page;
    - a review user with one reviewed unit: its review list;
    - anyone whose scope is one unit: its dashboard;
    - otherwise (several units, superusers, no role) None: the home page lists the scope.
    """
    if not user.is_superuser:
        nav = navigation_for(user)
        if nav["can_enter"] and not (nav["can_review"] or nav["is_office"] or Role.VIEW in nav["roles"]):
            roots = scope_roots(user, [Role.ENTRY])
            if len(roots) == 1:
                return "entry", roots[0]
        if nav["can_review"]:
            roots = scope_roots(user, [Role.REVIEW])
            if len(roots) == 1:
                return "review", roots[0]
    roots = scope_roots(user)
    if len(roots) == 1:
        return "dashboard", roots[0]
    return None


# --- Entry, review and import (issue 4) -------------------------------------------------
# Roles that may reopen or unlock entry for a unit: they may also extend a deadline or
# open a closed period on the periods page.
REOPEN_ROLES = (Role.REVIEW, Role.OFFICE)


def can_enter(user, unit):
    """May type this unit's figures on the entry page.

    An entry role on the unit or an ancestor covers the subtree. A review role held
    directly on the same unit also lets the standing agency (district police) enter the
    unit's own figures (district-level indicators); a review role never reaches down to
    commune figures, so a reviewer cannot approve numbers they typed themselves.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if has_role(user, unit, [Role.ENTRY]):
        return True
    return Role.REVIEW in _roles(user).get(unit.pk, set())


def can_review(user, unit):
    """May approve, return, reopen this unit's submission and remind its officers."""
    return has_role(user, unit, [Role.REVIEW])


def can_import(user, unit):
    """May load figures for this unit from a file (DESIGN.md "Figures file")."""
    return has_role(user, unit, IMPORT_ROLES)


def can_reopen(user, unit):
    """May lift the locks on entry for this unit: reopen, extend a deadline, open a period."""
    return has_role(user, unit, REOPEN_ROLES)


def can_manage_periods(user):
    """Periods (open/closed, deadline) are managed by review and office users."""
    return holds_any(user, REOPEN_ROLES)


def can_use_import_page(user):
    """The upload page is for the standing agency and the office (issue 4, point 7)."""
    return holds_any(user, REOPEN_ROLES)


def reopeners_of(unit):
    """Users who may reopen entry for ``unit`` (review/office on it or an ancestor), by name."""
    users = (
        get_user_model()
        .objects.filter(is_active=True, unit_roles__unit_id__in=lineage_ids(unit), unit_roles__role__in=REOPEN_ROLES)
        .distinct()
        .order_by("username")
    )
    return [user.get_full_name() or user.username for user in users]


def entry_users_of(unit):
    """Active users who enter this unit's figures: an entry role on it or an ancestor,
    or a review role held on the unit itself (the same rule as :func:`can_enter`)."""
    return list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(unit_roles__unit_id__in=lineage_ids(unit), unit_roles__role=Role.ENTRY)
            | Q(unit_roles__unit_id=unit.pk, unit_roles__role=Role.REVIEW)
        )
        .distinct()
        .order_by("username")
    )
