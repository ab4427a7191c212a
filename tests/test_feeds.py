"""Atom and RSS of newly published and updated incidents: published only, narrowed by conflict or belligerent, advertised."""

import datetime
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from tests.dataworld import build_world, hidden_strings

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = ["feed_new_atom", "feed_new_rss", "feed_updated_atom", "feed_updated_rss"]


@pytest.fixture
def world():
    world = build_world()
    now = timezone.now()
    for days, key in enumerate(["yemen", "aleppo", "mosul"]):
        Incident.objects.filter(pk=world[key].pk).update(published_at=now - datetime.timedelta(days=10 - days))
    Incident.objects.filter(pk=world["yemen"].pk).update(updated_at=now)
    return world


def atom_titles(response) -> list[str]:
    assert response.status_code == 200
    return [entry.find(f"{ATOM}title").text for entry in ET.fromstring(response.content).iter(f"{ATOM}entry")]


def rss_titles(response) -> list[str]:
    assert response.status_code == 200
    return [item.find("title").text for item in ET.fromstring(response.content).iter("item")]


def test_new_feed_lists_published_incidents_newest_first(client, world):
    expected = [f"{world[key].code}: {world[key].title}" for key in ("mosul", "aleppo", "yemen")]
    assert atom_titles(client.get(reverse("feed_new_atom"))) == expected
    assert rss_titles(client.get(reverse("feed_new_rss"))) == expected


def test_updated_feed_puts_the_last_change_first_with_a_new_id(client, world):
    response = client.get(reverse("feed_updated_atom"))
    assert atom_titles(response)[0].startswith(world["yemen"].code)
    entry = next(ET.fromstring(response.content).iter(f"{ATOM}entry"))
    assert entry.find(f"{ATOM}id").text.endswith(f"/incidents/{world['yemen'].code}/#version-{world['yemen'].version}")


def test_entries_say_what_the_page_says(client, world):
    response = client.get(reverse("feed_new_rss"))
    item = next(item for item in ET.fromstring(response.content).iter("item") if item.find("title").text.startswith(world["mosul"].code))
    assert item.find("link").text == f"http://testserver/incidents/{world['mosul'].code}/"
    assert "Civilians reported killed: 83–137." in item.find("description").text
    assert "Conceded by a belligerent: 12." in item.find("description").text


@pytest.mark.parametrize(("query", "keys"), [
    ({"conflict": "iraq-war"}, ["mosul"]),
    ({"conflict": "syria-war"}, ["aleppo"]),
    ({"belligerent": "coalition"}, ["mosul", "yemen"]),
    ({"belligerent": "russia"}, ["aleppo"]),
])
def test_feeds_narrow_to_a_conflict_or_belligerent(client, world, query, keys):
    assert [title.split(":")[0] for title in atom_titles(client.get(reverse("feed_new_atom"), query))] == [world[k].code for k in keys]


def test_unknown_slug_is_a_404(client, world):
    assert client.get(reverse("feed_new_atom"), {"conflict": "nowhere"}).status_code == 404


@pytest.mark.parametrize("name", FEEDS)
def test_hidden_data_absent_from_feeds(client, world, name):
    text = client.get(reverse(name)).content.decode()
    for hidden in hidden_strings(world):
        assert hidden not in text


@pytest.mark.parametrize(("url", "expected"), [
    ("/", '<link rel="alternate" type="application/atom+xml" title="Newly published incidents (Atom)" href="/feeds/incidents/new.atom">'),
    ("/incidents/", 'type="application/rss+xml" title="Updated incidents (RSS)" href="/feeds/incidents/updated.rss">'),
    ("/conflicts/iraq-war/", 'href="/feeds/incidents/new.atom?conflict=iraq-war"'),
    ("/belligerents/coalition/", 'href="/feeds/incidents/new.rss?belligerent=coalition"'),
])
def test_pages_advertise_their_feeds(client, world, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    assert expected in response.content.decode()


@pytest.mark.parametrize("slug", ["nowhere", "\x00", "a" * 300, "../x"])
def test_unknown_or_malformed_slug_is_a_404(client, world, slug):
    assert client.get(reverse("feed_updated_rss"), {"belligerent": slug}).status_code == 404


def test_incident_without_a_publication_time_comes_last(client, world):
    Incident.objects.filter(pk=world["mosul"].pk).update(published_at=None)
    assert atom_titles(client.get(reverse("feed_new_atom")))[-1].startswith(world["mosul"].code)
