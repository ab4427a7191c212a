"""Property-based tests (Hypothesis): hostile query strings on every public list, filter, export, feed and API list.

Whatever the query string — unicode digits (², ٣), 4,000-digit numbers, empty or repeated parameters, control
characters, very long text, impossible dates, made-up cursors — a public address answers below 500, and what it
shows is published only (the world's draft never appears). The parameter names are IncidentFilter's own, so a
new filter is fuzzed the day it is added. Bounded by the Hypothesis profile in tests/conftest.py
(`HYPOTHESIS_PROFILE=long` for a longer run).
"""

from urllib.parse import urlencode

import pytest
from hypothesis import Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from incidents.filters import IncidentFilter
from tests.fuzzworld import DRAFT_TITLE, build_fuzz_world

pytestmark = pytest.mark.django_db

# Pages people read, in English and under /ar/ in Arabic; each takes the list's filters.
PAGES = ["/incidents/", "/timeline/", "/map/", "/map/data.json", "/charts/monthly.json", "/charts/monthly.csv",
         "/sources/", "/belligerents/", "/conflicts/"]
PAGES_BOTH_LANGUAGES = [*PAGES, *(f"/ar{path}" for path in PAGES)]
# Language-neutral data: exports, feeds and the API's lists.
DATA = ["/incidents/export.csv", "/incidents/export-hxl.csv", "/incidents/claims.csv", "/incidents/export.json",
        "/incidents/export.geojson", "/feeds/incidents/new.atom", "/feeds/incidents/new.rss", "/feeds/incidents/updated.atom",
        "/feeds/incidents/updated.rss", "/api/v1/incidents/", "/api/v1/incidents/totals/", "/api/v1/reports/",
        "/api/v1/sources/", "/api/v1/actors/", "/api/v1/conflicts/"]
EVERY_ADDRESS = [*PAGES_BOTH_LANGUAGES, *DATA]

# The filters' own names, and the other words the lists read (sorts and searches of the index pages, a download's BOM).
FILTER_NAMES = [*IncidentFilter.base_filters, "year", "bom", "format", "lang"]
# Numbers and positions in lists: the `hostile` branch routes them through one parser that answers 400 (issue 14).
PAGING_NAMES = ["page", "page_size", "after", "before", "start", "zoom", "bbox"]

HOSTILE = [
    "", " ", "²", "³", "٣", "۳", "१२", "½", "0", "-1", "1e3", "1.5", "9" * 4000, "2147483648", "-9223372036854775809",
    "\x00", "\x1f", "\r\n", "\u202e", "\ufeff", "%00", "ﬀ", "' OR 1=1 --", "<script>x</script>", "a" * 5000,
    "2017-02-30", "2017-13-01", "0000-00-00", "99999-01-01", "17/03/2017", "17 March 2017", "2017-01-01~²", "~", "none~1",
    "x~0", "2017-01-01~" + "9" * 30, "2017-01-01T25:00:00Z~1", "1,2,3", "-180,-90,180,90", "nan,nan,nan,nan",
]
# Values the filters know, so that the fuzzing also reaches the code behind a valid filter.
KNOWN = ["yes", "no", "SY", "iq", "airstrike", "fair", "denies", "relevance", "-date", "reported", "war", "coalition", "member",
         "outlet", "strike", "Public", "2017-01-01", "2017-12-31", "100"]

values = st.one_of(
    st.sampled_from(HOSTILE), st.sampled_from(KNOWN), st.text(max_size=30), st.integers().map(str),
    st.from_regex(r"\A\d{1,5}-\d{1,2}-\d{1,2}(~\d{1,20})?\Z"),
)


def queries(names: list[str]):
    """Query strings as lists of (name, value): names may repeat (`?country=IQ&country=²`) or be absent."""
    return st.lists(st.tuples(st.sampled_from(names), values), max_size=8)


def fetch(client, path: str, pairs) -> None:
    """Ask for the address with this query string: no server error, and a draft never shown."""
    url = f"{path}?{urlencode(pairs)}" if pairs else path
    response = client.get(url)
    assert response.status_code < 500, url[:300]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code == 200:
        assert DRAFT_TITLE.encode() not in body, url[:300]


@pytest.fixture
def world(db):
    return build_fuzz_world()


EXAMPLES = hypothesis_settings.default.max_examples


@pytest.mark.parametrize("addresses", [PAGES_BOTH_LANGUAGES, DATA], ids=["pages", "data"])
def test_hostile_filters_never_give_a_server_error(client, world, addresses):
    @hypothesis_settings(max_examples=EXAMPLES * 4)
    @given(path=st.sampled_from(addresses), pairs=queries(FILTER_NAMES))
    def property(path, pairs):
        fetch(client, path, pairs)

    property()


# Every address with every filter at once, each given a hostile value, the numbers repeated: a fixed sweep.
FILTERS_AT_ONCE = [(name, value) for name in FILTER_NAMES for value in ("²", "\x00", "a" * 300, "")]


def test_every_filter_at_once_never_gives_a_server_error(client, world):
    for path in EVERY_ADDRESS:
        fetch(client, path, FILTERS_AT_ONCE)


def test_hostile_paging_never_gives_a_server_error(client, world):
    @hypothesis_settings(max_examples=EXAMPLES * 2, phases=[Phase.explicit, Phase.generate])
    @given(path=st.sampled_from(EVERY_ADDRESS), pairs=queries(PAGING_NAMES + FILTER_NAMES[:3]))
    def property(path, pairs):
        fetch(client, path, pairs)

    property()


# Found by the property above (Pagination.get_page_size read int() of any "digit"); now read by incidents.params.
KNOWN_PAGING_FAILURES = [
    "/api/v1/incidents/?page_size=²",
    "/api/v1/reports/?page_size=" + "9" * 5000,
]


@pytest.mark.parametrize("url", KNOWN_PAGING_FAILURES)
def test_known_paging_failures(client, world, url):
    path, _, query = url.partition("?")
    fetch(client, path, [tuple(query.split("=", 1))])
