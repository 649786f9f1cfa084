"""The roll-up cache is always correct for live data (indicators/datacache.py).

The dashboard body and the progress API are cached under the versions of what they read:
a metadata token that every write to units, periods, indicators, targets… renews, and
per (unit, year) versions that database triggers renew on every write to a unit's
submissions and figures. These tests write in every way the application or an
administrator can — model save, bulk update, bulk create, delete, raw SQL, COPY, a
rolled-back transaction — and read the pages again right after: the pages that read the
written unit and year show the new numbers at once, the others stay cached.

Every test runs with the default (per-process) cache and, when a redis-server binary is
installed or DAMHA_TEST_REDIS=1, again with Redis (tests/redis_server.py).
"""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import AdministrativeUnit, Level, Role, UnitSuccession
from indicators import datacache, rollup
from indicators.models import (
    DataVersion,
    Figure,
    Indicator,
    Period,
    Submission,
    SubmissionStatus,
    Target,
    UnitVersion,
)
from tests import factories as f
from tests.redis_server import CACHE_BACKENDS


@pytest.fixture(autouse=True, params=CACHE_BACKENDS)
def cache_backend(request, settings):
    """The default cache, then (when available) a private Redis server's."""
    if request.param == "redis":
        server = request.getfixturevalue("redis_server")
        server.use(settings)
    return request.param


def computed(queries):
    """Whether the roll-up statement ran (the page was computed, not read from the cache)."""
    return any("tree(pid, pend, bucket, uid, lvl)" in query["sql"] for query in queries.captured_queries)


@pytest.fixture
def world(db):
    """District 200 (province 22) with communes C1, C2; VU 3 + 2 in 2024-H1; a year target
    at most 6. Beside it district 202 (commune E1, VU 4) in the same province and district
    300 (commune F1, VU 8) in province 24."""
    for code in ("2023-H1", "2024-H1", "2024"):
        f.period(code)
    province, district, (c1, c2) = f.tree(communes=("C1", "C2"))
    sister = f.unit("202", level=Level.DISTRICT, parent=province)
    e1 = f.unit("E1", parent=sister)
    _, other, (f1,) = f.tree(district_code="300", communes=("F1",), province_code="24")
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
    f.submission(e1, h1, SubmissionStatus.SUBMITTED, VU=4)
    f.submission(f1, h1, SubmissionStatus.SUBMITTED, VU=8)
    viewer = f.user("xem", (Role.VIEW, district))
    return {
        "province": province,
        "district": district,
        "c1": c1,
        "c2": c2,
        "e1": e1,
        "f1": f1,
        "other": other,
        "h1": h1,
        "viewer": viewer,
    }


def api(client, unit="200", period="2024-H1"):
    response = client.get(reverse("reports:api_progress", args=[unit, period]))
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


def triggers(name):
    if connection.vendor == "postgresql":
        sql = "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE %s"
    else:
        sql = "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"%{name}%"])
        return sorted(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
def test_every_watched_table_has_its_triggers():
    postgres = connection.vendor == "postgresql"
    # Metadata: one statement trigger (PostgreSQL) or insert, update, delete (SQLite). Data:
    # insert, update, delete on either; on PostgreSQL also TRUNCATE, which renews the token.
    meta = datacache.META_TABLES * (1 if postgres else 3)
    assert triggers("data_version") == sorted(meta + (datacache.DATA_TABLES if postgres else ()))
    assert triggers("unit_version") == sorted(datacache.DATA_TABLES * 3)


@pytest.mark.parametrize("table", datacache.META_TABLES)
def test_a_write_to_any_metadata_table_renews_the_token(world, table):
    before = datacache.token()
    keys = [datacache.key_of([unit], "2024-H1") for unit in ("200", "300")]
    assert before
    with connection.cursor() as cursor:  # a no-op update still writes a row
        cursor.execute(f"UPDATE {table} SET id = id WHERE id = (SELECT MIN(id) FROM {table})")  # noqa: S608
        assert cursor.rowcount == 1
    assert datacache.token() not in (None, before)
    # …and so every page's key, the other province's too.
    assert all(datacache.key_of([unit], "2024-H1") != key for unit, key in zip(("200", "300"), keys, strict=True))


@pytest.mark.parametrize("table", datacache.DATA_TABLES)
def test_a_write_to_a_data_table_renews_that_units_version_only(world, table):
    token = datacache.token()
    c1, f1 = world["c1"], world["f1"]
    before = {unit: datacache.version(unit, 2024) for unit in (c1, world["c2"], f1)}
    assert all(before.values())
    keys = {unit: datacache.key_of([unit], "2024-H1") for unit in ("C1", "200", "22", "300", "24")}
    submission = Submission.objects.get(unit=c1, period=world["h1"])
    row = submission.pk if table == "indicators_submission" else submission.figures.get(indicator__code="VU").pk
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET id = id WHERE id = %s", [row])  # noqa: S608
        assert cursor.rowcount == 1
    assert datacache.token() == token
    assert datacache.version(c1, 2024) not in (None, before[c1])
    assert datacache.version(world["c2"], 2024) == before[world["c2"]]
    assert datacache.version(f1, 2024) == before[f1]
    after = {unit: datacache.key_of([unit], "2024-H1") for unit in keys}
    assert [unit for unit in keys if after[unit] != keys[unit]] == ["C1", "200", "22"]


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
    before = datacache.key_of(["200"], "2024-H1")
    versions = {unit: datacache.version(unit, 2024) for unit in (world["c1"], world["c2"])}
    with pytest.raises(RuntimeError), transaction.atomic():
        Figure.objects.filter(submission__unit__code__in=["C1", "C2"]).update(value=100)
        c9 = f.unit("C9", parent=world["district"])
        f.submission(c9, world["h1"], VU=1)  # a first version row for C9
        assert datacache.version(c9, 2024) is not None
        # Inside the writer's transaction its own page sees its own write (and caches it
        # under a key nobody else will ever read)…
        assert api(viewer_client)["actual"] == 201
        raise RuntimeError
    # …and after the rollback the old key, the old versions and the old numbers are back.
    assert datacache.key_of(["200"], "2024-H1") == before
    assert {unit: datacache.version(unit, 2024) for unit in versions} == versions
    assert not UnitVersion.objects.filter(unit_id=c9.pk).exists()
    assert api(viewer_client)["actual"] == 5


def test_an_unchanged_page_is_served_from_the_cache(viewer_client):
    url = reverse("reports:api_progress", args=["200", "2024-H1"])
    with CaptureQueriesContext(connection) as captured:
        viewer_client.get(url)
    assert not computed(captured)


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
    assert not computed(captured)  # from the cache
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
        assert computed(captured)


# ------------------------------------------------------------------ scoped


def served(client, unit, period="2024-H1"):
    """(VU's actual, whether the roll-up was computed) for ``unit``'s API answer."""
    with CaptureQueriesContext(connection) as captured:
        actual = api(client, unit, period)["actual"]
    return actual, computed(captured)


@pytest.fixture
def admin_client_primed(client, world):
    client.force_login(f.user("quantri", superuser=True))
    for unit in ("C1", "200", "22", "202", "300", "24"):
        assert served(client, unit)[1]  # computed and cached
    return client


def test_a_communes_save_changes_its_district_and_province_at_once_and_nothing_else(admin_client_primed, world):
    figure = Figure.objects.get(submission__unit=world["c1"], indicator__code="VU")
    figure.value = 10
    figure.save()
    client = admin_client_primed
    assert served(client, "C1") == (10, True)
    assert served(client, "200") == (12, True)
    assert served(client, "22") == (16, True)  # 10 + 2 + E1's 4
    # The sister district and the other province stay cached, with their own numbers.
    assert served(client, "202") == (4, False)
    assert served(client, "300") == (8, False)
    assert served(client, "24") == (8, False)
    # The dashboard too: the other province's page is not computed again.
    dashboard_url = reverse("reports:dashboard", args=["24", "2024-H1"])
    client.get(dashboard_url)
    figure.value = 11
    figure.save()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(dashboard_url).status_code == 200
    assert not computed(captured)


def test_a_submissions_status_change_renews_its_ancestors_pages(admin_client_primed, world):
    Submission.objects.filter(unit=world["e1"]).update(status=SubmissionStatus.RETURNED)
    client = admin_client_primed
    assert served(client, "202") == (None, True)
    assert served(client, "22") == (5, True)
    assert served(client, "200") == (5, False)
    assert served(client, "24") == (8, False)


def test_a_write_renews_the_pages_of_its_year_and_the_next_not_the_years_before(admin_client_primed, world):
    client = admin_client_primed
    for code in ("2022-H1", "2023-H1"):  # (creating 2022-H1, a period, renews every page)
        f.submission(world["c1"], f.period(code), SubmissionStatus.SUBMITTED, VU=1)
    for period in ("2022-H1", "2023-H1", "2024-H1"):
        assert served(client, "200", period)[1]
    dashboard_url = reverse("reports:dashboard", args=["200", "2024-H1"])
    client.get(dashboard_url)

    # A write to 2024 leaves the pages of 2023 and 2022 (which read 2021–2023) cached.
    Figure.objects.filter(submission__unit=world["c1"], submission__period=world["h1"]).update(value=7)
    assert served(client, "200", "2024-H1") == (9, True)
    assert served(client, "200", "2023-H1") == (1, False)
    assert served(client, "200", "2022-H1") == (1, False)

    # A write to 2023 renews the 2024 pages (same period last year) and the 2023 ones.
    Figure.objects.filter(submission__unit=world["c1"], submission__period__code="2023-H1").update(value=6)
    response = client.get(reverse("reports:api_progress", args=["200", "2024-H1"]))
    row = next(row for row in response.json()["rows"] if row["indicator"] == "VU")
    assert (row["actual"], row["same_period_last_year"]) == (9, 6)
    assert served(client, "200", "2023-H1") == (6, True)
    assert served(client, "200", "2022-H1") == (1, False)

    # A write to 2022: the 2024 API answer (2023–2024) stays; the 2024 dashboard, whose
    # trend charts the half-years back to 2022-H1, is computed again.
    Figure.objects.filter(submission__unit=world["c1"], submission__period__code="2022-H1").update(value=5)
    assert served(client, "200", "2024-H1") == (9, False)
    with CaptureQueriesContext(connection) as captured:
        client.get(dashboard_url)
    assert computed(captured)


def test_a_predecessors_late_correction_renews_its_successors_pages(admin_client_primed, world):
    # C0 ended before 2023-H1 and C1 succeeded it: C1's page compares with C0's figures
    # of the year before (none here), so a write to C0 in 2023 renews C1's 2024 page.
    c0 = AdministrativeUnit.objects.get(code="C0")
    before = datacache.key_of(["C1"], "2024-H1")
    other = datacache.key_of(["202"], "2024-H1")
    f.submission(c0, Period.objects.get(code="2023-H1"), SubmissionStatus.SUBMITTED, VU=9)
    assert datacache.key_of(["C1"], "2024-H1") != before
    assert datacache.key_of(["202"], "2024-H1") == other


def test_a_metadata_write_renews_every_page(admin_client_primed, world):
    Target.objects.filter(unit=world["district"]).update(value=8)
    client = admin_client_primed
    for unit, actual in (("200", 5), ("24", 8)):
        assert served(client, unit) == (actual, True)


def test_raw_sql_and_bulk_inserts_renew_the_versions(admin_client_primed, world):
    client = admin_client_primed
    c3 = f.unit("C3", parent=world["other"])  # metadata: renews every page
    for unit in ("300", "200"):
        assert served(client, unit)[1]
    vu = Indicator.objects.get(code="VU")
    submission = Submission.objects.bulk_create(
        [Submission(unit=c3, period=world["h1"], status=SubmissionStatus.SUBMITTED)]
    )[0]
    if submission.pk is None:  # SQLite before RETURNING
        submission = Submission.objects.get(unit=c3, period=world["h1"])
    assert served(client, "300") == (8, True)  # a submission without figures yet
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Figure._meta.db_table} (submission_id, indicator_id, value, note) "  # noqa: S608
            "SELECT %s, i.id, 5, '' FROM indicators_indicator i WHERE i.id = %s",
            [submission.pk, vu.pk],
        )
    assert served(client, "300") == (13, True)
    assert served(client, "200") == (5, False)
    Figure.objects.filter(submission=submission).delete()
    assert served(client, "300") == (8, True)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_copy_renews_the_versions_once_per_unit_and_year(admin_client_primed, world):
    client = admin_client_primed
    vu = Indicator.objects.get(code="VU")
    submission = f.submission(f.unit("C4", parent=world["other"]), world["h1"], SubmissionStatus.SUBMITTED)
    assert served(client, "300") == (8, True)
    assert served(client, "200") == (5, True)  # a new unit: every page computed again
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {Figure._meta.db_table} (submission_id, indicator_id, value, note) FROM STDIN"
        ) as copy,
    ):
        copy.write_row((submission.pk, vu.pk, 3, ""))
    assert served(client, "300") == (11, True)
    assert served(client, "200") == (5, False)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_truncate_renews_every_page(admin_client_primed, world):
    before = datacache.token()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: TRUNCATE refuses them
        cursor.execute(f"TRUNCATE {Figure._meta.db_table}")  # noqa: S608
    assert datacache.token() != before
    assert served(admin_client_primed, "300") == (None, True)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
@pytest.mark.django_db
def test_writers_of_two_communes_do_not_wait_on_each_other(cache_backend):
    """Commune A's writer holds its transaction open; commune B's writer, with a lock
    timeout of 1 s, saves at once: they share no row. A second writer of commune A's year
    does wait (so the test can fail)."""
    import psycopg

    if cache_backend != "default":
        pytest.skip("the cache plays no part")
    settings = connection.settings_dict
    a, b = 10**12 + 1, 10**12 + 2  # units the writers' own transactions never commit

    def connect():
        return psycopg.connect(
            dbname=settings["NAME"],
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
        )

    def save(conn, unit, period):
        with conn.cursor() as cursor:
            cursor.execute("INSERT INTO indicators_submission (unit_id, period_id, status, version, return_reason, updated_at) VALUES (%s, %s, 'submitted', 1, '', now())", [unit, period])  # fmt: skip

    def period(conn, half):
        # A period of its own, uncommitted; written without triggers (as a replica), since
        # the test's own connection holds the metadata token's row until it rolls back.
        with conn.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '1s'")
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(
                'INSERT INTO indicators_period (code, year, half, start, "end", is_open) '
                "VALUES (%s, 2099, %s, %s, %s, true) RETURNING id",
                [f"2099-H{half}", half, f"2099-0{6 * half - 5}-01", "2099-06-30" if half == 1 else "2099-12-31"],
            )
            found = cursor.fetchone()[0]
            cursor.execute("SET LOCAL session_replication_role = origin")
        return found

    first, second = connect(), connect()
    try:
        save(first, a, period(first, 1))
        h2 = period(second, 2)
        save(second, b, h2)  # commune B: no wait
        with second.cursor() as cursor:
            cursor.execute("SELECT unit_id, year FROM indicators_unitversion WHERE unit_id IN (%s, %s)", [a, b])
            assert cursor.fetchall() == [(b, 2099)]  # A's row is not visible yet, B's is its own
        with pytest.raises(psycopg.errors.LockNotAvailable):
            save(second, a, h2)  # commune A's year: waits for the first writer
    finally:
        for conn in (first, second):
            conn.rollback()
            conn.close()
