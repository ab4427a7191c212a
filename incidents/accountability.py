"""The accountability gap, by year: what sources reported against what belligerents conceded and answered.

Everything is computed by the database, one grouped query per table. The unit is the
published incident, counted in the year of its earliest possible date (`date_start`):

- reported killed: the sum of the incidents' derived reported ranges (lower bounds, upper bounds; `incidents.totals`);
- conceded killed: for a belligerent, the sum of what it conceded itself on each incident (its latest concession,
  `incidents.positions`), or, where it did not concede, what a member force of it conceded (said so on each row:
  "conceded by US forces, member of CJTF-OIR"); never a figure another party conceded. For a conflict, the sum of the
  incidents' derived conceded figures (the latest concession by anyone, `incidents.services.derive_figures`), with
  a table of what each actor conceded. A concession with no upper bound makes the sum "at least" (no upper bound);
- alleged / responsibility acknowledged: the belligerent's role on the incident
  (for a conflict: any belligerent's role; "alleged only" when none acknowledged it);
- assessed: at least one official statement on the incident by the belligerent (for a conflict, by anyone);
- acknowledged in a statement: a statement that acknowledges the strike or assesses the harm credible;
- never answered: no statement at all;
- median days from the incident's earliest possible date to the first statement and to the first acknowledgement.

Aggregate claims (figures for a period and area) are never part of these numbers.

Medians: on PostgreSQL `percentile_cont(0.5)` inside the same grouped query. SQLite has no
percentile function, so there the median comes from a second query that numbers each year's
day counts with window functions and returns only the one or two middle values per year.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, ExtractYear, RowNumber

from . import choices
from .cache import cached_aggregate
from .models import Actor, BelligerentRoleLink, Conflict, Incident, OfficialStatement, Position
from .totals import killed_sums

ACKNOWLEDGING_STANCES = (choices.Stance.ACKNOWLEDGES_STRIKE, choices.Stance.CREDIBLE)
# "Assessed": an incident (annotated by `_answers`) with at least one official statement that counts as an answer.
ASSESSED = Q(first_statement_on__isnull=False)


class Median(Aggregate):
    """PostgreSQL's continuous median; NULLs are ignored."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class DaysBetween(Func):
    """Whole days from the first date to the second (NULL when either is NULL)."""

    output_field = IntegerField()
    arg_joiner = " - "

    def __init__(self, start, end, **extra):
        super().__init__(end, start, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        # PostgreSQL: date - date is an integer number of days.
        return super().as_sql(compiler, connection, template="(%(expressions)s)", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)", arg_joiner=") - julianday(",
            **extra_context,
        )


@dataclass
class Gap:
    """The accountability table: one row per year and a row for all years."""

    years: list[dict]
    total: dict
    statements_by: str  # whose statements count as answers, in words


def _answers(incidents: QuerySet, statements: QuerySet, alleged, acknowledged) -> QuerySet:
    """Each incident with its role flags, the date of its first statement and first acknowledgement, and the days to each."""
    own = statements.filter(incident=OuterRef("pk")).order_by("stated_on").values("stated_on")
    first, first_ack = own[:1], own.filter(stance__in=ACKNOWLEDGING_STANCES)[:1]
    return incidents.annotate(
        is_alleged=alleged,
        is_acknowledged=acknowledged,
        first_statement_on=Subquery(first),
        first_ack_on=Subquery(first_ack),
        days_to_statement=DaysBetween("date_start", "first_statement_on"),
        days_to_ack=DaysBetween("date_start", "first_ack_on"),
    )


def _aggregates() -> dict:
    aggregates = {
        "incidents": Count("pk"),
        "alleged": Count("pk", filter=Q(is_alleged=True)),
        "responsibility_acknowledged": Count("pk", filter=Q(is_acknowledged=True)),
        "assessed": Count("pk", filter=ASSESSED),
        "acknowledged": Count("pk", filter=Q(first_ack_on__isnull=False)),
        "never_answered": Count("pk", filter=Q(first_statement_on__isnull=True)),
        **killed_sums(),
    }
    if connection.vendor == "postgresql":
        aggregates["median_days_to_statement"] = Median("days_to_statement")
        aggregates["median_days_to_ack"] = Median("days_to_ack")
    return aggregates


def _middle_values(annotated: QuerySet, field: str, by_year: bool) -> dict:
    """{year or None: median of `field`}, from the one or two middle values the database picks out (SQLite)."""
    partition = [ExtractYear("date_start")] if by_year else None
    rows = (
        annotated.filter(**{f"{field}__isnull": False})
        .annotate(
            year=ExtractYear("date_start"),
            position=Window(RowNumber(), partition_by=partition, order_by=[F(field).asc(), F("pk").asc()]),
            size=Window(Count("pk"), partition_by=partition),
        )
        .filter(Q(position=(F("size") + 1) / 2) | Q(position=(F("size") + 2) / 2))
        .values_list("year" if by_year else "size", field)
    )
    middles: dict = {}
    for key, value in rows:  # at most two rows per year
        middles.setdefault(key if by_year else None, []).append(value)
    return {key: sum(values) / len(values) for key, values in middles.items()}


HAS_CONCEDED_KILLED = Q(conceded_killed_min__isnull=False) | Q(conceded_killed_max__isnull=False)


def actor_concession(actor: Actor) -> dict:
    """Annotations of an incident: what `actor` conceded of its civilian deaths, else what a member force of it conceded.

    `actor_conceded_min`, `actor_conceded_max` (an open top counts its minimum), `actor_conceded_open`, and who
    conceded it (`actor_conceded_by`, `actor_conceded_by_member`: the member's name when it was a member, else None).
    """
    return concession_of(actor, OuterRef("pk"))


def concession_of(actor, incident) -> dict:
    """`actor_concession` for any pair: `actor` and `incident` are an actor or its id, or references to the outer row
    (the belligerent index annotates each belligerent link with `OuterRef("actor")`, `OuterRef("incident")`).

    An actor has at most one position per incident, so "its own first" is a choice between two rows, made by
    COALESCE rather than by an ORDER BY that names the outer row (SQLite cannot read an outer column there).
    `actor_conceded_position` is the position counted.
    """
    conceded = Position.objects.filter(HAS_CONCEDED_KILLED, incident=incident)
    own = conceded.filter(actor=actor).values("pk")[:1]
    member = conceded.filter(actor__parent=actor).order_by(F("stated_on").desc(nulls_last=True), "actor_id").values("pk")[:1]
    counted = Position.objects.filter(pk=OuterRef("actor_conceded_position"))

    def first(value):
        return Subquery(counted.values(value=value)[:1])

    return {
        "actor_conceded_position": Coalesce(Subquery(own), Subquery(member)),
        "actor_conceded_min": first(F("conceded_killed_min")),
        "actor_conceded_max": first(Coalesce("conceded_killed_max", "conceded_killed_min")),
        "actor_conceded_open": first(F("conceded_killed_open")),
        "actor_conceded_by": first(F("actor__name")),
        "actor_conceded_by_member": first(Case(When(actor=actor, then=Value(None)), default=F("actor__name"))),
    }


ACTOR_CONCEDED_SUMS = {
    "conceded_min": Sum("actor_conceded_min"),
    "conceded_max": Sum("actor_conceded_max"),
    "with_conceded": Count("pk", filter=Q(actor_conceded_min__isnull=False) | Q(actor_conceded_max__isnull=False)),
    "conceded_open": Count("pk", filter=Q(actor_conceded_open=True)),
}


def _open_tops(row: dict) -> dict:
    """A sum that adds a concession with no upper bound has none either: it reads "at least" the sum of minimums."""
    if row.get("conceded_open"):
        row["conceded_max"] = None
    return row


def _gap(annotated: QuerySet, statements_by: str, actor_conceded: bool = False) -> Gap:
    """The gap of incidents annotated by `_answers` (and, for a belligerent, `actor_concession`)."""
    annotated = annotated.order_by()
    aggregates = _aggregates()
    if actor_conceded:
        aggregates.update(ACTOR_CONCEDED_SUMS)
    years = list(
        annotated.annotate(year=ExtractYear("date_start")).values("year").annotate(**aggregates).order_by("year")
    )
    total = annotated.aggregate(**aggregates)
    if connection.vendor != "postgresql":
        for field, key in (("days_to_statement", "median_days_to_statement"), ("days_to_ack", "median_days_to_ack")):
            by_year = _middle_values(annotated, field, by_year=True)
            for row in years:
                row[key] = by_year.get(row["year"])
            total[key] = _middle_values(annotated, field, by_year=False).get(None)
    return Gap(years=[_open_tops(row) for row in years], total=_open_tops(total), statements_by=statements_by)


def actor_incidents(actor: Actor) -> QuerySet:
    """Published incidents in which this belligerent itself is named (alleged or acknowledged)."""
    return Incident.objects.published().naming(actor)


def conflict_incidents(conflict: Conflict) -> QuerySet:
    """Published incidents of the conflict."""
    return Incident.objects.published().filter(conflict=conflict)


def actor_gap(actor: Actor) -> Gap:
    """The belligerent's accountability gap by year: its role, its own statements (cached per data version)."""
    return cached_aggregate("actor_gap", actor_incidents(actor), lambda incidents, _pk: _actor_gap(actor, incidents), actor.pk)


def _actor_gap(actor: Actor, incidents: QuerySet) -> Gap:
    return _gap(actor_answered(actor, incidents), statements_by=actor.name, actor_conceded=True)


def actor_answered(actor: Actor, incidents: QuerySet) -> QuerySet:
    """The incidents as the belligerent's gap counts them: its role on each, its own statements (`_answers`), what it
    conceded (`actor_concession`). The gap by year and the charts' gap by month both read this."""
    roles = BelligerentRoleLink.objects.filter(incident=OuterRef("pk"), actor=actor)
    return _answers(
        incidents,
        OfficialStatement.objects.filter(issuer=actor),
        alleged=Exists(roles.filter(role=choices.BelligerentRole.ALLEGED)),
        acknowledged=Exists(roles.filter(role=choices.BelligerentRole.ACKNOWLEDGED)),
    ).annotate(**actor_concession(actor))


def conflict_gap(conflict: Conflict) -> Gap:
    """The conflict's accountability gap by year: any belligerent's role, anyone's statements (cached per data version)."""
    return cached_aggregate("conflict_gap", conflict_incidents(conflict), _conflict_gap)


def _conflict_gap(incidents: QuerySet) -> Gap:
    acknowledged = Exists(
        BelligerentRoleLink.objects.filter(incident=OuterRef("pk"), role=choices.BelligerentRole.ACKNOWLEDGED)
    )
    alleged_only = ExpressionWrapper(
        Exists(BelligerentRoleLink.objects.filter(incident=OuterRef("pk"))) & ~acknowledged, output_field=BooleanField(),
    )
    return _gap(
        _answers(incidents, OfficialStatement.objects.all(), alleged=alleged_only, acknowledged=acknowledged),
        statements_by="",
    )


def conceded_by_actor(incidents: QuerySet) -> list[dict]:
    """What each actor itself conceded on these incidents: one row per actor (with its coalition), most conceded first
    (cached per set and data version)."""
    return cached_aggregate("conceded_by_actor", incidents.order_by(), _conceded_by_actor)


def _conceded_by_actor(incidents: QuerySet) -> list[dict]:
    rows = (
        Position.objects.filter(HAS_CONCEDED_KILLED, incident__in=incidents.order_by().values("pk"))
        .values("actor__name", "actor__name_ar", "actor__slug", "actor__parent__name", "actor__parent__name_ar")
        .annotate(
            incidents=Count("pk"),
            conceded_min=Sum("conceded_killed_min"),
            conceded_max=Sum(Coalesce("conceded_killed_max", "conceded_killed_min")),
            conceded_open=Count("pk", filter=Q(conceded_killed_open=True)),
        )
        .order_by(F("conceded_max").desc(nulls_last=True), "actor__name")
    )
    return [_open_tops(row) for row in rows]
