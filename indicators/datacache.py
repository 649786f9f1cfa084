"""A cache of roll-up results that is always correct for live data (docs/performance.md).

The dashboard and the progress API compute the same roll-up again and again between
two writes. This module lets them keep what they computed, keyed by the *versions of
what the page reads* ("Cache: what a write renews, what a page reads" in
docs/performance.md):

- **Data versions, one per (unit, year)** (:class:`~indicators.models.UnitVersion`).
  Database triggers (migration ``indicators/0008``) give the row of a unit and a year a
  new random token on every INSERT, UPDATE or DELETE of that unit's submissions or
  figures for a period of that year (:data:`DATA_TABLES`), whatever the write path —
  ORM, bulk update, importers, the admin, raw SQL, COPY. A writer renews only its *own*
  unit's row: no writer waits on a row another commune's writer holds, not even its
  district's.
- **One metadata token** (:class:`~indicators.models.DataVersion`, row 1), renewed on
  every write to the tables that describe rather than report (:data:`META_TABLES`:
  units, successions, plans, committees, periods, indicators, criteria, targets) and on
  a TRUNCATE of a data table. These writes are rare; every page's key holds the token.
- **A page's key** is the metadata token and a digest (XOR of the tokens) of the version
  rows of the units the page may read — the units asked for, their descendants and
  predecessors, closed under both (a superset of what :mod:`indicators.rollup` walks)
  — for the years it reads: the period's year and the year before (same period last
  year), and for the dashboard the years of its trend. One query (:func:`key_of`).
- The triggers run in the writer's own transaction: a new token becomes visible exactly
  when the write does, and a rolled-back write leaves the old one. Tokens are random
  (never reused), so a rolled-back transaction cannot hand its digest to other data.
- A reader reads the key *first*, then computes. What it stores under a key was
  computed from data at least as new as the key; once anything it reads is written the
  key changes and the entry is never read again. Without a metadata token (no row, or
  a database without the triggers) nothing is cached.
"""

from __future__ import annotations

import hashlib
import re

from django.core.cache import caches
from django.db import connection

from committees.models import AdministrativeUnit, UnitSuccession

from .models import DataVersion, Period, UnitVersion

# Bump when what is cached changes shape (a shared cache may outlive a deployment).
SCHEMA = 2
TIMEOUT = 24 * 3600  # entries stay correct; the timeout only bounds memory

# Tables whose writes renew the metadata token (every page).
META_TABLES = (
    "committees_administrativeunit",
    "committees_unitsuccession",
    "committees_plan",
    "committees_steeringcommittee",
    "indicators_period",
    "indicators_indicator",
    "indicators_criterion",
    "indicators_target",
)
# Tables whose writes renew the (unit, year) versions they touch.
DATA_TABLES = ("indicators_submission", "indicators_figure")
WATCHED_TABLES = META_TABLES + DATA_TABLES

_FUNCTION = "damha_bump_data_version"
_SAFE_KEY = re.compile(r"[\w.:-]{1,250}", re.ASCII)


def token():
    """The metadata token, or None when there is none (then nothing is cached)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT token FROM {connection.ops.quote_name(DataVersion._meta.db_table)} WHERE id = 1"  # noqa: S608 - table name from the model
        )
        found = cursor.fetchone()
    return found[0] if found else None


def version(unit, year):
    """The token of ``unit``'s data in ``year`` (None before its first write)."""
    found = UnitVersion.objects.filter(unit_id=unit.pk, year=year).values_list("token", flat=True).first()
    return found


# ------------------------------------------------------------------- the key

_KEY_SQL = """
WITH RECURSIVE
asked(id) AS (SELECT u.id FROM {unit} u WHERE u.code IN ({codes})),
per(year, pend) AS (SELECT p.year, p.{end} FROM {period} p WHERE p.code = %s),
span(lo, hi) AS (
    SELECT {least}(per.year - 1, COALESCE((
        SELECT MIN(t.year) FROM (
            SELECT q.year FROM {period} q WHERE q.half IS NOT NULL AND q.{end} <= per.pend
            ORDER BY q.year DESC, q.half DESC LIMIT %s
        ) t
    ), per.year)), per.year
    FROM per
),
reads(id) AS (
    SELECT id FROM asked
    UNION
    SELECT e.id FROM reads r JOIN (
        SELECT c.id, c.parent_id AS via FROM {unit} c
        UNION ALL
        SELECT s.predecessor_id, s.successor_id FROM {succession} s
    ) e ON e.via = r.id
)
SELECT
    (SELECT d.token FROM {dataversion} d WHERE d.id = 1),
    CASE WHEN NOT EXISTS (SELECT 1 FROM {unit} u WHERE u.parent_id IS NULL AND u.id NOT IN (SELECT id FROM asked))
    THEN (SELECT {digest} FROM {version} v
          WHERE v.year BETWEEN (SELECT lo FROM span) AND (SELECT hi FROM span))
    ELSE (SELECT {digest} FROM {walked})
    END
"""


# The versions of the walked units. PostgreSQL cannot estimate a recursive CTE (it
# guessed 5,000 units for a district's 14) and answered with a scan of every year's rows
# (70 ms on the national data); LATERAL … OFFSET 0 keeps one primary-key lookup per unit.
# SQLite has no LATERAL and always joins by nested loops over indexes.
_WALKED = {
    "postgresql": (
        "reads r CROSS JOIN LATERAL (SELECT w.token FROM {version} w, span "
        "WHERE w.unit_id = r.id AND w.year BETWEEN span.lo AND span.hi OFFSET 0) v"
    ),
    "default": "{version} v, span WHERE v.year BETWEEN span.lo AND span.hi AND v.unit_id IN (SELECT id FROM reads)",
}


def _key_sql(count):
    qn = connection.ops.quote_name
    postgres = connection.vendor == "postgresql"
    version = qn(UnitVersion._meta.db_table)
    return _KEY_SQL.format(
        codes=", ".join(["%s"] * count),
        unit=qn(AdministrativeUnit._meta.db_table),
        succession=qn(UnitSuccession._meta.db_table),
        period=qn(Period._meta.db_table),
        dataversion=qn(DataVersion._meta.db_table),
        version=version,
        walked=_WALKED["postgresql" if postgres else "default"].format(version=version),
        end=qn("end"),
        # SQLite has no XOR: it hands the tokens over and Python combines them.
        least="LEAST" if postgres else "MIN",
        digest="bit_xor(v.token)" if postgres else "group_concat(v.token)",
    )


def key_of(units, period, *, trend=0):
    """(metadata token, digest) of what a page of ``units`` (codes) in ``period`` (a code)
    reads; ``trend``: the page also charts that many half-years up to the period.

    A page over every top-level unit (the national overview) reads every unit: its digest
    takes the years' rows without walking the tree. None for the token: no caching.
    """
    units = list(units)
    with connection.cursor() as cursor:
        cursor.execute(_key_sql(len(units)), [*units, period, trend])
        meta, digest = cursor.fetchone()
    if isinstance(digest, str):  # SQLite's list of tokens
        combined = 0
        for part in digest.split(","):
            combined ^= int(part)
        digest = combined
    return meta, digest


def cached(parts, compute, *, units, period, trend=0):
    """``compute()``'s result for ``parts`` (a tuple), cached under the versions of what a
    page of ``units`` (unit codes) in ``period`` (a period code) reads (:func:`key_of`)."""
    meta, digest = key_of(units, period, trend=trend)
    if meta is None:
        return compute()
    cache = caches["default"]
    key = ":".join(["rollup", str(SCHEMA), meta, str(digest), *(str(part) for part in parts)])
    if not _SAFE_KEY.fullmatch(key):  # a code from the URL may hold anything
        key = "rollup:" + hashlib.sha256(key.encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


# ------------------------------------------------------------------ triggers


def install_triggers(schema_editor, tables):
    """Create the triggers that renew the token on every write to ``tables``."""
    vendor = schema_editor.connection.vendor
    version = DataVersion._meta.db_table
    if vendor == "postgresql":
        schema_editor.execute(
            f"""
CREATE OR REPLACE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO {version} (id, token) VALUES (1, gen_random_uuid()::text)
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END
$$"""  # noqa: S608 - names are the module's constants, no input
        )
        for table in tables:
            # Once per statement, not per row: a 6-million-row COPY renews it once.
            schema_editor.execute(
                f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
            )
    elif vendor == "sqlite":
        # SQLite has row triggers only; one writer at a time, so they cost little.
        for table in tables:
            for event in ("INSERT", "UPDATE", "DELETE"):
                renew = (
                    f"INSERT INTO {version} (id, token) VALUES (1, lower(hex(randomblob(16)))) "  # noqa: S608 - constants
                    "ON CONFLICT (id) DO UPDATE SET token = excluded.token"
                )
                sql = f"CREATE TRIGGER {table}_data_version_{event.lower()} AFTER {event} ON {table} BEGIN {renew}; END"
                schema_editor.execute(sql)
    # Other databases: no triggers, no token, nothing cached (always correct).


def remove_triggers(schema_editor, tables, *, keep_function=False):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
        if not keep_function:  # still used by the other tables' triggers
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {_FUNCTION}()")
    elif vendor == "sqlite":
        for table in tables:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version_{event}")


# ----------------------------------------------------------- scoped triggers

# For each data table: the (unit_id, period_id) pairs of the rows in ``{rows}``.
_KEYS = {
    "indicators_submission": "SELECT r.unit_id, r.period_id FROM {rows} r",
    "indicators_figure": "SELECT s.unit_id, s.period_id FROM {rows} r JOIN indicators_submission s ON s.id = r.submission_id",
}
_SCOPED_FUNCTION = "damha_renew_unit_versions_{table}"
# 64 random bits (gen_random_uuid is a strong source; random() is seedable).
_PG_RANDOM = "('x' || substr(md5(gen_random_uuid()::text), 1, 16))::bit(64)::bigint"


def _renew_sql(keys, token):
    version = UnitVersion._meta.db_table
    return (
        f"INSERT INTO {version} (unit_id, year, token) "  # noqa: S608 - constants only
        f"SELECT k.unit_id, k.year, {token} FROM ("
        f"SELECT DISTINCT x.unit_id, p.year FROM ({keys}) x JOIN indicators_period p ON p.id = x.period_id"
        ") k WHERE true ORDER BY k.unit_id, k.year "
        "ON CONFLICT (unit_id, year) DO UPDATE SET token = excluded.token"
    )


def install_scoped_triggers(schema_editor):
    """Triggers that renew the (unit, year) versions of every row written to DATA_TABLES.

    PostgreSQL: once per statement, over its transition tables (a COPY of millions of
    figures renews each (unit, year) once, in one join); one trigger per event (transition
    tables allow no more), and TRUNCATE renews the metadata token (every page). SQLite:
    row triggers (one writer at a time).
    """
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in DATA_TABLES:
            function = _SCOPED_FUNCTION.format(table=table)
            keys = _KEYS[table]
            inserted = _renew_sql(keys.format(rows="new_rows"), _PG_RANDOM)
            deleted = _renew_sql(keys.format(rows="old_rows"), _PG_RANDOM)
            updated = _renew_sql(f"{keys.format(rows='old_rows')} UNION {keys.format(rows='new_rows')}", _PG_RANDOM)
            schema_editor.execute(
                f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {inserted};
    ELSIF TG_OP = 'DELETE' THEN
        {deleted};
    ELSE
        {updated};
    END IF;
    RETURN NULL;
END
$$"""
            )
            for event, referencing in (
                ("INSERT", "NEW TABLE AS new_rows"),
                ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
                ("DELETE", "OLD TABLE AS old_rows"),
            ):
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_unit_version_{event.lower()} AFTER {event} ON {table} "
                    f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
                )
            schema_editor.execute(
                f"CREATE TRIGGER {table}_data_version AFTER TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {_FUNCTION}()"
            )
    elif vendor == "sqlite":
        for table in DATA_TABLES:
            for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
                # No FROM over the trigger's row: its columns are read as NEW.x / OLD.x.
                body = "; ".join(_renew_sql(_sqlite_keys(table, row), "random()") for row in rows)
                schema_editor.execute(
                    f"CREATE TRIGGER {table}_unit_version_{event.lower()} AFTER {event} ON {table} BEGIN {body}; END"
                )


def _sqlite_keys(table, row):
    if table == "indicators_submission":
        return f"SELECT {row}.unit_id AS unit_id, {row}.period_id AS period_id"
    return f"SELECT s.unit_id, s.period_id FROM indicators_submission s WHERE s.id = {row}.submission_id"  # noqa: S608 - constants


def remove_scoped_triggers(schema_editor):
    vendor = schema_editor.connection.vendor
    for table in DATA_TABLES:
        if vendor == "postgresql":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_unit_version_{event} ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {_SCOPED_FUNCTION.format(table=table)}()")
        elif vendor == "sqlite":
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_unit_version_{event}")
