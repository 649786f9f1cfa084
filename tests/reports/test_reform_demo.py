"""The 2025 reform in the demo: 2024 under the district, 2025-H2 under the province."""

import pytest
from django.urls import reverse

from committees.models import AdministrativeUnit, UnitSuccession


@pytest.fixture
def admin_client(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    return client


def test_reform_units_and_successions(demo):
    assert AdministrativeUnit.objects.get(code="200").valid_to.isoformat() == "2025-06-30"
    new = AdministrativeUnit.objects.get(code="06913-2025")
    assert (new.name, new.parent.code, new.valid_from.isoformat()) == ("Xã Quảng Tân", "22", "2025-07-01")
    assert sorted(UnitSuccession.objects.filter(successor=new).values_list("predecessor__code", flat=True)) == [
        "06898",
        "06901",
        "06910",
        "06913",
    ]
    assert UnitSuccession.objects.filter(successor__code="06895-2025").count() == 5


def test_province_2025_h2_compares_new_communes_with_predecessors(admin_client):
    api = admin_client.get(reverse("reports:api_progress", args=["06913-2025", "2025-H2"])).json()
    row = next(r for r in api["rows"] if r["indicator"] == "TTXH_VU")
    # 2025-H2: 2 cases. 2024-H2 of the predecessors that submitted: Quảng Lâm 1 + Quảng An 1
    # + Dực Yên 1 (Quảng Tân has not started 2024-H2 in the demo) = 3.
    assert (row["actual"], row["same_period_last_year"], row["change"]) == (2, 3, -1)
    page = admin_client.get(reverse("reports:dashboard", args=["06913-2025", "2025-H2"])).content.decode()
    assert "So với cùng kỳ của các đơn vị trước sáp nhập:" in page
    assert "Xã Quảng Lâm, Xã Quảng An, Xã Dực Yên, Xã Quảng Tân" in " ".join(page.split())

    province = admin_client.get(reverse("reports:api_progress", args=["22", "2025-H2"])).json()
    assert province["completeness"] == {"expected": 2, "submitted": 2, "approved": 2}
    row = next(r for r in province["rows"] if r["indicator"] == "TTXH_VU")
    assert [c["unit"] for c in row["children"]] == ["06895-2025", "06913-2025"]


def test_district_still_shows_2024_with_nine_communes(admin_client):
    api = admin_client.get(reverse("reports:api_progress", args=["200", "2024-H1"])).json()
    row = next(r for r in api["rows"] if r["indicator"] == "TTXH_VU")
    assert len(row["children"]) == 9
    assert api["completeness"] == {"expected": 10, "submitted": 10, "approved": 10}


def test_drug_free_checklist_on_district_dashboard(admin_client):
    page = admin_client.get(reverse("reports:dashboard", args=["200", "2024-H1"])).content.decode()
    assert "Tiêu chí: Xã, thị trấn đạt tiêu chí &quot;sạch ma túy&quot;" in page
    # Xã Đầm Hà answered "no" to full management in 2024-H1: it fails exactly that criterion.
    section = page[page.index("Tiêu chí: Xã") :]
    row = section[section.index("Xã Đầm Hà</th>") : section.index("</tr>", section.index("Xã Đầm Hà</th>"))]
    # One criterion held, one failed, and the result (an icon beside each word).
    assert row.count("✓") == 1 and row.count("✗") == 2
    assert "✗</span> Chưa đạt tiêu chí" in row
