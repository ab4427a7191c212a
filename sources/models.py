from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import ReportKind, SourceKind
from .querysets import ReportQuerySet, SourceQuerySet
from .text import normalise_search, normalise_url
from .validators import validate_web_address, web_address_constraint


class SearchableName(models.Model):
    """A record found by its name however it is typed: `name_normalised` is `normalise_search(name)`, kept in step."""

    name_normalised = models.CharField(
        max_length=200, editable=False, db_index=True, default="", db_default="",
        help_text=_("The name as the search compares it (case, accents and Arabic letter forms folded). Derived."),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.name_normalised = normalise_search(self.name)[:200]
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_normalised"}
        super().save(*args, **kwargs)


class Alias(models.Model):
    """Another name of a source or an actor ("Daesh", "CENTCOM"), or the name of a record merged into it.

    Search, filters, the admin's autocomplete and the imports all recognise it; `former_slug`, set by a merge,
    makes the merged record's old address redirect (301) to the one it was merged into.
    """

    name = models.CharField(max_length=200, help_text=_("Another name it is known by, e.g. an abbreviation or a translation."))
    name_normalised = models.CharField(
        max_length=200, editable=False, unique=True,
        help_text=_("The alias as the search compares it; one alias names one record. Derived."),
    )
    former_slug = models.SlugField(
        max_length=200, null=True, blank=True, unique=True, editable=False,
        help_text=_("The web address of a record merged into this one, which now redirects here."),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the alias was recorded."))

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_normalised = normalise_search(self.name)[:200]
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        self.name_normalised = normalise_search(self.name)[:200]
        super().validate_constraints(exclude=set(exclude or ()) - {"name_normalised"})


class Source(SearchableName):
    name = models.CharField(max_length=200, unique=True, help_text=_("Name of the organisation or channel."))
    name_ar = models.CharField(max_length=200, blank=True, help_text=_("The name in Arabic, shown on the Arabic pages (blank: the English name)."))
    slug = models.SlugField(max_length=200, unique=True, help_text=_("Short name used in the source's web address."))
    kind = models.CharField(
        max_length=32, choices=SourceKind, default=SourceKind.NEWS_OUTLET,
        help_text=_("What sort of publisher this is: news outlet, monitoring group, military, government…"),
    )
    country = models.CharField(
        max_length=2, blank=True, help_text=_("Country where the source is based (ISO 3166-1 alpha-2 code)."),
    )
    language = models.CharField(max_length=16, blank=True, help_text=_("Main publishing language (e.g. en, ar)."))
    homepage = models.URLField(max_length=500, blank=True, validators=[validate_web_address], help_text=_("The source's own website."))
    description = models.TextField(blank=True, help_text=_("Who the source is and how it works."))
    is_confidential = models.BooleanField(
        default=False,
        help_text=_(
            "A protected local source: shown publicly only by its generic label, never by name, "
            "on any page, export or API."
        ),
    )
    public_label = models.CharField(
        max_length=100, blank=True, default="local source",
        help_text=_("Generic label shown instead of the name when the source is confidential."),
    )
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the record was created."))
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When the record was last changed."))

    objects = SourceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        # Held by the Reviewer group (incidents.merge_named checks it on the server).
        permissions = [("merge_source", "Can merge two sources")]
        indexes = [models.Index(fields=["kind"], name="source_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_confidential=False) | ~Q(public_label=""), name="source_confidential_has_label",
            ),
            web_address_constraint("homepage", "source_homepage_is_web_address"),
        ]

    def __str__(self):
        return f"{self.name} (confidential)" if self.is_confidential else self.name

    def get_absolute_url(self):
        """Confidential sources have no public page."""
        return "" if self.is_confidential else reverse("source_detail", args=[self.slug])

    @property
    def public_name(self) -> str:
        """The name the public may see."""
        return self.public_label if self.is_confidential else self.name


class SourceAlias(Alias):
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="aliases", help_text=_("The source known by this name."))
    history = HistoricalRecords()

    class Meta(Alias.Meta):
        verbose_name_plural = _("source aliases")
        constraints = [models.CheckConstraint(condition=~Q(name_normalised=""), name="source_alias_has_words")]


class Report(models.Model):
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="reports", help_text=_("Who published the report."),
    )
    title = models.CharField(max_length=500, help_text=_("Headline or title of the document."))
    url = models.URLField(max_length=2000, blank=True, validators=[validate_web_address], help_text=_("Where the document was published."))
    url_normalised = models.CharField(
        max_length=2000, blank=True, editable=False,
        help_text=_(
            "The URL reduced to its identity (scheme, host case, trailing slash and tracking "
            "parameters removed); unique, so one article is one report. Derived."
        ),
    )
    archive_url = models.URLField(
        max_length=2000, blank=True, validators=[validate_web_address], help_text=_("An archived copy (e.g. Wayback Machine, archive.today)."),
    )
    published_on = models.DateField(null=True, blank=True, help_text=_("Date the document was published."))
    language = models.CharField(max_length=16, blank=True, help_text=_("Language of the document (e.g. en, ar)."))
    author = models.CharField(max_length=300, blank=True, help_text=_("Author or byline, if given."))
    kind = models.CharField(
        max_length=32, choices=ReportKind, default=ReportKind.ARTICLE,
        help_text=_("Article, press release, monitor report, social post, video or official assessment."),
    )
    text = models.TextField(
        blank=True,
        help_text=_(
            "The document's text or an excerpt, where its licence allows storing it. When present, "
            "every quote attributed to this report must be found in it."
        ),
    )
    notes = models.TextField(blank=True, help_text=_("Editors' notes on the document (not public)."))
    created_at = models.DateTimeField(auto_now_add=True, help_text=_("When the record was created."))
    updated_at = models.DateTimeField(auto_now=True, help_text=_("When the record was last changed."))

    objects = ReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [
            # Keyset pages of reports (the API's list; a source's page), newest first, the id breaking ties.
            models.Index(fields=["published_on", "id"], name="report_published_id"),
            models.Index(fields=["source", "published_on", "id"], name="report_source_published"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url_normalised"], condition=~Q(url_normalised=""), name="report_unique_url",
                violation_error_message=_("A report with this URL (after normalisation) already exists."),
            ),
            web_address_constraint("url", "report_url_is_web_address"),
            web_address_constraint("archive_url", "report_archive_url_is_web_address"),
        ]

    def __str__(self):
        date = self.published_on.isoformat() if self.published_on else "undated"
        return f"{self.title} — {self.source.public_name}, {date}"

    def save(self, *args, **kwargs):
        # The normalised URL is the report's identity, kept in step with the URL.
        self.url_normalised = normalise_url(self.url)
        if kwargs.get("update_fields") is not None and "url" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "url_normalised"}
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        self.url_normalised = normalise_url(self.url)
        if exclude and "url_normalised" in exclude:
            exclude = set(exclude) - {"url_normalised"}
        super().validate_constraints(exclude=exclude)
