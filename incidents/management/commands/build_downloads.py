"""Write the dated full downloads (ZIP of CSVs and SQLite) of the published data, listed on /data/."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from incidents.downloads import build_downloads


class Command(BaseCommand):
    help = "Build casualty-tracker-YYYY-MM-DD.zip and .sqlite of the published data (same data and date: same bytes)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Snapshot date, YYYY-MM-DD (default: today, UTC).")
        parser.add_argument("--output", help="Directory to write to (default: settings.DOWNLOADS_DIR).")

    def handle(self, *args, **options):
        try:
            day = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date must be YYYY-MM-DD: {error}") from error
        paths = build_downloads(day=day, directory=Path(options["output"]) if options["output"] else None)
        for path in paths:
            self.stdout.write(f"wrote {path} ({path.stat().st_size:,} bytes)")
