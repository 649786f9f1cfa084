"""People and roles (/people/), forced password change, password change and reset (issue 14, part 2)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees import people
from committees.models import Account, AdministrativeUnit, Role, UnitRole
from indicators.fixtures import demo as demo_data

DEMO_USERS = [username for username, *_rest in demo_data.USERS]  # every demo account
User = get_user_model()


@pytest.fixture
def users(demo):
    return {user.username: user for user in User.objects.filter(username__in=DEMO_USERS)}


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_people_pages_for_every_demo_user(users):
    """The permission matrix: office users (vanphong) and superusers (admin) only; exact codes.

    The account acted on is a new commune officer, so that resetting its password does not
    send a demo user to the forced password change."""
    target, _password = people.create_account(
        user=users["admin"],
        username="congan.quanglam",
        full_name="",
        email="",
        unit=AdministrativeUnit.objects.get(code="06898"),
        role=Role.ENTRY,
    )
    assert len(DEMO_USERS) == 9 and {"lanhdao.tinh", "duyet.tinh", "duyet2"} <= set(DEMO_USERS)
    role = UnitRole.objects.get(user=target)
    pages = {
        ("get", reverse("committees:people")): {"admin": 200, "vanphong": 200},
        ("get", reverse("committees:person_create")): {"admin": 200, "vanphong": 200},
        ("get", reverse("committees:person_detail", args=[target.pk])): {"admin": 200, "vanphong": 200},
        ("post", reverse("committees:person_active", args=[target.pk])): {"admin": 302, "vanphong": 302},
        ("post", reverse("committees:person_password", args=[target.pk])): {"admin": 200, "vanphong": 200},
        ("get", reverse("committees:unit_roles_move", args=["06913"])): {"admin": 200, "vanphong": 200},
        # The province's unit is outside the district office's scope: not even listed.
        ("get", reverse("committees:unit_roles_move", args=["22"])): {"admin": 200},
        # An invalid role: the form is shown again (400) to those who may give roles.
        ("post", reverse("committees:person_role_add", args=[target.pk])): {"admin": 400, "vanphong": 400},
        # Taken by admin first; vanphong then finds it gone (refused with the reason).
        ("post", reverse("committees:person_role_remove", args=[target.pk, role.pk])): {"admin": 302},
    }
    wrong = []
    for (method, url), allowed in pages.items():
        for username in DEMO_USERS:
            response = getattr(client_for(users[username]), method)(url, {"active": "1"} if method == "post" else None)
            expected = allowed.get(username, 403)
            if response.status_code != expected:
                wrong.append((method, url, username, response.status_code, expected))
        anonymous = getattr(Client(), method)(url)
        if anonymous.status_code != 302 or not anonymous["Location"].startswith("/accounts/login/"):
            wrong.append((method, url, "anonymous", anonymous.status_code))
    assert wrong == []


def test_unit_change_page_for_every_demo_user(users):
    url = reverse("committees:unit_change")
    for username in DEMO_USERS:
        response = client_for(users[username]).get(url)
        if username == "admin":
            assert response.status_code == 200
        else:
            assert (response.status_code, response["Location"][:13]) == (302, "/admin/login/"), username


def test_navigation_links_people_for_office_users_only(users):
    link = 'href="/people/"'
    for username in DEMO_USERS:
        page = client_for(users[username]).get(reverse("help")).content.decode()
        assert (link in page) == (username in ("admin", "vanphong")), username


def test_office_sees_the_accounts_of_its_district_only(users):
    page = client_for(users["vanphong"]).get(reverse("committees:people")).content.decode()
    listed = re.findall(r'data-username="([^"]+)"', page)
    assert listed == ["congan.damha", "congan.quangtan", "duyet", "duyet2", "lanhdao", "vanphong"]
    assert "lanhdao.tinh" not in page and "admin" not in listed
    # vanphong sees itself but may not change its own account.
    own = client_for(users["vanphong"]).get(reverse("committees:person_detail", args=[users["vanphong"].pk]))
    assert "Không thể tự thay đổi tài khoản" in own.content.decode()
    # The province's accounts are not found at all from the district office.
    other = client_for(users["vanphong"]).get(reverse("committees:person_detail", args=[users["lanhdao.tinh"].pk]))
    assert other.status_code == 404


def test_people_list_query_count_is_constant(users):
    client = client_for(users["admin"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("committees:people")).status_code == 200
    commune = AdministrativeUnit.objects.get(code="06898")
    for number in range(12):
        people.create_account(
            user=users["admin"],
            username=f"cb{number}",
            full_name=f"Cán bộ {number}",
            email="",
            unit=commune,
            role="entry",
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("committees:people")).content.decode()
    assert page.count("data-username=") == 8 + 12  # every demo account but admin
    assert len(many) == len(few)


# --------------------------------------------------------------------------- creating


def _create(client, **data):
    form = {"username": "congan.quanglam", "full_name": "Công an xã Quảng Lâm", "email": "", "role": "entry"}
    form.update(data)
    return client.post(reverse("committees:person_create"), form)


def test_office_creates_a_commune_officer_with_a_temporary_password(users):
    response = _create(client_for(users["vanphong"]), unit="06898 — Xã Quảng Lâm")
    assert response.status_code == 200
    password = re.search(r'id="temporary-password">([^<]+)<', response.content.decode()).group(1)
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", password)
    officer = User.objects.get(username="congan.quanglam")
    assert officer.check_password(password)
    assert (officer.is_staff, officer.is_superuser, officer.is_active) == (False, False, True)
    assert list(UnitRole.objects.filter(user=officer).values_list("role", "unit__code")) == [("entry", "06898")]
    account = Account.objects.get(user=officer)
    assert (account.unit.code, account.must_change_password) == ("06898", True)
    # Who did what: the account's and the role's history name vanphong.
    assert list(account.history.values_list("history_user__username", "history_change_reason")) == [
        ("vanphong", "Tạo tài khoản")
    ]
    assert list(UnitRole.history.filter(user_id=officer.pk).values_list("history_user__username", "history_type")) == [
        ("vanphong", "+")
    ]


def test_creating_outside_the_scope_is_refused_and_writes_nothing(users):
    before = User.objects.count()
    response = _create(client_for(users["vanphong"]), unit="06913-2025")
    assert response.status_code == 200
    assert (
        "Không thể giao quyền tại Xã Quảng Tân: đơn vị này ngoài phạm vi quản lý của bạn." in response.content.decode()
    )
    assert User.objects.count() == before
    assert not Account.objects.exists()


def test_nobody_grants_superuser_or_staff(users):
    for manager in ("vanphong", "admin"):
        _create(
            client_for(users[manager]),
            username=f"moi.{manager}",
            unit="06898",
            is_superuser="on",
            is_staff="on",
        )
        created = User.objects.get(username=f"moi.{manager}")
        assert (created.is_superuser, created.is_staff) == (False, False)
        client_for(users[manager]).post(
            reverse("committees:person_detail", args=[created.pk]),
            {"full_name": "X", "email": "", "unit": "06898", "is_superuser": "on", "is_staff": "on"},
        )
        created.refresh_from_db()
        assert (created.is_superuser, created.is_staff) == (False, False)


def test_admin_accounts_are_not_managed_here(users):
    response = client_for(users["vanphong"]).post(reverse("committees:person_password", args=[users["admin"].pk]))
    assert response.status_code == 404
    assert users["admin"].__class__.objects.get(pk=users["admin"].pk).check_password("damha2024")


# --------------------------------------------------------------------------- roles and escalation


def test_grant_outside_scope_is_refused(users):
    target = users["congan.damha"]
    for unit in ("22", "06913-2025", "06895-2025"):
        response = client_for(users["vanphong"]).post(
            reverse("committees:person_role_add", args=[target.pk]), {"role": "view", "unit": unit}
        )
        assert response.status_code == 403, unit
        assert "ngoài phạm vi quản lý của bạn" in response.content.decode()
    assert list(UnitRole.objects.filter(user=target).values_list("role", "unit__code")) == [("entry", "06916")]


def test_grant_and_revoke_inside_scope(users):
    target = users["congan.damha"]
    client = client_for(users["vanphong"])
    response = client.post(reverse("committees:person_role_add", args=[target.pk]), {"role": "view", "unit": "200"})
    assert response.status_code == 302
    added = UnitRole.objects.get(user=target, role="view")
    assert added.unit.code == "200"
    response = client.post(reverse("committees:person_role_remove", args=[target.pk, added.pk]))
    assert response.status_code == 302
    assert list(UnitRole.objects.filter(user=target).values_list("role", "unit__code")) == [("entry", "06916")]
    assert list(
        UnitRole.history.filter(user_id=target.pk, role="view")
        .order_by("history_id")
        .values_list("history_type", "history_user__username")
    ) == [("+", "vanphong"), ("-", "vanphong")]
    page = client.get(reverse("committees:person_detail", args=[target.pk])).content.decode()
    assert "Giao quyền Xem tại Huyện Đầm Hà" in page and "Thu hồi quyền Xem tại Huyện Đầm Hà" in page


def test_nobody_raises_their_own_rights(users):
    vanphong = users["vanphong"]
    client = client_for(vanphong)
    response = client.post(reverse("committees:person_role_add", args=[vanphong.pk]), {"role": "review", "unit": "200"})
    assert response.status_code == 403
    assert client.post(reverse("committees:person_password", args=[vanphong.pk])).status_code == 403
    with pytest.raises(people.PeopleError, match="chính mình"):
        people.grant_role(user=vanphong, target=vanphong, unit=AdministrativeUnit.objects.get(code="200"), role="entry")
    assert list(UnitRole.objects.filter(user=vanphong).values_list("role", "unit__code")) == [("office", "200")]


def test_a_commune_office_cannot_grant_at_the_district(users):
    commune = AdministrativeUnit.objects.get(code="06916")
    clerk, _password = people.create_account(
        user=users["admin"], username="vanphong.xa", full_name="", email="", unit=commune, role=Role.OFFICE
    )
    officer = users["congan.damha"]
    with pytest.raises(people.PeopleError, match="ngoài phạm vi"):
        people.grant_role(user=clerk, target=officer, unit=AdministrativeUnit.objects.get(code="200"), role="view")
    # Nor manage the district reviewer, whose role is above the clerk's scope.
    with pytest.raises(people.PeopleError):
        people.reset_password(user=clerk, target=users["duyet"])
    # Within the commune it may.
    people.grant_role(user=clerk, target=officer, unit=commune, role=Role.VIEW)
    assert UnitRole.objects.filter(user=officer, unit=commune, role=Role.VIEW).exists()


def test_no_reset_of_an_account_with_rights_beyond_the_manager(users):
    """A reset would hand the manager the account's rights: refused when any lies outside."""
    target = users["congan.damha"]
    UnitRole.objects.create(user=target, unit=AdministrativeUnit.objects.get(code="06913-2025"), role=Role.ENTRY)
    response = client_for(users["vanphong"]).post(reverse("committees:person_password", args=[target.pk]))
    assert response.status_code == 403
    assert "ngoài phạm vi quản lý của bạn" in response.content.decode()
    assert User.objects.get(pk=target.pk).check_password("damha2024")
    assert client_for(users["admin"]).post(reverse("committees:person_password", args=[target.pk])).status_code == 200


def test_deactivate_and_reactivate(users):
    target = users["congan.damha"]
    client = client_for(users["vanphong"])
    client.post(reverse("committees:person_active", args=[target.pk]), {"active": "0"})
    assert User.objects.get(pk=target.pk).is_active is False
    assert not Client().login(username="congan.damha", password="damha2024")
    client.post(reverse("committees:person_active", args=[target.pk]), {"active": "1"})
    assert User.objects.get(pk=target.pk).is_active is True
    reasons = list(Account.objects.get(user=target).history.order_by("history_id").values_list("history_change_reason"))
    assert reasons == [("Khóa tài khoản",), ("Mở khóa tài khoản",)]


# --------------------------------------------------------------------------- passwords


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_forced_change_at_first_login(users):
    manager = Client()
    manager.force_login(users["vanphong"])
    response = manager.post(reverse("committees:person_password", args=[users["congan.damha"].pk]))
    password = re.search(r'id="temporary-password">([^<]+)<', response.content.decode()).group(1)
    assert not User.objects.get(username="congan.damha").check_password("damha2024")

    officer = Client()
    assert _login(officer, "congan.damha", password).status_code == 302
    entry = reverse("indicators:entry", args=["06916", "2024-H2"])
    response = officer.get(entry)
    assert (response.status_code, response["Location"]) == (302, "/accounts/password_change/")
    assert officer.post(entry, {"version": "1"}).status_code == 302  # nothing but the change
    page = officer.get("/accounts/password_change/").content.decode()
    assert page.count("Mật khẩu của bạn là mật khẩu tạm thời.") == 1  # however many were sent back
    assert officer.get("/accounts/password_change/").content.decode().count("mật khẩu tạm thời.") == 1
    response = officer.post(
        "/accounts/password_change/",
        {"old_password": password, "new_password1": "so-lieu-quy-hai-2025", "new_password2": "so-lieu-quy-hai-2025"},
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/password_change/done/")
    assert officer.get(entry).status_code == 200
    assert Account.objects.get(user__username="congan.damha").must_change_password is False
    reasons = list(
        Account.objects.get(user__username="congan.damha")
        .history.order_by("history_id")
        .values_list("history_user__username", "history_change_reason")
    )
    assert reasons == [
        ("vanphong", "Đặt lại mật khẩu (mật khẩu tạm thời)"),
        ("congan.damha", "Tự đổi mật khẩu"),
    ]


def test_password_change_messages_are_vietnamese(users):
    client = Client()
    _login(client, "lanhdao", "damha2024")
    response = client.post(
        "/accounts/password_change/", {"old_password": "sai", "new_password1": "123", "new_password2": "123"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mật khẩu cũ không chính xác." in page
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "damha2024", "new_password1": "12345678", "new_password2": "12345678"},
    )
    page = response.content.decode()
    assert "Mật khẩu quá ngắn: cần ít nhất 12 ký tự." in page
    assert "Mật khẩu này quá phổ biến." in page
    assert "Mật khẩu này hoàn toàn là số." in page
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "damha2024", "new_password1": "lanhdao-2025", "new_password2": "lanhdao-2025"},
    )
    assert "Mật khẩu quá giống với Tên đăng nhập." in response.content.decode()
    # The rules are announced under the field in Vietnamese too.
    page = client.get("/accounts/password_change/").content.decode()
    for rule in (
        "Mật khẩu của bạn không được quá giống với thông tin cá nhân khác.",
        "Mật khẩu của bạn phải chứa ít nhất 12 ký tự.",
        "Mật khẩu của bạn không được là mật khẩu được dùng phổ biến.",
        "Mật khẩu của bạn không được hoàn toàn bằng số.",
    ):
        assert rule in page, rule
    response = client.post(
        "/accounts/password_change/",
        {"old_password": "damha2024", "new_password1": "doi-mat-khau-2025", "new_password2": "doi-mat-khau-2025"},
    )
    assert response.status_code == 302
    assert User.objects.get(username="lanhdao").check_password("doi-mat-khau-2025")
    # An account change like any other: in the account's history, by its owner.
    assert list(
        Account.history.filter(user__username="lanhdao").values_list(
            "history_user__username", "history_change_reason", "must_change_password"
        )
    ) == [("lanhdao", "Tự đổi mật khẩu", False)]


def test_password_reset_by_email(users):
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in page
    response = client.post("/accounts/password_reset/", {"email": "congan.damha@damha.example"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/password_reset/done/")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["congan.damha@damha.example"]
    assert message.subject == "Đặt lại mật khẩu — Theo dõi chỉ tiêu Ban Chỉ đạo"
    assert "Xin chào congan.damha" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    response = client.get(link)  # Django swaps the token for a session marker
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.post(form_url, {"new_password1": "mat-khau-moi-2025", "new_password2": "mat-khau-moi-2025"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/reset/done/")
    assert User.objects.get(username="congan.damha").check_password("mat-khau-moi-2025")
    assert list(
        Account.history.filter(user__username="congan.damha").values_list(
            "history_user__username", "history_change_reason"
        )
    ) == [("congan.damha", "Đặt lại mật khẩu qua thư điện tử")]
    # The link works once.
    assert "Đường dẫn không còn hiệu lực" in client.get(link, follow=True).content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing(users):
    response = Client().post("/accounts/password_reset/", {"email": "khong.co@damha.example"})
    assert response.status_code == 302
    assert mail.outbox == []
