"""The current position of each actor on an incident, and what each actor itself conceded: the rule, written once.

For every actor that made an official statement on the incident or conceded a figure of it:

- its current position is the stance (and reason) of its latest statement, by the date stated (the later entry first
  on the same date); earlier statements stay on the page as the position's history;
- its conceded killed and injured are its own latest concession of civilian deaths and injuries (by the date stated,
  undated ones last, the later entry first on the same date; a concession with no number does not replace a number),
  with an open top when that concession has no maximum ("at least 3" reads "3+"), never a figure another actor conceded.

Excluded claims never count. The rows are stored in `Position` and rebuilt by `rebuild_many`, which
`services.recompute_figures` calls in the same transaction as every change to a claim or statement; the
incident page, the list's stance filter, the belligerent and conflict pages, the API and the exports all read them.
`derive_positions(incident, known_on=day)` gives the same rule over what had been stated by that day only
(the "as known on" view); `positions_from` applies it to rows already read (the "as recorded on" view).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from . import choices
from .bulk import among
from .models import Actor, CasualtyFigure, Incident, OfficialStatement, Position
from .whom import counts_civilians

CONCEDED_OUTCOMES = {choices.Outcome.KILLED: "killed", choices.Outcome.INJURED: "injured"}
STORED_FIELDS = [
    "stance", "reason", "stated_on", "stated_on_precision",
    "conceded_killed_min", "conceded_killed_max", "conceded_killed_open",
    "conceded_injured_min", "conceded_injured_max", "conceded_injured_open",
]


def _concession_order(claim) -> tuple:
    """Later is greater: dated before undated reversed (undated count as oldest), then the later entry."""
    return (claim.stated_on is not None, claim.stated_on or datetime.date.min, claim.pk or 0)


def _statement_order(statement) -> tuple:
    """Later is greater: by the date stated, then the later entry."""
    return (statement.stated_on, statement.pk or 0)


def latest_concession(claims: Iterable):
    """The latest of these concessions (the one rule for "latest": undated ones count as oldest), or None."""
    return max(claims, key=_concession_order, default=None)


def latest_statement(statements: Iterable):
    """The latest of these statements, or None: the current position it gives."""
    return max(statements, key=_statement_order, default=None)


def _precision(record) -> str:
    # Rows read by an older migration have no precision yet: their dates were days.
    return getattr(record, "stated_on_precision", "") or choices.StatedPrecision.DAY


def _of_civilians(claim) -> bool:
    # Rows read by a migration older than the SDG categories (0044) have their single group instead.
    return claim.group == "civilians" if not hasattr(claim, "person_status") else counts_civilians(claim)


def _counts_as_concession(claim) -> bool:
    return (
        claim.basis == choices.Basis.CONCEDED and not claim.excluded and claim.conceded_by_id is not None
        and _of_civilians(claim) and claim.outcome in CONCEDED_OUTCOMES
        and (claim.count_min is not None or claim.count_max is not None)
    )


def positions_from(statements: Iterable, claims: Iterable, *, incident_id: int | None = None) -> list[Position]:
    """The positions (unsaved `Position` rows) that these statements and claims of one incident give, by actor."""
    positions: dict[int, Position] = {}

    def position(actor_id: int) -> Position:
        if actor_id not in positions:
            positions[actor_id] = Position(incident_id=incident_id, actor_id=actor_id)
        return positions[actor_id]

    for statement in sorted(statements, key=_statement_order):
        row = position(statement.issuer_id)
        row.stance, row.reason, row.stated_on = statement.stance, getattr(statement, "reason", ""), statement.stated_on
        row.stated_on_precision = _precision(statement)
    for claim in sorted((c for c in claims if _counts_as_concession(c)), key=_concession_order):
        row = position(claim.conceded_by_id)
        outcome = CONCEDED_OUTCOMES[claim.outcome]
        setattr(row, f"conceded_{outcome}_min", claim.count_min)
        setattr(row, f"conceded_{outcome}_max", claim.count_max)
        setattr(row, f"conceded_{outcome}_open", claim.count_min is not None and claim.count_max is None)
        if not row.stance and claim.stated_on and (row.stated_on is None or claim.stated_on > row.stated_on):
            row.stated_on, row.stated_on_precision = claim.stated_on, _precision(claim)  # no statement: dated by the concession
    return sorted(positions.values(), key=lambda p: (-(p.stated_on or datetime.date.min).toordinal(), p.actor_id))


def derive_positions(incident: Incident, *, known_on: datetime.date | None = None) -> list[Position]:
    """The incident's positions from its statements and non-excluded claims (by `known_on`: stated by then only)."""
    from .services import known_by  # services imports this module to rebuild the rows

    statements = OfficialStatement.objects.filter(incident=incident)
    claims = CasualtyFigure.objects.filter(incident=incident, excluded=False, basis=choices.Basis.CONCEDED)
    if known_on is not None:
        statements, claims = statements.filter(known_by(known_on)), claims.filter(known_by(known_on))
    return positions_from(
        statements.only("pk", "issuer_id", "stance", "reason", "stated_on", "stated_on_precision"),
        claims.only(
            "pk", "basis", "excluded", "conceded_by_id", *choices.WHOM_FIELDS, "outcome", "count_min", "count_max", "stated_on",
            "stated_on_precision",
        ),
        incident_id=incident.pk,
    )


def with_actors(positions: list[Position]) -> list[Position]:
    """Attach each position's actor (with its coalition), read in one query."""
    actors = Actor.objects.select_related("parent").in_bulk({p.actor_id for p in positions})
    for row in positions:
        row.actor = actors[row.actor_id]
    return positions


def rebuild_many(incident_ids: list[int]) -> None:
    """Store the derived positions of these incidents (rule: `positions_from`): three reads and at most three writes,
    whatever their number; rows that did not change are left alone."""
    selected = among(incident_ids)
    statements, claims = defaultdict(list), defaultdict(list)
    for statement in OfficialStatement.objects.filter(incident_id__in=selected).only(
        "pk", "incident_id", "issuer_id", "stance", "reason", "stated_on", "stated_on_precision",
    ):
        statements[statement.incident_id].append(statement)
    for claim in CasualtyFigure.objects.filter(incident_id__in=selected, excluded=False, basis=choices.Basis.CONCEDED).only(
        "pk", "incident_id", "basis", "excluded", "conceded_by_id", *choices.WHOM_FIELDS, "outcome", "count_min", "count_max", "stated_on",
        "stated_on_precision",
    ):
        claims[claim.incident_id].append(claim)
    stored = {(row.incident_id, row.actor_id): row for row in Position.objects.filter(incident_id__in=selected)}
    derived = {
        (pk, row.actor_id): row
        for pk in incident_ids for row in positions_from(statements[pk], claims[pk], incident_id=pk)
    }
    gone = [row.pk for key, row in stored.items() if key not in derived]
    if gone:
        Position.objects.filter(pk__in=gone).delete()
    Position.objects.bulk_create([row for key, row in derived.items() if key not in stored], batch_size=500)
    changed = []
    for key, row in derived.items():
        old = stored.get(key)
        if old is not None and any(getattr(old, field) != getattr(row, field) for field in STORED_FIELDS):
            row.pk = old.pk
            changed.append(row)
    if changed:
        Position.objects.bulk_update(changed, STORED_FIELDS, batch_size=500)


def presumed_conceder(roles: Iterable[tuple]):
    """Who conceded a figure given without its statement, from the incident's (actor, role) pairs.

    The only acknowledged belligerent, else the only belligerent; None when that cannot be told (no belligerent,
    or several and not exactly one acknowledged). Used by the file import; the migration that named the conceding
    actors of older claims followed the same rule.
    """
    roles = list(roles)
    acknowledged = [actor for actor, role in roles if role == choices.BelligerentRole.ACKNOWLEDGED]
    if len(acknowledged) == 1:
        return acknowledged[0]
    return roles[0][0] if len(roles) == 1 else None
