"""An editor in headless Chromium picks an incident with the admin's chooser: the closest to the claim's date first, and
Enter pressed before the answer to the typed text has arrived picks nothing (it used to pick the first row of the stale list).

Drives Debian's /usr/bin/chromium through Playwright, like tests/test_browser.py.
"""

import datetime
import os

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from tests import factories
from tests.test_browser import ARGS, ARTIFACTS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install -y chromium)"),
]

CHOOSER = "#id_incident + .select2 .select2-selection"
SEARCH = ".select2-container--open .select2-search__field"
ROWS = ".select2-container--open .select2-results__option"


@pytest.fixture
def editor_page(live_server, transactional_db):
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    ARTIFACTS.mkdir(exist_ok=True)
    # A superuser: transactional tests flush the groups that a migration creates.
    get_user_model().objects.create_superuser("editor", "editor@example.org", "pw-editor-123")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "editor")
        page.fill("#id_password", "pw-editor-123")
        page.click("input[type=submit]")
        page.wait_for_load_state()
        yield page
        chromium.close()
        connections.close_all()


def answered(page):
    """Wait until the list answers the text typed ("Searching…" gone)."""
    page.wait_for_selector(f"{ROWS}.loading-results", state="detached")


def test_enter_while_searching_picks_nothing(live_server, editor_page):
    page = editor_page
    # Newer incidents fill the list the chooser opens with; the one wanted is older.
    for day in range(1, 6):
        factories.IncidentFactory(title=f"Newer strike {day}", date_start=datetime.date(2019, 1, day))
    wanted = factories.IncidentFactory(title="Zubair bakery strike", date_start=datetime.date(2017, 3, 17), locality="Zubair")

    page.goto(f"{live_server.url}/admin/incidents/casualtyfigure/add/")
    page.click(CHOOSER)
    page.wait_for_selector(f"{ROWS}:has-text('Newer strike 5')")  # the opening list, its first row highlighted
    page.type(SEARCH, "Zubair")
    page.keyboard.press("Enter")  # before the answer for "Zubair" has come back
    assert page.input_value("#id_incident") == ""

    answered(page)
    assert page.locator(ROWS).all_inner_texts() == [str(wanted)]
    page.screenshot(path=str(ARTIFACTS / "incident-chooser-answered.png"))
    page.keyboard.press("Enter")  # now the list answers the text: Enter picks its first row
    assert page.input_value("#id_incident") == str(wanted.pk)


def test_tab_while_searching_picks_nothing(live_server, editor_page):
    page = editor_page
    factories.IncidentFactory(title="Newer strike", date_start=datetime.date(2019, 1, 1))
    factories.IncidentFactory(title="Zubair bakery strike", date_start=datetime.date(2017, 3, 17))
    page.goto(f"{live_server.url}/admin/incidents/casualtyfigure/add/")
    page.click(CHOOSER)
    page.wait_for_selector(f"{ROWS}:has-text('Newer strike')")
    page.type(SEARCH, "Zub")
    page.keyboard.press("Tab")
    assert page.input_value("#id_incident") == ""


def test_chooser_ranks_by_the_date_typed_on_the_claim(live_server, editor_page):
    page = editor_page
    factories.IncidentFactory(title="Mosul strike newest", date_start=datetime.date(2019, 1, 1))
    factories.IncidentFactory(title="Mosul strike of March 2017", date_start=datetime.date(2017, 3, 17))
    factories.IncidentFactory(title="Mosul strike of 2016", date_start=datetime.date(2016, 1, 1))
    page.goto(f"{live_server.url}/admin/incidents/casualtyfigure/add/")
    page.fill("#id_stated_on", "2017-03-25")
    page.click(CHOOSER)
    page.type(SEARCH, "Mosul")
    answered(page)
    rows = page.locator(ROWS).all_inner_texts()
    assert [row.split(": ", 1)[1] for row in rows] == ["Mosul strike of March 2017", "Mosul strike of 2016", "Mosul strike newest"]
    page.screenshot(path=str(ARTIFACTS / "incident-chooser-ranked.png"))
