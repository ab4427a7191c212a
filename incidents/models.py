from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sources.models import Report
from sources.text import quote_in_text

from . import choices, display
from .codes import format_code, reserve_ids
from .querysets import (
    ActorQuerySet,
    AggregateClaimQuerySet,
    ConflictQuerySet,
    FigureQuerySet,
    IncidentQuerySet,
    StatementQuerySet,
    VictimQuerySet,
)


def _range_constraint(prefix: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{prefix}_min__isnull": True})
        | Q(**{f"{prefix}_max__isnull": True})
        | Q(**{f"{prefix}_min__lte": F(f"{prefix}_max")}),
        name=name,
        violation_error_message=_("The minimum cannot be greater than the maximum."),
    )


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


class Conflict(models.Model):
    name = models.CharField(max_length=200, unique=True, help_text=_("Theatre or campaign, e.g. “Coalition vs ISIS — Iraq”."))
    slug = models.SlugField(max_length=200, unique=True, help_text=_("Short name used in the conflict's web address."))
    description = models.TextField(blank=True, help_text=_("What the conflict or campaign is."))
    ucdp_conflict_id = models.PositiveIntegerField(
        null=True, blank=True, unique=True, help_text=_("UCDP's conflict id (conflict_new_id), when imported from UCDP."),
    )
    objects = ConflictQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("conflict_detail", args=[self.slug])


class Actor(models.Model):
    name = models.CharField(max_length=200, unique=True, help_text=_("Name of the belligerent or official body."))
    slug = models.SlugField(max_length=200, unique=True, help_text=_("Short name used in the belligerent's web address."))
    kind = models.CharField(
        max_length=32, choices=choices.ActorKind, default=choices.ActorKind.STATE_FORCES,
        help_text=_("State forces, coalition, non-state armed group, government body or other."),
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="members",
        help_text=_("The coalition or body this actor belongs to, if any."),
    )
    country = models.CharField(max_length=2, blank=True, help_text=_("Country of the actor (ISO 3166-1 alpha-2), if a state."))
    description = models.TextField(blank=True, help_text=_("Who the actor is."))
    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(parent__isnull=True) | ~Q(parent=F("id")), name="actor_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("belligerent_detail", args=[self.slug])


class Incident(models.Model):
    code = models.CharField(
        max_length=32, unique=True, blank=True,
        help_text=_("Stable public code of the record (e.g. CT-000001). Never reused; old codes stay as aliases."),
    )
    title = models.CharField(max_length=300, help_text=_("Short description: what happened, where."))
    summary = models.TextField(blank=True, help_text=_("What is known, in a few sentences, for a reader new to it."))

    date_start = models.DateField(help_text=_("Earliest date the incident may have happened."))
    date_end = models.DateField(
        null=True, blank=True, help_text=_("Latest date the incident may have happened; empty when the same as the start."),
    )
    date_precision = models.CharField(
        max_length=8, choices=choices.DatePrecision, default=choices.DatePrecision.DAY,
        help_text=_("How precisely the date is known: exact day, within a few days, week, month or year."),
    )

    country = models.CharField(max_length=2, blank=True, help_text=_("Country (ISO 3166-1 alpha-2 code, e.g. IQ)."))
    admin1 = models.CharField(max_length=120, blank=True, help_text=_("First-order administrative division (governorate, province)."))
    admin2 = models.CharField(max_length=120, blank=True, help_text=_("Second-order administrative division (district)."))
    locality = models.CharField(max_length=200, blank=True, help_text=_("City, town or village."))
    neighbourhood = models.CharField(max_length=200, blank=True, help_text=_("Neighbourhood, street or landmark."))
    place_name_ar = models.CharField(max_length=200, blank=True, help_text=_("Place name in Arabic script."))
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, help_text=_("Latitude, WGS 84 decimal degrees."),
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, help_text=_("Longitude, WGS 84 decimal degrees."),
    )
    geo_precision = models.CharField(
        max_length=16, choices=choices.GeoPrecision, default=choices.GeoPrecision.TOWN,
        help_text=_("How precisely the coordinates place the incident: exact site down to country only."),
    )

    event_type = models.CharField(
        max_length=16, choices=choices.EventType, default=choices.EventType.OTHER,
        help_text=_("How the harm was caused: airstrike, drone strike, shelling, ground raid, explosion, gunfire, other."),
    )
    event_type_inferred = models.BooleanField(
        default=False, help_text=_("The event type was inferred (e.g. from headlines of imported data), not stated by a source."),
    )
    conflict = models.ForeignKey(
        Conflict, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents",
        help_text=_("The theatre or campaign the incident belongs to."),
    )
    belligerents = models.ManyToManyField(
        Actor, through="BelligerentRoleLink", related_name="incidents", blank=True,
        help_text=_("The forces alleged or acknowledged to be responsible."),
    )
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=True,
        help_text=_("Other records of possibly the same event, linked without merging."),
    )
    grade = models.CharField(
        max_length=16, choices=choices.Grade, blank=True,
        help_text=_("What the evidence says about civilian harm: confirmed, fair, weak, contested or discounted (see methodology)."),
    )
    status = models.CharField(
        max_length=16, choices=choices.Status, default=choices.Status.DRAFT,
        help_text=_("Only published incidents appear on pages, API and exports."),
    )
    retraction_reason = models.TextField(
        blank=True, help_text=_("Public reason for a retraction; required when the status is retracted."),
    )

    # Derived: the rule is `incidents.services.derive_figures`; never edited by hand.
    reported_killed_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Lowest minimum among the non-excluded reported civilian-death claims. Derived."),
    )
    reported_killed_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Highest maximum among the non-excluded reported civilian-death claims (an open claim counts its minimum). Derived."),
    )
    conceded_killed_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Civilian deaths conceded by a belligerent, lower bound of the latest concession. Derived."),
    )
    conceded_killed_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Civilian deaths conceded by a belligerent, upper bound of the latest concession. Derived."),
    )
    reported_injured_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Lowest minimum among the reported civilian-injury claims. Derived."),
    )
    reported_injured_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Highest maximum among the reported civilian-injury claims. Derived."),
    )
    conceded_injured_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Civilian injuries conceded, lower bound of the latest concession. Derived."),
    )
    conceded_injured_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Civilian injuries conceded, upper bound of the latest concession. Derived."),
    )
    children_killed_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Lowest minimum among the reported claims of children killed. Derived."),
    )
    children_killed_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Highest maximum among the reported claims of children killed. Derived."),
    )
    women_killed_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Lowest minimum among the reported claims of women killed. Derived."),
    )
    women_killed_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Highest maximum among the reported claims of women killed. Derived."),
    )
    latest_stance = models.CharField(
        max_length=24, choices=choices.Stance, blank=True, editable=False,
        help_text=_("Stance of the most recent official statement on the incident: the current official position. Derived."),
    )
    sources_count = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Number of distinct reports linked to the incident. Derived."),
    )

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text=_("Incremented on every save; used to refuse conflicting edits."),
    )
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=_("When the incident was first published."),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the record was created."))
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When the record was last changed."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Editor who created the record."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False, on_delete=models.SET_NULL,
        related_name="+", help_text=_("Editor who last changed the record."),
    )

    objects = IncidentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-date_start", "-id"]
        # Workflow permissions, held by the Reviewer group (incidents.workflow checks them on the server).
        permissions = [
            ("publish_incident", "Can publish an incident (and restore a retracted one)"),
            ("retract_incident", "Can retract a published incident"),
            ("grade_incident", "Can grade an incident"),
            ("merge_incident", "Can merge two incidents"),
        ]
        indexes = [
            # Public lists always filter on status, then sort; the id breaks ties for keyset paging.
            models.Index(fields=["status", "-date_start", "-id"], name="incident_pub_date"),
            models.Index(fields=["status", "-reported_killed_max", "-id"], name="incident_pub_reported"),
            models.Index(fields=["status", "-conceded_killed_max", "-id"], name="incident_pub_conceded"),
            models.Index(fields=["status", "-updated_at", "-id"], name="incident_pub_updated"),
            models.Index(fields=["status", "-published_at"], name="incident_pub_published"),
            models.Index(fields=["country", "admin1"], name="incident_place"),
            # The duplicate check looks for incidents a few days either side, whatever their status.
            models.Index(fields=["date_start"], name="incident_date_start"),
            models.Index(fields=["grade"], name="incident_grade"),
            models.Index(fields=["event_type"], name="incident_event_type"),
            models.Index(fields=["latest_stance"], name="incident_stance"),
            models.Index(fields=["reported_killed_min"], name="incident_reported_min"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__isnull=True) | Q(date_end__gte=F("date_start")),
                name="incident_dates_ordered",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="incident_latitude_range",
                violation_error_message=_("Latitude must be between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="incident_longitude_range",
                violation_error_message=_("Longitude must be between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="incident_coordinates_paired",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
            models.CheckConstraint(
                condition=~Q(status=choices.Status.RETRACTED) | ~Q(retraction_reason=""),
                name="incident_retraction_reason",
                violation_error_message=_("A retracted incident needs a public reason."),
            ),
            _range_constraint("reported_killed", "incident_reported_killed_range"),
            _range_constraint("conceded_killed", "incident_conceded_killed_range"),
            _range_constraint("reported_injured", "incident_reported_injured_range"),
            _range_constraint("conceded_injured", "incident_conceded_injured_range"),
            _range_constraint("children_killed", "incident_children_killed_range"),
            _range_constraint("women_killed", "incident_women_killed_range"),
        ]

    def __str__(self):
        return f"{self.code or 'new'}: {self.title}"

    def save(self, *args, keep_version=False, **kwargs):
        # The version counts edits of the record itself (optimistic locking); re-deriving the figures passes
        # keep_version, so a claim added elsewhere does not make an open incident form stale.
        if not keep_version:
            self.version = (self.version or 0) + 1 if self.pk else 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        if self.pk is not None or self.code:
            super().save(*args, **kwargs)
            return
        # A new incident gets its code from its id, which the database never hands out twice: the id is
        # reserved first, so the row goes in with its code (no blank code for a moment, no second write).
        with transaction.atomic(using=kwargs.get("using")):
            self.pk = reserve_ids(type(self))[0]
            self.code = format_code(self.pk)
            super().save(*args, **{**kwargs, "force_insert": True})

    def get_absolute_url(self):
        return reverse("incident_detail", args=[self.code])

    def clean(self):
        super().clean()
        if self.code and IncidentAlias.objects.filter(code=self.code).exclude(incident_id=self.pk).exists():
            raise ValidationError({"code": _("This code was used before and is kept as an alias; codes are never reused.")})

    @property
    def place(self) -> str:
        """The place in words, most precise part first."""
        parts = [self.neighbourhood, self.locality, self.admin2, self.admin1]
        return ", ".join(dict.fromkeys(part for part in parts if part))


# What deleting an incident may take with it (on_delete). Deleting an incident at all is rare and guarded: the
# admin refuses it once the record has been public (it is retracted instead), so only a never-published draft
# is ever deleted. Even then, evidence is never destroyed as a side effect:
# - claims (CasualtyFigure), official statements and named victims PROTECT their incident: they are what a
#   source said or who died, kept even when the record they were filed under goes. An incident holding any
#   cannot be deleted until each is deleted (or moved: a merge moves every row first) on purpose, one by one;
#   the admin answers a delete with Django's list of the protected rows, and deletes nothing.
# - a conceded claim PROTECTs the statement that concedes it (deleting the statement no longer deletes the
#   claim and its quote).
# - report links, belligerent roles, external identifiers and former codes (aliases) are the incident's own
#   description, not evidence: they go with a deleted draft (CASCADE); their history rows stay. Reports,
#   sources and actors are PROTECTed from the other side (a report cannot go while anything cites it).


class IncidentAlias(models.Model):
    code = models.CharField(max_length=32, unique=True, help_text=_("A former code of the incident; it redirects to the current one."))
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="aliases", help_text=_("The incident the old code now points to."),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the code became an alias."))
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "incident aliases"

    def __str__(self):
        return self.code

    def clean(self):
        super().clean()
        if Incident.objects.filter(code=self.code).exclude(pk=self.incident_id).exists():
            raise ValidationError({"code": _("This code belongs to another incident.")})


class ExternalIdentifier(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="external_ids", help_text=_("The incident also tracked elsewhere."),
    )
    dataset = models.CharField(
        max_length=16, choices=choices.Dataset, help_text=_("The monitor or dataset that also tracks this incident."),
    )
    identifier = models.CharField(max_length=64, help_text=_("The incident's id in that dataset (e.g. 238475, CI550)."))
    url = models.URLField(max_length=500, blank=True, help_text=_("Link to the record in that dataset, if it has one."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["dataset", "identifier"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "identifier"], name="external_id_unique",
                violation_error_message=_("This external identifier is already attached to an incident."),
            ),
        ]

    def __str__(self):
        return f"{self.get_dataset_display()} {self.identifier}"

    @property
    def link(self) -> str:
        """The record's address at the dataset: stored, or built from the dataset's pattern."""
        pattern = choices.DATASET_URLS.get(self.dataset)
        return self.url or (pattern.format(identifier=self.identifier) if pattern else "")


class BelligerentRoleLink(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="belligerent_roles", help_text=_("The incident."),
    )
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, related_name="incident_roles", help_text=_("The belligerent."),
    )
    role = models.CharField(
        max_length=16, choices=choices.BelligerentRole, default=choices.BelligerentRole.ALLEGED,
        help_text=_("Alleged (others say this belligerent was responsible) or acknowledged (it said so itself)."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "belligerent role"
        constraints = [
            models.UniqueConstraint(fields=["incident", "actor"], name="belligerent_role_unique"),
        ]
        indexes = [models.Index(fields=["actor", "role"], name="belligerent_actor_role")]

    def __str__(self):
        return f"{self.actor} ({self.get_role_display()})"


class IncidentReport(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="report_links", help_text=_("The incident."),
    )
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, related_name="incident_links", help_text=_("A report that covers the incident."),
    )
    note = models.CharField(max_length=300, blank=True, help_text=_("What the report says about this incident, in brief."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = "linked report"
        constraints = [
            models.UniqueConstraint(fields=["incident", "report"], name="incident_report_unique"),
        ]

    def __str__(self):
        return str(self.report)


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


class Victim(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="victims", help_text=_("The incident."),
    )
    name = models.CharField(max_length=200, help_text=_("Name as given by the sources."))
    name_ar = models.CharField(max_length=200, blank=True, help_text=_("Name in Arabic script."))
    sex = models.CharField(max_length=8, choices=choices.Sex, default=choices.Sex.UNKNOWN, help_text=_("Sex, if known."))
    age = models.PositiveSmallIntegerField(null=True, blank=True, help_text=_("Age in years, if known."))
    age_band = models.CharField(
        max_length=8, choices=choices.AgeBand, default=choices.AgeBand.UNKNOWN,
        help_text=_("Child, adult or elderly, if the exact age is not known."),
    )
    outcome = models.CharField(
        max_length=16, choices=choices.Outcome, default=choices.Outcome.KILLED, help_text=_("Killed, injured or missing."),
    )
    family_group = models.CharField(max_length=200, blank=True, help_text=_("Family the person belonged to, to group relatives."))
    notes = models.TextField(blank=True, help_text=_("What is known of the person."))
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="victims", help_text=_("The report that names the person."),
    )
    visibility = models.CharField(
        max_length=8, choices=choices.Visibility, default=choices.Visibility.PRIVATE,
        help_text=_("Public names appear on the incident page; private ones never leave the admin."),
    )
    history = HistoricalRecords()

    objects = VictimQuerySet.as_manager()

    class Meta:
        ordering = ["family_group", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(age__isnull=True) | Q(age__lte=130), name="victim_age_range",
                violation_error_message=_("Age must be between 0 and 130."),
            ),
        ]

    def __str__(self):
        return self.name


def describe_count(claim) -> str:
    """A claim's numbers as the public pages write a range (`display.format_range`): “83–137”, “101+”, “no number given”."""
    if claim.count_min is None and claim.count_max is None:
        return "no number given"
    return display.format_range(claim.count_min, claim.count_max)
