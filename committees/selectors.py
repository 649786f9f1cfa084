"""Read-side functions of the committees app: the people list, an account's history and
what became of a unit that ended."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from . import access
from .models import Account, AdministrativeUnit, Role, SteeringCommittee, UnitRole, UnitSuccession

_PARENTS = "unit__parent__parent__parent"


@dataclass
class PersonRow:
    user: object
    unit: object
    roles: list
    must_change_password: bool
    refusal: str | None

    @property
    def manageable(self):
        return self.refusal is None


def people_for(user, query=""):
    """Accounts ``user`` may see on /people/: those with a role or a home unit in their
    office scope (every account but the administrators' for a superuser). Each row says
    whether the manager may change it. Four queries whatever the number of accounts."""
    users = get_user_model().objects.filter(is_superuser=False, is_staff=False)
    if not user.is_superuser:
        scope = AdministrativeUnit.objects.filter(access.subtree_q(user, access.PEOPLE_ROLES, field=None))
        users = users.filter(Q(unit_roles__unit__in=scope) | Q(account__unit__in=scope)).distinct()
    query = (query or "").strip()
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(email__icontains=query)
            | Q(unit_roles__unit__code__startswith=query)
            | Q(unit_roles__unit__name__icontains=query)
        ).distinct()
    users = users.order_by("username").prefetch_related(
        Prefetch("unit_roles", queryset=UnitRole.objects.select_related(_PARENTS).order_by("unit__code", "role")),
        Prefetch("account", queryset=Account.objects.select_related(_PARENTS)),
    )
    rows = []
    for person in users:
        account = getattr(person, "account", None)
        roles = list(person.unit_roles.all())
        home = account.unit if account else None
        rows.append(
            PersonRow(
                user=person,
                unit=home,
                roles=roles,
                must_change_password=bool(account and account.must_change_password),
                refusal=access.manage_refusal(user, person, roles=roles, home_unit=home),
            )
        )
    return rows


def person_for(user, pk):
    """One account for its page: 404 when unknown, an administrator's, or wholly outside
    the manager's scope; the row's ``refusal`` says why the manager may only look."""
    person = get_object_or_404(get_user_model(), pk=pk, is_superuser=False, is_staff=False)
    roles = list(UnitRole.objects.filter(user=person).select_related(_PARENTS).order_by("unit__code", "role"))
    account = Account.objects.filter(user=person).select_related(_PARENTS).first()
    home = account.unit if account else None
    units = [role.unit for role in roles] + ([home] if home else [])
    if not user.is_superuser and not any(access.can_grant(user, unit) for unit in units):
        raise Http404(_("Không có tài khoản này trong phạm vi của bạn."))
    return PersonRow(
        user=person,
        unit=home,
        roles=roles,
        must_change_password=bool(account and account.must_change_password),
        refusal=access.manage_refusal(user, person, roles=roles, home_unit=home),
    )


@dataclass
class HistoryEntry:
    at: datetime.datetime
    by: object
    text: str


def account_history(person):
    """Who did what to this account and its roles, newest first (simple-history rows)."""
    entries = []
    for row in Account.history.filter(user_id=person.pk).select_related("history_user"):
        entries.append(HistoryEntry(row.history_date, row.history_user, row.history_change_reason or _("Cập nhật")))
    role_names = dict(Role.choices)
    for row in UnitRole.history.filter(user_id=person.pk).select_related("history_user", "unit"):
        verb = {"+": _("Giao quyền"), "-": _("Thu hồi quyền"), "~": _("Sửa quyền")}[row.history_type]
        reason = f" ({row.history_change_reason})" if row.history_change_reason else ""
        unit = row.unit.name if row.unit_id and row.unit else "?"
        entries.append(
            HistoryEntry(
                row.history_date,
                row.history_user,
                _("%(verb)s %(role)s tại %(unit)s")
                % {"verb": verb, "role": role_names.get(row.role, row.role), "unit": unit}
                + reason,
            )
        )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


# --- What became of a unit (issue 14, part 3) ------------------------------------------


@dataclass
class SuccessorLink:
    unit: object
    may_open: bool
    predecessors: list = field(default_factory=list)


@dataclass
class UnitFate:
    """A unit that ended (``ended_on`` = the day of the change) or began after ``day``."""

    unit: object
    ended_on: datetime.date | None = None
    began_on: datetime.date | None = None
    basis: str = ""
    successors: list = field(default_factory=list)  # SuccessorLink, for a merged or split unit
    predecessors: list = field(default_factory=list)  # SuccessorLink, for a unit formed later
    children_went_to: list = field(default_factory=list)  # SuccessorLink with predecessors, for a dissolved parent
    roles_on_unit: int = 0

    @property
    def merged(self):
        return len(self.successors) == 1

    @property
    def dissolved(self):
        return self.ended_on is not None and not self.successors


def unit_fate(user, unit, day):
    """What became of ``unit`` by ``day`` (a period's end), or None while it is in force.

    - merged or split: its successors (links where ``user`` may open them);
    - dissolved with its children merged elsewhere (a district in 2025): where each
      child went;
    - formed after ``day``: its predecessors.
    Basis: the succession records' legal basis (a dissolution keeps none: its children's).
    """
    if unit.valid_to is not None and unit.valid_to < day:
        fate = UnitFate(unit=unit, ended_on=unit.valid_to + datetime.timedelta(days=1))
        outgoing = list(
            UnitSuccession.objects.filter(predecessor=unit).select_related("successor__parent__parent__parent")
        )
        fate.successors = [SuccessorLink(s.successor, access.has_role(user, s.successor)) for s in outgoing]
        fate.basis = next((s.basis for s in outgoing if s.basis), "")
        if not outgoing:
            children = UnitSuccession.objects.filter(
                predecessor__parent=unit, effective_on=fate.ended_on
            ).select_related("predecessor", "successor__parent__parent__parent")
            by_successor = {}
            for s in children.order_by("successor__code", "predecessor__code"):
                link = by_successor.get(s.successor_id)
                if link is None:
                    link = by_successor[s.successor_id] = SuccessorLink(s.successor, access.has_role(user, s.successor))
                link.predecessors.append(s.predecessor)
                fate.basis = fate.basis or s.basis
            fate.children_went_to = list(by_successor.values())
        # Offered to those who may move them: a people manager whose scope holds the unit.
        fate.roles_on_unit = UnitRole.objects.filter(unit=unit).count() if access.can_grant(user, unit) else 0
        return fate
    if unit.valid_from is not None and unit.valid_from > day:
        incoming = list(
            UnitSuccession.objects.filter(successor=unit).select_related("predecessor__parent__parent__parent")
        )
        return UnitFate(
            unit=unit,
            began_on=unit.valid_from,
            basis=next((s.basis for s in incoming if s.basis), ""),
            predecessors=[SuccessorLink(s.predecessor, access.has_role(user, s.predecessor)) for s in incoming],
        )
    return None


def move_targets(unit):
    """Where roles on an ended ``unit`` may go: its successors; for a dissolved parent,
    its children's successors and its own parent."""
    successors = [s.successor for s in UnitSuccession.objects.filter(predecessor=unit).select_related("successor")]
    if successors:
        return successors
    children = UnitSuccession.objects.filter(predecessor__parent=unit).select_related("successor")
    found = {s.successor.pk: s.successor for s in children.order_by("successor__code")}
    if unit.parent_id:
        found.setdefault(unit.parent_id, unit.parent)
    return list(found.values())


def committee_for(committee, unit):
    """The committee to name above ``committee``'s indicators on ``unit``'s pages.

    Indicators belong to the committee that set them up (the district's). On the page of
    a unit outside that committee's subtree (the province, whose committee follows the
    communes since the district level ended), a committee that took over (``takes_over``)
    at the unit or an ancestor of it is named instead. No query on the pages of the
    committee's own subtree; ``unit`` from access.unit_query (parents loaded).
    """
    if committee is None:
        return None
    lineage = access.lineage_ids(unit)
    if committee.unit_id in lineage:
        return committee
    heirs = SteeringCommittee.objects.filter(takes_over=committee, unit_id__in=lineage)
    return next(iter(heirs), committee)
