import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from committees.models import Role
from indicators import services
from indicators.models import SubmissionStatus
from tests import factories as f

S = SubmissionStatus


def _deadline_in(world, days, is_open=True):
    world.h2.deadline = timezone.localdate() + datetime.timedelta(days=days)
    world.h2.is_open = is_open
    world.h2.save()


def _run(*args):
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def _sent():
    return sorted((tuple(message.to), message.subject) for message in mail.outbox)


def test_reminds_every_unit_that_has_not_submitted_within_n_days(world):
    _deadline_in(world, 2)
    f.submission(world.b, world.h2, status=S.SUBMITTED, VU=1)
    out = _run("--days", "3")
    assert _sent() == [
        (("officer_a@damha.example",), "[BCĐ huyện] Nhắc nhập số liệu 6 tháng cuối năm 2024 — Xã Quảng Tân"),
        # The district police enter the district's own figures: they are reminded too.
        (("reviewer@damha.example",), "[BCĐ huyện] Nhắc nhập số liệu 6 tháng cuối năm 2024 — Huyện Đầm Hà"),
    ]
    assert "Đã gửi nhắc nhở cho 2 đơn vị." in out
    body = next(m.body for m in mail.outbox if m.to == ["officer_a@damha.example"])
    assert "Kính gửi đồng chí phụ trách nhập số liệu của Xã Quảng Tân," in body
    assert f"Hạn nhập: {world.h2.deadline:%d/%m/%Y} (còn 2 ngày)." in body


@pytest.mark.parametrize("status", [S.DRAFT, S.RETURNED])
def test_drafts_and_returned_reports_count_as_not_submitted(world, status):
    _deadline_in(world, 1)
    f.submission(world.a, world.h2, status=status, VU=1)
    f.submission(world.b, world.h2, status=S.APPROVED, VU=1)
    f.submission(world.district, world.h2, status=S.SUBMITTED, XLHS=1)
    _run("--days", "3")
    assert [message.to for message in mail.outbox] == [["officer_a@damha.example"]]


@pytest.mark.parametrize(
    ("days_left", "days", "is_open", "expected"),
    [(10, 3, True, 0), (3, 3, True, 3), (0, 3, True, 3), (-1, 3, True, 0), (2, 3, False, 0), (6, 7, True, 3)],
)
def test_only_open_periods_with_a_deadline_within_n_days(world, days_left, days, is_open, expected):
    _deadline_in(world, days_left, is_open=is_open)
    _run("--days", str(days))
    assert len(mail.outbox) == expected


def test_default_is_three_days(world):
    _deadline_in(world, 4)
    _run()
    assert mail.outbox == []
    _deadline_in(world, 3)
    _run()
    assert len(mail.outbox) == 3


def test_units_not_valid_at_the_end_of_the_period_are_not_reminded(world):
    _deadline_in(world, 1)
    world.b.valid_to = datetime.date(2024, 7, 1)
    world.b.save()
    _run()
    assert ["officer_b@damha.example"] not in [message.to for message in mail.outbox]


def test_users_without_an_address_are_reported(world):
    _deadline_in(world, 1)
    world.officer_a.email = ""
    world.officer_a.save()
    out = _run()
    assert "2024-H2 · Xã Quảng Tân: không có tài khoản nhập liệu nào có địa chỉ e-mail" in out
    assert ["officer_a@damha.example"] not in [message.to for message in mail.outbox]


def test_an_entry_role_on_the_district_covers_its_communes(world):
    _deadline_in(world, 1)
    district_clerk = f.user("nhaplieu.huyen", (Role.ENTRY, world.district))
    district_clerk.email = "huyen@damha.example"
    district_clerk.save()
    recipients = services.send_reminder(unit=world.a, period=world.h2)
    assert recipients == ["huyen@damha.example", "officer_a@damha.example"]


def test_units_not_submitted_within_a_root(world):
    other_district = f.unit("201", level="district", parent=world.province)
    f.unit("07000", parent=other_district)
    codes = [unit.code for unit in services.units_not_submitted(period=world.h2, root=world.district)]
    assert codes == ["200", "06913", "06916"]


def test_the_email_links_to_the_entry_page_when_the_site_address_is_set(world, settings):
    settings.DAMHA_SITE_URL = "https://bcd.damha.example"
    _deadline_in(world, 1)
    _run()
    body = next(m.body for m in mail.outbox if m.to == ["officer_a@damha.example"])
    assert "Nhập và gửi báo cáo tại: https://bcd.damha.example/entry/06913/2024-H2/" in body
