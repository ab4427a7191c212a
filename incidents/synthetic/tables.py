"""Writing the synthetic rows in bulk: COPY on PostgreSQL, large batches elsewhere; constraints set aside during a load."""

import datetime
import io
import time
from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection, models

from sources.models import Report

from ..models import (
    BelligerentRoleLink,
    CasualtyFigure,
    Incident,
    IncidentReport,
    OfficialStatement,
    Victim,
)

# --- Writing rows: COPY on PostgreSQL, bulk_create elsewhere ----------------------------------------------------------


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return value
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class _Table:
    """The rows of one model waiting to be written, as dicts of attribute names; defaults filled in once."""

    def __init__(self, model: type[models.Model], now: datetime.datetime, *, with_id: bool):
        self.model = model
        # Generated columns (the public point, `incidents.protection`) are written by the database itself.
        self.fields = [f for f in model._meta.concrete_fields if (with_id or not f.primary_key) and not f.generated]
        self.defaults = {}
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default():
                self.defaults[f.attname] = f.get_default()
            elif f.null:
                self.defaults[f.attname] = None
            elif not f.primary_key:
                self.defaults[f.attname] = ""
        self.rows: list[dict] = []

    def add(self, **values) -> dict:
        row = {**self.defaults, **values}
        self.rows.append(row)
        return row

    def write(self) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            attnames = [f.attname for f in self.fields]
            buffer.writelines("\t".join([_copy_text(row[name]) for name in attnames]) + "\n" for row in rows)
            buffer.seek(0)
            columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
            with connection.cursor() as cursor:
                cursor.cursor.copy_expert(f"COPY {connection.ops.quote_name(self.model._meta.db_table)} ({columns}) FROM STDIN", buffer)
        else:
            # bulk_create's work without its per-value SQL compiling: values prepared by their fields, one executemany.
            quote = connection.ops.quote_name
            columns = ", ".join(quote(f.column) for f in self.fields)
            sql = (f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) "
                   f"VALUES ({', '.join(['%s'] * len(self.fields))})")
            prepared = [(f.attname, f.get_db_prep_save) for f in self.fields]
            with connection.cursor() as cursor:
                cursor.executemany(sql, [[prep(row[name], connection) for name, prep in prepared] for row in rows])
        return len(rows)


# The tables a run loads. On PostgreSQL their foreign keys and non-unique indexes are set aside during the load and
# made again at the end: checking and indexing millions of rows at once is much faster than row by row, and a foreign
# key added back checks every row (a broken one would raise). Unique indexes stay (they are rules too), and so do the
# indexes by incident of the tables the recompute reads by incident.
LOADED = [Incident, Report, OfficialStatement, CasualtyFigure, IncidentReport, BelligerentRoleLink, Victim]
READ_BY_INCIDENT = [OfficialStatement, CasualtyFigure, IncidentReport]


def _loaded_tables() -> list[str]:
    models_ = [*LOADED, Incident.related.through, *(model.history.model for model in LOADED)]
    return [model._meta.db_table for model in models_]


def _set_aside() -> tuple[list, list, list]:
    """(name, table, definition) of the foreign keys and of the indexes that a load sets aside, and the names of the
    deferrable foreign keys of and to the tables these touch."""
    keep = [model._meta.db_table for model in READ_BY_INCIDENT]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conname, t.relname, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
            "WHERE c.contype = 'f' AND t.relname = ANY(%s) AND pg_table_is_visible(t.oid) ORDER BY t.relname, c.conname",
            [_loaded_tables()],
        )
        foreign_keys = cursor.fetchall()
        # Dropping or adding a foreign key also alters the table it points to (actors, sources, users…).
        cursor.execute(
            "SELECT DISTINCT c.conname FROM pg_constraint c JOIN pg_class t ON t.oid IN (c.conrelid, c.confrelid) "
            "WHERE c.contype = 'f' AND c.condeferrable AND pg_table_is_visible(t.oid) AND t.relname IN ("
            "  SELECT u.relname FROM pg_constraint f JOIN pg_class l ON l.oid = f.conrelid JOIN pg_class u ON u.oid = f.confrelid"
            "  WHERE f.contype = 'f' AND l.relname = ANY(%s) UNION SELECT unnest(%s::text[]))",
            [_loaded_tables(), _loaded_tables()],
        )
        referencing = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            "SELECT i.relname, t.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "JOIN pg_class t ON t.oid = x.indrelid LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0] "
            "WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid) AND NOT x.indisunique AND NOT x.indisprimary "
            "AND NOT (t.relname = ANY(%s) AND a.attname = 'incident_id') ORDER BY t.relname, i.relname",
            [_loaded_tables(), keep],
        )
        indexes = cursor.fetchall()
    return foreign_keys, indexes, referencing


@contextmanager
def _constraints_set_aside(say: Callable[[str], None]):
    """On PostgreSQL, drop the loaded tables' foreign keys and secondary indexes for the block and make them again
    after it, from their own definitions; inside the caller's transaction, so a failure restores them. Elsewhere,
    nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    foreign_keys, indexes, referencing = _set_aside()
    quote = connection.ops.quote_name
    # The foreign keys of and to the tables these touch are checked at once, not at the commit: a table with checks
    # pending (rows an earlier step of the transaction deleted or inserted) can be neither altered nor indexed.
    # Only these: other deferred triggers (the data version's, `incidents.cache`) still run at the commit.
    checked_now = ", ".join(quote(name) for name in sorted({name for name, _t, _d in foreign_keys} | set(referencing)))
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {checked_now} IMMEDIATE")
        for name, table, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _table, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, _table, definition in indexes:
            cursor.execute(definition)
        for name, table, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute(f"SET CONSTRAINTS {checked_now} DEFERRED")
    say(f"rebuilt {len(indexes)} indexes and checked {len(foreign_keys)} foreign keys in {time.perf_counter() - started:,.1f} s")


def _analyze(models_: list) -> None:
    """Give the planner the new tables' statistics before the recompute reads them (incidents.dbstats: SQLite has
    none until ANALYZE runs)."""
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


