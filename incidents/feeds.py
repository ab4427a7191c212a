"""Atom and RSS feeds of newly published and of updated incidents, optionally for one conflict or belligerent.

`?conflict=<slug>` or `?belligerent=<slug>` narrows a feed; only published incidents
ever appear (`published()`), and an entry says only what the incident's public page says.
"""

import re

from django.contrib.syndication.views import Feed
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext, gettext_lazy

from .display import format_date, format_figure, format_place
from .models import Actor, Conflict, Incident

FEED_LENGTH = 50
NOT_FOUND = {"conflict": gettext_lazy("No conflict “%(slug)s”."), "belligerent": gettext_lazy("No belligerent “%(slug)s”.")}
SLUG = re.compile(r"[-\w]{1,200}")


class _IncidentFeed(Feed):
    kind = "new"
    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        """The conflict or belligerent the feed is narrowed to, if asked; an unknown slug is a 404."""
        self.request = request
        for key, model in (("conflict", Conflict), ("belligerent", Actor)):
            slug = request.GET.get(key)
            if slug:
                # Only a public conflict or belligerent, as on its page: a draft-only name is not confirmed by a feed.
                found = model.objects.public().filter(slug=slug).first() if SLUG.fullmatch(slug) else None
                if found is None:
                    raise Http404(NOT_FOUND[key] % {"slug": slug[:60]})
                return (key, found)
        return None

    def title(self, obj):
        what = gettext("Newly published incidents") if self.kind == "new" else gettext("Updated incidents")
        title = gettext("Casualty Tracker: %(what)s") % {"what": what}
        return gettext("%(title)s — %(name)s") % {"title": title, "name": obj[1].name} if obj else title

    def link(self, obj):
        if obj is None:
            return reverse("incident_list")
        return f"{reverse('incident_list')}?{obj[0]}={obj[1].slug}"

    def feed_url(self, obj):
        url = reverse(f"feed_{self.kind}_{'atom' if self.feed_type is Atom1Feed else 'rss'}")
        return f"{url}?{obj[0]}={obj[1].slug}" if obj else url

    def description(self, obj):
        if self.kind == "new":
            return gettext("Civilian-casualty incidents as they are published, with the range of deaths reported and conceded.")
        return gettext("Published civilian-casualty incidents whose record changed, most recent change first.")

    subtitle = description

    def items(self, obj):
        incidents = Incident.objects.published().select_related("conflict")
        if obj is not None:
            key, found = obj
            if key == "conflict":
                incidents = incidents.filter(conflict=found)
            else:
                incidents = incidents.naming(found)
        newest = F("published_at" if self.kind == "new" else "updated_at").desc(nulls_last=True)
        return incidents.order_by(newest, "-id")[:FEED_LENGTH]

    def item_title(self, incident):
        return f"{incident.code}: {incident.title}"

    def item_description(self, incident):
        parts = [
            gettext("When: %(when)s.") % {"when": format_date(incident.date_start, incident.date_precision, incident.date_end)},
            gettext("Where: %(where)s.") % {"where": format_place(incident)},
            gettext("Civilians reported killed: %(figure)s.") % {"figure": format_figure(incident, "reported_killed")},
            gettext("Conceded by a belligerent: %(figure)s.") % {"figure": format_figure(incident, "conceded_killed")},
        ]
        if incident.grade:
            parts.append(gettext("Grade: %(grade)s.") % {"grade": incident.get_grade_display()})
        if incident.conflict_id:
            parts.append(gettext("Conflict: %(conflict)s.") % {"conflict": incident.conflict.name})
        return " ".join(parts)

    def item_link(self, incident):
        return incident.get_absolute_url()

    def item_guid(self, incident):
        # An update is a new entry of the updated feed: its id carries the record's version.
        link = self.request.build_absolute_uri(incident.get_absolute_url())
        return link if self.kind == "new" else f"{link}#version-{incident.version}"

    def item_guid_is_permalink(self, incident):
        return self.kind == "new"

    def item_pubdate(self, incident):
        return incident.published_at if self.kind == "new" else incident.updated_at

    def item_updateddate(self, incident):
        return incident.updated_at


class NewIncidentsRss(_IncidentFeed):
    kind, feed_type = "new", Rss201rev2Feed


class NewIncidentsAtom(_IncidentFeed):
    kind, feed_type = "new", Atom1Feed


class UpdatedIncidentsRss(_IncidentFeed):
    kind, feed_type = "updated", Rss201rev2Feed


class UpdatedIncidentsAtom(_IncidentFeed):
    kind, feed_type = "updated", Atom1Feed
