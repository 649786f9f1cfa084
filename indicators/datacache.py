"""A cache of roll-up results that is always correct for live data (docs/performance.md).

The dashboard and the progress API compute the same roll-up again and again between
two writes. This module lets them keep what they computed, keyed by a *data version*:

- One row (:class:`~indicators.models.DataVersion`) holds a random token. Database
  triggers (migration ``indicators/0003``) give it a new token on every INSERT, UPDATE,
  DELETE or TRUNCATE of a table whose content the roll-up or the dashboard shows
  (:data:`WATCHED_TABLES`). Triggers, not Django signals: bulk updates, imports, the
  admin, raw SQL, ``loaddata`` and the data generator are all covered.
- The trigger runs in the writer's own transaction: the new token becomes visible
  exactly when the write does, and a rolled-back write leaves the old token. A token is
  random (never reused), so a rolled-back transaction cannot hand its token to other
  data — not even in the test suite, where every test is rolled back.
- A reader reads the token *first*, then computes. What it stores under a token was
  computed from data at least as new as that token; once anything is written the
  token changes and the entry is never read again. Without a token (no row yet, or a
  database without the triggers) nothing is cached.

The price: one small query per page, and writers to watched tables take the version
row's lock until they commit (writes are short: an entry form, an import, a review).
"""

from __future__ import annotations

import hashlib
import re

from django.core.cache import caches
from django.db import connection

from .models import DataVersion

# Bump when what is cached changes shape (a shared cache may outlive a deployment).
SCHEMA = 1
TIMEOUT = 24 * 3600  # entries stay correct; the timeout only bounds memory

WATCHED_TABLES = (
    "committees_administrativeunit",
    "committees_unitsuccession",
    "committees_plan",
    "committees_steeringcommittee",
    "indicators_period",
    "indicators_indicator",
    "indicators_criterion",
    "indicators_target",
    "indicators_submission",
    "indicators_figure",
)

_FUNCTION = "damha_bump_data_version"
_SAFE_KEY = re.compile(r"[\w.:-]{1,200}", re.ASCII)


def token():
    """The current data version, or None when there is none (then nothing is cached)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT token FROM {connection.ops.quote_name(DataVersion._meta.db_table)} WHERE id = 1"  # noqa: S608 - table name from the model
        )
        found = cursor.fetchone()
    return found[0] if found else None


def cached(parts, compute):
    """``compute()``'s result for ``parts`` (a tuple) at the current data version."""
    current = token()
    if current is None:
        return compute()
    cache = caches["default"]
    key = ":".join(["rollup", str(SCHEMA), current, *(str(part) for part in parts)])
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


def remove_triggers(schema_editor, tables):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in tables:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {_FUNCTION}()")
    elif vendor == "sqlite":
        for table in tables:
            for event in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_data_version_{event}")
