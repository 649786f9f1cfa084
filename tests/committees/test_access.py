import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from committees.access import IMPORT_ROLES, get_unit_for, has_role, navigation_for, scope_roots
from committees.models import AdministrativeUnit, Level, Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    """Province 22 with districts 200 (communes A, B) and 201 (commune C)."""
    province, district, (commune_a, commune_b) = factories.tree("200", communes=("06913", "06916"))
    other_district = factories.unit("201", level=Level.DISTRICT, parent=province)
    commune_c = factories.unit("07000", parent=other_district)
    return {
        "22": province,
        "200": district,
        "06913": commune_a,
        "06916": commune_b,
        "201": other_district,
        "07000": commune_c,
    }


def covered(user, units, roles=None):
    fresh = {
        code: AdministrativeUnit.objects.select_related("parent__parent").get(pk=u.pk) for code, u in units.items()
    }
    kwargs = {} if roles is None else {"roles": roles}
    return sorted(code for code, unit in fresh.items() if has_role(user, unit, **kwargs))


def test_role_on_the_district_covers_its_communes_only(units):
    leader = factories.user("lanhdao", (Role.VIEW, units["200"]))
    assert covered(leader, units) == ["06913", "06916", "200"]


def test_entry_on_one_commune_does_not_cover_another(units):
    officer = factories.user("congan.quangtan", (Role.ENTRY, units["06913"]))
    assert covered(officer, units) == ["06913"]
    assert covered(officer, units, roles=[Role.ENTRY]) == ["06913"]


def test_roles_are_told_apart(units):
    leader = factories.user("lanhdao", (Role.VIEW, units["200"]))
    reviewer = factories.user("duyet", (Role.REVIEW, units["200"]))
    assert covered(leader, units, roles=[Role.REVIEW]) == []
    assert covered(leader, units, roles=IMPORT_ROLES) == []
    assert covered(reviewer, units, roles=[Role.REVIEW]) == ["06913", "06916", "200"]
    assert covered(reviewer, units, roles=IMPORT_ROLES) == ["06913", "06916", "200"]


def test_roles_on_several_units_add_up(units):
    user = factories.user("hai.xa", (Role.ENTRY, units["06916"]), (Role.VIEW, units["201"]))
    assert covered(user, units) == ["06916", "07000", "201"]


def test_superuser_sees_everything_and_others_nothing(units):
    admin = factories.user("admin", superuser=True)
    nobody = factories.user("khach")
    assert covered(admin, units) == sorted(units)
    assert covered(nobody, units) == []
    assert covered(AnonymousUser(), units) == []


def test_inactive_user_loses_access(units):
    leader = factories.user("lanhdao", (Role.VIEW, units["200"]))
    leader.is_active = False
    assert covered(leader, units) == []


def test_has_role_costs_one_query_per_user(units, django_assert_num_queries):
    leader = factories.user("lanhdao", (Role.VIEW, units["200"]))
    communes = list(AdministrativeUnit.objects.select_related("parent__parent").filter(level=Level.COMMUNE))
    with django_assert_num_queries(1):
        assert [has_role(leader, unit) for unit in communes] == [True, True, False]


def test_get_unit_for_unknown_code_is_404(units):
    leader = factories.user("lanhdao", (Role.VIEW, units["200"]))
    with pytest.raises(Http404):
        get_unit_for(leader, "99999")


def test_get_unit_for_out_of_scope_is_permission_denied(units):
    leader = factories.user("lanhdao", (Role.VIEW, units["200"]))
    officer = factories.user("congan.quangtan", (Role.ENTRY, units["06913"]))
    with pytest.raises(PermissionDenied) as refused:
        get_unit_for(leader, "07000")
    assert str(refused.value) == "Đơn vị Đơn vị 07000 không thuộc phạm vi được phân công cho tài khoản của bạn."
    with pytest.raises(PermissionDenied):
        get_unit_for(leader, "22")
    with pytest.raises(PermissionDenied):
        get_unit_for(officer, "06916")
    with pytest.raises(PermissionDenied):
        get_unit_for(leader, "06913", roles=[Role.ENTRY])


def test_get_unit_for_in_scope_returns_the_unit(units):
    leader = factories.user("lanhdao", (Role.VIEW, units["200"]))
    admin = factories.user("admin", superuser=True)
    assert get_unit_for(leader, "06916") == units["06916"]
    assert get_unit_for(leader, "200") == units["200"]
    assert get_unit_for(admin, "07000") == units["07000"]


def test_scope_roots(units):
    user = factories.user("hai.xa", (Role.ENTRY, units["06916"]), (Role.VIEW, units["201"]))
    admin = factories.user("admin", superuser=True)
    assert sorted(u.code for u in scope_roots(user)) == ["06916", "201"]
    assert [u.code for u in scope_roots(user, [Role.ENTRY])] == ["06916"]
    assert [u.code for u in scope_roots(admin)] == ["22"]


def test_navigation_follows_roles(units):
    officer = factories.user("congan.quangtan", (Role.ENTRY, units["06913"]))
    nav = navigation_for(officer)
    assert (nav["roles"], nav["can_enter"], nav["can_review"], nav["is_office"], nav["is_admin"]) == (
        {"entry"},
        True,
        False,
        False,
        False,
    )
    admin_nav = navigation_for(factories.user("admin", superuser=True))
    assert (admin_nav["roles"], admin_nav["is_admin"]) == ({"entry", "review", "view", "office"}, True)
