"""Production settings and security headers: check --deploy passes, HTTPS behind a proxy, the Content-Security-Policy
per path, Permissions-Policy, TRACE refused, robots.txt and the sitemap of published records in both languages."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sitemaps import Sitemap
from django.test import override_settings
from django.urls import reverse

from casualtytracker import sitemaps
from casualtytracker.production import content_security_policy, proxy_ssl_header, tile_source
from tests import factories

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "example.org"}


def production_env(**env) -> dict:
    """The environment of a production start: no development variable of this shell, a fresh real secret."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET_KEY", "MAP_TILE"))}
    return {**clean, **PRODUCTION, "DJANGO_SECRET_KEY": secrets.token_urlsafe(48), **env}


def deploy_check(**env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                          env=production_env(**env), capture_output=True, text=True)


def production_settings(*names, **env) -> dict:
    """The named settings as a production process reads them from this environment (settings are read at import)."""
    code = ("import json, django; from django.conf import settings; django.setup(); "
            f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**production_env(**env), "DJANGO_SETTINGS_MODULE":
                            "casualtytracker.settings"}, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_deploy_check_passes_with_no_warning_under_production_variables():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize(("variable", "warning"), [
    ("DJANGO_SECURE_SSL_REDIRECT", "security.W008"),
    ("DJANGO_SECURE_COOKIES", "security.W012"),
    ("DJANGO_SECURE_HSTS_SECONDS", "security.W004"),
    ("DJANGO_SECURE_HSTS_PRELOAD", "security.W021"),
])
def test_deploy_check_fails_when_a_protection_is_switched_off(variable, warning):
    result = deploy_check(**{variable: "0"})
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_production_defaults_and_development_over_http():
    production = production_settings("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
                                     "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER")
    assert production == {"SECURE_SSL_REDIRECT": True, "SECURE_HSTS_SECONDS": 31536000, "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
                          "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
                          "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}
    development = production_settings("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SESSION_COOKIE_SECURE", DJANGO_DEBUG="1")
    assert development == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0, "SESSION_COOKIE_SECURE": False}
    assert production_settings("SECURE_PROXY_SSL_HEADER", DJANGO_SECURE_PROXY_SSL_HEADER="") == {"SECURE_PROXY_SSL_HEADER": None}


def test_proxy_ssl_header_is_read_as_a_header_and_a_value():
    assert proxy_ssl_header("X-Forwarded-Proto: https") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_ssl_header("X-Forwarded-Ssl: on") == ("HTTP_X_FORWARDED_SSL", "on")
    assert proxy_ssl_header("  ") is None


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                   SECURE_HSTS_PRELOAD=True, SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_http_is_redirected_and_https_behind_the_proxy_gets_hsts(client, db):
    plain = client.get("/methodology/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/methodology/"
    proxied = client.get("/methodology/", headers={"x-forwarded-proto": "https"})
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_the_tests_client_is_not_redirected(client, db):
    assert client.get("/methodology/").status_code == 200


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";"))}


def test_public_pages_get_the_strict_policy_with_the_tile_host(client, db):
    policy = directives(client.get("/map/"))
    assert policy["default-src"] == policy["script-src"] == policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert policy["object-src"] == policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in client.get("/ar/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in client.get("/api/v1/incidents/", headers={"accept": "application/json"})["Content-Security-Policy"]


@pytest.mark.parametrize("url", ["/admin/login/", "/ar/admin/login/", "/api/v1/?format=api"])
def test_admin_and_browsable_api_allow_inline_styles_but_never_inline_scripts(client, db, url):
    policy = directives(client.get(url))
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]


def test_the_tile_host_comes_from_the_tile_url():
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert tile_source("") is None
    assert content_security_policy("")["DIRECTIVES"]["img-src"] == ["'self'", "data:"]


PATHS = ["/", "/ar/", "/incidents/", "/incidents/export.csv", "/api/v1/incidents/", "/feeds/incidents/new.atom", "/admin/login/",
         "/robots.txt", "/sitemap.xml", "/static/favicon.svg", "/no-such-page/"]


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("method", ["TRACE", "TRACK"])
def test_trace_is_refused_everywhere(client, db, path, method):
    response = client.generic(method, path)
    assert response.status_code == 405
    assert b"Cookie" not in response.content


# WhiteNoise serves static files from the finders here, as under runserver (tests run with DEBUG off).
@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
@pytest.mark.parametrize("path", ["/", "/static/favicon.svg", "/api/v1/incidents/", "/admin/login/"])
def test_permissions_policy_and_headers_on_every_answer(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "Content-Security-Policy" in response


def test_robots_allows_the_site_and_keeps_crawlers_from_the_admin_and_exports(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    for path in ("/admin/", "/ar/admin/", "/incidents/export", "/incidents/claims.csv", "/data/*.", "/api/", "/*?"):
        assert f"Disallow: {path}" in lines
    assert "Allow: /" in lines
    assert "Allow: /sitemap-*.xml?p=" in lines, "the sitemap's later pages stay readable"
    assert "Sitemap: http://testserver/sitemap.xml" in lines


@pytest.fixture
def records(db):
    published = factories.IncidentFactory.create_batch(3, status="published")
    hidden = [factories.IncidentFactory(status=status) for status in ("draft", "in_review")]
    hidden.append(factories.IncidentFactory(status="retracted", retraction_reason="Two reports of one event."))
    return published, hidden


def sitemap_locations(client, section, page=None):
    response = client.get(reverse("sitemap_section", args=[section]), {"p": page} if page else {})
    assert response.status_code == 200
    return response.content.decode()


def test_sitemap_lists_published_incidents_only_in_both_languages(client, records):
    published, hidden = records
    index = client.get("/sitemap.xml").content.decode()
    for section in ("pages", "incidents", "belligerents", "conflicts", "sources"):
        assert f"http://testserver/sitemap-{section}.xml" in index
    text = sitemap_locations(client, "incidents")
    for incident in published:
        assert f"<loc>http://testserver/incidents/{incident.code}/</loc>" in text
        assert f"<loc>http://testserver/ar/incidents/{incident.code}/</loc>" in text
        assert f'hreflang="ar" href="http://testserver/ar/incidents/{incident.code}/"' in text
    assert not [incident.code for incident in hidden if incident.code in text]
    pages = sitemap_locations(client, "pages")
    assert "<loc>http://testserver/methodology/</loc>" in pages and "<loc>http://testserver/ar/methodology/</loc>" in pages


def test_sitemap_pages_read_only_their_own_records(client, records, monkeypatch, django_assert_max_num_queries):
    monkeypatch.setattr(sitemaps.PublicSitemap, "limit", 4)  # 2 incidents (each in 2 languages) a page: 2 pages for 3
    published = sorted(records[0], key=lambda incident: incident.pk)
    with django_assert_max_num_queries(2) as queries:
        second = sitemap_locations(client, "incidents", page=2)
    assert published[2].code in second and published[0].code not in second
    assert any("LIMIT" in query["sql"] for query in queries.captured_queries)
    assert client.get(reverse("sitemap_section", args=["incidents"]), {"p": 3}).status_code == 404


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5, 7])
def test_language_pairs_page_like_djangos_own_sitemap(records, monkeypatch, limit):
    """The lazy pairs give every page exactly what Django's full list of (record, language) pairs would."""
    monkeypatch.setattr(sitemaps.PublicSitemap, "limit", limit)
    ours = sitemaps.IncidentSitemap()
    djangos = Sitemap._items(ours)
    assert ours.paginator.num_pages == -(-len(djangos) // limit)
    for number in ours.paginator.page_range:
        page = ours.paginator.page(number).object_list
        assert [(record.pk, code) for record, code in page] == [(record.pk, code) for record, code in
                                                                djangos[(number - 1) * limit:number * limit]]
