import pytest
from django.urls import reverse

from committees.models import AdministrativeUnit, Role, UnitSuccession
from tests import factories as f

URL = reverse("committees:unit_change")


@pytest.fixture
def units(db):
    return f.tree(communes=("A", "B"))


def test_unit_change_page_is_for_administrators_only(client, units):
    _province, district, (a, _b) = units
    for account in [f.user("reviewer", (Role.REVIEW, district)), f.user("officer", (Role.ENTRY, a))]:
        client.force_login(account)
        response = client.get(URL)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.logout()
    assert client.get(URL).status_code == 302


def test_administrator_records_merger_through_the_page(client, units):
    client.force_login(f.user("root", superuser=True))
    response = client.post(
        URL,
        {
            "kind": "merge",
            "effective_on": "2025-07-01",
            "basis": "Nghị quyết số 1679/NQ-UBTVQH15",
            "predecessors": "A, B",
            "successors": "AB | Xã AB | 22",
            "level": "commune",
            "kind_label": "xã",
        },
    )
    assert response.status_code == 200
    assert "Đã ghi nhận thay đổi đơn vị hành chính." in response.content.decode()
    assert AdministrativeUnit.objects.get(code="AB").parent.code == "22"
    assert UnitSuccession.objects.count() == 2


def test_refused_change_shows_the_reason_and_writes_nothing(client, units):
    client.force_login(f.user("root", superuser=True))
    response = client.post(
        URL,
        {
            "kind": "merge",
            "effective_on": "2025-07-01",
            "basis": "x",
            "predecessors": "A",
            "successors": "B | Trùng mã",
        },
    )
    body = response.content.decode()
    assert "Mã B đã được dùng." in body
    assert UnitSuccession.objects.count() == 0
    assert AdministrativeUnit.objects.get(code="A").valid_to is None


def test_unit_change_page_speaks_the_chosen_language(client, units):
    """The change kinds are read in the visitor's language, not fixed at import time."""
    client.force_login(f.user("root", superuser=True))
    client.cookies["django_language"] = "en"
    body = client.get(URL).content.decode()
    assert '<option value="merge">Merger (several units into one)</option>' in body
    assert '<option value="dissolve">Dissolution / end of operation</option>' in body
    assert "Sáp nhập" not in body
    client.cookies["django_language"] = "vi"
    body = client.get(URL).content.decode()
    assert '<option value="merge">Sáp nhập (nhiều đơn vị thành một)</option>' in body
