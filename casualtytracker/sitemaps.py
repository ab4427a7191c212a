"""/sitemap.xml and /robots.txt: what search engines may read, public records only, in both languages.

Every section starts from a publication gate (incidents/querysets.py, sources/querysets.py): published incidents,
public belligerents, conflicts and sources. Each address is listed in English and Arabic with its alternates
(hreflang). The incidents are read a page at a time (the sitemap framework's pages, by id, on the index
incident_pub_id), so the sitemap stays fast with 1,000,000 incidents.
"""

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from incidents.models import Actor, Conflict, Incident
from sources.models import Source


class LanguagePairs:
    """The (record, language) pairs of a queryset, as the sitemap framework pages them, without reading them all.

    Django's i18n sitemaps build the full list of pairs for every page asked for (a million rows read to write
    ten thousand); this reads only the records of the page asked for, by LIMIT/OFFSET on the ordered queryset.
    """

    def __init__(self, queryset, languages):
        self.queryset = queryset
        self.languages = list(languages)

    def count(self) -> int:
        records = self.queryset.count() if isinstance(self.queryset, QuerySet) else len(self.queryset)
        return records * len(self.languages)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index:index + 1][0]
        per_record = len(self.languages)
        start, stop = index.start or 0, index.stop if index.stop is not None else self.count()
        first = start // per_record
        records = self.queryset[first:-(-stop // per_record)]
        pairs = [(record, code) for record in records for code in self.languages]
        skip = start - first * per_record
        return pairs[skip:skip + stop - start]


class PublicSitemap(Sitemap):
    """A section of the sitemap: every address in each of settings.LANGUAGES, with its alternates."""

    i18n = True
    alternates = True
    x_default = True
    # Addresses per sitemap page (each record once per language): well under the protocol's 50,000. Writing one address
    # with its alternates takes about 0.8 ms (three reverse() calls, each in its language), so a page takes ~1.5 s.
    limit = 2_000

    def _items(self):
        return LanguagePairs(self.items(), self._languages())


class IncidentSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        return Incident.objects.published().only("id", "code", "updated_at").order_by("id")

    def lastmod(self, incident):
        return incident.updated_at


class BelligerentSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        return Actor.objects.public().only("id", "slug").order_by("slug")


class ConflictSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        return Conflict.objects.public().only("id", "slug").order_by("slug")


class SourceSitemap(PublicSitemap):
    changefreq = "weekly"

    def items(self):
        return Source.objects.public().only("id", "slug", "is_confidential").order_by("slug")


class PageSitemap(PublicSitemap):
    """The pages that are not one record: home, lists, timeline, map, methodology, data."""

    changefreq = "daily"
    PAGES = ["home", "incident_list", "timeline", "map", "belligerent_list", "conflict_list", "source_list", "methodology", "data"]

    def items(self):
        return self.PAGES

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "incidents": IncidentSitemap,
    "belligerents": BelligerentSitemap,
    "conflicts": ConflictSitemap,
    "sources": SourceSitemap,
}
