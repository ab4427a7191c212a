"""/incidents/ on a phone in headless Chromium: the first result is on the first screen, the filters open from their button,
and sending the form puts only the filters in use in the address.

Drives Debian's /usr/bin/chromium through Playwright (never Playwright's own browser download); skipped without it.
"""

import datetime
import os

import pytest

from tests import factories
from tests.test_browser import ARTIFACTS, CHROMIUM, browser  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install -y chromium)"),
]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def listed(transactional_db):
    """Sixty published incidents with figures, so the totals, their note and a full page are all drawn."""
    incidents = []
    for n in range(60):
        incident = factories.IncidentFactory(status="published", title=f"Airstrike: Government of Iraq vs IS {n}",
                                             date_start=datetime.date(2017, 1, 1) + datetime.timedelta(days=n))
        factories.FigureFactory(incident=incident, count_min=3 + n, count_max=5 + n)
        incidents.append(incident)
    return incidents


def test_first_result_row_is_on_the_first_phone_screen(live_server, browser, listed):  # noqa: F811
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/incidents/")
    first_row = page.locator("table.incidents tbody tr").first
    box = first_row.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + 40 <= PHONE["height"], box  # its title line at least, without scrolling
    assert page.evaluate("window.scrollY") == 0
    link = first_row.locator("a.row-title")
    assert link.is_visible() and link.bounding_box()["y"] + link.bounding_box()["height"] <= PHONE["height"]
    assert not page.locator("#id_q").is_visible()  # the filters wait behind their button
    page.screenshot(path=str(ARTIFACTS / "incident-list-phone-first-screen.png"))


def test_filters_open_from_their_button_and_send_only_what_is_in_use(live_server, browser, listed):  # noqa: F811
    page = browser.new_page(viewport=PHONE)
    page.goto(f"{live_server.url}/incidents/?country=IQ")
    summary = page.locator("details.filters-panel > summary")
    assert summary.inner_text().strip().endswith("Filters (1 in use)")
    summary.click()
    assert page.locator("#id_q").is_visible()
    page.fill("#id_date_from", "17/01/2017")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.url.endswith("/incidents/?date_from=17%2F01%2F2017&country=IQ"), page.url
    assert page.locator("#id_date_from").input_value() == "17 January 2017"


def test_filters_are_open_on_a_wide_screen(live_server, browser, listed):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/incidents/")
    assert page.locator("#id_q").is_visible()


def test_a_search_sent_from_the_form_keeps_a_chosen_sort_and_leaves_out_the_default(live_server, browser, listed):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/incidents/")
    page.fill("#id_q", "airstrike")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.url.endswith("/incidents/?q=airstrike"), page.url  # best match first: the default, left out
    assert page.locator("#id_sort").input_value() == "relevance"
    page.select_option("#id_sort", "-date")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert page.url.endswith("/incidents/?q=airstrike&sort=-date"), page.url  # chosen, so kept
