"""The roll-up cache is always correct for live data (indicators/datacache.py).

The dashboard body and the progress API are cached by a data version that database
triggers renew on every write to the data they show. These tests write in every way the
application or an administrator can — model save, bulk update, bulk create, delete, raw
SQL, a rolled-back transaction — and read the page again right after.
"""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import AdministrativeUnit, Role, UnitSuccession
from indicators import datacache, rollup
from indicators.models import DataVersion, Figure, Indicator, Period, Submission, SubmissionStatus, Target
from tests import factories as f


@pytest.fixture
def world(db):
    """District 200 with communes C1, C2; VU 3 + 2 in 2024-H1; a year target at most 6."""
    for code in ("2023-H1", "2024-H1", "2024"):
        f.period(code)
    province, district, (c1, c2) = f.tree(communes=("C1", "C2"))
    old = f.unit("C0", parent=district, valid_to=Period.objects.get(code="2023-H1").start)
    f.succession(old, c1, c1.valid_from or Period.objects.get(code="2023-H1").start)
    committee = f.committee(district)
    vu = f.indicator("VU", name="Số vụ", order=1, committee=committee)
    sach = f.indicator("SACH", kind="status", name="Xã sạch", order=2)
    f.criterion(sach, vu, "at_most", 5)
    h1 = Period.objects.get(code="2024-H1")
    f.target(vu, district, Period.objects.get(code="2024"), "at_most", 6, f.plan())
    f.submission(c1, h1, SubmissionStatus.APPROVED, VU=3)
    f.submission(c2, h1, SubmissionStatus.SUBMITTED, VU=2)
    viewer = f.user("xem", (Role.VIEW, district))
    return {"district": district, "c1": c1, "c2": c2, "h1": h1, "viewer": viewer}


def api(client):
    response = client.get(reverse("reports:api_progress", args=["200", "2024-H1"]))
    assert response.status_code == 200
    return next(row for row in response.json()["rows"] if row["indicator"] == "VU")


def dashboard(client):
    response = client.get(reverse("reports:dashboard", args=["200", "2024-H1"]))
    assert response.status_code == 200
    return response.context["body"]


@pytest.fixture
def viewer_client(client, world):
    client.force_login(world["viewer"])
    assert api(client)["actual"] == 5  # computed and cached
    assert "5 vụ" in dashboard(client)
    return client


def test_the_tables_the_rollup_reads_are_all_watched():
    read = {name.strip('"`') for key, name in rollup._tables().items() if key != "end"}
    assert read <= set(datacache.WATCHED_TABLES)
    # …and what the dashboard shows besides: plan citations and committee names.
    assert {"committees_plan", "committees_steeringcommittee"} <= set(datacache.WATCHED_TABLES)


@pytest.mark.django_db
def test_every_watched_table_has_its_triggers():
    if connection.vendor == "postgresql":
        sql = "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE %s"
    else:
        sql = "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, ["%data_version%"])
        tables = sorted(row[0] for row in cursor.fetchall())
    per_table = 1 if connection.vendor == "postgresql" else 3  # insert, update, delete
    assert tables == sorted(datacache.WATCHED_TABLES * per_table)


@pytest.mark.parametrize("table", datacache.WATCHED_TABLES)
def test_a_write_to_any_watched_table_renews_the_version(world, table):
    before = datacache.token()
    assert before
    with connection.cursor() as cursor:  # a no-op update still writes a row
        cursor.execute(f"UPDATE {table} SET id = id WHERE id = (SELECT MIN(id) FROM {table})")  # noqa: S608
        assert cursor.rowcount == 1
    assert datacache.token() not in (None, before)


def test_a_model_save_shows_at_once(viewer_client, world):
    figure = Figure.objects.get(submission__unit=world["c1"], indicator__code="VU")
    figure.value = 4
    figure.save()
    assert api(viewer_client)["actual"] == 6
    assert "6 vụ" in dashboard(viewer_client)


def test_a_bulk_update_shows_at_once(viewer_client, world):
    # QuerySet.update sends no signal: the trigger sees it all the same.
    Figure.objects.filter(indicator__code="VU").update(value=1)
    assert api(viewer_client)["actual"] == 2


def test_raw_sql_shows_at_once(viewer_client, world):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Figure._meta.db_table} SET value = value + 10")  # noqa: S608
    row = api(viewer_client)
    assert row["actual"] == 25
    assert row["status"] == rollup.NOT_ACHIEVED  # 25 > 6


def test_a_new_submission_and_a_deleted_one_show_at_once(viewer_client, world):
    c3 = f.unit("C3", parent=world["district"])
    submission = f.submission(c3, world["h1"], SubmissionStatus.SUBMITTED, VU=7)
    assert api(viewer_client)["actual"] == 12
    submission.delete()
    row = api(viewer_client)
    assert row["actual"] == 5
    assert [child["unit"] for child in row["children"]] == ["C1", "C2", "C3"]


def test_a_returned_submission_stops_counting_at_once(viewer_client, world):
    Submission.objects.filter(unit=world["c2"]).update(status=SubmissionStatus.RETURNED)
    assert api(viewer_client)["actual"] == 3
    assert "1/2 đơn vị đã gửi, 1 đã duyệt" in dashboard(viewer_client)  # C1, C2 (C0 had ended)


def test_targets_units_and_indicators_show_at_once(viewer_client, world):
    Target.objects.filter(unit=world["district"]).update(value=4)
    assert api(viewer_client)["target"]["value"] == 4
    assert api(viewer_client)["status"] == rollup.NOT_ACHIEVED
    AdministrativeUnit.objects.filter(code="C2").update(name="Xã Mới Đặt Tên")
    assert "Xã Mới Đặt Tên" in [child["name"] for child in api(viewer_client)["children"]]
    Indicator.objects.filter(code="VU").update(name="Số vụ phạm tội")
    assert "Số vụ phạm tội" in dashboard(viewer_client)
    UnitSuccession.objects.all().delete()
    assert api(viewer_client)["actual"] == 5


def test_a_renamed_period_is_not_served_from_the_cache(viewer_client):
    # Pages are keyed by the period's code and the period is not looked up on a hit:
    # renaming it changes the data version, so the old code is a 404 at once.
    Period.objects.filter(code="2024-H1").update(code="2024-X1")
    assert viewer_client.get(reverse("reports:api_progress", args=["200", "2024-H1"])).status_code == 404
    assert viewer_client.get(reverse("reports:dashboard", args=["200", "2024-H1"])).status_code == 404
    response = viewer_client.get(reverse("reports:api_progress", args=["200", "2024-X1"]))
    assert response.json()["period"]["code"] == "2024-X1"


def test_unsafe_codes_in_the_url_make_safe_cache_keys(viewer_client):
    for code in ("2024 H1", "x" * 300, "kỳ\t1"):
        response = viewer_client.get(reverse("reports:api_progress", args=["200", code]))
        assert response.status_code == 404
        assert response.json() == {"error": "Không tìm thấy đơn vị hoặc kỳ báo cáo."}


def test_a_rolled_back_write_leaves_nothing_behind(viewer_client, world):
    before = datacache.token()
    with pytest.raises(RuntimeError), transaction.atomic():
        Figure.objects.filter(indicator__code="VU").update(value=100)
        # Inside the writer's transaction its own page sees its own write (and caches it
        # under a token nobody else will ever read)…
        assert api(viewer_client)["actual"] == 200
        raise RuntimeError
    # …and after the rollback the old token and the old numbers are back.
    assert datacache.token() == before
    assert api(viewer_client)["actual"] == 5


def test_an_unchanged_page_is_served_from_the_cache(viewer_client):
    url = reverse("reports:api_progress", args=["200", "2024-H1"])
    with CaptureQueriesContext(connection) as captured:
        viewer_client.get(url)
    assert not any("WITH RECURSIVE" in query["sql"] for query in captured.captured_queries)


def test_the_cache_is_shared_but_access_is_still_checked(viewer_client, world):
    f.tree(district_code="201", communes=("D1",), province_code="23")
    outsider = f.user("ngoai", (Role.VIEW, AdministrativeUnit.objects.get(code="201")))
    assert api(viewer_client)["actual"] == 5  # computed again (the writes above) and cached
    dashboard(viewer_client)
    client = Client()
    client.force_login(outsider)
    with CaptureQueriesContext(connection) as captured:
        refused = client.get(reverse("reports:api_progress", args=["200", "2024-H1"]))
        page = client.get(reverse("reports:dashboard", args=["200", "2024-H1"]))
    assert not any("WITH RECURSIVE" in query["sql"] for query in captured.captured_queries)  # from the cache
    assert refused.status_code == 403
    assert refused.json() == {"error": "Đơn vị Đơn vị 200 không thuộc phạm vi được phân công cho tài khoản của bạn."}
    assert page.status_code == 403
    assert "Đơn vị C1" not in page.content.decode() and "5 vụ" not in page.content.decode()


def test_each_language_has_its_own_copy(viewer_client):
    assert "Tải Excel (.xlsx)" in dashboard(viewer_client)
    viewer_client.cookies["django_language"] = "en"
    english = dashboard(viewer_client)
    assert "Download Excel (.xlsx)" in english
    assert "Tải Excel (.xlsx)" not in english
    viewer_client.cookies["django_language"] = "vi"
    assert "Tải Excel (.xlsx)" in dashboard(viewer_client)


def test_without_a_version_nothing_is_cached(viewer_client, world):
    DataVersion.objects.all().delete()  # not a watched table: the token is gone
    assert datacache.token() is None
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert api(viewer_client)["actual"] == 5
        assert any("WITH RECURSIVE" in query["sql"] for query in captured.captured_queries)
