"""Periods per scope (issue 17, finding 3): opening, closing and deadlines apply to the
manager's own subtree; a lock exception reopens one unit for one period.

On main an office user of district 200 closed 2024-H2 for everyone, and district 201's
communes were locked out; the same for deadlines."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from committees.models import Level, Role
from indicators import services
from indicators.models import LockException, Period, Submission
from tests import factories as f

CLOSED_BY_OFFICE = "Kỳ 2024-H2 đã khóa nhập liệu (office khóa cho Huyện Đầm Hà lúc"


@pytest.fixture
def other(world):
    """District 201 of the same province, its commune 06950 and its entry user."""
    district = f.unit("201", level=Level.DISTRICT, parent=world.province, name="Huyện Tiên Yên")
    commune = f.unit("06950", parent=district, name="Xã Hải Lạng")
    officer = f.user("officer_c", (Role.ENTRY, commune))
    return type("Other", (), {"district": district, "commune": commune, "officer": officer})


def _blocker(user, unit, period):
    return services.edit_blocker(user=user, unit=unit, period=period)


def test_a_district_closes_its_own_communes_not_another_districts(world, other):
    services.update_period(user=world.office, period=world.h2, is_open=False, deadline=None, unit=world.district)
    assert _blocker(world.officer_a, world.a, world.h2).startswith(CLOSED_BY_OFFICE)
    assert _blocker(world.officer_b, world.b, world.h2).startswith(CLOSED_BY_OFFICE)
    assert _blocker(other.officer, other.commune, world.h2) is None
    services.save_figures(
        user=other.officer, unit=other.commune, period=world.h2, values={"VU": (2, "")}, version=0, submit=True
    )
    assert Submission.objects.get(unit=other.commune).status == "submitted"


def test_a_district_deadline_holds_for_its_communes_only(world, other):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    services.update_period(user=world.reviewer, period=world.h2, is_open=True, deadline=yesterday, unit=world.district)
    assert _blocker(world.officer_a, world.a, world.h2).startswith("Đã quá hạn nhập số liệu kỳ 2024-H2 (hạn ")
    assert _blocker(other.officer, other.commune, world.h2) is None
    assert services.entry_window(unit=other.commune, period=world.h2).deadline == world.h2.deadline


def test_a_province_closing_holds_below_even_where_a_district_opened(world, other):
    province_office = f.user("office_tinh", (Role.OFFICE, world.province))
    services.update_period(user=world.office, period=world.h2, is_open=True, deadline=None, unit=world.district)
    services.update_period(user=province_office, period=world.h2, is_open=False, deadline=None, unit=world.province)
    message = _blocker(world.officer_a, world.a, world.h2)
    assert message.startswith("Kỳ 2024-H2 đã khóa nhập liệu (office_tinh khóa cho Đơn vị 22 lúc")
    assert _blocker(other.officer, other.commune, world.h2).startswith("Kỳ 2024-H2 đã khóa nhập liệu (office_tinh")


def test_a_district_user_cannot_close_another_district(world, other):
    with pytest.raises(services.WorkflowError, match="Chỉ người duyệt hoặc văn phòng của Huyện Tiên Yên"):
        services.update_period(user=world.office, period=world.h2, is_open=False, deadline=None, unit=other.district)


def test_a_lock_exception_reopens_exactly_one_unit(world):
    services.update_period(
        user=world.office,
        period=world.h2,
        is_open=False,
        deadline=datetime.date.today() - datetime.timedelta(days=3),
        unit=world.district,
    )
    exception = services.grant_lock_exception(
        user=world.reviewer, unit=world.a, period=world.h2, reason="Bổ sung vụ án cuối kỳ"
    )
    assert _blocker(world.officer_a, world.a, world.h2) is None  # neither closed nor past the deadline
    assert _blocker(world.officer_b, world.b, world.h2).startswith(CLOSED_BY_OFFICE)
    services.save_figures(
        user=world.officer_a, unit=world.a, period=world.h2, values={"VU": (4, "")}, version=0, submit=True
    )
    services.remove_lock_exception(user=world.reviewer, exception=exception)
    assert _blocker(world.officer_a, world.a, world.h2).startswith(CLOSED_BY_OFFICE)
    assert LockException.history.count() == 2  # granted, removed: who and when are kept


def test_a_lock_exception_needs_a_reason_and_the_scope(world, other):
    with pytest.raises(services.WorkflowError, match="Cần ghi lý do"):
        services.grant_lock_exception(user=world.reviewer, unit=world.a, period=world.h2, reason=" ")
    with pytest.raises(services.WorkflowError, match="Huyện Tiên Yên|Xã Hải Lạng"):
        services.grant_lock_exception(user=world.reviewer, unit=other.commune, period=world.h2, reason="x")
    assert LockException.objects.count() == 0


def test_the_periods_page_closes_the_users_district_and_grants_an_exception(world, other, client_for):
    client = client_for("office")
    page = client.get(reverse("indicators:periods")).content.decode()
    assert "áp dụng cho Huyện Đầm Hà và các đơn vị trực thuộc" in page
    assert 'value="06913"' in page and 'value="06950"' not in page  # the exception form offers the scope only
    response = client.post(reverse("indicators:periods"), {"period": "2024-H2", "unit": "200", "2024-H2-deadline": ""})
    assert response.status_code == 302
    assert Period.objects.get(code="2024-H2").is_open is True
    response = client.post(
        reverse("indicators:periods"),
        {
            "action": "exception",
            "unit": "200",
            "exception-period": "2024-H2",
            "exception-unit": "06913",
            "exception-reason": "Bổ sung vụ án cuối kỳ",
        },
        follow=True,
    )
    assert "Đã mở riêng kỳ 2024-H2 cho Xã Quảng Tân." in response.content.decode()
    assert list(LockException.objects.values_list("unit__code", "period__code", "granted_by__username")) == [
        ("06913", "2024-H2", "office")
    ]
    refused = client.post(
        reverse("indicators:periods"),
        {
            "action": "exception",
            "exception-period": "2024-H2",
            "exception-unit": "06950",
            "exception-reason": "x",
        },
    )
    assert refused.status_code == 400 and LockException.objects.count() == 1
    assert client.get(reverse("indicators:periods") + "?unit=201").status_code == 403


def test_the_entry_page_says_who_closed_it(world, client_for):
    services.update_period(user=world.office, period=world.h2, is_open=False, deadline=None, unit=world.district)
    text = client_for("officer_a").get(reverse("indicators:entry", args=["06913", "2024-H2"])).content.decode()
    assert CLOSED_BY_OFFICE in text


def test_an_entry_user_import_respects_the_district_closing(world, other, tmp_path):
    services.update_period(user=world.office, period=world.h2, is_open=False, deadline=None, unit=world.district)
    path = tmp_path / "so-lieu.csv"
    path.write_text("unit_code,indicator_code,period,value,note\n06913,VU,2024-H2,3,\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_figures", str(path), "--user", "officer_a", stderr=err)
    assert "Dòng 2: Kỳ 2024-H2 đã khóa nhập liệu (office khóa cho Huyện Đầm Hà lúc" in err.getvalue()
    path.write_text("unit_code,indicator_code,period,value,note\n06950,VU,2024-H2,3,\n", encoding="utf-8")
    call_command("import_figures", str(path), "--user", "officer_c", stdout=io.StringIO())
    assert Submission.objects.get(unit=other.commune).status == "submitted"


def test_the_entry_page_shows_the_districts_deadline_and_an_exception(world, client_for):
    deadline = datetime.date.today() + datetime.timedelta(days=9)
    services.update_period(user=world.office, period=world.h2, is_open=True, deadline=deadline, unit=world.district)
    client = client_for("officer_a")
    text = client.get(reverse("indicators:entry", args=["06913", "2024-H2"])).content.decode()
    assert f"hạn nhập {deadline:%d/%m/%Y}" in text and 'id="lock-exception"' not in text
    services.grant_lock_exception(user=world.office, unit=world.a, period=world.h2, reason="Bổ sung")
    text = client.get(reverse("indicators:entry", args=["06913", "2024-H2"])).content.decode()
    assert "hạn nhập" not in text and 'id="lock-exception"' in text
