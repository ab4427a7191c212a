"""Incident codes: the format, written once, and ids reserved before the insert.

A new incident's code is made from its id. The id is reserved first (a PostgreSQL sequence value, which
no transaction waits for), so the row is inserted with its code: two editors, or an editor and a
running import, creating incidents at once never wait on each other, and the first history row already
carries the code.
"""

from django.db import connection

CODE_PREFIX = "CT"


def format_code(number: int) -> str:
    """The public code of the incident with this id: CT-000042."""
    return f"{CODE_PREFIX}-{number:06d}"


def reserve_ids(model, count: int = 1) -> list[int]:
    """Reserve `count` ids of `model` for rows about to be inserted (never handed out again)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk_column, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor != "sqlite":
            raise NotImplementedError(f"Reserving ids is written for PostgreSQL and SQLite, not {connection.vendor}.")
        if not connection.in_atomic_block:
            raise RuntimeError("On SQLite, reserve ids inside the transaction that inserts the rows.")
        # SQLite (AUTOINCREMENT tables keep their counter in sqlite_sequence). The caller's transaction holds
        # the database's write lock from BEGIN (IMMEDIATE mode), so no one else reserves meanwhile.
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), COALESCE((SELECT MAX({pk_column}) FROM {quoted}), 0))",
            [table],
        )
        start = cursor.fetchone()[0]
        cursor.execute("UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start + count, table])
        if cursor.rowcount == 0:
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start + count])
        return list(range(start + 1, start + count + 1))
