"""What a UCDP import did: events by outcome, rows written, why events were left out, possible duplicates, quirks."""

from collections import defaultdict
from dataclasses import dataclass, field

from ..import_outcome import note_skip
from .reader import GedWarning

# Why an event adds nothing: the reasons an import's report counts separately, never lumped together.
SKIP_REASONS = ("no_civilian_deaths", "already_imported", "held_for_review", "repeated_in_file")


@dataclass
class ImportResult:
    """What an import did: events by outcome, rows written, and the quirks met, in words."""

    created: int = 0
    merged: int = 0
    unchanged: int = 0
    skipped: int = 0
    figures_created: int = 0
    reports_created: int = 0
    links_created: int = 0
    sources_created: int = 0
    actors_created: int = 0
    conflicts_created: int = 0
    aggregated: int = 0
    aggregate_claims_created: int = 0
    warnings: list[GedWarning] = field(default_factory=list)
    # Events left out or unchanged, by why: reason → {"count": n, "examples": [UCDP ids]} (`SKIP_REASONS`).
    skips: dict = field(default_factory=dict)
    # New incidents that may record an event already here (`duplicates.possible_duplicates`, the admin's check):
    # [[UCDP id, code of the incident written for it, ["CT-000012 (same day +3; …)", …]], …]
    duplicates: list = field(default_factory=list)

    def note_skip(self, reason: str, event_id: int) -> None:
        """Count an event left out (or already imported, unchanged) under its reason, keeping a few ids to show."""
        note_skip(self.skips, reason, f"UCDP {event_id}")

    def warnings_by_kind(self) -> dict[str, list[GedWarning]]:
        grouped = defaultdict(list)
        for warning in self.warnings:
            grouped[warning.kind].append(warning)
        return dict(grouped)
