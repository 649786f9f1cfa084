"""The one cast of the tests: one user per role, in a small world or in the demo.

``CAST`` names the roles. ``world`` builds a small world for them (cheaper than the full
demo: a district with two communes, a few indicators of each kind); ``DEMO_CAST`` says
which demo account plays each role on the Đầm Hà demo (officer_a enters for Quảng Tân
06913, officer_b for Đầm Hà 06916, as in the small world), every demo account once. Registered in tests/conftest.py.
"""

import datetime
import types

import pytest
from django.utils import timezone

from committees.models import Level, Role
from tests import factories as f

CAST = ("officer_a", "officer_b", "reviewer", "leader", "office", "admin", "anonymous")
DEMO_CAST = {
    "anonymous": None,
    "officer_a": "congan.quangtan",
    "officer_b": "congan.damha",
    "reviewer": "duyet",
    "leader": "lanhdao",
    "office": "vanphong",
    # The second district reviewer (four eyes) and the province's two accounts, which read
    # and review every unit of the province (the new communes from 1/7/2025, issue 14).
    "reviewer_2": "duyet2",
    "province_leader": "lanhdao.tinh",
    "province_reviewer": "duyet.tinh",
    "admin": "admin",
}


@pytest.fixture
def world(db):
    province, district, (commune_a, commune_b) = f.tree("200", ("06913", "06916"))
    commune_a.name, commune_b.name, district.name = "Xã Quảng Tân", "Xã Đầm Hà", "Huyện Đầm Hà"
    for each in (commune_a, commune_b, district):
        each.save()
    today = timezone.localdate()
    periods = {
        "2023-H2": f.period("2023-H2", is_open=False),
        "2024-H1": f.period("2024-H1"),
        "2024-H2": f.period("2024-H2", deadline=today + datetime.timedelta(days=30)),
        "2024": f.period("2024"),
    }
    vu = f.indicator("VU", name="Số vụ phạm tội", section="1. Tội phạm", order=1)
    lamro = f.indicator("LAMRO", name="Số vụ đã làm rõ", section="1. Tội phạm", order=2)
    tyle = f.indicator(
        "TYLE",
        kind="rate",
        name="Tỷ lệ làm rõ",
        measure="%",
        entry_level=Level.DISTRICT,
        numerator=lamro,
        denominator=vu,
        section="1. Tội phạm",
        order=3,
    )
    ql = f.indicator("QL", kind="yes_no", name="Quản lý đầy đủ", measure="có/không", section="2. Ma túy", order=1)
    sach = f.indicator("SACH", kind="status", name="Xã sạch ma túy", measure="xã", section="2. Ma túy", order=2)
    f.criterion(sach, ql, "at_least", 1)
    xlhs = f.indicator("XLHS", name="Bắt, xử lý hình sự", entry_level=Level.DISTRICT, section="2. Ma túy", order=3)
    users = {
        "officer_a": f.user("officer_a", (Role.ENTRY, commune_a)),
        "officer_b": f.user("officer_b", (Role.ENTRY, commune_b)),
        "reviewer": f.user("reviewer", (Role.REVIEW, district)),
        "leader": f.user("leader", (Role.VIEW, district)),
        "office": f.user("office", (Role.OFFICE, district)),
        "admin": f.user("admin", superuser=True),
    }
    for name, account in users.items():
        account.email = f"{name}@damha.example"
        account.first_name = {"officer_a": "Công an Quảng Tân", "reviewer": "Công an huyện"}.get(name, "")
        account.save()
    return types.SimpleNamespace(
        province=province,
        district=district,
        a=commune_a,
        b=commune_b,
        periods=periods,
        h2=periods["2024-H2"],
        indicators={"VU": vu, "LAMRO": lamro, "TYLE": tyle, "QL": ql, "SACH": sach, "XLHS": xlhs},
        users=users,
        **users,
    )


@pytest.fixture
def client_for(client, world):
    """A test client logged in as one of the cast (``anonymous`` stays logged out)."""

    def _client(name):
        client.logout()
        if name != "anonymous":
            client.force_login(world.users[name])
        return client

    return _client
