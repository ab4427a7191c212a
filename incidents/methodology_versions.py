"""The methodology's versions, written once: what changed in how figures are derived, and from when.

Every surface that names the method calls `current_methodology()`: the methodology page (its heading and its dated
history, each version at `#method-vN`), the full downloads (README, citations, the SQLite file's `dataset` table),
the prebuilt whole exports (a file built under an older version is never served), "cite this record" on incident
pages, the /data/ page and the API root.

A change to the derivation rule is recorded here. `RULE_PARTS` names the code that derives the figures; its
fingerprint (`rule_fingerprint()`) is stored in the current version, and tests/test_methodology_versions.py fails
when the code no longer matches. To change the rule:

1. add a version at the top of `VERSIONS` (the next number, the day it takes effect, a summary and each change);
2. run `manage.py methodology_fingerprint` and store what it prints as that version's `fingerprint`.

An edit that does not change what any figure means (a comment, a rename, formatting) only updates the current
version's `fingerprint`; say so in the commit message.
"""

import datetime
import hashlib
import importlib
import inspect
from dataclasses import dataclass
from enum import Enum

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MethodologyVersion:
    number: int
    in_force_from: datetime.date
    summary: Promise
    changes: tuple[Promise, ...]
    # The `rule_fingerprint()` of the code this version describes; empty for versions older than the guard.
    fingerprint: str = ""

    @property
    def anchor(self) -> str:
        """The version's anchor on the methodology page (`/methodology/#method-v3`)."""
        return f"method-v{self.number}"

    @property
    def label(self) -> str:
        """How downloads and citations name it (English: the files are part of the data)."""
        return f"methodology version {self.number}"


# Newest first.
VERSIONS: tuple[MethodologyVersion, ...] = (
    MethodologyVersion(
        3, datetime.date(2026, 11, 30),
        _("Casualty categories of SDG indicator 16.1.2, and a table of documented deaths."),
        (
            _("Claims and victims are recorded in the categories of SDG indicator 16.1.2: sex, age, status and cause, "
              "each with “unknown”."),
            _("The former single group of a claim was converted: civilians → status civilian; children → civilian "
              "children; women → civilian adult females; men → civilian adult males; combatants → combatants (armed "
              "forces or directly participating, not told apart); undetermined → status unknown; all deaths → any "
              "status."),
            _("The headline figures count the same claims as before: each range counts only the claims of exactly whom it "
              "names, so a claim of a part (“3 women”, “2 journalists”) never widens the range of the whole."),
            _("Protected professions (journalists and media workers, medical personnel, humanitarian workers, human "
              "rights defenders) are recorded where the sources give them."),
            _("The SDG 16.1.2 table counts documented deaths: killed victims recorded individually on published "
              "records, public ones only."),
        ),
        fingerprint="b60edb45f607293a1d72488d2db57fcf27b3b9286a0ed6ac088dec2caf873445",
    ),
    MethodologyVersion(
        2, datetime.date(2026, 11, 29),
        _("Every number honest: open-ended and unquantified claims, related records, concessions by actor."),
        (
            _("An open-ended highest figure (“more than 100”) keeps the range open (“101+”, no maximum) instead of "
              "counting its minimum as the maximum."),
            _("A claim with no number (“dozens”) marks the range incomplete (“1+”, with the words)."),
            _("Totals with such an incident read “at least”."),
            _("Related records count once per group, by its widest range."),
            _("A concession counts only for the actor who made it (and its coalition)."),
            _("Each actor's current position is its own latest statement."),
        ),
    ),
    MethodologyVersion(
        1, datetime.date(2026, 11, 24),
        _("The first published rule."),
        (
            _("Reported range: lowest minimum and highest maximum of the reported claims, an open claim counting its "
              "minimum as its maximum."),
            _("Conceded: the latest concession."),
            _("Totals add the incidents' ranges."),
        ),
    ),
)


def current_methodology() -> MethodologyVersion:
    """The version in force: the one that describes the code deriving the figures now."""
    return VERSIONS[0]


def methodology_history() -> tuple[MethodologyVersion, ...]:
    """Every version, newest first."""
    return VERSIONS


# The code that derives the figures, by module: a function's docstring and source, or a constant's value.
RULE_PARTS = {
    "incidents.services": (
        "known_by", "derive_figures", "derive_ranges", "_envelope_aggregates", "_envelopes", "_concessions", "_stance",
        "derive_many", "REPORTED_ENVELOPES", "_CONCEDED_RANGES", "_COUNTED_CONCESSION",
    ),
    "incidents.positions": (
        "_concession_order", "_statement_order", "latest_concession", "latest_statement", "_counts_as_concession",
        "positions_from",
    ),
    "incidents.totals": ("killed_sums", "_group_envelope", "_group_sums", "_honest", "_totals_of"),
}


def _stable(value) -> str:
    """A constant as text that does not depend on the Python version's reprs (enums by value, Q by its parts)."""
    if isinstance(value, Q):
        return f"Q({value.connector},{value.negated},[{','.join(_stable(child) for child in value.children)}])"
    if isinstance(value, Enum):
        return repr(value.value)
    if isinstance(value, list | tuple):
        return "[" + ",".join(_stable(item) for item in value) + "]"
    return repr(value)


def rule_fingerprint() -> str:
    """SHA-256 of the derivation code named in `RULE_PARTS` (see the module docstring for when it changes)."""
    digest = hashlib.sha256()
    for module_name, names in RULE_PARTS.items():
        module = importlib.import_module(module_name)
        for name in names:
            part = getattr(module, name)
            text = inspect.getsource(part) if callable(part) and not isinstance(part, Q) else _stable(part)
            digest.update(f"{module_name}.{name}\n{text}\n".encode())
    return digest.hexdigest()
