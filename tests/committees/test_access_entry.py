"""The entry/review/import rules added to committees/access.py (issue 4)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from committees import access
from committees.models import Level, Role
from tests import factories as f


@pytest.fixture
def cast(world):
    """The one cast (tests/cast.py) and two more: an entry role on the district, a review role on the province."""
    return {
        "province": world.province,
        "district": world.district,
        "a": world.a,
        "b": world.b,
        **world.users,
        "district_clerk": f.user("district_clerk", (Role.ENTRY, world.district)),
        "province_reviewer": f.user("province_reviewer", (Role.REVIEW, world.province)),
    }


# (user, unit) → (can_enter, can_review, can_import, can_reopen)
MATRIX = [
    ("officer_a", "a", (True, False, True, False)),
    ("officer_a", "b", (False, False, False, False)),
    ("officer_a", "district", (False, False, False, False)),
    ("officer_b", "a", (False, False, False, False)),
    ("reviewer", "a", (False, True, True, True)),
    ("reviewer", "district", (True, True, True, True)),
    ("reviewer", "province", (False, False, False, False)),
    ("leader", "a", (False, False, False, False)),
    ("leader", "district", (False, False, False, False)),
    ("office", "a", (False, False, True, True)),
    ("office", "district", (False, False, True, True)),
    ("district_clerk", "a", (True, False, True, False)),
    ("province_reviewer", "district", (False, True, True, True)),
    ("province_reviewer", "province", (True, True, True, True)),
    ("admin", "a", (True, True, True, True)),
]


@pytest.mark.parametrize(("who", "where", "expected"), MATRIX)
def test_entry_review_import_matrix(cast, who, where, expected):
    user, unit = cast[who], cast[where]
    unit = access.unit_query().get(pk=unit.pk)
    assert (
        access.can_enter(user, unit),
        access.can_review(user, unit),
        access.can_import(user, unit),
        access.can_reopen(user, unit),
    ) == expected


def test_anonymous_and_inactive_users_can_do_nothing(cast):
    inactive = cast["officer_a"]
    inactive.is_active = False
    inactive.save()
    for user in (AnonymousUser(), inactive):
        assert not access.can_enter(user, cast["a"])
        assert not access.can_review(user, cast["a"])
        assert not access.can_import(user, cast["a"])
        assert not access.can_manage_periods(user)


@pytest.mark.parametrize(
    ("who", "expected"),
    [("officer_a", False), ("reviewer", True), ("leader", False), ("office", True), ("admin", True)],
)
def test_who_manages_periods_and_uses_the_import_page(cast, who, expected):
    assert access.can_manage_periods(cast[who]) is expected
    assert access.can_use_import_page(cast[who]) is expected


def test_reopeners_and_entry_users_of_a_unit(cast):
    # By user name; a user with a full name (the cast's reviewer) is shown by it.
    assert access.reopeners_of(cast["a"]) == ["office", "province_reviewer", "Công an huyện"]
    assert [user.username for user in access.entry_users_of(cast["a"])] == ["district_clerk", "officer_a"]
    # The standing agency enters its own unit's figures, so it is an entry user of the district.
    assert [user.username for user in access.entry_users_of(cast["district"])] == ["district_clerk", "reviewer"]


def test_a_review_role_on_a_commune_lets_its_holder_enter_that_commune(cast):
    commune_police = f.user("commune_police", (Role.REVIEW, cast["a"]))
    assert access.can_enter(commune_police, cast["a"]) and not access.can_enter(commune_police, cast["b"])
    assert cast["a"].level == Level.COMMUNE
