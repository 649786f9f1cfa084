import datetime

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


def _merge_form(**extra):
    data = {
        "kind": "merge",
        "effective_on": "2025-07-01",
        "basis": "Nghị quyết số 1679/NQ-UBTVQH15 ngày 16/6/2025",
        "predecessors": ["A", "B"],
        "new_code": "A-2025",
        "new_unit_name": "Xã A mới",
        "parent": "22",
        "level": "commune",
        "kind_label": "xã",
        "action": "preview",
    }
    data.update(extra)
    return data


def test_administrator_records_merger_through_the_page(client, units):
    client.force_login(f.user("root", superuser=True))
    response = client.post(
        URL,
        _merge_form(basis="Nghị quyết số 1679/NQ-UBTVQH15", new_code="AB", new_unit_name="Xã AB", action="confirm"),
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
            "predecessors": ["A"],
            "new_code": "B",
            "new_unit_name": "Trùng mã",
            "action": "confirm",
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


def test_the_form_lists_units_to_pick(client, units):
    client.force_login(f.user("root", superuser=True))
    body = client.get(URL).content.decode()
    assert 'data-filter-for="predecessor-list"' in body
    assert 'value="A"' in body and "Đơn vị A (A) — Đơn vị 200" in body
    assert '<option value="200">Đơn vị 200 (200) — Đơn vị 22</option>' in body  # a parent for the new unit


def test_preview_shows_the_tree_and_what_moves_and_writes_nothing(client, units):
    _province, district, (a, b) = units
    f.user("congan.a", (Role.ENTRY, a))
    indicator = f.indicator("VU")
    f.target(indicator, a, f.period("2025"), "at_most", 0)
    f.submission(b, f.period("2025-H2"), status="draft", VU=1)
    client.force_login(f.user("root", superuser=True))
    response = client.post(URL, _merge_form())
    body = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "Xem trước: chưa ghi gì" in body
    # The tree after the change: the province holds the new unit; the district keeps nothing.
    assert "Đơn vị 22 (22) <ul> <li>Đơn vị 200 (200)</li><li>Xã A mới (A-2025) <span" in body
    assert 'Đơn vị 200 (200) <ul> <li class="text-body-secondary">không còn đơn vị trực thuộc</li>' in body
    assert "congan.a — Nhập số liệu — Đơn vị A" in body
    assert "2025 · Đơn vị A · Chỉ tiêu VU: Tối đa 0" in body
    assert "2025-H2 · Đơn vị B · Nháp" in body
    assert 'name="action" value="confirm"' in body
    assert not AdministrativeUnit.objects.filter(code="A-2025").exists()
    assert UnitSuccession.objects.count() == 0
    assert AdministrativeUnit.objects.get(code="A").valid_to is None


def test_confirm_records_and_offers_to_move_the_roles(client, units):
    _province, _district, (a, _b) = units
    officer = f.user("congan.a", (Role.ENTRY, a))
    client.force_login(f.user("root", superuser=True))
    body = client.post(URL, _merge_form(action="confirm")).content.decode()
    assert "Đã ghi nhận thay đổi đơn vị hành chính." in body
    assert 'href="/units/A/roles/move/"' in body
    response = client.post("/units/A/roles/move/", {"roles": [officer.unit_roles.get().pk], "successor": "A-2025"})
    assert response.status_code == 302
    assert list(officer.unit_roles.values_list("unit__code", "role")) == [("A-2025", "entry")]


def test_never_a_second_year_suffix(client, units):
    """Reusing the code of a unit that already carries a suffix suggests the official code
    with the year, never "06913-2025-2025" (issue 14)."""
    _province, district, (a, b) = units
    f.unit("06913-2025", parent=district, valid_from=datetime.date(2025, 1, 1))
    client.force_login(f.user("root", superuser=True))
    body = client.post(URL, _merge_form(new_code="06913-2025", effective_on="2026-01-01")).content.decode()
    assert "Mã 06913-2025 đã được dùng. Đơn vị mới dùng lại mã cũ thì thêm hậu tố năm, ví dụ 06913-2026." in body
    assert "2025-2025" not in body and "2025-2026" not in body
    body = client.post(URL, _merge_form(new_code="06913-2025-2025")).content.decode()
    assert "Mã 06913-2025-2025 có hai hậu tố năm. Dùng mã chính thức với một hậu tố năm, ví dụ 06913-2025." in body
    # The same year again: the suffixed code is taken and no other suggestion is invented.
    body = client.post(URL, _merge_form(new_code="06913-2025")).content.decode()
    assert "Mã 06913-2025 đã được dùng. Hãy chọn mã khác." in body
    assert not AdministrativeUnit.objects.filter(code__startswith="06913-2025-").exists()


def test_official_code_and_suggestion(db):
    from committees.services import official_code, suggested_code

    assert official_code("06913-2025") == "06913"
    assert official_code("06913-2025-2025") == "06913"
    assert official_code("06913") == "06913"
    assert suggested_code("06913-2020", datetime.date(2025, 7, 1)) == "06913-2025"
