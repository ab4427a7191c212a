from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from incidents.backup import BackupError, export_backup


class Command(BaseCommand):
    help = (
        "Write a portable full backup of the database: every record with its primary key, the change history, drafts, "
        "private victims, confidential sources, users (password hashes), groups and permissions, the admin log and jobs. "
        "It loads into SQLite or PostgreSQL (manage.py backup_import). It holds private data: keep it as safe as the "
        "database. Name it …jsonl.gz (JSON Lines, gzip-compressed; also .jsonl, .jsonl.bz2, .jsonl.xz)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write, e.g. backup-2026-11-30.jsonl.gz (an existing file is replaced).")
        parser.add_argument("--database", default="default", help="The database alias to read (default: default).")

    def handle(self, *args, path, database, **options):
        path = Path(path)
        try:
            rows = export_backup(path, database=database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {path} ({path.stat().st_size:,} bytes): {sum(rows.values()):,} rows of {len(rows)} tables. "
            "It contains private data: store it encrypted, where only administrators can read it."))
        if options.get("verbosity", 1) >= 2:
            for label, count in sorted(rows.items()):
                self.stdout.write(f"  {label}: {count:,}")
