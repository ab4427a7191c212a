"""What sources and belligerents say: casualty claims, aggregate claims, official statements."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sources.models import Report
from sources.text import quote_in_text

from .. import choices, display
from ..querysets import (
    AggregateClaimQuerySet,
    FigureQuerySet,
    StatementQuerySet,
)
from .actors import Actor, Conflict
from .incident import Incident


def check_quote(quote: str, report: Report | None) -> None:
    """Refuse a quote that is not in its report's stored text (when the text is stored)."""
    if quote and report is not None and report.text and not quote_in_text(quote, report.text):
        raise ValidationError(
            {"quote": _(
                "This quote is not found in the stored text of the report “%(report)s”. "
                "Copy the words exactly as the report gives them (quotes, dashes and spaces "
                "may differ; use … to skip words)."
            ) % {"report": report.title}}
        )


# Words that are numbers (“a dozen” is 12; “dozens” is not): a quote with one of these, or a digit, gives a number.
NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million dozen".split()
)


def quote_gives_no_number(quote: str) -> bool:
    """True when the quoted words give only a vague quantifier (`choices.VAGUE_QUANTIFIERS`: “dozens”, “عشرات”), no number."""
    text = " ".join(quote.casefold().split())
    if not text or re.search(r"\d", text) or NUMBER_WORDS & set(re.findall(r"\w+", text)):
        return False
    return any(re.search(rf"(?<![a-z]){re.escape(words)}(?![a-z])", text) for words in choices.VAGUE_QUANTIFIERS)


def check_vague_quote(basis: str, quote: str, low: int | None, high: int | None) -> None:
    """A source's or belligerent's vague words (“dozens”) never carry a number: a conventional minimum is our estimate."""
    if basis != choices.Basis.ESTIMATE and (low is not None or high is not None) and quote_gives_no_number(quote):
        raise ValidationError({"count_min": _(
            "The quote gives no number, only words such as “dozens”: record the source's claim as “no number given” "
            "(minimum and maximum empty). A conventional minimum for those words may be recorded only as a separate "
            "claim with basis “the tracker's own estimate”."
        )})


def check_numbers(qualifier: str, low: int | None, high: int | None) -> None:
    """Refuse numbers that do not say what the qualifier says (rule: `choices.QUALIFIER_BOUNDS`), telling what to enter."""
    bounds = choices.QUALIFIER_BOUNDS.get(qualifier)
    if bounds is None:
        return
    how = choices.QUALIFIER_HOW[qualifier]
    if (low is not None) != bounds["min"]:
        raise ValidationError({"count_min": how})
    if (high is not None) != bounds["max"] or (bounds["equal"] and low != high):
        raise ValidationError({"count_max": how})


STATED_PRECISION_HELP = _(
    "How precisely the date stated is known: the day, the month (stored as the 1st of the month) or the year "
    "(stored as 1 January). A month or year orders before the days it contains."
)


def stated_on_start(day, precision: str):
    """The date stored for a date known to `precision`: the first day of its month or year."""
    if day is None or precision == choices.StatedPrecision.DAY:
        return day
    return day.replace(day=1) if precision == choices.StatedPrecision.MONTH else day.replace(month=1, day=1)


def stated_precision_constraint(prefix: str) -> models.CheckConstraint:
    """A month is stored as its 1st, a year as 1 January (`stated_on_start`), so dates order the same everywhere."""
    # Compared as ISO text: SQLite stores dates so, and PostgreSQL casts a date to it in the ISO DateStyle that its
    # drivers require anyway. No database function is needed (a CHECK calling one of Django's SQLite functions would
    # fail outside Django).
    return models.CheckConstraint(
        condition=Q(stated_on__isnull=True) | Q(stated_on_precision=choices.StatedPrecision.DAY)
        | Q(stated_on_precision=choices.StatedPrecision.MONTH, stated_on__endswith="-01")
        | Q(stated_on_precision=choices.StatedPrecision.YEAR, stated_on__endswith="-01-01"),
        name=f"{prefix}_stated_on_precision",
        violation_error_message=_("A date known to the month is stored as the 1st of the month, to the year as 1 January."),
    )


class ClaimFields(models.Model):
    """What every casualty claim states, whether about one incident or a period and area."""

    attributed_to = models.CharField(
        max_length=300, blank=True,
        help_text=_("Who the report says gave the figure (“residents”, “Iraqi officials”, “the coalition”)."),
    )
    outcome = models.CharField(
        max_length=16, choices=choices.Outcome, default=choices.Outcome.KILLED, help_text=_("Killed, injured or missing."),
    )
    # Whom the figure counts, in the categories of SDG indicator 16.1.2 ("unknown" where the source does not say).
    person_status = models.CharField(
        max_length=16, choices=choices.ClaimStatus, default=choices.ClaimStatus.CIVILIAN, verbose_name=_("status"),
        help_text=_(
            "Whom the figure counts by status: civilians, other protected persons, members of armed forces, people "
            "directly participating in hostilities, unknown; combatants where the source does not tell those two apart; "
            "or all deaths whatever the status of the dead (a dataset's total, e.g. UCDP's low–high: never civilians)."
        ),
    )
    sex = models.CharField(
        max_length=8, choices=choices.Sex, default=choices.Sex.UNKNOWN,
        help_text=_("Female or male where the figure counts only one sex (“3 women”); unknown when it does not say."),
    )
    age_group = models.CharField(
        max_length=8, choices=choices.AgeGroup, default=choices.AgeGroup.UNKNOWN, verbose_name=_("age"),
        help_text=_("Child or adult where the figure counts only one (“5 children”); unknown when it does not say."),
    )
    profession = models.CharField(
        max_length=16, choices=choices.Profession, blank=True,
        help_text=_("Where the figure counts only people of a protected profession (“2 journalists”); empty otherwise."),
    )
    cause = models.CharField(
        max_length=16, choices=choices.Cause, default=choices.Cause.UNKNOWN,
        help_text=_("Cause of the deaths or injuries (SDG 16.1.2 categories): explosive weapons, landmines or unexploded "
                    "ordnance, small arms, incendiary, chemical/biological/nuclear, other, or unknown."),
    )
    basis = models.CharField(
        max_length=16, choices=choices.Basis, default=choices.Basis.REPORTED,
        help_text=_("Reported by a source, conceded by a belligerent, or the tracker's own estimate."),
    )
    count_min = models.PositiveIntegerField(
        null=True, blank=True,
        help_text=_("Lowest number the claim allows (“more than 100” → 101); empty when it gives no lower bound."),
    )
    count_max = models.PositiveIntegerField(
        null=True, blank=True,
        help_text=_("Highest number the claim allows (“up to 200” → 200); empty when open-ended."),
    )
    qualifier = models.CharField(
        max_length=16, choices=choices.Qualifier, default=choices.Qualifier.EXACT,
        help_text=_("How the figure is phrased: exactly, at least, more than, up to, about, between, or no number given (“dozens”)."),
    )
    stated_on = models.DateField(null=True, blank=True, help_text=_("The date the figure was stated (“as of”)."))
    stated_on_precision = models.CharField(
        max_length=8, choices=choices.StatedPrecision, default=choices.StatedPrecision.DAY,
        help_text=STATED_PRECISION_HELP,
    )
    quote = models.TextField(
        blank=True, help_text=_("The words of the report that state the figure, quoted verbatim."),
    )
    excluded = models.BooleanField(
        default=False, help_text=_("Rejected by the editors: kept on record, never shown or counted publicly."),
    )
    excluded_reason = models.TextField(blank=True, help_text=_("Why the editors rejected the claim; required when excluded."))
    count_best = models.PositiveIntegerField(
        null=True, blank=True,
        help_text=_("The source's own best estimate within its range, where it gives one (UCDP's “best”); empty otherwise."),
    )
    caveat = models.CharField(
        max_length=500, blank=True,
        help_text=_(
            "A public note on how the figure was read from its source, e.g. “UCDP gives low 22 above high 21; "
            "the bounds were swapped on import”. Empty when the figure is as given."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the record was created."))
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When the record was last changed."))

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        check_numbers(self.qualifier, self.count_min, self.count_max)
        check_vague_quote(self.basis, self.quote, self.count_min, self.count_max)
        self.stated_on = stated_on_start(self.stated_on, self.stated_on_precision)
        check_quote(self.quote, self.report if self.report_id else None)


def _claim_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(count_min__isnull=True) | Q(count_max__isnull=True) | Q(count_min__lte=F("count_max")),
            name=f"{prefix}_min_le_max",
            violation_error_message=_("The minimum cannot be greater than the maximum."),
        ),
        models.CheckConstraint(
            condition=Q(excluded=False) | ~Q(excluded_reason=""),
            name=f"{prefix}_excluded_reason",
            violation_error_message=_("An excluded claim needs a reason."),
        ),
        *(_qualifier_constraint(prefix, qualifier) for qualifier in choices.QUALIFIER_BOUNDS),
        stated_precision_constraint(prefix),
    ]


def _best_constraints(prefix: str) -> list:
    """A best estimate lies within the claim's own range, and a claim with no number has none."""
    within = (Q(count_min__isnull=True) | Q(count_min__lte=F("count_best"))) & (
        Q(count_max__isnull=True) | Q(count_best__lte=F("count_max"))
    )
    return [
        models.CheckConstraint(
            condition=Q(count_best__isnull=True) | (within & ~Q(qualifier=choices.Qualifier.UNQUANTIFIED)),
            name=f"{prefix}_best_within_range",
            violation_error_message=_("The best estimate must lie between the minimum and the maximum."),
        ),
    ]


def _qualifier_constraint(prefix: str, qualifier: str) -> models.CheckConstraint:
    """The numbers a qualifier asks for (`choices.QUALIFIER_BOUNDS`), in the database."""
    bounds = choices.QUALIFIER_BOUNDS[qualifier]
    numbers = {"count_min__isnull": not bounds["min"], "count_max__isnull": not bounds["max"]}
    if bounds["equal"]:
        numbers["count_min"] = F("count_max")
    name = "unquantified_has_no_number" if qualifier == choices.Qualifier.UNQUANTIFIED else f"{qualifier}_numbers"
    return models.CheckConstraint(
        condition=~Q(qualifier=qualifier) | Q(**numbers), name=f"{prefix}_{name}",
        violation_error_message=choices.QUALIFIER_HOW[qualifier],
    )


class CasualtyFigure(ClaimFields):
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="figures", help_text=_("The incident the claim is about."),
    )
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="figures",
        help_text=_("The report that states the figure; required unless it is the tracker's own estimate."),
    )
    statement = models.ForeignKey(
        "OfficialStatement", null=True, blank=True, on_delete=models.PROTECT, related_name="figures",
        help_text=_("For a conceded figure: the official statement that concedes it."),
    )
    conceded_by = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="conceded_figures",
        help_text=_("For a conceded figure: the belligerent or official body that conceded it (the issuer of its "
                    "statement). The figure counts for this actor only, and for its coalition where it is a member."),
    )
    conceded_by_unknown = models.BooleanField(
        default=False, editable=False,
        help_text=_("A concession recorded before conceding actors were named, whose actor could not be told from its "
                    "statement or the incident's belligerents: counted for no belligerent until an editor names it."),
    )
    notes = models.TextField(blank=True, help_text=_("Editors' notes on the claim (not public)."))

    objects = FigureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("casualty figure")
        ordering = ["stated_on", "id"]
        indexes = [
            models.Index(fields=["incident", "outcome", "person_status", "basis"], name="figure_derivation"),
            # The home page's latest concessions of civilian deaths, by the date stated.
            models.Index(
                fields=["-stated_on", "-id"], name="figure_conceded_deaths",
                condition=Q(basis=choices.Basis.CONCEDED, outcome=choices.Outcome.KILLED, excluded=False, **choices.CIVILIANS),
            ),
        ]
        constraints = [
            *_claim_constraints("figure"),
            *_best_constraints("figure"),
            models.CheckConstraint(
                condition=Q(basis=choices.Basis.ESTIMATE) | Q(report__isnull=False),
                name="figure_report_required",
                violation_error_message=_("A reported or conceded figure needs the report that states it."),
            ),
            models.CheckConstraint(
                condition=~Q(basis=choices.Basis.CONCEDED) | Q(conceded_by__isnull=False) | Q(conceded_by_unknown=True),
                name="figure_conceded_by_named",
                violation_error_message=_("A conceded figure needs the belligerent or official body that conceded it."),
            ),
            models.CheckConstraint(
                condition=Q(basis=choices.Basis.CONCEDED) | Q(conceded_by__isnull=True, conceded_by_unknown=False),
                name="figure_conceded_by_only_conceded",
                violation_error_message=_("Only a conceded figure names the actor that conceded it."),
            ),
        ]

    def __str__(self):
        return f"{self.attributed_to or 'unattributed'}: {describe_count(self)} {display.whom(self)} {self.get_outcome_display()}"

    def clean(self):
        super().clean()
        if self.statement_id and self.statement.incident_id != self.incident_id:
            raise ValidationError({"statement": _("The statement belongs to another incident.")})
        self.clean_conceded_by()

    def fill_conceded_by(self) -> None:
        """A concession given with its statement is conceded by the statement's issuer, unless another actor is named."""
        if self.basis == choices.Basis.CONCEDED and self.conceded_by_id is None and self.statement_id:
            self.conceded_by_id = self.statement.issuer_id

    def clean_conceded_by(self):
        """A concession names who conceded it: the issuer of its statement (filled in when left empty)."""
        if self.basis != choices.Basis.CONCEDED:
            if self.conceded_by_id is not None:
                raise ValidationError({"conceded_by": _("Only a conceded figure names the actor that conceded it.")})
            self.conceded_by_unknown = False
            return
        self.fill_conceded_by()
        if self.statement_id:
            if self.conceded_by_id != self.statement.issuer_id:
                raise ValidationError({"conceded_by": _(
                    "The figure is conceded in a statement by %(issuer)s: the conceding actor must be %(issuer)s."
                ) % {"issuer": self.statement.issuer}})
        if self.conceded_by_id is None:
            raise ValidationError({"conceded_by": _(
                "Name the belligerent or official body that conceded this figure (or choose the statement that concedes it)."
            )})
        self.conceded_by_unknown = False


def validate_country_codes(value: str) -> None:
    """Comma-separated ISO 3166-1 alpha-2 codes ("IQ,SY"); spaces and lower case are tidied on save."""
    unknown = [code for code in split_country_codes(value) if display.country_name(code) == code]
    if unknown:
        raise ValidationError(
            _("Not ISO 3166-1 alpha-2 country codes: %(codes)s. Write two-letter codes separated by commas (IQ,SY)."),
            params={"codes": ", ".join(unknown)},
        )


def split_country_codes(value: str) -> list[str]:
    """The codes of a countries field, upper-cased, each once, in the order given."""
    return list(dict.fromkeys(code.strip().upper() for code in (value or "").split(",") if code.strip()))


class AggregateClaim(ClaimFields):
    """A figure for a period and an area, not for one incident; never summed into incident totals.

    Besides casualties (`measure` casualties), a belligerent's own tallies of allegations ("18 received: 12 not
    credible, 3 credible, 3 under investigation") are aggregate claims of their own `measure`, never added to casualties.
    """

    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="aggregate_claims", help_text=_("The report that states the figure."),
    )
    actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="aggregate_claims",
        help_text=_("The belligerent whose actions the figure counts (e.g. “strikes by the U.S.-led coalition”)."),
    )
    conflicts = models.ManyToManyField(
        Conflict, blank=True, related_name="aggregate_claims",
        help_text=_("The conflicts the figure covers (one or more), if it names any."),
    )
    measure = models.CharField(
        max_length=24, choices=choices.AggregateMeasure, default=choices.AggregateMeasure.CASUALTIES,
        help_text=_(
            "What the figure counts: casualties, or a belligerent's own tally of allegations (received, assessed "
            "credible, assessed not credible, under investigation, duplicate). Tallies are never added to casualties."
        ),
    )
    period_start = models.DateField(help_text=_("First day of the period the figure covers."))
    period_end = models.DateField(help_text=_("Last day of the period the figure covers."))
    period_precision = models.CharField(
        max_length=8, choices=choices.DatePrecision, default=choices.DatePrecision.DAY,
        help_text=_("How precisely the period is known, as for incident dates: exact days, a month (“March 2017”), a year…"),
    )
    area = models.CharField(max_length=300, help_text=_("The area(s) the figure covers, in words (“Iraq and Syria”)."))
    countries = models.CharField(
        max_length=100, blank=True, validators=[validate_country_codes],
        help_text=_("ISO 3166-1 alpha-2 codes of the countries covered, comma-separated (IQ,SY)."),
    )
    status = models.CharField(
        max_length=16, choices=choices.Status, default=choices.Status.DRAFT,
        help_text=_("Only published aggregate claims appear publicly; editors submit them for review, reviewers publish."),
    )

    objects = AggregateClaimQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "id"]
        indexes = [
            models.Index(fields=["status", "actor"], name="aggregate_status_actor"),
            models.Index(fields=["status", "measure", "-period_start"], name="aggregate_status_measure"),
        ]
        constraints = [
            *_claim_constraints("aggregate"),
            *_best_constraints("aggregate"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="aggregate_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        if self.measure != choices.AggregateMeasure.CASUALTIES:
            return f"{describe_count(self)} {self.get_measure_display()} — {self.area}"
        return f"{describe_count(self)} {display.whom(self)} {self.get_outcome_display()} — {self.area}"

    def clean(self):
        super().clean()
        self.countries = ",".join(split_country_codes(self.countries))

    @property
    def country_codes(self) -> list[str]:
        return split_country_codes(self.countries)


class OfficialStatement(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="statements", help_text=_("The incident the statement is about."),
    )
    issuer = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="statements", help_text=_("The belligerent or official body that made it."),
    )
    stated_on = models.DateField(help_text=_("Date the statement was made. The latest one per issuer is its current position."))
    stated_on_precision = models.CharField(
        max_length=8, choices=choices.StatedPrecision, default=choices.StatedPrecision.DAY, help_text=STATED_PRECISION_HELP,
    )
    stance = models.CharField(
        max_length=24, choices=choices.Stance,
        help_text=_("What the statement says of the incident: not yet assessed / open, acknowledges strike, denies, investigating, "
                    "assessed credible or not credible, duplicate of another case, no comment."),
    )
    reason = models.TextField(
        blank=True,
        help_text=_("Why the issuer takes this position, as it gives it (e.g. the case it duplicates, why it is assessed "
                    "not credible). Public, shown with the stance."),
    )
    quote = models.TextField(blank=True, help_text=_("The statement's own words, quoted verbatim from the report."))
    summary = models.TextField(blank=True, help_text=_("What the statement says, in the editors' words."))
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="statements",
        help_text=_("Where the statement was published or reported."),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the record was created."))
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When the record was last changed."))

    objects = StatementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("official statement")
        ordering = ["stated_on", "id"]
        indexes = [models.Index(fields=["incident", "issuer", "stated_on"], name="statement_sequence")]
        constraints = [stated_precision_constraint("statement")]

    def __str__(self):
        return f"{self.issuer}, {display.format_stated(self)}: {self.get_stance_display()}"

    def clean(self):
        super().clean()
        self.stated_on = stated_on_start(self.stated_on, self.stated_on_precision)
        check_quote(self.quote, self.report if self.report_id else None)


def describe_count(claim) -> str:
    """A claim's numbers as the public pages write a range (`display.format_range`): “83–137”, “101+”, “no number”."""
    return display.format_range(claim.count_min, claim.count_max)
