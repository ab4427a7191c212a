"""A visitor in headless Chromium: filters the list, opens Mosul al-Jadida, reads its figures and timeline.

Drives Debian's /usr/bin/chromium through Playwright (never Playwright's own browser download).
Screenshots are saved under test-artifacts/ for people to look at.
"""

import os
from pathlib import Path

import pytest
from django.db import connections

from incidents.demo import load_reference_article
from incidents.models import Incident

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install -y chromium)"),
]


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls are in another.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()
        # The test's ORM calls ran beside Playwright's event loop, on connections of their own: close them, or
        # PostgreSQL cannot drop the test database at the end ("being accessed by other users").
        connections.close_all()


@pytest.mark.parametrize("width", [1280, 390])
def test_visitor_filters_and_reads_mosul(live_server, transactional_db, browser, width):
    load_reference_article()
    mosul = Incident.objects.get(external_ids__identifier="238475")
    page = browser.new_page(viewport={"width": width, "height": 900})

    page.goto(f"{live_server.url}/incidents/")
    if not page.locator("#id_q").is_visible():  # on a phone the filters wait behind their button
        page.locator("details.filters-panel > summary").click()
    page.fill("#id_q", "Mosul al-Jadida")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "Mosul" in page.url or "q=Mosul" in page.url
    rows = page.locator("main").inner_text()
    assert mosul.code in rows
    assert "Navy SEAL raid" not in rows
    page.screenshot(path=str(ARTIFACTS / f"incident-list-filtered-{width}.png"), full_page=True)

    page.locator(f"a[href$='/incidents/{mosul.code}/']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/incidents/{mosul.code}/")
    text = page.locator("main").inner_text()
    assert "83–137" in text
    assert "killed 137 civilians" in text
    assert "more than 100 people were killed" in text
    assert "at the location corresponding to allegations" in text
    timeline = page.locator("ol.timeline").first.inner_text()
    assert timeline.index("17 March 2017") < timeline.index("25 March 2017")
    page.screenshot(path=str(ARTIFACTS / f"incident-mosul-{width}.png"), full_page=True)
