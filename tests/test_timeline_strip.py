"""The strip of months on /timeline/: each incident drawn across the days it may have happened on, a jump to any year."""

import datetime
import os
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from incidents import timeline_strip
from incidents.views import timeline as timeline_views
from tests.test_browser import ARTIFACTS, CHROMIUM, browser  # noqa: F401 (the browser fixture)
from tests.test_timeline_home import published

pytestmark = pytest.mark.django_db

TIMELINE = reverse("timeline")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def svg_rects(html: str, attribute: str, value: str) -> list[dict]:
    """The x/width/y of every `<rect>` in the strip whose `attribute` is `value`."""
    found = []
    for tag in re.findall(r"<rect [^>]*>", html):
        if f'{attribute}="{value}"' in tag:
            found.append(dict(re.findall(r'(\w+)="([^"]*)"', tag)))
    return found


def month_column(html: str, period: str) -> dict:
    [column] = svg_rects(html, "data-month", period)
    return column


def mark(html: str, code: str) -> list[dict]:
    return svg_rects(html, "data-incident", code)


@pytest.fixture
def world():
    return {
        "day": published(datetime.date(2017, 3, 17), reported=(83, 137), title="Mosul strike"),
        "month": published(datetime.date(2017, 3, 1), "month", end=datetime.date(2017, 3, 31), title="Mosque strike"),
        "feb": published(datetime.date(2017, 2, 1), "month", title="February strike"),
        "year": published(datetime.date(2017, 1, 1), "year", end=datetime.date(2017, 12, 31), title="Undated strike"),
        "week": published(datetime.date(2017, 1, 29), "week", title="Yakla raid"),
        "old": published(datetime.date(2015, 6, 2), title="Old strike"),
    }


def test_month_precision_spans_its_whole_month_never_its_first_day(client, world):
    html = client.get(TIMELINE).content.decode()
    march = month_column(html, "2017-03")
    [drawn] = mark(html, world["month"].code)
    assert (drawn["x"], drawn["width"]) == (march["x"], march["width"])
    [february] = mark(html, world["feb"].code)
    assert (february["x"], february["width"]) == (month_column(html, "2017-02")["x"], month_column(html, "2017-02")["width"])


def test_year_precision_spans_its_whole_year(client, world):
    html = client.get(TIMELINE).content.decode()
    [drawn] = mark(html, world["year"].code)
    december, january = month_column(html, "2017-12"), month_column(html, "2017-01")
    assert float(drawn["x"]) == float(december["x"]) == 0
    assert float(drawn["x"]) + float(drawn["width"]) == pytest.approx(float(january["x"]) + float(january["width"]))
    assert float(drawn["width"]) == timeline_strip.ROW_WIDTH


def test_day_precision_at_its_day_newest_first(client, world):
    html = client.get(TIMELINE).content.decode()
    march = month_column(html, "2017-03")
    [drawn] = mark(html, world["day"].code)
    day = timeline_strip.MONTH_WIDTH / 31
    # March runs from its 31st at the month's start to its 1st at its end: the 17th is the 15th day slot.
    assert float(drawn["x"]) == pytest.approx(float(march["x"]) + (31 - 17) * day, abs=1e-3)
    assert float(drawn["width"]) == pytest.approx(day, abs=1e-3)


def test_week_without_an_end_spans_seven_days_across_the_month_end(client, world):
    html = client.get(TIMELINE).content.decode()
    [drawn] = mark(html, world["week"].code)
    february, january = month_column(html, "2017-02"), month_column(html, "2017-01")
    # 29 January to 4 February: from February's 4th to January's 29th.
    assert float(drawn["x"]) == pytest.approx(float(february["x"]) + (28 - 4) * timeline_strip.MONTH_WIDTH / 28, abs=1e-3)
    end = float(january["x"]) + (31 - 29 + 1) * timeline_strip.MONTH_WIDTH / 31
    assert float(drawn["x"]) + float(drawn["width"]) == pytest.approx(end, abs=1e-3)


def test_marks_are_links_with_accessible_names_and_months_carry_counts(client, world):
    html = client.get(TIMELINE).content.decode()
    incident = world["day"]
    assert re.search(rf'<a href="{incident.get_absolute_url()}" aria-label="{incident.code}: Mosul strike, 17 March 2017">', html)
    assert "March 2017: 2 incidents" in html
    assert "style=" not in html[html.index('class="strip"'):html.index("strip-jump")]


def test_spans_of_a_range_crossing_the_year_are_split_per_row():
    first, last = datetime.date(2016, 12, 30), datetime.date(2017, 1, 2)
    assert timeline_strip.span_on_row(first, last, 2017) == timeline_strip.span_on_row(datetime.date(2017, 1, 1), last, 2017)
    x, width = timeline_strip.span_on_row(first, last, 2016)
    assert x == 0 and width == pytest.approx(2 * timeline_strip.MONTH_WIDTH / 31)
    assert timeline_strip.span_on_row(first, last, 2018) is None


def test_overlapping_marks_take_separate_lanes():
    assert timeline_strip.into_lanes([(0, 720), (0, 60), (60, 60), (30, 10)]) == [0, 1, 1, 2]


@pytest.mark.parametrize("year, first", [(2017, "2017-03"), (2016, "2015-06"), (2015, "2015-06")])
def test_year_jump_goes_to_the_page_that_opens_with_that_year(client, world, monkeypatch, year, first):
    monkeypatch.setattr(timeline_views, "PERIODS_PER_PAGE", 1)
    response = client.get(TIMELINE, {"year": year, "country": "IQ"})
    assert response.status_code == 302
    assert "country=IQ" in response["Location"] and "year=" not in response["Location"]
    page = client.get(response["Location"])
    assert page.context["sections"][0]["period"].encode() == first
    # the jump list's link to that year is the same address
    assert f'href="?{response["Location"].split("?", 1)[1]}"'.replace("&", "&amp;") in client.get(TIMELINE, {"country": "IQ"}).content.decode()


def test_year_jump_replaces_the_page_cursor_and_a_bad_year_is_dropped(client, world, monkeypatch):
    monkeypatch.setattr(timeline_views, "PERIODS_PER_PAGE", 1)
    response = client.get(TIMELINE, {"after": "2015-06", "year": "2017"})
    assert "after=" not in response["Location"]
    assert client.get(response["Location"]).context["sections"][0]["period"].encode() == "2017-03"
    bad = client.get(TIMELINE, {"year": "twenty", "country": "IQ"})
    assert bad.status_code == 302 and bad["Location"] == f"{TIMELINE}?country=IQ"


def test_jump_form_keeps_the_filters(client, world):
    html = client.get(TIMELINE, {"country": "IQ"}).content.decode()
    form = html[html.index('class="strip-jump-form"'):]
    assert '<input type="hidden" name="country" value="IQ">' in form
    assert '<option value="2015">2015</option>' in form and '<option value="2017">2017</option>' in form


def test_months_on_other_pages_are_counted_and_linked(client, world, monkeypatch):
    monkeypatch.setattr(timeline_views, "PERIODS_PER_PAGE", 1)
    response = client.get(TIMELINE)
    months = {month["period"].encode(): month for row in response.context["strip"]["rows"] for month in row["months"]}
    assert months["2017-03"]["count"] == 2 and months["2017-03"]["href"] == "#period-2017-03"
    assert months["2017-02"]["count"] == 1 and months["2017-02"]["href"] == "?before=2017-03"
    [row] = response.context["strip"]["rows"]
    assert row["year_only"] == 1 and row["year_only_href"] == "?before=2017-01"


@pytest.mark.parametrize("per_month", [1, 12])
def test_strip_query_count_does_not_grow_with_the_incidents(client, django_assert_max_num_queries, per_month):
    for year in (2015, 2016, 2017):
        for month in range(1, 13):
            for n in range(per_month):
                published(datetime.date(year, month, 1 + n))
    # The page's own reads (see test_timeline_home), then the strip: one grouped count, two reads of the date index.
    with django_assert_max_num_queries(13 + 2 * 12 + 3):
        response = client.get(TIMELINE)
    marks = sum(len(row["marks"]) for row in response.context["strip"]["rows"])
    assert marks == sum(len(section["incidents"]) for section in response.context["sections"])


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed (apt-get install -y chromium)")
@pytest.mark.parametrize("width", [1280, 390])
def test_strip_in_a_browser(live_server, transactional_db, browser, width):  # noqa: F811
    for month in range(1, 13):
        for day in range(1, 1 + month % 5 * 3, 3):
            published(datetime.date(2017, month, day), title=f"Strike of {day} {month}")
    published(datetime.date(2017, 5, 1), "month", title="A May strike")
    published(datetime.date(2017, 1, 1), "year", title="A 2017 strike")
    published(datetime.date(2017, 8, 10), "week", title="A week of August")
    published(datetime.date(2016, 11, 3), title="An older strike")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{live_server.url}{TIMELINE}")
    strip = page.locator("section.strip")
    assert strip.locator("svg a").count() == page.locator("ol.timeline li").count()
    top, bottom = strip.bounding_box(), page.locator(".strip-jump").bounding_box()
    region = {"x": 0, "y": top["y"] - 60, "width": width, "height": bottom["y"] + bottom["height"] - top["y"] + 80}
    page.screenshot(path=str(ARTIFACTS / f"timeline-strip-{width}.png"), full_page=True, clip=region)
    page.locator(".strip-jump a", has_text="2016").click()
    page.wait_for_load_state()
    assert page.locator("main h2", has_text="November 2016").count() == 1
