"""Set-based writes over thousands of rows, on both databases: ids as one parameter, rows updated by one
`UPDATE … FROM (VALUES …)` per batch, history rows copied by the database. Used by `services.recompute_many`,
`positions.rebuild_many` and the synthetic data generator."""

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models.expressions import RawSQL


def among(ids):
    """Ids as the right-hand side of an `__in` filter over thousands of them: on PostgreSQL one array parameter (as a
    list, Django prepares and the driver quotes one placeholder per id); elsewhere the list."""
    ids = list(ids)
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return ids


UPDATE_BATCH = 1000


# Fields whose Python values go to the database as they are (no preparation needed).
_PLAIN_FIELDS = {"AutoField", "BigAutoField", "IntegerField", "PositiveIntegerField", "BooleanField", "CharField", "TextField"}


def update_rows(model, objs, fields: list[str], *, batch: int = UPDATE_BATCH) -> None:
    """Write these fields of these rows as stored on the objects: `bulk_update` as one `UPDATE … FROM (VALUES …)` per
    batch, which the database joins by id, instead of one `CASE` per field that it scans row by row."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    meta = model._meta
    columns = [meta.pk, *(meta.get_field(name) for name in fields)]
    plain = ", ".join("%s" for _ in columns)
    # VALUES takes its column types from its rows: the first row says them (an all-NULL column would be text).
    first = ", ".join(f"CAST(%s AS {f.db_type(db)})" for f in columns) if db.vendor == "postgresql" else plain
    names = ", ".join(quote(f"v_{f.column}") for f in columns)
    assignments = ", ".join(f"{quote(f.column)} = v.{quote('v_' + f.column)}" for f in columns[1:])
    table, pk, v_pk = quote(meta.db_table), quote(meta.pk.column), quote(f"v_{meta.pk.column}")
    prepare = [(f.attname, None if f.get_internal_type() in _PLAIN_FIELDS else f.get_db_prep_save) for f in columns]
    with db.cursor() as cursor:
        for start in range(0, len(objs), batch):
            part = objs[start:start + batch]
            params = [
                getattr(obj, name) if prep is None else prep(getattr(obj, name), db) for obj in part for name, prep in prepare
            ]
            values = ", ".join([f"({first})", *[f"({plain})"] * (len(part) - 1)])
            cursor.execute(
                f"WITH v ({names}) AS (VALUES {values}) UPDATE {table} SET {assignments} FROM v WHERE {table}.{pk} = v.{v_pk}",
                params,
            )


def write_history(model, rows, *, history_type: str, date, user_id=None, reason: str | None = None) -> None:
    """One history row of `history_type` ("+" created, "~" changed) for each row of the queryset `rows`, as stored
    now: what `bulk_history_create` writes, copied by the database in one statement instead of through Python."""
    history = model.history.model
    tracked = list(history.tracked_fields)
    select_sql, params = rows.order_by().values_list(*[f.attname for f in tracked]).query.get_compiler(rows.db).as_sql()
    quote = connection.ops.quote_name
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    columns = ", ".join([quote(f.column) for f in tracked] + [quote(name) for name in extra])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({columns}) SELECT *, %s, %s, %s, %s FROM ({select_sql}) AS rows",
            [connection.ops.adapt_datetimefield_value(date), reason, history_type, user_id, *params],
        )
