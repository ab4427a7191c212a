"""A portable full backup: every record, its history and the private data, as one file any supported database loads.

Built on Django's dumpdata/loaddata, so it moves a tracker between SQLite and PostgreSQL (pg_dump is the faster,
PostgreSQL-only backup; see the README). What the file holds and how it is loaded:

- every row of every table of the site's models, primary keys kept (so codes, old codes, links, history rows and
  their order are the same), including the change history (simple_history's tables), drafts, private victims,
  confidential sources, users (with password hashes), groups and their permissions, the admin's log and the jobs;
- not content types and permissions (the same code creates the same ones on `migrate`; rows refer to them by their
  natural keys, app and model name), nor sessions (everyone logs in again);
- stored derived values (the incidents' ranges, counts, search words) are loaded as stored, never re-derived; the
  test shows the public pages, totals and admin history come out the same;
- loading refuses a database that holds anything beyond what `migrate` creates, runs in one transaction, resets
  PostgreSQL's sequences (loaddata does, `sqlsequencereset`), and counts every table against the file afterwards.
  The data-version triggers (incidents.cache) see the load as writes, so no cached total survives it.
"""

import bz2
import gzip
import json
import lzma
from collections import Counter
from pathlib import Path

from django.apps import apps
from django.contrib.auth.models import Group
from django.core import serializers
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils.translation import gettext

# Not in the file: made again by `migrate` from the code (referred to by natural keys), or worth nothing restored.
EXCLUDED = ("contenttypes", "auth.permission", "sessions")
# Rows `migrate` itself creates (the editorial groups, by a data migration): replaced by the file's own on import.
SEEDED = (Group,)
# The file is JSON Lines (one record a line: written and read as a stream, so a large database never sits in memory),
# written with times to the microsecond (`backup_serializer`).
FORMAT = "casualtytracker-jsonl"
OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open, ".lzma": lzma.open}


class BackupError(Exception):
    """The backup cannot be written or loaded; nothing was changed."""


def check_name(path: Path) -> None:
    """A backup is named …jsonl, optionally compressed (…jsonl.gz): loaddata reads the format from the name."""
    suffixes = [suffix for suffix in path.suffixes if suffix not in OPENERS]
    if not suffixes or suffixes[-1] != ".jsonl":
        raise BackupError(gettext("Name the backup …%(jsonl)s, optionally compressed (%(compressed)s): “%(name)s” is not.") % {
            "jsonl": ".jsonl", "compressed": ".jsonl.gz, .jsonl.bz2, .jsonl.xz", "name": path.name})


def backed_up_models() -> list:
    """Every concrete model whose rows the file carries."""
    return [model for model in apps.get_models()
            if model._meta.app_label not in EXCLUDED and model._meta.label_lower not in EXCLUDED
            and not model._meta.proxy and model._meta.managed]


def export_backup(path: Path, *, database: str = DEFAULT_DB_ALIAS) -> Counter:
    """Write every row (see the module) to `path`, tables in dependency order, rows by primary key; the rows per model."""
    check_name(path)
    serializers.register_serializer(FORMAT, "incidents.backup_serializer")
    call_command("dumpdata", exclude=list(EXCLUDED), natural_foreign=True, format=FORMAT, output=str(path), database=database,
                 verbosity=0)
    return rows_in(path)


def rows_in(path: Path) -> Counter:
    """How many rows of each model ("incidents.incident") the file holds."""
    check_name(path)
    with OPENERS.get(path.suffix, open)(path, "rt", encoding="utf-8") as file:
        return Counter(json.loads(line)["model"] for line in file if line.strip())


def occupied_tables(database: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The models that hold rows beyond what `migrate` creates: loading a backup over them would mix two trackers."""
    seeded = {model._meta.label for model in SEEDED}
    return [model._meta.label for model in backed_up_models()
            if model._meta.label not in seeded and model._default_manager.using(database).exists()]


def unapplied_migrations(database: str = DEFAULT_DB_ALIAS) -> list[str]:
    executor = MigrationExecutor(connections[database])
    return [f"{migration.app_label}.{migration.name}" for migration, _ in executor.migration_plan(executor.loader.graph.leaf_nodes())]


def import_backup(path: Path, *, database: str = DEFAULT_DB_ALIAS) -> Counter:
    """Load a backup into a new, migrated database, all in one transaction; the rows per model, checked against the file."""
    if not path.is_file():
        raise BackupError(gettext("No such file: %(path)s") % {"path": path})
    expected = rows_in(path)
    if pending := unapplied_migrations(database):
        raise BackupError(gettext("The database is not migrated (%(pending)s…): run “manage.py migrate” first.") % {
            "pending": ", ".join(pending[:3])})
    if occupied := occupied_tables(database):
        raise BackupError(gettext("The database is not empty (%(tables)s): a backup is loaded only into a new database, "
                                  "migrated and with nothing else in it.") % {"tables": ", ".join(occupied[:8])})
    with transaction.atomic(using=database):
        for model in SEEDED:
            model._default_manager.using(database).all().delete()
        # loaddata keeps the primary keys, skips save() and signals (nothing re-derived, no history row added) and
        # resets PostgreSQL's sequences, so the next incident gets the next free id and code.
        call_command("loaddata", str(path), database=database, verbosity=0)
        loaded = Counter({model._meta.label_lower: model._default_manager.using(database).count() for model in backed_up_models()})
        wrong = {label: (count, loaded[label]) for label, count in expected.items() if loaded[label] != count}
        if wrong:
            raise BackupError(gettext("The database does not hold what the file holds (%(tables)s); nothing was loaded.") % {
                "tables": ", ".join(f"{label}: {have} of {want}" for label, (want, have) in sorted(wrong.items()))})
    return expected
