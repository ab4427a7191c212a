"""The incident record and what hangs on it: old codes, external ids, belligerent roles, linked reports."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sources.models import Report
from sources.validators import validate_web_address, web_address_constraint

from .. import choices, display
from ..codes import format_code, reserve_ids
from ..geo import COUNTRY_ONLY, MAPPED, UNPLACED
from ..protection import allowed_levels, no_finer_place_name, public_coordinate, public_precision_expression
from ..querysets import (
    IncidentQuerySet,
)
from ..search import SEARCH_FIELDS, SEARCHED_FIELDS, search_texts
from .actors import Actor, Conflict


def _range_constraint(prefix: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{prefix}_min__isnull": True})
        | Q(**{f"{prefix}_max__isnull": True})
        | Q(**{f"{prefix}_min__lte": F(f"{prefix}_max")}),
        name=name,
        violation_error_message=_("The minimum cannot be greater than the maximum."),
    )


class Incident(models.Model):
    code = models.CharField(
        max_length=32, unique=True, blank=True,
        help_text=_("Stable public code of the record (e.g. CT-000001). Never reused; old codes stay as aliases."),
    )
    title = models.CharField(max_length=300, help_text=_("Short description: what happened, where."))
    summary = models.TextField(blank=True, help_text=_("What is known, in a few sentences, for a reader new to it."))
    title_ar = models.CharField(
        max_length=300, blank=True, help_text=_("The title in Arabic, shown on the Arabic pages (blank: the English title, marked as such)."),
    )
    summary_ar = models.TextField(blank=True, help_text=_("The summary in Arabic, shown on the Arabic pages (blank: the English one)."))

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
    # Location protection (`incidents.protection`): the public point, coarsened; the exact one stays in the admin.
    public_geo_precision = models.CharField(
        max_length=16, choices=choices.ProtectionLevel, null=True, blank=True,
        help_text=_("Protect the location: the public pages, map, API, exports, feeds and history show the point only to this "
                    "level (snapped to a fixed grid). Empty: as recorded. Never finer than the recorded precision."),
    )
    public_latitude = models.GeneratedField(
        expression=public_coordinate("latitude"), output_field=models.DecimalField(max_digits=9, decimal_places=6),
        db_persist=True, help_text=_("The latitude the public sees (coarsened when the location is protected). Derived."),
    )
    public_longitude = models.GeneratedField(
        expression=public_coordinate("longitude"), output_field=models.DecimalField(max_digits=9, decimal_places=6),
        db_persist=True, help_text=_("The longitude the public sees (coarsened when the location is protected). Derived."),
    )
    public_precision = models.GeneratedField(
        expression=public_precision_expression(), output_field=models.CharField(max_length=16, choices=choices.GeoPrecision),
        db_persist=True, help_text=_("The location precision the public is told. Derived."),
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
        help_text=_("Highest maximum among the non-excluded reported civilian-death claims; empty when the range is open "
                    "(`reported_killed_open`). Derived."),
    )
    conceded_killed_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Civilian deaths conceded by a belligerent, lower bound of the latest concession. Derived."),
    )
    conceded_killed_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Civilian deaths conceded by a belligerent, upper bound of the latest concession; empty when it gives none "
                    "(`conceded_killed_open`). Derived."),
    )
    reported_injured_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Lowest minimum among the reported civilian-injury claims. Derived."),
    )
    reported_injured_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Highest maximum among the reported civilian-injury claims; empty when the range is open "
                    "(`reported_injured_open`). Derived."),
    )
    conceded_injured_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Civilian injuries conceded, lower bound of the latest concession. Derived."),
    )
    conceded_injured_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Civilian injuries conceded, upper bound of the latest concession; empty when it gives none "
                    "(`conceded_injured_open`). Derived."),
    )
    children_killed_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Lowest minimum among the reported claims of children killed. Derived."),
    )
    children_killed_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Highest maximum among the reported claims of children killed; empty when the range is open "
                    "(`children_killed_open`). Derived."),
    )
    women_killed_min = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Lowest minimum among the reported claims of women killed. Derived."),
    )
    women_killed_max = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Highest maximum among the reported claims of women killed; empty when the range is open "
                    "(`women_killed_open`). Derived."),
    )
    # The top of each range: open when an open-ended claim ("12 or more") states the highest number. The stored
    # `_max` then holds that number (so sorting by it stays meaningful); every public surface shows no maximum.
    reported_killed_open = models.BooleanField(
        default=False, editable=False,
        help_text=_("The reported civilian-death range has no upper bound: an open-ended claim (“more than 100”) states "
                    "its highest number, so the range reads “101+” and its maximum is left empty. Derived."),
    )
    reported_injured_open = models.BooleanField(
        default=False, editable=False,
        help_text=_("The reported civilian-injury range has no upper bound (an open-ended claim states its highest number). Derived."),
    )
    children_killed_open = models.BooleanField(
        default=False, editable=False,
        help_text=_("The range of children reported killed has no upper bound (an open-ended claim states its highest number). Derived."),
    )
    women_killed_open = models.BooleanField(
        default=False, editable=False,
        help_text=_("The range of women reported killed has no upper bound (an open-ended claim states its highest number). Derived."),
    )
    conceded_killed_open = models.BooleanField(
        default=False, editable=False,
        help_text=_("The latest concession of civilian deaths gives no upper bound (“at least 3”). Derived."),
    )
    conceded_injured_open = models.BooleanField(
        default=False, editable=False,
        help_text=_("The latest concession of civilian injuries gives no upper bound (“at least 3”). Derived."),
    )
    # A reported claim in words only ("dozens killed"): the range is incomplete, whatever numbers the others give.
    reported_killed_unquantified = models.BooleanField(
        default=False, editable=False,
        help_text=_("A source reports civilian deaths in words only (“dozens”, no number): the true figure may be higher "
                    "than the range, which reads “1+”. Derived."),
    )
    reported_injured_unquantified = models.BooleanField(
        default=False, editable=False,
        help_text=_("A source reports civilian injuries in words only (no number): the range may be incomplete. Derived."),
    )
    children_killed_unquantified = models.BooleanField(
        default=False, editable=False,
        help_text=_("A source reports children killed in words only (no number): the range may be incomplete. Derived."),
    )
    women_killed_unquantified = models.BooleanField(
        default=False, editable=False,
        help_text=_("A source reports women killed in words only (no number): the range may be incomplete. Derived."),
    )
    related_group = models.PositiveIntegerField(
        null=True, blank=True, editable=False,
        help_text=_("Records linked as related (possibly the same event) share this number, the lowest id among them; "
                    "totals count each group once. Empty when the record has no related record. Derived."),
    )
    latest_stance = models.CharField(
        max_length=24, choices=choices.Stance, blank=True, editable=False,
        help_text=_("Stance of the most recent official statement on the incident: the current official position. Derived."),
    )
    sources_count = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Number of distinct reports linked to the incident. Derived."),
    )

    # The words the text search reads (`incidents.search`), normalised; kept by `save` and by every recompute.
    search_head = models.TextField(
        blank=True, default="", db_default="", editable=False,
        help_text=_("Title and place names as the search compares them (case, accents, Arabic letter forms folded). Derived."),
    )
    search_body = models.TextField(
        blank=True, default="", db_default="", editable=False, help_text=_("The summary as the search compares it. Derived."),
    )
    search_quotes = models.TextField(
        blank=True, default="", db_default="", editable=False,
        help_text=_("The quotes of the claims (not excluded) and statements, as the search compares them. Derived."),
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
    history = HistoricalRecords(excluded_fields=[
        "version", "related_group", *SEARCH_FIELDS, "public_latitude", "public_longitude", "public_precision"])

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
            models.Index(fields=["status", "-published_at", "-id"], name="incident_pub_published_id"),
            # The sitemap's pages of published incidents, by id (casualtytracker/sitemaps.py).
            models.Index(fields=["status", "id"], name="incident_pub_id"),
            # The home page's most documented incidents.
            models.Index(fields=["status", "-sources_count", "-id"], name="incident_pub_sources"),
            # The home page's newest records published before publication times were kept, by creation time.
            models.Index(fields=["status", "-created_at", "-id"], name="incident_pub_created"),
            # The timeline reads a period's incidents of one date precision (day unknown first) in date order.
            models.Index(fields=["status", "date_precision", "date_start", "id"], name="incident_pub_precision_date"),
            # A conflict's page lists its published incidents newest first, by keyset.
            models.Index(fields=["conflict", "status", "-date_start", "-id"], name="incident_conflict_pub_date"),
            models.Index(fields=["country", "admin1"], name="incident_place"),
            # The duplicate check looks for incidents a few days either side, whatever their status.
            models.Index(fields=["date_start"], name="incident_date_start"),
            # ...and reads each date precision's own window (a few days for day-precision records, a year for year ones).
            models.Index(fields=["date_precision", "date_start"], name="incident_precision_date"),
            models.Index(fields=["grade"], name="incident_grade"),
            models.Index(fields=["event_type"], name="incident_event_type"),
            models.Index(fields=["latest_stance"], name="incident_stance"),
            models.Index(fields=["reported_killed_min"], name="incident_reported_min"),
            # Re-grouping related records finds a group's members by its number.
            models.Index(fields=["related_group"], name="incident_related_group"),
            # The map (incidents.geo): the points of a viewport, counted per grid cell from the index alone; the
            # incidents known only to their country, per country; those with no coordinates.
            # On the public point (`incidents.protection`): the map never reads the exact one.
            models.Index(fields=["status", "public_longitude", "public_latitude"], name="incident_pub_map_public", condition=MAPPED),
            # ...and of one country (the map's commonest filter), from the index alone too.
            models.Index(fields=["status", "country", "public_longitude", "public_latitude"], name="incident_pub_map_in_country_p",
                         condition=MAPPED),
            models.Index(fields=["status", "country", "public_latitude", "public_longitude"], name="incident_pub_map_country_p",
                         condition=COUNTRY_ONLY),
            models.Index(fields=["status"], name="incident_pub_unplaced", condition=UNPLACED),
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
                condition=allowed_levels(), name="incident_public_precision_not_finer",
                violation_error_message=_("The protected location cannot be finer than the recorded precision."),
            ),
            models.CheckConstraint(
                condition=no_finer_place_name(), name="incident_protected_no_neighbourhood",
                violation_error_message=_("A location protected to the town or district names no neighbourhood: clear it "
                                          "(and mark it redacted to hide its earlier values too)."),
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
        # The search words follow the title, places and summary (the quotes follow the claims: `services`).
        for field, words in search_texts(self).items():
            setattr(self, field, words)
        if kwargs.get("update_fields") is not None and set(kwargs["update_fields"]) & SEARCHED_FIELDS:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_head", "search_body"}
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
        """The place in words, most precise part first (`display.place_words`)."""
        return display.place_words(self)


class IncidentAlias(models.Model):
    code = models.CharField(max_length=32, unique=True, help_text=_("A former code of the incident; it redirects to the current one."))
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="aliases", help_text=_("The incident the old code now points to."),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the code became an alias."))
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = _("incident aliases")

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
    url = models.URLField(
        max_length=500, blank=True, validators=[validate_web_address], help_text=_("Link to the record in that dataset, if it has one."),
    )
    source_codes = models.CharField(
        max_length=200, blank=True,
        help_text=_(
            "The dataset's own codes for how precise and how separate the record is, as it gives them "
            "(UCDP: “where_prec 2; date_prec 1; event_clarity 1”), kept where our precisions are coarser."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["dataset", "identifier"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "identifier"], name="external_id_unique",
                violation_error_message=_("This external identifier is already attached to an incident."),
            ),
            web_address_constraint("url", "external_id_url_is_web_address"),
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
        verbose_name = _("belligerent role")
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
        verbose_name = _("linked report")
        constraints = [
            models.UniqueConstraint(fields=["incident", "report"], name="incident_report_unique"),
        ]

    def __str__(self):
        return str(self.report)
