"""A reader in headless Chromium looks at the month-by-month charts: drawn from the JSON, with the expected months,
and the same numbers as the table under them and the totals at the top of the page.

Drives Debian's /usr/bin/chromium through Playwright (tests/test_browser.py); screenshots go to test-artifacts/.
"""

import datetime
import os
import re

import pytest

from tests import factories
from tests.test_browser import ARTIFACTS, CHROMIUM, browser  # noqa: F401 (the fixture)
from tests.test_charts import concede, incident

D = datetime.date

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install -y chromium)"),
]


def build():
    """Fourteen months (January 2016 to February 2017), an open top in March 2016, a year-only incident in 2016."""
    a = factories.ActorFactory(name="Force Alpha", slug="force-alpha")
    conflict = factories.ConflictFactory(name="Campaign Zeta", slug="campaign-zeta")
    incident(D(2016, 1, 10), claims=[(10, 10), (20, 20)], actor=a, grade="confirmed", conflict=conflict)
    answered = incident(D(2016, 1, 25), claims=[(5, 5)], actor=a, grade="fair", conflict=conflict)
    concede(answered, a, D(2016, 2, 1), 3)
    incident(D(2016, 3, 1), claims=[(101, None)], actor=a, grade="weak", conflict=conflict)
    incident(D(2016, 8, 8), claims=[(30, 45)], actor=a, grade="weak", conflict=conflict)
    incident(D(2016, 1, 1), claims=[(7, 7)], actor=a, precision="year", grade="contested")
    incident(D(2017, 2, 1), claims=[(4, 4)], actor=a, conflict=conflict)
    incident(D(2016, 1, 12), claims=[(999, 999)], actor=a, status="draft")


def chart(page, kind: str) -> dict:
    """What Chart.js holds for the chart of that kind: its labels and each dataset's label and values."""
    return page.evaluate(
        """kind => {
            const chart = Chart.getChart(document.querySelector(`figure[data-chart="${kind}"] canvas`));
            return {labels: chart.data.labels, datasets: chart.data.datasets.map(d => ({label: d.label, data: d.data}))};
        }""",
        kind,
    )


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def wait_for_charts(page, count: int) -> None:
    # A function, not an expression: Playwright would eval() an expression inside the page, which the site's CSP forbids.
    page.wait_for_function(f"() => document.querySelectorAll('figure.chart.chart-drawn').length === {count}", timeout=15000)


@pytest.mark.parametrize("width", [1280, 390])
def test_charts_draw_the_months_and_agree_with_the_tables_and_totals(live_server, transactional_db, browser, width):  # noqa: F811
    build()
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/")
    wait_for_charts(page, 2)
    killed = chart(page, "killed")
    assert len(killed["labels"]) == 14 and killed["labels"][0] == "Jan 2016" and killed["labels"][-1] == "Feb 2017"
    high, low = killed["datasets"][0]["data"], killed["datasets"][1]["data"]
    assert (low[0], high[0]) == (15, 25) and (low[7], high[7]) == (30, 45) and (low[1], high[1]) == (0, 0)
    opened = next(d for d in killed["datasets"] if d["label"].startswith("Reported: at least"))
    assert opened["data"][2] == 101 and high[2] == 101  # March 2016: no upper bound, marked, the band stops at 101
    grades = chart(page, "grades")
    assert len(grades["datasets"]) == 6 and [sum(values) for values in zip(*(d["data"] for d in grades["datasets"]), strict=True)][:3] == [2, 0, 1]

    # The table under the chart, and the page's totals: the months plus the year-only row are the total.
    page.locator("figure[data-chart=killed] details summary").click()
    table = page.locator("figure[data-chart=killed] table")
    year_only = table.locator("tr.year-only td").nth(1).inner_text()
    total = table.locator("tfoot [data-total=reported]").inner_text()
    assert year_only == "7" and total == "at least 157"
    assert sum(value for value in low if value) + number(year_only) == number(total)
    assert page.locator(".totals-block .totals li").nth(1).locator(".value").inner_text() == total
    assert number(table.locator("tfoot [data-total=incidents]").inner_text()) == number(
        page.locator(".totals-block .totals li").first.locator(".value").inner_text()) == 6
    assert "Not drawn: incidents known only to the year" in page.locator("figure[data-chart=killed]").inner_text()
    page.locator("section.charts").screenshot(path=str(ARTIFACTS / f"charts-home-{width}.png"))

    page.goto(f"{live_server.url}/timeline/?grade=weak")
    wait_for_charts(page, 2)
    assert chart(page, "killed")["labels"] == ["Mar 2016", "Apr 2016", "May 2016", "Jun 2016", "Jul 2016", "Aug 2016"]
    assert page.locator("figure[data-chart=killed] a", has_text="CSV").get_attribute("href") == "/charts/monthly.csv?grade=weak"

    page.goto(f"{live_server.url}/belligerents/force-alpha/")
    wait_for_charts(page, 4)
    share = chart(page, "share")
    assert share["datasets"][0]["data"][0] == 50  # January 2016: it answered one of two
    gap = chart(page, "gap")
    assert gap["datasets"][2]["label"] == "Conceded by Force Alpha" and gap["datasets"][2]["data"][0] == 3
    page.locator("section.charts").screenshot(path=str(ARTIFACTS / f"charts-belligerent-{width}.png"))
    assert not errors


def test_without_javascript_the_tables_and_csv_are_the_charts(live_server, transactional_db, browser):  # noqa: F811
    build()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    figure = page.locator("figure[data-chart=killed]")
    assert not figure.locator(".chart-box").is_visible()  # no empty canvas
    assert figure.locator("a", has_text="CSV").is_visible()
    figure.locator("details summary").click()
    assert figure.locator("tfoot [data-total=reported]").inner_text() == "at least 157"
    page.locator("section.charts").screenshot(path=str(ARTIFACTS / "charts-home-no-javascript-390.png"))
    context.close()
