"""The 2025 reform in the demo: 2024 under the district, 2025-H2 under the province."""

import re

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


# --- The two-level government for the province's demo users (issue 14, part 4) --------


def _client_for(client, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_province_leader_reads_2025_h2(client, demo):
    client = _client_for(client, "lanhdao.tinh")
    api = client.get(reverse("reports:api_progress", args=["22", "2025-H2"])).json()
    assert api["completeness"] == {"expected": 2, "submitted": 2, "approved": 2}
    rows = {r["indicator"]: r for r in api["rows"]}
    facts = {
        code: (
            rows[code]["actual"],
            rows[code]["cumulative"],
            rows[code]["target"] and (rows[code]["target"]["comparison"], rows[code]["target"]["value"]),
            rows[code]["percent"],
            rows[code]["status"],
        )
        for code in ("TTXH_VU", "ANTT_MOHINH", "MT_TUDIEM", "MT_HOSO_CAI", "MT_XA_SACH")
    }
    assert facts == {
        # 3 + 2 cases in 2025-H2; the year 6 + 5 = 11 against 8 + 4 = 12 in 2024: down 1.
        "TTXH_VU": (5, 11, ("reduce_by", 1), None, "achieved"),
        "ANTT_MOHINH": (10, 10, ("at_least", 10), 100.0, "achieved"),
        "MT_TUDIEM": (0, 0, ("at_most", 0), None, "achieved"),
        "MT_HOSO_CAI": (5, 10, ("at_least", 10), 100.0, "achieved"),
        "MT_XA_SACH": (2, 2, ("at_least", 2), 100.0, "achieved"),
    }
    rate = rows["TTXH_TYLE"]
    assert (rate["actual"], round(rate["cumulative"], 4), rate["status"]) == (80.0, 90.9091, "achieved")
    assert rows["TTXH_VU"]["target"]["plan"] == "68/KH-BCĐ"
    page = " ".join(client.get(reverse("reports:dashboard", args=["22", "2025-H2"])).content.decode().split())
    assert "2/2 đơn vị đã gửi, 2 đã duyệt" in page
    assert 'id="unit-fate"' not in page  # the province goes on
    # The province's committees, which took over from the district's, head the indicators.
    headings = re.findall(r'<h2 id="committee-\d+" class="h6 mt-2">([^<]+)</h2>', page.replace("&quot;", '"'))
    assert headings == [
        "Ban Chỉ đạo phòng chống tội phạm, tệ nạn xã hội và xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc "
        "tỉnh Quảng Ninh",
        'Ban Chỉ đạo xây dựng "Xã, phường sạch ma túy" tỉnh Quảng Ninh',
    ]
    district = client.get(reverse("reports:dashboard", args=["200", "2024-H1"])).content.decode()
    assert re.findall(r'<h2 id="committee-\d+" class="h6 mt-2">([^<]+)</h2>', district.replace("&quot;", '"'))[1] == (
        'Ban Chỉ đạo xây dựng "Xã, thị trấn sạch ma túy", "Huyện sạch ma túy" huyện Đầm Hà'
    )
    # The district's 2024 history is still there for the province, with its nine communes.
    api_2024 = client.get(reverse("reports:api_progress", args=["200", "2024-H1"])).json()
    assert len(next(r for r in api_2024["rows"] if r["indicator"] == "TTXH_VU")["children"]) == 9


def test_province_reviewer_sees_the_new_communes(client, demo):
    client = _client_for(client, "duyet.tinh")
    page = client.get(reverse("indicators:review", args=["22", "2025-H2"])).content.decode()
    assert 'data-unit="06913-2025"' in page and 'data-unit="06895-2025"' in page
    assert 'data-unit="06913"' not in page
    assert client.get(reverse("indicators:review", args=["200", "2024-H2"])).status_code == 200
    from indicators.models import Submission

    approvers = set(
        Submission.objects.filter(period__code="2025-H2").values_list("unit__code", "approved_by__username")
    )
    assert approvers == {("06913-2025", "duyet.tinh"), ("06895-2025", "duyet.tinh")}


def test_district_leader_is_told_where_the_communes_went(client, demo):
    client = _client_for(client, "lanhdao")
    page = " ".join(client.get(reverse("reports:dashboard", args=["200", "2025-H2"])).content.decode().split())
    assert "Huyện Đầm Hà đã kết thúc hoạt động từ 01/07/2025 theo Nghị quyết số 1679/NQ-UBTVQH15 ngày 16/6/2025" in page
    assert (
        "<li>Xã Quảng Tân (06913-2025), trực thuộc Tỉnh Quảng Ninh — gồm Xã Quảng Lâm, Xã Quảng An, Xã Dực Yên, "
        "Xã Quảng Tân</li>" in page
    )
    assert (
        "<li>Xã Đầm Hà (06895-2025), trực thuộc Tỉnh Quảng Ninh — gồm Thị trấn Đầm Hà, Xã Tân Bình, Xã Đầm Hà, "
        "Xã Tân Lập, Xã Đại Bình</li>" in page
    )
    # The district leader may not open the province's communes: named, not linked; the
    # district's last half-year is.
    assert 'href="/dashboard/06913-2025/2025-H2/"' not in page
    assert (
        'Số liệu đến hết 30/06/2025 vẫn được lưu: <a class="alert-link" href="/dashboard/200/2025-H1/">6 tháng đầu năm 2025</a>'
        in page
    )
    assert "Chuyển quyền sang đơn vị mới" not in page  # not a people manager
    in_force = client.get(reverse("reports:dashboard", args=["200", "2024-H2"])).content.decode()
    assert 'id="unit-fate"' not in in_force


def test_an_ended_commune_says_what_became_of_it(admin_client):
    page = " ".join(admin_client.get(reverse("reports:dashboard", args=["06913", "2025-H2"])).content.decode().split())
    assert "Đã sáp nhập vào Xã Quảng Tân từ 01/07/2025 theo Nghị quyết số 1679/NQ-UBTVQH15 ngày 16/6/2025" in page
    assert (
        'Đơn vị kế thừa: <a class="alert-link" href="/dashboard/06913-2025/2025-H2/">Xã Quảng Tân (06913-2025)</a>'
        in page
    )
    assert "1 quyền của người dùng vẫn gắn với đơn vị đã kết thúc." in page
    assert 'href="/units/06913/roles/move/"' in page
    new = " ".join(
        admin_client.get(reverse("reports:dashboard", args=["06913-2025", "2024-H2"])).content.decode().split()
    )
    assert "Đơn vị thành lập từ 01/07/2025 theo Nghị quyết số 1679/NQ-UBTVQH15 ngày 16/6/2025" in new
    assert '<a class="alert-link" href="/dashboard/06898/2024-H2/">Xã Quảng Lâm</a>' in new


def test_admin_moves_the_officer_to_the_new_commune(admin_client):
    from committees.models import UnitRole

    role = UnitRole.objects.get(user__username="congan.quangtan")
    page = admin_client.get(reverse("committees:unit_roles_move", args=["06913"])).content.decode()
    assert '<option value="06913-2025">Xã Quảng Tân (06913-2025)</option>' in page
    response = admin_client.post(
        reverse("committees:unit_roles_move", args=["06913"]), {"roles": [role.pk], "successor": "06913-2025"}
    )
    assert response.status_code == 302
    assert list(UnitRole.objects.filter(user__username="congan.quangtan").values_list("unit__code", "role")) == [
        ("06913-2025", "entry")
    ]


def test_office_cannot_move_roles_outside_its_scope(client, demo):
    from committees.models import UnitRole

    client = _client_for(client, "vanphong")
    role = UnitRole.objects.get(user__username="congan.quangtan")
    response = client.post(
        reverse("committees:unit_roles_move", args=["06913"]), {"roles": [role.pk], "successor": "06913-2025"}
    )
    assert response.status_code == 403
    assert "ngoài phạm vi quản lý của bạn" in response.content.decode()
    assert UnitRole.objects.get(pk=role.pk).unit.code == "06913"
