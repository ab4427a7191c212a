"""The Content-Security-Policy in headless Chromium: the map draws its tiles, public pages and the admin run with no
violation reported, and the checks see a violation when the policy is narrower than the page needs.

Tiles come from a small tile server on this machine at another origin (its own port), so the tile host in img-src is
what lets them in.
"""

import os
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model

from casualtytracker import security
from casualtytracker.production import content_security_policy
from incidents.demo import load_reference_article
from incidents.models import Incident
from tests.test_browser import ARTIFACTS, CHROMIUM, browser  # noqa: F401 (the fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install -y chromium)"),
]


def png_tile() -> bytes:
    """A plain grey 256×256 PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xcc" * 256 for _ in range(256))
    header = struct.pack(">IIBBBBB", 256, 256, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def tile_server():
    tile = png_tile()
    served = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            served.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png", served
    server.shutdown()
    server.server_close()


def watch_violations(page) -> list[str]:
    """Every CSP violation the page reports: Chromium's console message and the securitypolicyviolation event."""
    found = []
    page.on("console", lambda message: found.append(message.text) if "Content Security Policy" in message.text else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', "
                         "e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI))")
    return found


def open_map(page, url):
    page.goto(url)
    page.wait_for_selector("#incident-map[data-loaded]")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(400)


def test_map_draws_its_tiles_under_the_policy(live_server, transactional_db, browser, tile_server, settings):  # noqa: F811
    tiles, served = tile_server
    settings.MAP_TILE_URL = tiles
    settings.CONTENT_SECURITY_POLICY = content_security_policy(tiles)
    load_reference_article()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    violations = watch_violations(page)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_map(page, f"{live_server.url}/map/")
    assert page.locator("img.leaflet-tile-loaded").count() > 0, "the tiles are drawn"
    assert served, "the tile server was asked"
    assert page.locator("path.map-point, path.map-area, .map-cluster").count() > 0, "the incidents are drawn"
    incident = Incident.objects.published().exclude(latitude=None).first()
    page.goto(f"{live_server.url}{incident.get_absolute_url()}")
    page.wait_for_selector(".incident-minimap[data-loaded]")
    page.wait_for_load_state("networkidle")
    page.goto(f"{live_server.url}/ar/map/")
    page.wait_for_selector("#incident-map[data-loaded]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / "csp-map-with-tiles.png"))
    assert violations == [] and errors == []


def test_a_policy_without_the_tile_host_is_seen_to_block_the_tiles(live_server, transactional_db, browser, tile_server, settings):  # noqa: F811
    """The control: the same map with the tile host missing from img-src reports violations and draws no tile."""
    tiles, _served = tile_server
    settings.MAP_TILE_URL = tiles
    settings.CONTENT_SECURITY_POLICY = content_security_policy("")
    load_reference_article()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    violations = watch_violations(page)
    open_map(page, f"{live_server.url}/map/")
    assert page.locator("img.leaflet-tile-loaded").count() == 0
    assert any("img-src" in text for text in violations), violations


PUBLIC = ["/", "/incidents/", "/timeline/", "/belligerents/", "/conflicts/", "/sources/", "/methodology/", "/data/", "/ar/",
          "/ar/incidents/", "/api/v1/docs/", "/api/v1/incidents/", "/robots.txt"]
# Not /sitemap.xml: Chromium shows XML in a viewer of its own that styles itself inline (a violation that is the
# browser's, not the page's; the sitemap carries no script or style: tests/test_publication.py).


def test_public_pages_report_no_violation(live_server, transactional_db, browser, settings):  # noqa: F811
    settings.MAP_TILE_URL = ""
    load_reference_article()
    incident = Incident.objects.published().first()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    violations = watch_violations(page)
    for path in [*PUBLIC, incident.get_absolute_url(), "/ar" + incident.get_absolute_url()]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert violations == [], path
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=15000)
    page.screenshot(path=str(ARTIFACTS / "csp-api-docs.png"))
    assert violations == []


ADMIN = ["/admin/", "/admin/incidents/incident/", "/admin/incidents/incident/add/", "/admin/sources/report/add/", "/ar/admin/",
         "/admin/axes/accessattempt/", "/admin/otp_totp/totpdevice/add/", "/api/v1/?format=api", "/api/v1/incidents/?format=api"]


def admin_page(browser, live_server):  # noqa: F811
    get_user_model().objects.create_superuser("chief", "chief@example.org", "a long chief passphrase 9")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    violations = watch_violations(page)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "a long chief passphrase 9")
    page.locator("input[type=submit]").click()
    page.wait_for_load_state()
    return page, violations


def test_the_admin_and_browsable_api_report_no_violation_under_their_policy(live_server, transactional_db, browser):  # noqa: F811
    load_reference_article()
    page, violations = admin_page(browser, live_server)
    incident = Incident.objects.first()
    for path in [*ADMIN, f"/admin/incidents/incident/{incident.pk}/change/", f"/admin/incidents/incident/{incident.pk}/history/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert violations == [], path
    page.goto(f"{live_server.url}/admin/incidents/incident/{incident.pk}/change/")
    page.screenshot(path=str(ARTIFACTS / "csp-admin-change-form.png"))


def test_the_admin_needs_its_inline_styles(live_server, transactional_db, browser, monkeypatch):  # noqa: F811
    """Why the admin has its own policy: with the public one, its inline styles are refused."""
    monkeypatch.setattr(security, "RELAXED", {})
    load_reference_article()
    page, violations = admin_page(browser, live_server)
    page.goto(f"{live_server.url}/admin/incidents/incident/{Incident.objects.first().pk}/change/")
    page.wait_for_load_state("networkidle")
    assert any("style-src" in text for text in violations), violations
