"""Small, explicit builders for test data (no hidden defaults beyond the obvious)."""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth import get_user_model

from committees.models import AdministrativeUnit, Level, Plan, SteeringCommittee, UnitRole, UnitSuccession
from indicators.models import Criterion, Figure, Indicator, Period, Submission, SubmissionStatus, Target

_seq = itertools.count(1)


def unit(code, *, level=Level.COMMUNE, parent=None, name=None, valid_from=None, valid_to=None, kind=None):
    kinds = {Level.PROVINCE: "tỉnh", Level.DISTRICT: "huyện", Level.COMMUNE: "xã"}
    return AdministrativeUnit.objects.create(
        code=code,
        name=name or f"Đơn vị {code}",
        level=level,
        kind=kind or kinds[level],
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
    )


def tree(district_code="200", communes=("C1", "C2"), province_code="22"):
    """A province with one district and the given communes; returns (province, district, [communes])."""
    province = unit(province_code, level=Level.PROVINCE)
    district = unit(district_code, level=Level.DISTRICT, parent=province)
    return province, district, [unit(code, parent=district) for code in communes]


def succession(predecessor, successor, effective_on, basis=""):
    return UnitSuccession.objects.create(
        predecessor=predecessor, successor=successor, effective_on=effective_on, basis=basis
    )


def _made(model, lookup, fields):
    """The row with ``lookup``, created with ``fields`` or, when it exists, set to them.

    Never silently ignores an argument: calling a builder twice with other values gives a
    row with the values of the second call.
    """
    row, created = model.objects.get_or_create(**lookup, defaults=fields)
    changed = [name for name, value in fields.items() if getattr(row, name) != value]
    if not created and changed:
        for name in changed:
            setattr(row, name, fields[name])
        row.save()
    return row


def period(code, **kwargs):
    return _made(Period, {"code": code}, kwargs)


def plan(number="111/KH-UBND", issued_on=datetime.date(2024, 4, 19)):
    return _made(Plan, {"number": number}, {"issued_on": issued_on, "issuer": "UBND huyện", "title": "Kế hoạch thử"})


def committee(unit_, code="BCD"):
    return _made(SteeringCommittee, {"code": code}, {"name": "Ban Chỉ đạo thử", "unit": unit_})


def indicator(code=None, *, kind="count", entry_level=Level.COMMUNE, over_time="sum", **kwargs):
    code = code or f"IND{next(_seq)}"
    return Indicator.objects.create(
        code=code,
        name=kwargs.pop("name", f"Chỉ tiêu {code}"),
        measure=kwargs.pop("measure", "vụ"),
        kind=kind,
        entry_level=entry_level,
        over_time=over_time,
        **kwargs,
    )


def criterion(status, indicator_, comparison, value):
    return Criterion.objects.create(status=status, indicator=indicator_, comparison=comparison, value=Decimal(value))


def target(indicator_, unit_, period_, comparison, value, plan_=None):
    return Target.objects.create(
        indicator=indicator_, unit=unit_, period=period_, comparison=comparison, value=Decimal(value), plan=plan_
    )


def submission(unit_, period_, status=SubmissionStatus.SUBMITTED, **figures):
    """A submission with figures given as indicator_code=value."""
    sub = _made(Submission, {"unit": unit_, "period": period_}, {"status": status})
    for code, value in figures.items():
        Figure.objects.update_or_create(
            submission=sub, indicator=Indicator.objects.get(code=code), defaults={"value": value}
        )
    return sub


def user(username, *roles, superuser=False):
    """A user with roles given as (role, unit) pairs."""
    account = get_user_model().objects.create_user(
        username=username, password="mat-khau-thu-nghiem-12", is_superuser=superuser, is_staff=superuser
    )
    for role, unit_ in roles:
        UnitRole.objects.create(user=account, unit=unit_, role=role)
    return account
