"""Sharing and finish: link previews, the favicon, the error pages, CSV for Excel, the API's own pages."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from incidents import choices
from incidents.models import Incident
from tests import factories

pytestmark = pytest.mark.django_db

BOM = "\ufeff".encode()


def published(**fields):
    return factories.IncidentFactory(status=choices.Status.PUBLISHED, **fields)


def meta(html: str, key: str) -> str:
    """The content of the one `<meta property|name="key">` of a page."""
    [content] = re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    return content


# --- link previews ---------------------------------------------------------------------------------------------------

def test_incident_page_has_open_graph_and_twitter_tags_with_open_tops(client):
    incident = published(title='Strike on the "old" market', date_start=datetime.date(2017, 3, 17), locality="Mosul")
    Incident.objects.filter(pk=incident.pk).update(reported_killed_min=101, reported_killed_max=101, reported_killed_open=True)
    html = client.get(incident.get_absolute_url()).content.decode()
    url = f"http://testserver/incidents/{incident.code}/"
    assert meta(html, "og:site_name") == "Casualty Tracker"
    assert meta(html, "og:type") == "article"
    assert meta(html, "og:title") == meta(html, "twitter:title") == f"Strike on the &quot;old&quot; market ({incident.code})"
    assert meta(html, "og:url") == url and f'<link rel="canonical" href="{url}">' in html
    description = meta(html, "og:description")
    assert description == meta(html, "twitter:description")
    assert description.startswith("17 March 2017, Mosul, ")
    assert "Civilians reported killed: 101+." in description  # the open top as the page writes it, never "101"
    assert "Conceded" not in description
    assert meta(html, "twitter:card") == "summary"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta(html, "article:modified_time"))


def test_preview_gives_the_conceded_figure_and_a_month_as_a_month(client):
    incident = published(date_start=datetime.date(2017, 3, 1), date_precision=choices.DatePrecision.MONTH)
    Incident.objects.filter(pk=incident.pk).update(
        reported_killed_min=83, reported_killed_max=137, conceded_killed_min=105, conceded_killed_max=105)
    description = meta(client.get(incident.get_absolute_url()).content.decode(), "og:description")
    assert description.startswith("March 2017, ")
    assert description.endswith("Civilians reported killed: 83–137. Conceded by a belligerent: 105.")


def test_retracted_record_preview_says_only_that(client):
    incident = factories.IncidentFactory(status=choices.Status.RETRACTED, retraction_reason="Duplicate.", summary="Secret words")
    html = client.get(reverse("incident_detail", args=[incident.code])).content.decode()
    assert meta(html, "og:description") == f"Retracted record {incident.code}."


# --- favicon ---------------------------------------------------------------------------------------------------------

def test_favicon_linked_from_every_page_and_answered_at_favicon_ico(client):
    assert finders.find("favicon.svg")
    html = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"
    assert "max-age=86400" in response["Cache-Control"]


# --- error pages -----------------------------------------------------------------------------------------------------

def test_404_page_has_the_site_layout_with_debug_off(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<a class="brand" href="/">Casualty Tracker</a>' in html and "<h1>Page not found</h1>" in html
    assert 'action="/incidents/"' in html and '<meta name="robots" content="noindex">' in html


def test_404_of_an_unknown_incident_code(client, settings):
    settings.DEBUG = False
    response = client.get(reverse("incident_detail", args=["CT-999999"]))
    assert response.status_code == 404 and "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.urls("tests.finish_urls")
def test_500_page_renders_without_a_request_context(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/fail/")
    html = response.content.decode()
    assert response.status_code == 500
    assert '<a class="brand" href="/">Casualty Tracker</a>' in html
    assert "Something went wrong on our side" in html and "/static/css/site.css" in html
    assert "deliberate failure" not in html


# --- CSV for Excel ---------------------------------------------------------------------------------------------------

@pytest.fixture
def arabic():
    incident = published(title="Strike on Ḩammām al ‘Alīl — غارة على حمام العليل", locality="Ḩammām al ‘Alīl")
    factories.FigureFactory(incident=incident, count_min=3, count_max=5)
    return incident


@pytest.mark.parametrize("name", ["export_csv", "export_hxl", "export_claims"])
def test_csv_exports_carry_a_byte_order_mark_only_when_asked(client, arabic, name):
    plain = b"".join(client.get(reverse(name)).streaming_content)
    marked = b"".join(client.get(reverse(name), {"bom": "1"}).streaming_content)
    assert not plain.startswith(BOM)
    assert marked.startswith(BOM) and not marked[len(BOM):].startswith(BOM)
    assert marked[len(BOM):] == plain
    text = marked.decode("utf-8-sig")
    assert text.startswith(("code,", "incident_code,")), text[:40]


def test_arabic_and_diacritics_survive_the_excel_csv(client, arabic):
    response = client.get(reverse("export_csv"), {"bom": "1"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Strike on Ḩammām al ‘Alīl — غارة على حمام العليل" in text and ",Ḩammām al ‘Alīl," in text


def test_json_never_gets_a_byte_order_mark(client, arabic):
    body = b"".join(client.get(reverse("export_json"), {"bom": "1"}).streaming_content)
    assert body.startswith(b'{"generated_at"')


def test_download_menu_offers_the_excel_csv(client, arabic):
    html = client.get(reverse("incident_list"), {"country": "IQ"}).content.decode()
    assert 'href="/incidents/export.csv?country=IQ&amp;bom=1"' in html


# --- the API's own pages ---------------------------------------------------------------------------------------------

def test_browsable_api_root_carries_the_site_header_and_a_way_back(client):
    html = client.get("/api/v1/", HTTP_ACCEPT="text/html").content.decode()
    assert '<a class="navbar-brand" href="/">Casualty Tracker</a>' in html
    assert '<a href="/">Back to the site</a>' in html and 'href="/api/v1/docs/"' in html
    assert "<title>Api Root – Casualty Tracker API</title>" in html
    assert "django-rest-framework.org" not in html


def external_hosts(html: str) -> set[str]:
    """Every host other than ours that a page loads from or links to (src, href, url(), @import)."""
    found = re.findall(r'(?:src|href)\s*=\s*["\']((?:https?:)?//[^"\'/]+)', html)
    found += re.findall(r'url\(\s*["\']?((?:https?:)?//[^"\')/]+)', html)
    return {address for address in found if "testserver" not in address}


def test_api_docs_load_nothing_from_another_host(client):
    response = client.get("/api/v1/docs/")
    html = response.content.decode()
    assert response.status_code == 200 and "swagger-ui-bundle.js" in html
    assert external_hosts(html) == set()
    assert "fonts.googleapis" not in html and "cdn" not in html.lower()
    # No inline script or style (a Content-Security-Policy forbids them): the settings come from `?script`.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [] and "<style" not in html and "style=" not in html
    [script] = re.findall(r'<script src="([^"]*\?script=?)"', html)
    init = client.get(script.replace("&amp;", "&"))
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in init.content.decode()
    for address in re.findall(r'(?:src|href)="(/static/[^"]+)"', html):
        assert finders.find(address.removeprefix("/static/")), address


def test_redoc_which_pulled_google_fonts_leads_to_the_self_hosted_docs(client):
    response = client.get("/api/v1/redoc/")
    assert response.status_code == 301 and response["Location"] == "/api/v1/docs/"
