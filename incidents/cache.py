"""Cached public aggregates (totals, monthly sums) that are never stale after a write.

Each cached value is keyed on the exact SQL of the set it sums (the published gate and the normalised filter, as the
database receives them) and on the **data version**: a one-row counter the database itself moves forward on every
write to a table the public figures are read from. Database triggers do it, so every write path counts: the admin,
the workflow, services, `QuerySet.update()`, `bulk_create`, raw SQL, imports, the set-based recompute, a TRUNCATE.

- PostgreSQL: a statement-level trigger on each table notes once per transaction that data changed (a row in
  `casualtytracker_data_change`); a deferred constraint trigger on that row moves the version at COMMIT. The counter's
  row lock is taken last, for the commit only, so writers never queue behind each other for the whole transaction
  and cannot deadlock on it.
- SQLite: row triggers move the version in the writing transaction (SQLite has one writer at a time anyway).

The version moves in the same transaction as the data, so a reader sees both or neither: it reads the version first,
then computes from the same database (primary or replica); a new version can only ever be paired with new data.
Versions are microseconds since 1970 (or the old one + 1, if larger): after a restore from a backup the next write
still takes a version never used before.

The triggers are (re)installed after every `migrate` and `flush` (`install_triggers`, on `post_migrate`): SQLite
drops a table's triggers when a migration rebuilds the table, and a new model of these apps is covered with no
migration of its own. Inside a transaction (an admin save, a test wrapped in one) nothing is read from or written to
the cache: a value computed from uncommitted rows must never be stored under a version that may be rolled back.
"""

import hashlib

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.utils.translation import get_language

VERSION_TABLE = "casualtytracker_data_version"
CHANGE_TABLE = "casualtytracker_data_change"
TRIGGER = "casualtytracker_data_changed"
# The apps whose tables hold what the public sees (the filters read sources, actors, positions, victims, links…).
PUBLIC_DATA_APPS = ("incidents", "sources")

_NOW_MICROSECONDS = {
    "postgresql": "(extract(epoch from clock_timestamp()) * 1000000)::bigint",
    "sqlite": "CAST((julianday('now') - 2440587.5) * 86400000000 AS INTEGER)",
}


def _bump_sql(vendor: str) -> str:
    """Move the version forward: to now in microseconds, or by one if the clock says otherwise."""
    greatest = "greatest" if vendor == "postgresql" else "max"
    return f"UPDATE {VERSION_TABLE} SET version = {greatest}(version + 1, {_NOW_MICROSECONDS[vendor]}) WHERE id = 1"


POSTGRESQL_SETUP = [
    f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (id smallint PRIMARY KEY CHECK (id = 1), version bigint NOT NULL)",
    f"INSERT INTO {VERSION_TABLE} (id, version) VALUES (1, {_NOW_MICROSECONDS['postgresql']}) ON CONFLICT (id) DO NOTHING",
    f"CREATE TABLE IF NOT EXISTS {CHANGE_TABLE} (id bigserial PRIMARY KEY)",
    # Once per transaction (a flag local to it, undone with it): note that public data changed.
    f"""CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('casualtytracker.data_changed', true) IS DISTINCT FROM 'on' THEN
        PERFORM set_config('casualtytracker.data_changed', 'on', true);
        INSERT INTO {CHANGE_TABLE} DEFAULT VALUES;
    END IF;
    RETURN NULL;
END $$""",
    # At COMMIT: move the version forward and forget the note.
    f"""CREATE OR REPLACE FUNCTION casualtytracker_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_bump_sql("postgresql")};
    DELETE FROM {CHANGE_TABLE} WHERE id = NEW.id;
    RETURN NULL;
END $$""",
    f"DROP TRIGGER IF EXISTS casualtytracker_bump_version ON {CHANGE_TABLE}",
    f"""CREATE CONSTRAINT TRIGGER casualtytracker_bump_version AFTER INSERT ON {CHANGE_TABLE}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION casualtytracker_bump_version()""",
]
POSTGRESQL_TEARDOWN = [
    f"DROP FUNCTION IF EXISTS {TRIGGER}() CASCADE",  # with the triggers of every table
    f"DROP TABLE IF EXISTS {CHANGE_TABLE}",
    "DROP FUNCTION IF EXISTS casualtytracker_bump_version()",
    f"DROP TABLE IF EXISTS {VERSION_TABLE}",
]
SQLITE_SETUP = [
    f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL)",
    f"INSERT OR IGNORE INTO {VERSION_TABLE} (id, version) VALUES (1, {_NOW_MICROSECONDS['sqlite']})",
]


def create_counter(connection) -> None:
    """Create the version counter (and on PostgreSQL the trigger functions): migration `data_version`."""
    setup = {"postgresql": POSTGRESQL_SETUP, "sqlite": SQLITE_SETUP}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in setup:
            cursor.execute(statement)


def drop_counter(connection) -> None:
    """Undo `create_counter`, triggers included (a trigger left behind would make every write fail)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER}_%"])
            statements = [f'DROP TRIGGER "{name}"' for (name,) in cursor.fetchall()] + [f"DROP TABLE IF EXISTS {VERSION_TABLE}"]
        else:
            statements = POSTGRESQL_TEARDOWN if connection.vendor == "postgresql" else []
        for statement in statements:
            cursor.execute(statement)


def public_data_tables() -> list[str]:
    """Every table of the public data apps (many-to-many tables included), except the history tables."""
    tables = set()
    for label in PUBLIC_DATA_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy and not model.__name__.startswith("Historical"):
                tables.add(model._meta.db_table)
    return sorted(tables)


def _trigger_sql(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"',
            f'CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
            f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()",
        ]
    return [f'CREATE TRIGGER IF NOT EXISTS {TRIGGER}_{table}_{event} AFTER {event} ON "{table}" BEGIN {_bump_sql("sqlite")}; END'
            for event in ("insert", "update", "delete")]


def install_triggers(using: str = "default") -> list[str]:
    """Make sure every public data table that exists moves the version; returns the tables. Idempotent."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return []
    existing = set(connection.introspection.table_names())
    if VERSION_TABLE not in existing:
        return []  # before the migration that creates the counter
    tables = [table for table in public_data_tables() if table in existing]
    with connection.cursor() as cursor:
        for table in tables:
            for statement in _trigger_sql(connection.vendor, table):
                cursor.execute(statement)
        # The migrations just run may have changed data while a table had no trigger (SQLite rebuilds tables).
        cursor.execute(_bump_sql(connection.vendor))
    return tables


def tables_with_triggers(using: str = "default") -> set[str]:
    """The tables that carry the version trigger (for the check that none is missing)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s", [TRIGGER])
            return {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER}_%"])
        return {row[0] for row in cursor.fetchall()}


def data_version(using: str = "default") -> int | None:
    """The current data version of a database (one primary-key lookup); None where there is no counter."""
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT version FROM {VERSION_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def fragment_key(using: str, *parts) -> str | None:
    """A key for a piece of a public page drawn only from public data and `parts` (e.g. the filter form for a query
    string), at the current data version of the database the page reads: None inside a transaction, as for
    `cached_aggregate`. The version is read before the piece is drawn, so a key never names older data than its piece.
    """
    if connections[using].in_atomic_block or connections["default"].in_atomic_block:
        return None
    version = data_version(using)
    if version is None:
        return None
    return hashlib.sha256(repr((_database_key(), version, parts)).encode()).hexdigest()


def _database_key() -> str:
    """Which data this is (the primary's address and name: a replica holds the same data, so it shares the entries)."""
    primary = settings.DATABASES["default"]
    return f"{primary.get('HOST', '')}:{primary.get('PORT', '')}/{primary['NAME']}"


def cached_aggregate(name: str, queryset, compute, *args):
    """`compute(queryset, *args)`, from the cache when the same set was summed at the current data version.

    The key is the SQL of `queryset` (with its parameters) and `args`, on the database the queryset reads from, and
    the active language (a result may hold words: a country's name, a notice); the version is read from that
    database too, before the sums.
    """
    using = queryset.db
    connection = connections[using]
    if connection.in_atomic_block or connections["default"].in_atomic_block:
        return compute(queryset, *args)
    version = data_version(using)
    if version is None:
        return compute(queryset, *args)
    try:
        sql, params = queryset.query.get_compiler(using=using).as_sql()
    except EmptyResultSet:  # a set that is empty by construction: nothing to look up
        return compute(queryset, *args)
    digest = hashlib.sha256(repr((_database_key(), name, sql, params, args, get_language())).encode()).hexdigest()
    key = f"ct:aggregate:{version}:{digest}"
    found = cache.get(key)
    if found is None:
        found = compute(queryset, *args)
        cache.set(key, found, settings.CASUALTYTRACKER_AGGREGATE_CACHE_SECONDS)
    return found
