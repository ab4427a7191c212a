import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from incidents.display import count_words
from incidents.filetext import more_problems
from incidents.import_outcome import ERRORS_SHOWN, flagged_sentence, skip_sentences
from incidents.ucdp import GedFormatError, import_ged_file

BUNDLED_FILE = "ucdp_ged191_iraq_hdx_hxl.csv"
EXAMPLES = 5


def bundled_path() -> Path:
    """The UCDP GED extract shipped with the project (see its ATTRIBUTION.md)."""
    return Path(settings.DATA_DIR) / "ucdp" / BUNDLED_FILE


class Command(BaseCommand):
    help = (
        "Import events of the UCDP Georeferenced Event Dataset (GED) from a CSV file (UCDP's own, or HDX's with "
        "the HXL row): one incident per event with its UCDP id, UCDP's record and the source articles as reports, "
        "and UCDP's figures as reported claims (civilians killed; all deaths of any status low–high with UCDP's best "
        "estimate; combatants per side). Events UCDP marks as aggregated (event_clarity 2) become aggregate claims "
        "of their period and area, never incidents. "
        "An event whose UCDP id is already on an incident adds its reports and claims to that incident and "
        "changes none of its editorial fields. Running it twice imports nothing twice. "
        "Quirks, reported event by event: where UCDP's low is above its high, the all-deaths claim is stored with "
        "the bounds swapped (min ≤ max) and a public caveat; number_of_sources -1 keeps UCDP's source note as one undated "
        "report; source lists of unequal length are read again from source_article."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default=None,
            help=f"GED CSV file (default: the bundled Iraq extract, DATA_DIR/ucdp/{BUNDLED_FILE}).",
        )
        parser.add_argument(
            "--all", action="store_true", dest="all",
            help="Import every event; by default only events with civilian deaths (deaths_civilians > 0).",
        )
        parser.add_argument(
            "--publish", action="store_true",
            help="Publish the new incidents (through the workflow, recorded in their history); by default they are drafts. "
                 "Existing incidents keep their status.",
        )

    def handle(self, *args, path, all=False, publish=False, **options):
        verbosity = options.get("verbosity", 1)
        path = Path(path) if path else bundled_path()
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        started = time.monotonic()
        try:
            # Read as bytes: the reader decodes it, so a byte that is not UTF-8 is reported with its line.
            with path.open("rb") as file:
                result = import_ged_file(file, publish=publish, only_civilian=not all)
        except GedFormatError as error:
            # Every unreadable cell, each naming its row, column and value; nothing was written.
            shown = error.errors[:ERRORS_SHOWN] + ([more_problems(len(error.errors) - ERRORS_SHOWN)] if len(error.errors) > ERRORS_SHOWN else [])
            raise CommandError(f"{path}: nothing was imported.\n" + "\n".join(shown)) from error
        elapsed = time.monotonic() - started
        if verbosity < 1:
            return

        which = "all events" if all else "events with civilian deaths"
        made = "published" if publish else "drafts"
        self.stdout.write(self.style.SUCCESS(
            f"UCDP GED import from {path.name} ({which}, new incidents {made}) in {elapsed:.1f} s: "
            f"{result.created} incidents created, {result.merged} events merged into existing incidents; "
            + "".join(f"{sentence}; " for sentence in skip_sentences(result.skips))
            + (f"{flagged_sentence(len(result.duplicates))}; " if result.duplicates else "")
            + f"{result.aggregated} events UCDP marks as aggregated (event_clarity 2) kept as aggregate claims, not incidents."
        ))
        self.stdout.write(
            f"  written: {result.figures_created} claims, {result.aggregate_claims_created} aggregate claims, "
            f"{result.reports_created} reports, "
            f"{result.links_created} report links, {result.sources_created} sources, {result.actors_created} actors, "
            f"{result.conflicts_created} conflicts."
        )
        for event_id, code, candidates in result.duplicates[:EXAMPLES if verbosity < 2 else None]:
            self.stdout.write(f"  possible duplicate: UCDP {event_id} ({code}) may be {', '.join(candidates)}")
        if not result.warnings:
            return
        self.stdout.write(f"Quirks in the data ({len(result.warnings)}), and what was done:")
        for kind, warnings in sorted(result.warnings_by_kind().items(), key=lambda item: -len(item[1])):
            self.stdout.write(f"  {kind}: {count_words(len(warnings), 'event')}")
            shown = warnings if verbosity >= 2 else warnings[:EXAMPLES]
            for warning in shown:
                self.stdout.write(f"    {warning}")
            if len(shown) < len(warnings):
                self.stdout.write(f"    … and {len(warnings) - len(shown)} more (-v 2 lists them all)")
