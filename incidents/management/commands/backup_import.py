from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from incidents.backup import BackupError, import_backup


class Command(BaseCommand):
    help = (
        "Load a backup written by manage.py backup_export into a new database (SQLite or PostgreSQL), migrated to the "
        "same version of the site and with nothing else in it: it refuses a database that holds any record. All in one "
        "transaction, primary keys and codes kept, nothing re-derived, sequences reset; every table is counted against "
        "the file. Then run manage.py build_downloads for /data/."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file (…jsonl.gz, …json, …).")
        parser.add_argument("--database", default="default", help="The database alias to load into (default: default).")

    def handle(self, *args, path, database, **options):
        try:
            rows = import_backup(Path(path), database=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Loaded {path}: {sum(rows.values()):,} rows of {len(rows)} tables, each counted."))
