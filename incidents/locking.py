"""Locks, in one place: which rows a write locks, in which order, for how long, and the "no lost edits" checks.

Every write that must not interleave with another takes its row locks here:
- rows are locked in ascending primary-key order, so two writers never wait on each other in a cycle;
- on PostgreSQL a lock wait is bounded (`LOCK_TIMEOUT`): a writer stuck behind a long import gets an
  error it can report instead of hanging the request;
- SQLite has no row locks: its transactions start in IMMEDIATE mode (settings), so writers queue at
  `BEGIN` and a version read inside the transaction is still current when the transaction writes.

The checks ("the record you opened is the record you save") run inside the save transaction, after the
lock: of two saves at once, the second waits for the first to commit, then sees its version.
"""

import datetime
from collections.abc import Iterable

from django.db import connection, models, transaction

# How long a writer waits for a row another transaction holds before giving up (PostgreSQL).
LOCK_TIMEOUT = "10s"


class StaleEdit(Exception):
    """The record changed after the user opened it: `current` is its stored version or stamp now."""

    def __init__(self, current):
        super().__init__(f"changed meanwhile (now {current})")
        self.current = current


def _bound_waits() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")


def lock_rows(model: type[models.Model], ids: Iterable[int]) -> dict[int, models.Model]:
    """Lock the rows of `model` with these ids, in ascending id order, until the transaction ends; return them by id."""
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("lock_rows() needs a transaction: a lock outside one is released at once.")
    ordered = sorted(set(ids))
    if not ordered:
        return {}
    _bound_waits()
    return {row.pk: row for row in model._default_manager.select_for_update().filter(pk__in=ordered).order_by("pk")}


def lock_row(model: type[models.Model], pk: int) -> models.Model:
    """Lock one row until the transaction ends and return it as stored now (DoesNotExist if it is gone)."""
    locked = lock_rows(model, [pk])
    if pk not in locked:
        raise model.DoesNotExist(f"{model.__name__} {pk} does not exist.")
    return locked[pk]


def check_version(model: type[models.Model], pk: int, expected: int | None) -> None:
    """Inside the save transaction: lock the record and refuse the save if its version is not the one the user opened."""
    stored = lock_row(model, pk).version
    if expected != stored:
        raise StaleEdit(stored)


def check_stamp(model: type[models.Model], pk: int, expected: datetime.datetime | str | None) -> None:
    """Inside the save transaction: lock the row and refuse the save if it changed (`updated_at`) after the user opened it."""
    stored = lock_row(model, pk).updated_at
    stamp = stored.isoformat() if stored is not None else ""
    seen = expected.isoformat() if isinstance(expected, datetime.datetime) else (expected or "")
    if seen != stamp:
        raise StaleEdit(stamp)
