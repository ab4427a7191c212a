"""A reader of Arabic in headless Chromium: the home page and Mosul al-Jadida, right to left, at desktop and phone width.

Screenshots are saved under test-artifacts/ (arabic-*.png) for people to look at.
"""

import pytest

from incidents.demo import load_reference_article
from incidents.models import Incident
from tests.test_browser import ARTIFACTS, browser, pytestmark  # noqa: F401 (the fixture and the markers)


@pytest.mark.parametrize("width", [1280, 390])
def test_arabic_reader_opens_home_and_mosul(live_server, transactional_db, browser, width):  # noqa: F811
    load_reference_article()
    mosul = Incident.objects.get(external_ids__identifier="238475")
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="ar")

    page.goto(f"{live_server.url}/ar/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    header = page.locator("header").inner_text()
    assert "الحوادث" in header and "English" in header
    main = page.locator("main").inner_text()
    assert "غارة جوية على حي الموصل الجديدة" in main
    # Right to left: the brand sits at the right edge, the search box's label starts there too.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] + brand["width"] > width * 0.6
    page.screenshot(path=str(ARTIFACTS / f"arabic-home-{width}.png"), full_page=True)

    page.goto(f"{live_server.url}/ar/incidents/{mosul.code}/")
    assert page.locator("h1").inner_text().startswith("غارة جوية على حي الموصل الجديدة")
    text = page.locator("main").inner_text()
    assert "83–137" in text  # the range reads low to high inside Arabic text
    assert "القوات الأمريكية" in text
    page.screenshot(path=str(ARTIFACTS / f"arabic-incident-mosul-{width}.png"), full_page=True)

    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/incidents/{mosul.code}/") and "/ar/" not in page.url
    assert page.locator("html").get_attribute("dir") == "ltr"
