from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import ReportKind, SourceKind
from .querysets import ReportQuerySet, SourceQuerySet
from .text import normalise_url


class Source(models.Model):
    name = models.CharField(max_length=200, unique=True, help_text=_("Name of the organisation or channel."))
    slug = models.SlugField(max_length=200, unique=True, help_text=_("Short name used in the source's web address."))
    kind = models.CharField(
        max_length=32, choices=SourceKind, default=SourceKind.NEWS_OUTLET,
        help_text=_("What sort of publisher this is: news outlet, monitoring group, military, government…"),
    )
    country = models.CharField(
        max_length=2, blank=True, help_text=_("Country where the source is based (ISO 3166-1 alpha-2 code)."),
    )
    language = models.CharField(max_length=16, blank=True, help_text=_("Main publishing language (e.g. en, ar)."))
    homepage = models.URLField(max_length=500, blank=True, help_text=_("The source's own website."))
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
        indexes = [models.Index(fields=["kind"], name="source_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_confidential=False) | ~Q(public_label=""), name="source_confidential_has_label",
            ),
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


class Report(models.Model):
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="reports", help_text=_("Who published the report."),
    )
    title = models.CharField(max_length=500, help_text=_("Headline or title of the document."))
    url = models.URLField(max_length=2000, blank=True, help_text=_("Where the document was published."))
    url_normalised = models.CharField(
        max_length=2000, blank=True, editable=False,
        help_text=_(
            "The URL reduced to its identity (scheme, host case, trailing slash and tracking "
            "parameters removed); unique, so one article is one report. Derived."
        ),
    )
    archive_url = models.URLField(
        max_length=2000, blank=True, help_text=_("An archived copy (e.g. Wayback Machine, archive.today)."),
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
