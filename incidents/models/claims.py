"""What sources and belligerents say: casualty claims, aggregate claims, official statements."""

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


class ClaimFields(models.Model):
    """What every casualty claim states, whether about one incident or a period and area."""

    attributed_to = models.CharField(
        max_length=300, blank=True,
        help_text=_("Who the report says gave the figure (“residents”, “Iraqi officials”, “the coalition”)."),
    )
    outcome = models.CharField(
        max_length=16, choices=choices.Outcome, default=choices.Outcome.KILLED, help_text=_("Killed, injured or missing."),
    )
    group = models.CharField(
        max_length=16, choices=choices.Group, default=choices.Group.CIVILIANS,
        help_text=_("Who the figure counts: civilians, children, women, men, combatants or undetermined."),
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
    quote = models.TextField(
        blank=True, help_text=_("The words of the report that state the figure, quoted verbatim."),
    )
    excluded = models.BooleanField(
        default=False, help_text=_("Rejected by the editors: kept on record, never shown or counted publicly."),
    )
    excluded_reason = models.TextField(blank=True, help_text=_("Why the editors rejected the claim; required when excluded."))
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the record was created."))
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When the record was last changed."))

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.qualifier == choices.Qualifier.UNQUANTIFIED and (self.count_min is not None or self.count_max is not None):
            raise ValidationError({"qualifier": _("A claim with no number given cannot have a minimum or maximum.")})
        if self.qualifier != choices.Qualifier.UNQUANTIFIED and self.count_min is None and self.count_max is None:
            raise ValidationError({"count_min": _("Give a minimum or a maximum, or choose “no number given”.")})
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
        models.CheckConstraint(
            condition=~Q(qualifier=choices.Qualifier.UNQUANTIFIED) | Q(count_min__isnull=True, count_max__isnull=True),
            name=f"{prefix}_unquantified_has_no_number",
            violation_error_message=_("A claim with no number given cannot have a minimum or maximum."),
        ),
    ]


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
    notes = models.TextField(blank=True, help_text=_("Editors' notes on the claim (not public)."))

    objects = FigureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "casualty figure"
        ordering = ["stated_on", "id"]
        indexes = [
            models.Index(fields=["incident", "outcome", "group", "basis"], name="figure_derivation"),
        ]
        constraints = [
            *_claim_constraints("figure"),
            models.CheckConstraint(
                condition=Q(basis=choices.Basis.ESTIMATE) | Q(report__isnull=False),
                name="figure_report_required",
                violation_error_message=_("A reported or conceded figure needs the report that states it."),
            ),
        ]

    def __str__(self):
        return f"{self.attributed_to or 'unattributed'}: {describe_count(self)} {self.get_group_display()} {self.get_outcome_display()}"

    def clean(self):
        super().clean()
        if self.statement_id and self.statement.incident_id != self.incident_id:
            raise ValidationError({"statement": _("The statement belongs to another incident.")})


class AggregateClaim(ClaimFields):
    """A figure for a period and an area, not for one incident; never summed into incident totals."""

    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="aggregate_claims", help_text=_("The report that states the figure."),
    )
    actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="aggregate_claims",
        help_text=_("The belligerent whose actions the figure counts (e.g. “strikes by the U.S.-led coalition”)."),
    )
    conflict = models.ForeignKey(
        Conflict, null=True, blank=True, on_delete=models.PROTECT, related_name="aggregate_claims",
        help_text=_("The conflict the figure covers, if one."),
    )
    period_start = models.DateField(help_text=_("First day of the period the figure covers."))
    period_end = models.DateField(help_text=_("Last day of the period the figure covers."))
    area = models.CharField(max_length=300, help_text=_("The area(s) the figure covers, in words (“Iraq and Syria”)."))
    countries = models.CharField(
        max_length=100, blank=True, help_text=_("ISO 3166-1 alpha-2 codes of the countries covered, comma-separated (IQ,SY)."),
    )
    status = models.CharField(
        max_length=16, choices=choices.Status, default=choices.Status.DRAFT,
        help_text=_("Only published aggregate claims appear publicly."),
    )

    objects = AggregateClaimQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "id"]
        indexes = [models.Index(fields=["status", "actor"], name="aggregate_status_actor")]
        constraints = [
            *_claim_constraints("aggregate"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="aggregate_period_ordered",
                violation_error_message=_("The period cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{describe_count(self)} {self.get_group_display()} {self.get_outcome_display()} — {self.area}"


class OfficialStatement(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="statements", help_text=_("The incident the statement is about."),
    )
    issuer = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="statements", help_text=_("The belligerent or official body that made it."),
    )
    stated_on = models.DateField(help_text=_("Date the statement was made. The latest one per issuer is its current position."))
    stance = models.CharField(
        max_length=24, choices=choices.Stance,
        help_text=_("What the statement says of the incident: acknowledges strike, denies, investigating, credible, not credible…"),
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
        verbose_name = "official statement"
        ordering = ["stated_on", "id"]
        indexes = [models.Index(fields=["incident", "issuer", "stated_on"], name="statement_sequence")]

    def __str__(self):
        return f"{self.issuer}, {self.stated_on}: {self.get_stance_display()}"

    def clean(self):
        super().clean()
        check_quote(self.quote, self.report if self.report_id else None)


def describe_count(claim) -> str:
    """A claim's numbers as the public pages write a range (`display.format_range`): “83–137”, “101+”, “no number”."""
    return display.format_range(claim.count_min, claim.count_max)
